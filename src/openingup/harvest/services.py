"""The only writers of harvest sources and jobs. Keyword-only, atomic, events after commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.core.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.core.http import UnsafeURL, check_url
from openingup.harvest import events, permissions, queries
from openingup.harvest.harvesters import registered
from openingup.harvest.models import Frequency, HarvestJob, HarvestSource
from openingup.organisations.models import Organisation

STALE_MARGIN = 300  # seconds past the harvest timeout after which a running job is declared dead


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def add_source(
    *,
    actor: Any,
    type: str,
    url: str,
    organisation: Organisation | None = None,
    title: str = "",
    frequency: str = Frequency.MANUAL,
) -> HarvestSource:
    """Register a source; InvalidInput naming the field for an unknown type, a bad or refused URL."""
    if actor is not None and not permissions.can_add_harvest_source(actor, organisation):
        raise PermissionDenied("You cannot add harvest sources for this organisation.")
    may_add = getattr(registered().get(type), "may_add", None)
    if actor is not None and may_add is not None and not may_add(actor):
        raise PermissionDenied("Only site administrators can add sources of this kind.")
    problems = []
    if type not in registered():
        problems.append(FieldProblem("type", f"must be one of {', '.join(sorted(registered()))}"))
    if getattr(registered().get(type), "needs_organisation", False) and organisation is None:
        problems.append(FieldProblem("organisation", "is required for this kind of source"))
    if frequency not in Frequency.values:
        problems.append(FieldProblem("frequency", f"must be one of {', '.join(Frequency.values)}"))
    url = url.strip()
    if len(url) > 2000:
        problems.append(FieldProblem("url", "is longer than 2000 characters"))
    else:
        try:
            check_url(url)
        except UnsafeURL as exc:
            problems.append(FieldProblem("url", str(exc)))
    if problems:
        raise InvalidInput("The harvest source cannot be added.", problems)
    source = HarvestSource.objects.create(
        type=type,
        url=url,
        organisation=organisation,
        title=title.strip()[:200],
        frequency=frequency,
        created_by=_person(actor),
    )
    publish(events.SOURCE_ADDED, source_id=str(source.pk))
    return source


@transaction.atomic
def delete_source(*, actor: Any, source: HarvestSource) -> None:
    """Remove a source with its jobs and records; the datasets it harvested stay in the catalogue."""
    if actor is not None and not permissions.can_delete_harvest_source(actor, source):
        raise PermissionDenied("You cannot remove this harvest source.")
    if queries.active_job(source) is not None:
        raise Conflict("The source is being harvested; remove it when the job has ended.")
    pk = source.pk
    source.delete()
    publish(events.SOURCE_DELETED, source_id=str(pk))


@transaction.atomic
def start_harvest(*, actor: Any, source: HarvestSource, background: bool = True) -> HarvestJob:
    """Queue a harvest of the source; Conflict while one is queued or running.

    With ``background`` the job goes to the background worker; without, the caller runs it
    (:func:`openingup.harvest.pipeline.run_job`), as the command line does."""
    from openingup.core.tasks import enqueue

    if actor is not None and not permissions.can_run_harvest(actor, source):
        raise PermissionDenied("You cannot harvest this source.")
    HarvestSource.objects.select_for_update().filter(pk=source.pk).first()
    if queries.active_job(source) is not None:
        raise Conflict("This source is already being harvested.")
    job = HarvestJob.objects.create(source=source, created_by=_person(actor))
    if background:
        enqueue("harvest.run", created_by=actor, harvest_job_id=str(job.pk))
    publish(events.HARVEST_STARTED, harvest_job_id=str(job.pk), source_id=str(source.pk))
    return job


def fail_stale_jobs() -> int:
    """Declare failed the jobs that have been running far longer than the timeout (their worker died)."""
    limit = config.get_int("OPENINGUP_HARVEST_TIMEOUT") + STALE_MARGIN
    cutoff = timezone.now() - timedelta(seconds=limit)
    return HarvestJob.objects.filter(status=HarvestJob.Status.RUNNING, started_at__lt=cutoff).update(
        status=HarvestJob.Status.FAILED,
        finished_at=timezone.now(),
        message="failed",
        error="the job stopped without finishing (its worker ended); the next run starts afresh",
    )


def start_due_harvests() -> list[HarvestJob]:
    """Queue a job for every source whose scheduled run has come (see :func:`queries.due_sources`)."""
    fail_stale_jobs()
    started = []
    for source in queries.due_sources():
        try:
            started.append(start_harvest(actor=None, source=source))
        except Conflict:
            continue
    return started
