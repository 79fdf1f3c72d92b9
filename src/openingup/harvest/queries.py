"""The read side of harvesting: sources a person may manage, jobs, records, what is due."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from openingup.core.errors import NotFound
from openingup.harvest import permissions
from openingup.harvest.models import Frequency, HarvestJob, HarvestRecord, HarvestSource
from openingup.organisations import permissions as org_permissions

INTERVALS = {
    Frequency.HOURLY: timedelta(hours=1),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(weeks=1),
    Frequency.MONTHLY: timedelta(days=30),
}
RUNNING = (HarvestJob.Status.QUEUED, HarvestJob.Status.RUNNING)


def sources_for(user: Any) -> QuerySet[HarvestSource]:
    """The sources a person may manage (all of them for site administrators)."""
    rows = HarvestSource.objects.select_related("organisation").order_by("created_at")
    if org_permissions.is_admin(user):
        return rows
    editable = [o.pk for o in org_permissions.editable_organisations(user)]
    return rows.filter(organisation__in=editable)


def source_by_id(pk: Any, user: Any = None) -> HarvestSource:
    """A source by id; with a user, NotFound unless they may manage it (as if it did not exist)."""
    source = HarvestSource.objects.select_related("organisation").filter(pk=pk).first()
    if source is None or (user is not None and not permissions.can_view_harvest_source(user, source)):
        raise NotFound(f"No harvest source {pk}.")
    return source


def find_source(text: str) -> HarvestSource:
    """A source by its id or its exact URL (for the command line); NotFound otherwise."""
    try:
        found = HarvestSource.objects.filter(pk=text).first()
    except Exception:  # not a UUID: look it up by URL
        found = None
    found = found or HarvestSource.objects.filter(url=text).order_by("created_at").first()
    if found is None:
        raise NotFound(f"no harvest source with id or URL {text!r}")
    return found


def active_job(source: HarvestSource) -> HarvestJob | None:
    return source.jobs.filter(status__in=RUNNING).first()


def jobs_of(source: HarvestSource, limit: int = 50) -> list[HarvestJob]:
    return list(source.jobs.all()[:limit])


def latest_job(source: HarvestSource) -> HarvestJob | None:
    return source.jobs.first()


def job_by_id(pk: Any, user: Any = None) -> HarvestJob:
    job = HarvestJob.objects.select_related("source", "source__organisation").filter(pk=pk).first()
    if job is None or (user is not None and not permissions.can_view_harvest_source(user, job.source)):
        raise NotFound(f"No harvest job {pk}.")
    return job


def record_counts(source: HarvestSource) -> dict[str, int]:
    counts = {s: 0 for s in HarvestRecord.Status.values}
    for status in source.records.values_list("status", flat=True).iterator():
        counts[status] += 1
    return counts


def origin_of(dataset_id: Any) -> HarvestRecord | None:
    """Where a harvested dataset came from (its record, with the source), or None."""
    return HarvestRecord.objects.select_related("source").filter(dataset_id=dataset_id).first()


def due_sources(now: Any = None) -> list[HarvestSource]:
    """Active scheduled sources whose interval has passed since their last run and that are not running."""
    now = now or timezone.now()
    busy = set(HarvestJob.objects.filter(status__in=RUNNING).values_list("source_id", flat=True))
    due = []
    for source in HarvestSource.objects.filter(active=True).exclude(frequency=Frequency.MANUAL):
        interval = INTERVALS[Frequency(source.frequency)]
        if source.pk not in busy and (source.last_run_at is None or source.last_run_at + interval <= now):
            due.append(source)
    return due
