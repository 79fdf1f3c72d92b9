"""Datastore services: ingest a distribution's data as a new version, edit the data dictionary, expire.

Each state change happens here, in one place. An ingest never touches the current version until the
new one is complete: a failure leaves a ``failed`` version with its report and nothing else changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.datastore import events, sources
from openingup.datastore.backends import backend
from openingup.datastore.ingest.pipeline import stage
from openingup.datastore.models import Table
from openingup.datastore.report import IngestError, Report
from openingup.organisations import permissions

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
EDITABLE_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")


def _next_version(distribution: Any) -> int:
    latest = Table.objects.filter(distribution=distribution).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def current_table(distribution: Any) -> Table | None:
    return (
        Table.objects.filter(distribution=distribution, status=Table.Status.READY)
        .order_by("-version")
        .first()
    )


def ingest_source(
    distribution: Any,
    source: sources.Source,
    *,
    table_schema: dict[str, Any] | None = None,
    progress: Progress | None = None,
    job: Any = None,
) -> Table:
    """Load ``source`` as the next version of ``distribution``'s table; returns it (ready or failed)."""
    say = progress or (lambda fraction, message: None)
    with transaction.atomic():
        table = Table.objects.create(
            distribution=distribution,
            version=_next_version(distribution),
            backend=settings.DATASTORE_BACKEND,
            source_name=source.name[:300],
            source_kind=source.kind,
            source_bytes=source.size,
            job=job,
        )
    source.digest.start()  # taken while the data loads; the version records it either way
    staging = Path(settings.DATASTORE_DIR) / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        staged = stage(
            source.path,
            source.kind,
            staging / f"{table.pk}.duckdb",
            table_schema=table_schema,
            max_columns=settings.DATASTORE_MAX_COLUMNS,
            progress=lambda f, m: say(0.9 * f, m),
        )
        say(0.92, "storing")
        location = backend().store(staged, str(table.pk))
        table.source_sha256 = source.sha256
    except IngestError as exc:
        return _failed(table, exc.report, source)
    except Exception as exc:  # a bug or a backend outage must still leave a readable failure behind
        log.exception("datastore ingest of %s failed", distribution.pk)
        report = Report()
        report.add("source-error", f"the data could not be stored: {exc}")
        return _failed(table, report, source)
    timings = {k: round(v, 3) for k, v in staged.timings.items()}
    timings["queryable"] = round(time.perf_counter() - started, 3)
    _mark_ready(table, staged, location, timings)
    say(0.95, "indexing text")
    if build_text_index(table):
        table.timings["text_index"] = round(time.perf_counter() - started, 3)
    table.timings["complete"] = round(time.perf_counter() - started, 3)
    Table.objects.filter(pk=table.pk).update(timings=table.timings)
    # Replaced versions past their keeping time go now: no scheduler is needed for it.
    expire_versions()
    say(1.0, "ready")
    return table


def _failed(table: Table, report: Report, source: sources.Source | None = None) -> Table:
    table.status = Table.Status.FAILED
    table.report = report.as_dict()
    if source is not None:
        with contextlib.suppress(OSError):  # a file gone meanwhile has no digest to record
            table.source_sha256 = source.sha256
    table.save(update_fields=["status", "report", "source_sha256"])
    publish(events.TABLE_FAILED, distribution_id=str(table.distribution_id), table_id=str(table.pk))
    return table


@transaction.atomic
def _mark_ready(table: Table, staged: Any, location: str, timings: dict[str, float]) -> None:
    now = timezone.now()
    keep = dt.timedelta(days=settings.DATASTORE_KEEP_DAYS)
    distribution = table.distribution
    assert distribution is not None, "a version being made ready belongs to a distribution"
    Table.objects.filter(
        distribution=distribution, status=Table.Status.READY, expires_at__isnull=True
    ).exclude(pk=table.pk).update(expires_at=now + keep)
    table.status = Table.Status.READY
    table.location = location
    table.fields = staged.fields
    table.geometry = staged.geometry
    table.profile = staged.profile
    table.report = staged.report.as_dict()
    table.dialect = staged.dialect
    table.row_count = staged.row_count
    table.timings = timings
    table.ready_at = now
    table.save()
    from openingup.catalogue.services.distributions import record_data_change

    record_data_change(distribution, byte_size=table.source_bytes, sha256=table.source_sha256)
    publish(
        events.TABLE_READY,
        distribution_id=str(table.distribution_id),
        table_id=str(table.pk),
        version=table.version,
    )


def build_text_index(table: Table) -> bool:
    """Build the table's full-text index; False (and search keeps scanning) when that failed."""
    try:
        backend(table.backend).build_text_index(table)
    except Exception:
        log.exception("text index of %s failed; full-text search falls back to a scan", table.pk)
        return False
    table.text_index = True
    Table.objects.filter(pk=table.pk).update(text_index=True)
    return True


def ingest_distribution(
    distribution: Any, *, progress: Progress | None = None, job: Any = None
) -> Table | None:
    """Ingest whatever the distribution points at; None when it is not tabular or unchanged."""
    try:
        with sources.materialise(distribution) as source:
            if source is None:
                return None
            latest = Table.objects.filter(distribution=distribution).order_by("-version").first()
            # Only a version to compare with needs the digest first; a first one takes it while loading.
            if latest and latest.status != Table.Status.FAILED and latest.source_sha256 == source.sha256:
                return None
            return ingest_source(
                distribution, source, table_schema=table_schema_for(distribution), progress=progress, job=job
            )
    except (ValueError, OSError) as exc:
        with transaction.atomic():
            table = Table.objects.create(
                distribution=distribution,
                version=_next_version(distribution),
                backend=settings.DATASTORE_BACKEND,
                source_name=str((distribution.download_url or distribution.access_url or [""])[0])[:300],
                job=job,
            )
        report = Report()
        report.add("scheme-error", f"the data could not be fetched: {exc}")
        return _failed(table, report)


def table_schema_for(distribution: Any) -> dict[str, Any] | None:
    """A Table Schema the distribution declares with dct:conformsTo (a JSON document with ``fields``)."""
    import json

    from openingup.core import http

    for uri in distribution.conforms_to or []:
        uri = uri.get("uri", "") if isinstance(uri, dict) else str(uri)
        if not uri.lower().split("?")[0].endswith(".json"):
            continue
        fetched = http.fetch(uri, transport=sources.TRANSPORT, accept="application/json")
        try:
            doc = json.loads(fetched.content)
        except ValueError as exc:
            raise ValueError(f"the Table Schema at {uri} is not JSON: {exc}") from exc
        if isinstance(doc, dict) and isinstance(doc.get("fields"), list):
            return doc
    return None


def update_dictionary(*, actor: Any, table: Table, fields: list[dict[str, Any]]) -> Table:
    """Change column titles, descriptions and types. Titles and descriptions apply at once; a type change
    re-types the data from its source as a new version (enforced like a Table Schema)."""
    if table.distribution is None:
        raise InvalidInput("This table's distribution was deleted.")
    if actor is not None and not permissions.can_edit_dataset(actor, table.distribution.dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    by_name = {f["name"]: f for f in table.fields}
    problems = []
    retype = False
    updated = []
    for change in fields:
        name = change.get("name")
        if name not in by_name:
            problems.append(FieldProblem("fields", f'no column "{name}"'))
            continue
        field = dict(by_name[name])
        for key in ("title", "description"):
            if key in change:
                value = str(change[key] or "").strip()[:2000]
                if value:
                    field[key] = value
                else:
                    field.pop(key, None)
        new_type = change.get("type")
        if new_type and new_type != field["type"]:
            if new_type not in EDITABLE_TYPES:
                problems.append(
                    FieldProblem("fields", f'"{new_type}" is not one of {", ".join(EDITABLE_TYPES)}')
                )
                continue
            field["type"] = new_type
            field.pop("format", None)
            retype = True
        updated.append(field)
    if problems:
        raise InvalidInput("The data dictionary has problems.", problems)
    merged = [next((u for u in updated if u["name"] == f["name"]), f) for f in table.fields]
    if not retype:
        table.fields = merged
        table.save(update_fields=["fields"])
        return table
    with sources.materialise(table.distribution) as source:
        if source is None:
            raise InvalidInput("The data's source is gone; upload the file again to change types.")
        schema = {
            "fields": [
                {k: v for k, v in f.items() if k in {"name", "type", "format", "title", "description"}}
                for f in merged
            ]
        }
        new = ingest_source(table.distribution, source, table_schema=schema)
    if new.status == Table.Status.FAILED:
        raise InvalidInput(
            "The new types do not fit the data; nothing was changed.",
            [
                FieldProblem(p.get("field") or "fields", p["message"])
                for p in new.report.get("errors", [])[:20]
            ],
        )
    described = {f["name"]: f for f in merged}
    new.fields = [
        {
            **f,
            **{
                k: described[f["name"]][k]
                for k in ("title", "description")
                if k in described.get(f["name"], {})
            },
        }
        for f in new.fields
    ]
    new.save(update_fields=["fields"])
    return new


def expire_versions(now: dt.datetime | None = None) -> int:
    """Remove replaced versions whose keeping time is over; returns how many were removed."""
    now = now or timezone.now()
    count = 0
    for table in Table.objects.filter(status=Table.Status.READY, expires_at__lt=now):
        backend(table.backend).drop(table)
        Table.objects.filter(pk=table.pk).update(status=Table.Status.EXPIRED)
        count += 1
    return count


def drop_orphans() -> int:
    """Remove the stored data and rows of versions whose distribution was deleted."""
    count = 0
    for table in Table.objects.filter(distribution__isnull=True):
        if table.location:
            try:
                backend(table.backend).drop(table)
            except Exception:
                log.exception("could not drop datastore table %s", table.pk)
                continue
        table.delete()
        count += 1
    return count


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def run_sql(sql: str, user: Any) -> dict[str, Any]:
    """Run read-only SQL over the current tables the user may see, named by their distribution id."""
    from openingup.datastore.ingest.profile import jsonable
    from openingup.datastore.queries import table_for

    if len(sql) > 20_000:
        raise InvalidInput("The SQL is too long.", [FieldProblem("sql", "at most 20,000 characters")])
    tables: dict[str, Table] = {}
    for name in dict.fromkeys(m.lower() for m in _UUID.findall(sql)):
        try:
            tables[name] = table_for(name, user)
        except Exception:  # noqa: S112  invisible or unknown: the guard reports it as an unknown table
            continue
    result = backend().sql(
        sql, tables, max_rows=settings.DATASTORE_MAX_ROWS, timeout_ms=settings.DATASTORE_SQL_TIMEOUT_MS
    )
    return {
        "fields": [{"name": c, "type": t} for c, t in zip(result.columns, result.types, strict=True)],
        "rows": [dict(zip(result.columns, [jsonable(v) for v in r], strict=True)) for r in result.rows],
        "truncated": result.truncated,
    }
