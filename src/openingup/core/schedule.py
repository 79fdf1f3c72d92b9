"""Periodic work without cron: a registry of jobs, a database claim per run and a scheduler thread.

Each context registers its periodic work in its ``tasks.py``::

    periodic("harvest.start_due", every=timedelta(minutes=5), task="harvest.start_due")

    @periodic("core.something", every=timedelta(hours=1))
    def something() -> None: ...

A job names either a registered background task (queued through :func:`openingup.core.tasks.enqueue`,
so it runs in the worker and shows up as a job) or a function (called in the scheduler itself).

:func:`run_due` runs what is due. A run is claimed by moving the job's ``next_run_at`` forward in one
conditional UPDATE (``… WHERE next_run_at <= now``): however many processes or instances share the
database, exactly one of them gets each run. The next run is set before the work starts, so a failing
job waits its interval like any other and never loops.

:class:`Scheduler` calls :func:`run_due` from a thread every ``tick`` seconds: ``openingup serve``
starts it on the embedded default, ``openingup worker`` when a broker is set. ``OPENINGUP_SCHEDULER=off``
leaves it to cron (``openingup schedule run-due``); ``OPENINGUP_SCHEDULE_INTERVALS`` changes intervals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone

from openingup import config
from openingup.core.models import Job, PeriodicRun
from openingup.core.tasks import Progress, enqueue, task

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PeriodicJob:
    """One kind of periodic work: ``task`` (a registered task name) or ``function``, every ``every``."""

    name: str
    every: timedelta
    task: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    function: Callable[[], Any] | None = None

    def describe(self) -> str:
        return f"task {self.task}" if self.task else f"function {getattr(self.function, '__qualname__', '?')}"


_jobs: dict[str, PeriodicJob] = {}

# A queued or running job of a periodic task younger than this (or its interval) holds back the next copy.
STALE_AFTER = timedelta(hours=1)


def periodic(
    name: str, *, every: timedelta, task: str = "", arguments: dict[str, Any] | None = None
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register periodic work under a stable name; ValueError for an interval under a second.

    With ``task`` the registration happens at once (the returned decorator need not be used); without,
    decorate the function to call."""
    if every < timedelta(seconds=1):
        raise ValueError(f"periodic job {name!r}: the interval must be at least a second")
    if task:
        _jobs[name] = PeriodicJob(name=name, every=every, task=task, arguments=dict(arguments or {}))

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        _jobs[name] = PeriodicJob(name=name, every=every, function=fn)
        return fn

    return register


def registered_jobs() -> dict[str, PeriodicJob]:
    """Every registered job with its interval from the registration."""
    return dict(_jobs)


def intervals() -> dict[str, timedelta | None]:
    """Each job's interval after ``OPENINGUP_SCHEDULE_INTERVALS`` (None: switched off).

    ValueError naming the setting and the entry when an override is malformed or names no job."""
    result: dict[str, timedelta | None] = {name: job.every for name, job in _jobs.items()}
    for entry in config.get_list("OPENINGUP_SCHEDULE_INTERVALS"):
        name, sep, value = entry.partition("=")
        name = name.strip()
        try:
            seconds = int(value.strip()) if sep else -1
        except ValueError:
            seconds = -1
        if seconds < 0:
            raise ValueError(
                f"OPENINGUP_SCHEDULE_INTERVALS: {entry!r} is not job=seconds (seconds a whole number ≥ 0)"
            )
        if name not in result:
            known = ", ".join(sorted(result))
            raise ValueError(
                f"OPENINGUP_SCHEDULE_INTERVALS: there is no periodic job {name!r} (known: {known})"
            )
        result[name] = timedelta(seconds=seconds) if seconds else None
    return result


@dataclass
class Outcome:
    """What one claimed run did: the job queued, a note (skipped, done) or the error."""

    name: str
    job: Job | None = None
    note: str = ""
    error: str = ""


def _claim(name: str, every: timedelta, now: datetime) -> bool:
    """Take this run of ``name`` if it is due; True for exactly one caller per run."""
    # A job never seen before is due at once; ignore_conflicts keeps a concurrent insert harmless.
    PeriodicRun.objects.bulk_create([PeriodicRun(name=name, next_run_at=now)], ignore_conflicts=True)
    # A shortened interval counts from the last run rather than after the old, longer wait.
    since_last = F("last_run_at") + every
    PeriodicRun.objects.filter(name=name, next_run_at__gt=since_last).update(next_run_at=since_last)
    claimed = PeriodicRun.objects.filter(name=name, next_run_at__lte=now).update(
        next_run_at=now + every, last_run_at=now
    )
    return claimed == 1


def _run(job: PeriodicJob, every: timedelta, now: datetime) -> Outcome:
    """Queue the job's task (unless one is still waiting or running) or call its function."""
    outcome = Outcome(job.name)
    if job.function is not None:
        job.function()
        outcome.note = "done"
        PeriodicRun.objects.filter(name=job.name).update(last_error="", last_job_id=None)
        return outcome
    # A job queued or running since recently means the worker has not caught up with the last run: a
    # second copy would only wait behind it. An older one is taken as lost (its worker died) and ignored.
    recent = now - max(every, STALE_AFTER)
    pending = Job.objects.filter(
        name=job.task, status__in=[Job.Status.QUEUED, Job.Status.RUNNING], created_at__gte=recent
    )
    if pending.exists():
        outcome.note = "skipped: the previous run is still queued or running"
        PeriodicRun.objects.filter(name=job.name).update(last_error="")
        return outcome
    with transaction.atomic():
        outcome.job = enqueue(job.task, **job.arguments)
        PeriodicRun.objects.filter(name=job.name).update(last_error="", last_job_id=outcome.job.pk)
    outcome.note = "queued"
    return outcome


def run_due(now: datetime | None = None) -> list[Outcome]:
    """Run every periodic job whose time has come, each at most once however many schedulers call this.

    A job that fails is logged and its error kept on its row; the other jobs still run and its next run
    stays set. ValueError when ``OPENINGUP_SCHEDULE_INTERVALS`` is malformed."""
    now = now or timezone.now()
    outcomes = []
    for name, every in sorted(intervals().items()):
        if every is None or not _claim(name, every, now):
            continue
        try:
            outcomes.append(_run(_jobs[name], every, now))
        except Exception as exc:
            log.exception("periodic job %s failed", name)
            PeriodicRun.objects.filter(name=name).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
            outcomes.append(Outcome(name, error=str(exc) or type(exc).__name__))
    return outcomes


@dataclass(frozen=True)
class Status:
    """One line of ``openingup schedule list``."""

    name: str
    runs: str
    every: timedelta | None
    last_run_at: datetime | None
    next_run_at: datetime | None
    last_job: Job | None
    last_error: str


def status(now: datetime | None = None) -> list[Status]:
    """Every registered job with its interval, last and next run (None: never ran, so due now)."""
    rows = {r.name: r for r in PeriodicRun.objects.all()}
    jobs = Job.objects.in_bulk([r.last_job_id for r in rows.values() if r.last_job_id])
    result = []
    for name, every in sorted(intervals().items()):
        row = rows.get(name)
        result.append(
            Status(
                name=name,
                runs=_jobs[name].describe(),
                every=every,
                last_run_at=row.last_run_at if row else None,
                next_run_at=row.next_run_at if row and every else None,
                last_job=jobs.get(row.last_job_id) if row and row.last_job_id else None,
                last_error=row.last_error if row else "",
            )
        )
    return result


class Scheduler:
    """A daemon thread calling :func:`run_due` every ``tick`` seconds until :meth:`stop`."""

    def __init__(self, *, tick: float = 30.0, clock: Clock = timezone.now) -> None:
        self.tick = tick
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once); the first look at the jobs is immediate."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="openingup-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to end and wait for it (a run in progress finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                close_old_connections()
                for outcome in run_due(self.clock()):
                    if outcome.error:
                        log.warning("periodic job %s failed: %s", outcome.name, outcome.error)
            except Exception:
                # Say so and try again at the next tick: a database that is briefly away must not end it.
                log.exception("the scheduler could not look at the periodic jobs")
            finally:
                # No connection held between ticks: a Celery pool forking later inherits none in use.
                connections.close_all()
            self._stop.wait(self.tick)


def enabled() -> bool:
    """False when ``OPENINGUP_SCHEDULER`` is off (cron runs ``openingup schedule run-due`` instead)."""
    return config.get_bool("OPENINGUP_SCHEDULER")


def start_scheduler(*, tick: float = 30.0) -> Scheduler | None:
    """Start a scheduler thread unless switched off; ValueError for malformed interval overrides."""
    if not enabled():
        return None
    intervals()  # a typing error in the overrides is said at start, not in a log at every tick
    scheduler = Scheduler(tick=tick)
    scheduler.start()
    return scheduler


# The housekeeping of the periodic work itself: finished system jobs of periodic tasks are kept a week.
PRUNE_AFTER = timedelta(days=7)


@task("core.prune_jobs")
def prune_jobs(progress: Progress) -> dict[str, Any]:
    """Delete finished jobs the scheduler queued (no person started them) older than :data:`PRUNE_AFTER`."""
    names = {job.task for job in _jobs.values() if job.task}
    finished = [Job.Status.DONE, Job.Status.FAILED]
    old = Job.objects.filter(
        name__in=names, created_by=None, status__in=finished, finished_at__lt=timezone.now() - PRUNE_AFTER
    )
    deleted, _ = old.delete()
    return {"deleted": deleted}


periodic("core.prune_jobs", every=timedelta(days=1), task="core.prune_jobs")
