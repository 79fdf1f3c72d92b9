"""The background-work interface (openingup.core.tasks) with the in-process backend."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from openingup.core import tasks
from openingup.core.models import Job


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The task registry, restored after the test so tasks registered in it don't leak."""
    monkeypatch.setattr(tasks, "_registry", tasks.registered())
    return tasks


@pytest.fixture
def in_process(settings: Any) -> Any:
    """The in-process backend; waits for it to be idle afterwards so no work runs into the next test."""
    settings.BROKER_URL = ""
    backend = tasks.in_process_backend()
    yield backend
    backend.join(timeout=30)


class Recorder:
    """A backend that only records what it was given."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, job_id: str) -> None:
        self.submitted.append(job_id)


def add(progress: tasks.Progress, a: int, b: int) -> dict[str, Any]:
    return {"sum": a + b, "thread": threading.current_thread().name}


def fail(progress: tasks.Progress, reason: str) -> None:
    progress.update(40, "checking the header row")
    raise ValueError(reason)


def report_progress(progress: tasks.Progress) -> dict[str, Any]:
    progress.update(25, "reading")
    progress.update(50.7, "validating")
    stored = Job.objects.get(pk=progress.job_id)
    return {"seen": [stored.progress, stored.message]}


@pytest.mark.django_db
def test_enqueue_refuses_an_unknown_task_name():
    with pytest.raises(ValueError, match=r"no background task is registered as 'tests\.nothing'"):
        tasks.enqueue("tests.nothing")

    assert not Job.objects.exists()


def test_the_broker_url_chooses_the_backend(settings):
    settings.BROKER_URL = ""
    assert tasks.backend() is tasks.in_process_backend()

    settings.BROKER_URL = "redis://127.0.0.1:6379/0"
    assert isinstance(tasks.backend(), tasks.CeleryBackend)


@pytest.mark.django_db(transaction=True)
def test_a_job_is_submitted_only_after_its_transaction_commits(registry, monkeypatch):
    registry.task("tests.add")(add)
    recorder = Recorder()
    monkeypatch.setattr(tasks, "backend", lambda: recorder)

    with transaction.atomic():
        job = tasks.enqueue("tests.add", a=1, b=2)
        assert recorder.submitted == []
    assert recorder.submitted == [str(job.pk)]

    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue("tests.add", a=3, b=4)
        raise RuntimeError("roll back")
    assert recorder.submitted == [str(job.pk)]
    assert list(Job.objects.values_list("pk", flat=True)) == [job.pk]


@pytest.mark.django_db(transaction=True)
def test_the_in_process_backend_runs_a_task_to_done(registry, in_process):
    registry.task("tests.add")(add)

    job = tasks.enqueue("tests.add", a=2, b=3)
    assert job.status == Job.Status.QUEUED
    in_process.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.progress == 100
    assert job.arguments == {"a": 2, "b": 3}
    assert job.result == {"sum": 5, "thread": "openingup-worker"}
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.created_at <= job.started_at <= job.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_ends_failed_with_its_message(registry, in_process, caplog):
    registry.task("tests.fail")(fail)

    job = tasks.enqueue("tests.fail", reason="the file has no header row")
    in_process.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "the file has no header row"
    assert job.progress == 40  # where it got to before failing
    assert job.result == {}
    assert job.finished_at is not None
    assert any(r.levelname == "ERROR" and "tests.fail" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_progress_updates_are_stored_while_the_task_runs(registry, in_process):
    registry.task("tests.progress")(report_progress)

    job = tasks.enqueue("tests.progress")
    in_process.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result == {"seen": [50, "validating"]}
    assert job.progress == 100
    assert job.message == "validating"


@pytest.mark.django_db(transaction=True)
def test_the_in_process_backend_runs_jobs_in_order(registry, in_process):
    registry.task("tests.add")(add)

    jobs = [tasks.enqueue("tests.add", a=n, b=n) for n in range(5)]
    in_process.join(timeout=30)

    for n, job in enumerate(jobs):
        job.refresh_from_db()
        assert (job.status, job.result["sum"]) == (Job.Status.DONE, 2 * n)
    assert [j.started_at for j in jobs] == sorted(j.started_at for j in jobs)


@pytest.mark.django_db(transaction=True)
def test_the_in_process_worker_replaces_a_connection_ended_while_idle(registry, in_process):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, which can end another session's connection")
    registry.task("tests.add")(add)
    database = connection.settings_dict  # shared by every thread's connection
    database["CONN_MAX_AGE"] = 1  # production keeps connections 60 s; shortened
    try:
        tasks.enqueue("tests.add", a=1, b=1)
        in_process.join(timeout=30)  # the worker keeps its connection
        time.sleep(1.2)
        with connection.cursor() as cursor:  # as a server restart or an idle timeout would
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

        job = tasks.enqueue("tests.add", a=2, b=2)
        in_process.join(timeout=30)

        job.refresh_from_db()
        assert job.status == Job.Status.DONE, job.message
    finally:
        database["CONN_MAX_AGE"] = 0
        time.sleep(1.2)  # the worker's connection ages out, so its next job closes it
        tasks.enqueue("tests.add", a=0, b=0)
        in_process.join(timeout=30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("percent", "stored"),
    [(0, 0), (42.9, 42), (100, 100), (150, 100), (-3, 0)],
)
def test_progress_is_a_whole_percent_between_0_and_100(percent, stored):
    job = Job.objects.create(name="tests.any")

    tasks.Progress(str(job.pk)).update(percent)

    job.refresh_from_db()
    assert job.progress == stored


@pytest.mark.django_db
def test_progress_writes_only_when_something_changed(django_assert_num_queries):
    job = Job.objects.create(name="tests.any")
    progress = tasks.Progress(str(job.pk))

    with django_assert_num_queries(1):
        progress.update(10)
    with django_assert_num_queries(0):
        progress.update(10.4)
    with django_assert_num_queries(1):
        progress.update(10, "still reading")

    job.refresh_from_db()
    assert (job.progress, job.message) == (10, "still reading")


@pytest.mark.django_db
def test_run_job_fails_a_job_whose_task_is_not_registered():
    job = Job.objects.create(name="tests.removed-in-an-upgrade")

    finished = tasks.run_job(str(job.pk))

    assert finished.status == Job.Status.FAILED
    assert finished.message == "unknown task 'tests.removed-in-an-upgrade'"
    assert finished.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_once_even_when_delivered_twice() -> None:
    from openingup.core import tasks as core_tasks
    from openingup.core.models import Job

    calls: list[int] = []

    @core_tasks.task("tests.count_once")
    def count_once(progress: core_tasks.Progress) -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    job = Job.objects.create(name="tests.count_once")
    assert core_tasks.run_job(str(job.pk)).status == Job.Status.DONE
    assert core_tasks.run_job(str(job.pk)).result == {"n": 1}
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_fails_the_job_with_a_reason(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openingup.core import celery as core_celery
    from openingup.core import tasks as core_tasks
    from openingup.core.models import Job

    def refuse(job_id: str) -> None:
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:1")

    monkeypatch.setattr(core_celery.run_job_task, "delay", refuse)
    monkeypatch.setattr(core_celery, "configure", lambda url: core_celery.app)
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    job = Job.objects.create(name="tests.count_once")
    core_tasks.CeleryBackend().submit(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "unreachable" in job.message
