"""The only writers of harvest sources and jobs. Keyword-only, atomic, events after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, TextChoices
from django.utils import timezone

from openingup import config
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Status
from openingup.core.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.core.http import UnsafeURL, check_url
from openingup.core.models import Job
from openingup.harvest import events, permissions, queries
from openingup.harvest.harvesters import registered
from openingup.harvest.models import Frequency, HarvestJob, HarvestSource
from openingup.organisations.models import Organisation

STALE_MARGIN = 300  # seconds past the harvest timeout after which a running job is declared dead


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _problems(type: str, url: str, organisation: Organisation | None, frequency: str) -> list[FieldProblem]:
    """What is wrong with a source's settings (the same checks when it is added and when it is edited)."""
    problems = []
    if type not in registered():
        problems.append(FieldProblem("type", f"must be one of {', '.join(sorted(registered()))}"))
    if getattr(registered().get(type), "needs_organisation", False) and organisation is None:
        problems.append(FieldProblem("organisation", "is required for this kind of source"))
    if frequency not in Frequency.values:
        problems.append(FieldProblem("frequency", f"must be one of {', '.join(Frequency.values)}"))
    if len(url) > 2000:
        problems.append(FieldProblem("url", "is longer than 2000 characters"))
    else:
        try:
            check_url(url)
        except UnsafeURL as exc:
            problems.append(FieldProblem("url", str(exc)))
    return problems


def _check_kind(actor: Any, type: str) -> None:
    may_add = getattr(registered().get(type), "may_add", None)
    if actor is not None and may_add is not None and not may_add(actor):
        raise PermissionDenied("Only site administrators can add or change sources of this kind.")


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
    _check_kind(actor, type)
    url = url.strip()
    problems = _problems(type, url, organisation, frequency)
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


_UNSET: Any = object()


@transaction.atomic
def edit_source(
    *,
    actor: Any,
    source: HarvestSource,
    type: str | None = None,
    url: str | None = None,
    organisation: Organisation | None = _UNSET,
    title: str | None = None,
    frequency: str | None = None,
    active: bool | None = None,
) -> HarvestSource:
    """Change the given settings of a source (those left out stay); returns it.

    PermissionDenied unless the actor may manage the source and, when it moves, add sources for the new
    organisation; Conflict while it is being harvested; InvalidInput naming the field as
    :func:`add_source` does, and for a new kind once the source has records (their identifiers belong to
    the old kind: add a new source instead). The next harvest reads the source as it is now."""
    HarvestSource.objects.select_for_update().filter(pk=source.pk).first()
    if actor is not None and not permissions.can_manage_harvest_source(actor, source):
        raise PermissionDenied("You cannot change this harvest source.")
    new_organisation = source.organisation if organisation is _UNSET else organisation
    if actor is not None and not permissions.can_add_harvest_source(actor, new_organisation):
        raise PermissionDenied("You cannot move harvest sources to this organisation.")
    new_type = source.type if type is None else type
    _check_kind(actor, new_type)  # a kind only some may add, only they may change
    if queries.active_job(source) is not None:
        raise Conflict("The source is being harvested; change it when the job has ended.")
    new_url = source.url if url is None else url.strip()
    new_frequency = source.frequency if frequency is None else frequency
    problems = _problems(new_type, new_url, new_organisation, new_frequency)
    if new_type != source.type and source.records.exists():
        problems.append(
            FieldProblem(
                "type",
                "cannot change once the source has been harvested (its records name items of the old "
                "kind); add a new source instead",
            )
        )
    if problems:
        raise InvalidInput("The harvest source cannot be changed.", problems)
    changes = {
        "type": new_type,
        "url": new_url,
        "organisation": new_organisation,
        "title": source.title if title is None else title.strip()[:200],
        "frequency": new_frequency,
        "active": source.active if active is None else bool(active),
    }
    changed = [name for name, value in changes.items() if getattr(source, name) != value]
    if not changed:
        return source
    for name in changed:
        setattr(source, name, changes[name])
    source.save(update_fields=changed)
    publish(events.SOURCE_CHANGED, source_id=str(source.pk), fields=sorted(changed))
    return source


class AfterDeletion(TextChoices):
    """What becomes of the datasets a source harvested when the source is removed."""

    KEEP = "keep"  # they stay published, as if they had been added here
    WITHDRAW = "withdraw"  # they are archived, as when their items disappear from the source


def harvested_datasets(source: HarvestSource) -> QuerySet[Dataset]:
    """The datasets of the catalogue that came from this source and are not archived."""
    ids = source.records.exclude(dataset_id=None).values("dataset_id")
    return Dataset.objects.filter(pk__in=ids).exclude(status=Status.ARCHIVED)


@dataclass(frozen=True)
class Removal:
    """What :func:`delete_source` did with the datasets: withdrawn here, or in ``job`` (background)."""

    withdrawn: int = 0
    queued: int = 0
    job: Job | None = None


@transaction.atomic
def delete_source(
    *, actor: Any, source: HarvestSource, datasets: str = AfterDeletion.KEEP, background: bool = False
) -> Removal:
    """Remove a source with its jobs and records.

    ``datasets``: ``keep`` leaves the datasets it harvested in the catalogue (no longer updated);
    ``withdraw`` archives them (they stay at their addresses, marked withdrawn, as when their items
    disappear from the source; the archiving is the system's, as the harvest's own is, so it works for
    datasets of external publishers too) — here, or with ``background`` in a background job (a large
    source has thousands; the source is gone at once either way). Conflict while it is being harvested."""
    if actor is not None and not permissions.can_delete_harvest_source(actor, source):
        raise PermissionDenied("You cannot remove this harvest source.")
    if datasets not in AfterDeletion.values:
        raise InvalidInput(
            "The harvest source cannot be removed.",
            [FieldProblem("datasets", f"must be one of {', '.join(AfterDeletion.values)}")],
        )
    if queries.active_job(source) is not None:
        raise Conflict("The source is being harvested; remove it when the job has ended.")
    removal = Removal()
    if datasets == AfterDeletion.WITHDRAW:
        ids = [str(pk) for pk in harvested_datasets(source).values_list("pk", flat=True)]
        if background and ids:
            from openingup.core.tasks import enqueue

            job = enqueue("harvest.withdraw_datasets", created_by=actor, dataset_ids=ids)
            removal = Removal(queued=len(ids), job=job)
        else:
            removal = Removal(withdrawn=withdraw_datasets(dataset_ids=ids))
    pk = source.pk
    source.delete()
    publish(
        events.SOURCE_DELETED,
        source_id=str(pk),
        datasets=datasets,
        withdrawn=removal.withdrawn,
        queued=removal.queued,
    )
    return removal


WITHDRAW_CHUNK = 200


def withdraw_datasets(*, dataset_ids: list[Any], progress: Callable[[int, int], None] | None = None) -> int:
    """Archive those of the datasets that are not archived yet (as the system), a few hundred per
    transaction; returns how many were archived. Datasets gone in the meantime are skipped."""
    withdrawn = 0
    for start in range(0, len(dataset_ids), WITHDRAW_CHUNK):
        chunk = dataset_ids[start : start + WITHDRAW_CHUNK]
        with transaction.atomic():
            for dataset in Dataset.objects.filter(pk__in=chunk).exclude(status=Status.ARCHIVED):
                catalogue.archive_dataset(actor=None, dataset=dataset)
                withdrawn += 1
        if progress is not None:
            progress(min(start + WITHDRAW_CHUNK, len(dataset_ids)), len(dataset_ids))
    return withdrawn


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
