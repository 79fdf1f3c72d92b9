"""Import DCAT-AP 2.x/3.x RDF into the catalogue: every dataset whole, or not at all with a reason.

With an ``actor`` (a person, as in imports started from the web), every dataset is written as that
person: a dataset whose publisher they may not edit for fails with the reason, and nothing else changes.

Contract: a document that does not parse changes nothing (RdfError). Otherwise each dataset is
written in its own savepoint: it is created or updated with all its distributions, or it is left
exactly as it was and the report names why. Datasets keep their original URIs, so importing the
same document again updates instead of duplicating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from openingup.catalogue import services
from openingup.catalogue.models import Dataset, Status
from openingup.core.errors import PermissionDenied, ServiceError
from openingup.exchange.dcat.parser import ParseResult, parse
from openingup.organisations import permissions
from openingup.organisations.models import Organisation
from openingup.organisations.queries import organisation_for_agent
from openingup.organisations.services import record_external_publisher


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)  # what was written, by URI (or slug)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "failed": [{"uri": u, "reason": r} for u, r in self.failed],
            "warnings": self.warnings,
        }

    def in_plain_words(self) -> str:
        lines = [f"{len(self.created)} created, {len(self.updated)} updated, {len(self.failed)} failed."]
        lines += [f"  failed {uri}: {reason}" for uri, reason in self.failed]
        for uri, messages in self.warnings.items():
            lines += [f"  warning {uri}: {m}" for m in messages]
        return "\n".join(lines)


def _publisher(record: dict[str, Any] | None, default: Organisation | None) -> Organisation | None:
    """The organisation behind a DCAT agent: matched by URI (or name), else recorded as external."""
    if not record:
        return default
    uri = record.get("uri", "")
    names = {k or "en": v for k, v in (record.get("name") or {}).items()}
    found = organisation_for_agent(uri, names)
    if found or not names:
        return found or default
    return record_external_publisher(name=names, uri=uri, publisher_type=record.get("type", ""))


def _import_dataset(
    actor: Any, record: dict[str, Any], organisation: Organisation | None, report: ImportReport
) -> None:
    uri = record.get("uri") or ""
    publisher = _publisher(record.get("publisher"), organisation)
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        name = publisher.display_name("en") if publisher else "none"
        raise PermissionDenied(f"its publisher ({name}) is not an organisation you may edit datasets for")
    data = {k: v for k, v in record.items() if k not in ("distributions", "publisher")}
    if not data.get("title"):
        raise ServiceError("the dataset has no title (dct:title), which DCAT-AP requires")
    existing = Dataset.objects.filter(uri=uri).first() if uri else None
    if existing is not None:
        services.update_dataset(actor=actor, dataset=existing, data=data, strict=False)
        if publisher and existing.publisher_id != publisher.pk:
            existing.publisher = publisher
            existing.save(update_fields=["publisher"])
        for old in existing.distributions.all():
            services.delete_distribution(actor=actor, distribution=old)
        dataset = existing
    else:
        dataset = services.create_dataset(
            actor=actor, publisher=publisher, data=data, strict=False, status=Status.PUBLISHED
        )
    # Every old distribution is gone (above), so the new ones take positions 0, 1, …; a dataset created
    # here keeps the modified date of its record (or of its creation) instead of each addition's.
    for position, dist in enumerate(record.get("distributions", [])):
        dist = dict(dist)
        if not dist.get("access_url") and dist.get("download_url"):
            dist["access_url"] = list(dist["download_url"])
            report.warnings.setdefault(uri, []).append(
                "a distribution had no accessURL; its downloadURL is used"
            )
        services.add_distribution(
            actor=actor,
            dataset=dataset,
            data=dist,
            strict=False,
            position=position,
            touch=existing is not None,
        )
    (report.updated if existing else report.created).append(uri or dataset.slug)
    report.datasets[uri or dataset.slug] = dataset


def import_records(
    *, actor: Any, result: ParseResult, organisation: Organisation | None = None
) -> ImportReport:
    report = ImportReport(warnings=dict(result.warnings))
    for record in result.datasets:
        uri = record.get("uri") or "(blank node dataset)"
        try:
            with transaction.atomic():
                _import_dataset(actor, record, organisation, report)
        except ServiceError as exc:
            report.failed.append((uri, str(exc)))
        except Exception as exc:  # a broken record must not stop the others; the reason is reported
            report.failed.append((uri, f"{type(exc).__name__}: {exc}"))
    return report


def import_rdf(
    *, actor: Any, data: bytes, fmt: str, organisation: Organisation | None = None
) -> ImportReport:
    """Parse and import; RdfError (nothing changed) when the document cannot be read."""
    result = parse(data, fmt)
    report = import_records(actor=actor, result=result, organisation=organisation)
    if not result.datasets:
        report.failed.append(("(document)", "no dcat:Dataset found: is this DCAT-AP RDF?"))
    return report
