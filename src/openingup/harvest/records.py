"""One remote item through validate → import, kept as a HarvestRecord (the pipeline's per-item step).

Guarantees: each dataset is imported whole or not at all (the importer's savepoint, with the record's
own row in the same transaction); an item whose content hash equals the last imported one, and whose
dataset is still published, is not written again; a dataset the catalogue has from elsewhere (same URI,
not harvested from this source) is never overwritten.

The pipeline hands :func:`process` a :class:`Known` per page: what the page's items need from the
database (their records, which of their URIs are taken, which datasets are live) read in three queries
for the whole page, and the records to write kept until the page ends, then written in one statement,
in the page's transaction. Without one, each item reads and writes for itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from openingup.catalogue import services as catalogue
from openingup.catalogue.importer import import_records
from openingup.catalogue.models import Dataset, Status
from openingup.core.errors import InvalidInput
from openingup.exchange.dcat.parser import ParseResult
from openingup.harvest.harvesters.base import Item
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource
from openingup.organisations import permissions
from openingup.organisations.models import Organisation
from openingup.organisations.queries import organisation_for_agent

ACTIVE = (HarvestRecord.Status.CREATED, HarvestRecord.Status.UPDATED, HarvestRecord.Status.UNCHANGED)


def _canonical(value: Any) -> Any:
    """Lists sorted: blank nodes (distributions, contact points) come out of RDF in no fixed order."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def content_hash(record: dict[str, Any]) -> str:
    """A stable hash of what would be imported: equal hashes mean nothing changed at the source."""
    canonical = _canonical(record)
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Known:
    """One page's lookups, read once, and its record writes, made once (see the module's docstring)."""

    source: HarvestSource
    records: dict[str, HarvestRecord]
    taken: dict[str, Any]
    live: set[Any]
    pending: dict[str, HarvestRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, source: HarvestSource, items: list[Item]) -> Known:
        ids = [item.remote_id[:500] for item in items]
        records = {r.remote_id: r for r in HarvestRecord.objects.filter(source=source, remote_id__in=ids)}
        uris = [item.record["uri"] for item in items if item.record and item.record.get("uri")]
        taken = dict(Dataset.objects.filter(uri__in=uris).values_list("uri", "pk")) if uris else {}
        linked = [r.dataset_id for r in records.values() if r.dataset_id]
        live = set(
            Dataset.objects.filter(pk__in=linked, status=Status.PUBLISHED).values_list("pk", flat=True)
        )
        return cls(source, records, taken, live)

    def flush(self) -> None:
        """Write the page's records: one insert, updating those the source had already."""
        if self.pending:
            HarvestRecord.objects.bulk_create(
                self.pending.values(),
                update_conflicts=True,
                unique_fields=["source", "remote_id"],
                update_fields=[*RECORD_FIELDS, "updated_at"],
            )
            self.pending.clear()


RECORD_FIELDS = ("remote_url", "dataset_id", "content_hash", "status", "errors", "warnings", "last_job")


@dataclass
class Outcome:
    status: str
    reason: str = ""
    dataset_id: Any = None
    warnings: list[str] = field(default_factory=list)


def _publisher_problem(source: HarvestSource, record: dict[str, Any]) -> str:
    """Why the source may not publish for the organisation the record names ('' when it may)."""
    agent = record.get("publisher") or {}
    if not agent or source.created_by is None:
        return ""
    names = {k or "en": v for k, v in (agent.get("name") or {}).items()}
    found = organisation_for_agent(agent.get("uri", ""), names)
    if found is None or found.kind == Organisation.Kind.EXTERNAL:
        return ""
    if found == source.organisation or permissions.can_create_dataset(source.created_by, found):
        return ""
    name = found.display_name("en")
    return f"its publisher is {name}, an organisation of this site this source may not publish for"


def _validate(
    source: HarvestSource, record: dict[str, Any], existing: HarvestRecord | None, known: Known | None
) -> str:
    uri = record.get("uri") or ""
    if not record.get("title") or not any(str(v).strip() for v in record["title"].values()):
        return "the dataset has no title (dct:title), which DCAT-AP requires"
    if known is not None:
        taken = known.taken.get(uri)
    else:
        taken = Dataset.objects.filter(uri=uri).values_list("pk", flat=True).first()
    if taken is not None and (existing is None or existing.dataset_id != taken):
        return (
            f"a dataset with the URI {uri} is already in the catalogue and was not harvested from this "
            "source; it is left alone"
        )
    return _publisher_problem(source, record)


def _live(dataset_id: Any, known: Known | None) -> bool:
    if known is not None:
        return dataset_id in known.live
    return bool(dataset_id) and Dataset.objects.filter(pk=dataset_id, status=Status.PUBLISHED).exists()


def _import(source: HarvestSource, item: Item, existing: HarvestRecord | None) -> Outcome:
    record = item.record or {}
    uri = record["uri"]
    report = import_records(
        actor=None, result=ParseResult(datasets=[record]), organisation=source.organisation
    )
    warnings = list(item.warnings) + list(report.warnings.get(uri, []))
    if report.failed:
        return Outcome(
            HarvestRecord.Status.FAILED, report.failed[0][1], existing.dataset_id if existing else None
        )
    dataset = report.datasets.get(uri) or Dataset.objects.get(uri=uri)
    if dataset.status == Status.ARCHIVED:
        try:
            catalogue.publish_dataset(actor=None, dataset=dataset)
        except InvalidInput as exc:
            warnings.append(f"the dataset is back at the source but stays archived here: {exc}")
    status = HarvestRecord.Status.CREATED if report.created else HarvestRecord.Status.UPDATED
    return Outcome(status, dataset_id=dataset.pk, warnings=warnings)


def process(source: HarvestSource, job: HarvestJob, item: Item, known: Known | None = None) -> Outcome:
    """Validate and import one item, and keep its record; returns what happened to it."""
    remote_id = item.remote_id[:500]
    if known is not None:
        existing = known.records.get(remote_id)
    else:
        existing = HarvestRecord.objects.filter(source=source, remote_id=remote_id).first()
    digest = content_hash(item.record) if item.record is not None else ""
    if (
        item.record is not None
        and existing is not None
        and existing.content_hash == digest
        and existing.status in ACTIVE
        and _live(existing.dataset_id, known)
    ):
        return Outcome(HarvestRecord.Status.UNCHANGED, dataset_id=existing.dataset_id)
    problem = item.problem or (
        _validate(source, item.record, existing, known) if item.record is not None else "no record"
    )
    if problem:
        outcome = Outcome(HarvestRecord.Status.FAILED, problem, existing.dataset_id if existing else None)
        keep(source, job, item, outcome, digest, known)
        return outcome
    # With ``known`` the pipeline holds a savepoint per item already, and the record is written later.
    with transaction.atomic(savepoint=known is None):
        outcome = _import(source, item, existing)
        keep(source, job, item, outcome, digest, known)
    if known is not None and item.record is not None and outcome.dataset_id:
        known.taken[item.record["uri"]] = outcome.dataset_id  # a later item of the page with the same URI
    return outcome


def keep(
    source: HarvestSource,
    job: HarvestJob,
    item: Item,
    outcome: Outcome,
    digest: str = "",
    known: Known | None = None,
) -> None:
    """Write the item's record with what happened to it in this job (at the page's end, given ``known``)."""
    remote_id = item.remote_id[:500]
    values = {
        "remote_url": item.remote_url[:2000],
        "dataset_id": outcome.dataset_id,
        # A failed item keeps no hash, so the next harvest tries it again.
        "content_hash": digest if outcome.status != HarvestRecord.Status.FAILED else "",
        "status": outcome.status,
        "errors": [outcome.reason] if outcome.reason else [],
        "warnings": outcome.warnings[:50],
        "last_job": job,
    }
    if known is None:
        HarvestRecord.objects.update_or_create(source=source, remote_id=remote_id, defaults=values)
    else:
        known.pending[remote_id] = HarvestRecord(source=source, remote_id=remote_id, **values)


def fail(source: HarvestSource, job: HarvestJob, item: Item, reason: str) -> Outcome:
    """Keep an item as failed for a reason found outside :func:`process`; its dataset link stays."""
    remote_id = item.remote_id[:500]
    found = HarvestRecord.objects.filter(source=source, remote_id=remote_id).values_list(
        "dataset_id", flat=True
    )
    outcome = Outcome(HarvestRecord.Status.FAILED, reason, found.first())
    keep(source, job, item, outcome)
    return outcome


def withdraw(record: HarvestRecord, job: HarvestJob) -> bool:
    """Archive the dataset of an item gone from the source; True when a dataset was withdrawn."""
    with transaction.atomic():
        dataset = Dataset.objects.filter(pk=record.dataset_id).first() if record.dataset_id else None
        if dataset is not None and dataset.status != Status.ARCHIVED:
            catalogue.archive_dataset(actor=None, dataset=dataset)
        record.status = HarvestRecord.Status.WITHDRAWN
        record.content_hash = ""
        record.last_job = job
        record.save(update_fields=["status", "content_hash", "last_job", "updated_at"])
    return dataset is not None
