"""Periodic work (openingup.core.schedule): the claim, intervals, failures, the thread, harvests by itself."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from openingup.core import schedule, tasks
from openingup.core.models import Job, PeriodicRun
from tests.harvest.conftest import Server, server  # noqa: F401  (the local catalogue server)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Empty periodic-job and task registries for the test, so only its own jobs run; restored after."""
    monkeypatch.setattr(schedule, "_jobs", {})
    monkeypatch.setattr(tasks, "_registry", tasks.registered())
    monkeypatch.delenv("OPENINGUP_SCHEDULE_INTERVALS", raising=False)
    return schedule


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def _noop(progress: tasks.Progress) -> dict[str, Any]:
    return {}


@pytest.mark.django_db
def test_a_run_is_claimed_once_however_many_schedulers_look(registry):
    tasks.task("tests.tidy")(_noop)
    registry.periodic("tests.tidy", every=timedelta(hours=1), task="tests.tidy")

    first = registry.run_due(T0)
    second = registry.run_due(T0)  # a second process, same moment
    third = registry.run_due(T0 + timedelta(minutes=59))

    assert [(o.name, o.note) for o in first] == [("tests.tidy", "queued")]
    assert second == [] and third == []
    assert Job.objects.filter(name="tests.tidy").count() == 1
    row = PeriodicRun.objects.get(name="tests.tidy")
    assert row.last_run_at == T0
    assert row.next_run_at == T0 + timedelta(hours=1)
    assert row.last_job_id == first[0].job.pk


@pytest.mark.django_db
def test_intervals_are_kept_with_an_injected_clock(registry):
    often, rarely = Counter(), Counter()
    registry.periodic("tests.often", every=timedelta(minutes=5))(often)
    registry.periodic("tests.rarely", every=timedelta(days=1))(rarely)

    for minute in range(0, 61):  # a scheduler ticking every minute for an hour
        registry.run_due(T0 + timedelta(minutes=minute))

    assert often.calls == 13  # at 0, 5, …, 60
    assert rarely.calls == 1
    registry.run_due(T0 + timedelta(days=1))
    assert rarely.calls == 2


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_and_waits_its_interval(registry, caplog):
    def broken() -> None:
        raise RuntimeError("the disk is full")

    after = Counter()
    registry.periodic("tests.a_broken", every=timedelta(minutes=10))(broken)
    registry.periodic("tests.b_after", every=timedelta(minutes=10))(after)

    outcomes = registry.run_due(T0)

    assert [(o.name, o.error) for o in outcomes] == [
        ("tests.a_broken", "the disk is full"),
        ("tests.b_after", ""),
    ]
    assert after.calls == 1
    assert "periodic job tests.a_broken failed" in caplog.text
    row = PeriodicRun.objects.get(name="tests.a_broken")
    assert row.next_run_at == T0 + timedelta(minutes=10)  # no tight loop
    assert row.last_error == "RuntimeError: the disk is full"
    assert registry.run_due(T0 + timedelta(minutes=1)) == []


@pytest.mark.django_db
def test_a_task_still_queued_is_not_queued_twice_unless_it_is_lost(registry):
    tasks.task("tests.tidy")(_noop)
    registry.periodic("tests.tidy", every=timedelta(minutes=1), task="tests.tidy")
    now = timezone.now()

    assert registry.run_due(now)[0].note == "queued"
    assert registry.run_due(now + timedelta(minutes=1))[0].note.startswith("skipped")
    # A job queued longer ago than an hour (and its interval) is taken as lost: a new one is queued.
    Job.objects.filter(name="tests.tidy").update(created_at=now - timedelta(hours=2))
    assert registry.run_due(now + timedelta(minutes=2))[0].note == "queued"
    assert Job.objects.filter(name="tests.tidy").count() == 2


@pytest.mark.django_db
def test_an_unknown_task_is_a_failure_of_that_job(registry):
    registry.periodic("tests.ghost", every=timedelta(minutes=1), task="tests.not_registered")

    [outcome] = registry.run_due(T0)

    assert "no background task is registered" in outcome.error
    assert PeriodicRun.objects.get(name="tests.ghost").next_run_at == T0 + timedelta(minutes=1)


@pytest.mark.django_db
def test_interval_overrides_change_and_switch_off_jobs(registry, monkeypatch):
    often, off = Counter(), Counter()
    registry.periodic("tests.often", every=timedelta(hours=1))(often)
    registry.periodic("tests.off", every=timedelta(hours=1))(off)
    registry.run_due(T0)  # both ran; next runs an hour later
    monkeypatch.setenv("OPENINGUP_SCHEDULE_INTERVALS", "tests.often=60, tests.off=0")

    registry.run_due(T0 + timedelta(minutes=1))  # the shorter interval applies at once
    registry.run_due(T0 + timedelta(minutes=2))

    assert (often.calls, off.calls) == (3, 1)
    assert [(s.name, s.every) for s in registry.status()] == [
        ("tests.off", None),
        ("tests.often", timedelta(minutes=1)),
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("tests.often", "is not job=seconds"),
        ("tests.often=soon", "is not job=seconds"),
        ("tests.often=-5", "is not job=seconds"),
        ("tests.nothing=60", "there is no periodic job 'tests.nothing'"),
    ],
)
def test_malformed_interval_overrides_are_named(registry, monkeypatch, value, problem):
    registry.periodic("tests.often", every=timedelta(hours=1))(Counter())
    monkeypatch.setenv("OPENINGUP_SCHEDULE_INTERVALS", value)

    with pytest.raises(ValueError, match="OPENINGUP_SCHEDULE_INTERVALS") as error:
        registry.intervals()
    assert problem in str(error.value)


def test_an_interval_under_a_second_is_refused(registry):
    with pytest.raises(ValueError, match="at least a second"):
        registry.periodic("tests.busy", every=timedelta(0))


def test_the_scheduler_can_be_switched_off(registry, monkeypatch):
    monkeypatch.setenv("OPENINGUP_SCHEDULER", "off")
    assert registry.start_scheduler() is None
    monkeypatch.setenv("OPENINGUP_SCHEDULER", "on")
    assert registry.enabled()


def test_every_context_registers_its_periodic_work():
    jobs = schedule.registered_jobs()
    for name in (
        "harvest.start_due",
        "quality.check_links",
        "reports.deliver_outbox",
        "reports.privacy",
        "reports.publish_dataset",
        "reports.clean_photos",
        "datastore.expire",
        "social.publish_due",
        "social.poll",
        "readiness.publish_benchmark",
        "core.prune_jobs",
    ):
        assert name in jobs, name
        assert jobs[name].task in tasks.registered(), name  # each runs a task that exists


@pytest.mark.django_db
def test_pruning_removes_old_finished_jobs_of_periodic_tasks_only(django_user_model):
    old = timezone.now() - timedelta(days=8)
    person = django_user_model.objects.create_user("ann")
    done = Job.objects.create(name="harvest.start_due", status=Job.Status.DONE, finished_at=old)
    recent = Job.objects.create(name="harvest.start_due", status=Job.Status.DONE, finished_at=timezone.now())
    mine = Job.objects.create(name="harvest.start_due", status="done", finished_at=old, created_by=person)
    other = Job.objects.create(name="catalogue.import_url", status=Job.Status.DONE, finished_at=old)

    result = schedule.prune_jobs(tasks.Progress("-"))

    assert result == {"deleted": 1}
    assert not Job.objects.filter(pk=done.pk).exists()
    assert Job.objects.filter(pk__in=[recent.pk, mine.pk, other.pk]).count() == 3


def _wait(condition: Any, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_runs_due_jobs_and_stops_cleanly(registry):
    ran = threading.Event()
    registry.periodic("tests.ping", every=timedelta(hours=1))(ran.set)
    scheduler = registry.Scheduler(tick=0.05)

    scheduler.start()
    try:
        assert ran.wait(20), "the scheduler thread did not run the due job"
        assert scheduler.running
    finally:
        scheduler.stop()
    assert not scheduler.running
    assert not any(t.name == "openingup-scheduler" for t in threading.enumerate())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_schedulers_claim_each_run_once(registry):
    counter = Counter()
    lock = threading.Lock()

    def count() -> None:
        with lock:
            counter()

    registry.periodic("tests.once", every=timedelta(hours=1))(count)
    PeriodicRun.objects.create(name="tests.once", next_run_at=T0)
    barrier = threading.Barrier(4)

    def look() -> None:
        barrier.wait()
        try:
            registry.run_due(T0)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=look) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert counter.calls == 1


TTL = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/scheduled/1> a dcat:Dataset ; dct:title "Bomen"@nl .
"""


@pytest.mark.django_db(transaction=True)
def test_a_due_harvest_source_is_harvested_without_any_command(server: Server, monkeypatch, settings):  # noqa: F811
    """End to end: the scheduler thread alone queues the due source's harvest, and the worker runs it."""
    from openingup.catalogue.models import Dataset
    from openingup.harvest.models import HarvestJob, HarvestSource

    settings.BROKER_URL = ""
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    harvest_only = {"harvest.start_due": schedule.registered_jobs()["harvest.start_due"]}
    monkeypatch.setattr(schedule, "_jobs", harvest_only)
    due = HarvestSource.objects.create(type="dcat", url=f"{server.url}/c.ttl", frequency="daily")
    manual = HarvestSource.objects.create(type="dcat", url=f"{server.url}/m.ttl")
    scheduler = schedule.Scheduler(tick=0.05)

    scheduler.start()
    try:
        assert _wait(lambda: Dataset.objects.filter(uri="https://n.test/scheduled/1").exists())
    finally:
        scheduler.stop()
    tasks.in_process_backend().join(timeout=30)

    assert HarvestJob.objects.filter(source=due, status=HarvestJob.Status.DONE).count() == 1
    assert not HarvestJob.objects.filter(source=manual).exists()
    assert Job.objects.get(name="harvest.start_due").status == Job.Status.DONE
    assert server.requests == ["/c.ttl"]
