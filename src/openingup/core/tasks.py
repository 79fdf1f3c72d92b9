"""One interface for background work, two backends.

``enqueue("name", **arguments)`` records a :class:`~openingup.core.models.Job` and hands its id to the
backend after the transaction commits:

* in-process (the embedded default): a daemon thread in the web process, started on first use;
* Celery (``OPENINGUP_BROKER_URL`` set): a Celery task on the broker, run by ``openingup worker``.

Both backends call :func:`run_job`, so a task behaves the same everywhere. Task functions take a
:class:`Progress` as first argument and keyword arguments that are JSON-serialisable.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from openingup.core.models import Job

log = logging.getLogger(__name__)


class Progress:
    """Lets a running task report how far it is; writes are throttled to whole percents."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self._last = -1

    def update(self, percent: float, message: str = "") -> None:
        value = max(0, min(100, int(percent)))
        if value != self._last or message:
            self._last = value
            fields: dict[str, Any] = {"progress": value}
            if message:
                fields["message"] = message
            Job.objects.filter(pk=self.job_id).update(**fields)


TaskFunction = Callable[..., dict[str, Any] | None]
_registry: dict[str, TaskFunction] = {}


def task(name: str) -> Callable[[TaskFunction], TaskFunction]:
    """Register a task function under a stable name."""

    def register(fn: TaskFunction) -> TaskFunction:
        _registry[name] = fn
        return fn

    return register


def registered() -> dict[str, TaskFunction]:
    return dict(_registry)


def run_job(job_id: str) -> Job:
    """Run one queued job to completion and record the outcome; never raises for task failures.

    A job that is no longer queued (already running, done or failed) is returned untouched.
    """
    job = Job.objects.get(pk=job_id)
    fn = _registry.get(job.name)
    if fn is None:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=f"unknown task {job.name!r}", finished_at=timezone.now()
        )
        return Job.objects.get(pk=job_id)
    # Claim the job: a redelivered message (Celery acks late) or a second worker finds it taken.
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return Job.objects.get(pk=job_id)
    try:
        result = fn(Progress(str(job_id)), **job.arguments) or {}
    except Exception as exc:
        log.exception("task %s failed", job.name)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.DONE, progress=100, result=result, finished_at=timezone.now()
        )
    return Job.objects.get(pk=job_id)


class Backend(Protocol):
    def submit(self, job_id: str) -> None: ...


class InProcessBackend:
    """A single daemon thread working through a queue; queued jobs left over from a restart are resumed."""

    def __init__(self) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._work, name="openingup-worker", daemon=True)
            self._thread.start()
        for job_id in Job.objects.filter(status=Job.Status.QUEUED).values_list("pk", flat=True):
            self._queue.put(str(job_id))

    def submit(self, job_id: str) -> None:
        self.start()
        self._queue.put(job_id)

    def join(self, timeout: float = 30.0) -> None:
        """Wait until the queue is empty (used by tests and the CLI)."""
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while self._queue.unfinished_tasks and not deadline.is_set():
                deadline.wait(0.02)
        finally:
            timer.cancel()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                # As Django does around a request: a connection left idle since the last job may be stale.
                close_old_connections()
                if Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).exists():
                    run_job(job_id)
            except Exception:
                log.exception("in-process worker failed on job %s", job_id)
            finally:
                close_old_connections()
                self._queue.task_done()


class CeleryBackend:
    def submit(self, job_id: str) -> None:
        from openingup.core.celery import configure, run_job_task

        configure(settings.BROKER_URL)
        try:
            run_job_task.delay(job_id)
        except Exception as exc:  # the broker is unreachable: say so on the job instead of losing it silently
            log.exception("could not hand job %s to the broker", job_id)
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                status=Job.Status.FAILED,
                message=f"the task queue is unreachable: {exc}",
                finished_at=timezone.now(),
            )


_in_process = InProcessBackend()


def backend() -> Backend:
    return CeleryBackend() if settings.BROKER_URL else _in_process


def in_process_backend() -> InProcessBackend:
    return _in_process


def enqueue(name: str, *, created_by: Any = None, **arguments: Any) -> Job:
    """Record a job and submit it after commit; ValueError when no task has this name.

    ``created_by`` is the person who asked for the work (not passed to the task); the job's page
    shows it only to them and to administrators."""
    if name not in _registry:
        raise ValueError(f"no background task is registered as {name!r}")
    starter = created_by if getattr(created_by, "is_authenticated", False) else None
    job = Job.objects.create(name=name, arguments=arguments, created_by=starter)
    target = backend()
    transaction.on_commit(lambda: target.submit(str(job.pk)))
    return job
