"""The Celery backend end to end: enqueue → Redis → an embedded Celery worker → the job's outcome.

Needs a Redis given by ``OPENINGUP_TEST_REDIS_URL`` (``.ci/run`` uses ``redis://127.0.0.1:6379/15``); the
database named there is emptied before and after each test.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import task_postrun

from openingup.core import tasks
from openingup.core.models import Job

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

TIMEOUT_SECONDS = 30


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = os.environ.get("OPENINGUP_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("OPENINGUP_TEST_REDIS_URL not set")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"OPENINGUP_TEST_REDIS_URL={url!r} does not answer: {exc}")
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The task registry, restored after the test so tasks registered in it don't leak."""
    monkeypatch.setattr(tasks, "_registry", tasks.registered())
    return tasks


@pytest.fixture
def celery_worker(redis_url: str, settings: Any) -> Iterator[Any]:
    """An embedded Celery worker (solo pool, in a thread) on the app ``openingup worker`` runs."""
    from celery.contrib.testing.worker import start_worker

    from openingup.core.celery import app, configure

    settings.BROKER_URL = redis_url
    previous_broker = app.conf.broker_url
    # Starting a worker sets up Celery's logging and re-runs django.setup(): keep the test run's logging.
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    configure(redis_url)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=TIMEOUT_SECONDS
        ) as worker:
            yield worker
    finally:
        app.conf.broker_url = previous_broker
        root.setLevel(root_level)
        root.handlers[:] = root_handlers
        logging.captureWarnings(False)


class Finished:
    """Collects the ids of jobs whose Celery task has finished, as the worker reports them."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._changed = threading.Condition()

    def __call__(self, sender: Any = None, args: Any = (), **kwargs: Any) -> None:
        if getattr(sender, "name", "") == "openingup.run_job" and args:
            with self._changed:
                self._ids.add(str(args[0]))
                self._changed.notify_all()

    def wait_for(self, job: Job) -> None:
        with self._changed:
            done = self._changed.wait_for(lambda: str(job.pk) in self._ids, timeout=TIMEOUT_SECONDS)
        assert done, f"the Celery worker did not finish job {job.pk} within {TIMEOUT_SECONDS}s"


@pytest.fixture
def finished() -> Iterator[Finished]:
    listener = Finished()
    task_postrun.connect(listener, weak=False)
    try:
        yield listener
    finally:
        task_postrun.disconnect(listener)


def add(progress: tasks.Progress, a: int, b: int) -> dict[str, Any]:
    progress.update(50, "adding")
    return {"sum": a + b, "thread": threading.current_thread().name}


def fail(progress: tasks.Progress) -> None:
    raise RuntimeError("the portal answered 503")


def test_enqueue_runs_a_job_to_done_through_redis(celery_worker, registry, finished):
    registry.task("tests.add")(add)
    assert isinstance(tasks.backend(), tasks.CeleryBackend)

    job = tasks.enqueue("tests.add", a=20, b=22)
    finished.wait_for(job)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.progress == 100
    assert job.message == "adding"
    assert job.result["sum"] == 42
    # Run by the Celery worker's thread, not by the test nor the in-process worker.
    assert job.result["thread"] not in {threading.current_thread().name, "openingup-worker"}


def test_a_failing_task_ends_failed_through_redis(celery_worker, registry, finished):
    registry.task("tests.fail")(fail)

    job = tasks.enqueue("tests.fail")
    finished.wait_for(job)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "the portal answered 503"
