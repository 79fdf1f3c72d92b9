"""The scheduler in the commands: ``openingup schedule list | run-due``, and ``serve`` starting it."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import timedelta
from typing import Any

import pytest

from openingup.cli.main import main
from openingup.core import schedule, tasks
from openingup.core.models import Job, PeriodicRun


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Only the test's own periodic jobs and tasks; both registries restored afterwards."""
    monkeypatch.setattr(schedule, "_jobs", {})
    monkeypatch.setattr(tasks, "_registry", tasks.registered())
    monkeypatch.delenv("OPENINGUP_SCHEDULE_INTERVALS", raising=False)
    monkeypatch.delenv("OPENINGUP_SCHEDULER", raising=False)
    return schedule


def _tidy(progress: tasks.Progress) -> dict[str, Any]:
    return {"tidied": True}


def _broken() -> None:
    raise OSError("the mail server is away")


@pytest.mark.django_db(transaction=True)
def test_run_due_runs_what_is_due_and_list_shows_it(registry, settings, capsys):
    settings.BROKER_URL = ""
    tasks.task("tests.tidy")(_tidy)
    registry.periodic("tests.tidy", every=timedelta(hours=6), task="tests.tidy")

    assert main(["schedule", "list"]) == 0
    out = capsys.readouterr().out
    assert "scheduler in serve/worker: on" in out
    assert "tests.tidy" in out and "6h" in out and "due now" in out

    assert main(["schedule", "run-due"]) == 0
    out = capsys.readouterr().out
    job = Job.objects.get(name="tests.tidy")
    assert f"tests.tidy: queued job {job.pk}" in out
    assert job.status == Job.Status.DONE  # without a broker the command waits for the work
    assert main(["schedule", "run-due"]) == 0
    assert "nothing is due" in capsys.readouterr().out

    assert main(["schedule", "list", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["jobs"]
    stored = PeriodicRun.objects.get(name="tests.tidy")
    assert row["every_seconds"] == 6 * 3600
    assert row["last_job"] == str(job.pk) and row["last_status"] == "done"
    assert row["next_run"] == stored.next_run_at.isoformat()
    assert stored.next_run_at == stored.last_run_at + timedelta(hours=6)


@pytest.mark.django_db(transaction=True)
def test_run_due_exits_1_naming_a_failed_job(registry, capsys, monkeypatch):
    registry.periodic("tests.mail", every=timedelta(minutes=5))(_broken)
    monkeypatch.setenv("OPENINGUP_SCHEDULER", "off")

    assert main(["schedule", "run-due"]) == 1
    assert "tests.mail: failed: the mail server is away" in capsys.readouterr().out
    assert main(["schedule", "list"]) == 0
    out = capsys.readouterr().out
    assert "scheduler in serve/worker: off" in out
    assert "OSError: the mail server is away" in out


@pytest.mark.django_db(transaction=True)
def test_a_mistyped_interval_override_is_a_usage_error(registry, capsys, monkeypatch):
    registry.periodic("tests.mail", every=timedelta(minutes=5))(_broken)
    monkeypatch.setenv("OPENINGUP_SCHEDULE_INTERVALS", "tests.mial=60")

    assert main(["schedule", "run-due"]) == 2
    assert "there is no periodic job 'tests.mial'" in capsys.readouterr().err
    assert not PeriodicRun.objects.exists()


class FakeServer:
    """Stands in for waitress: ``run`` records whether the scheduler thread was running meanwhile."""

    def __init__(self) -> None:
        self.socket = self
        self.scheduler_seen = False

    def fileno(self) -> int:
        return -1

    def run(self) -> None:
        deadline = threading.Event()
        for _ in range(400):
            if any(t.name == "openingup-scheduler" and t.is_alive() for t in threading.enumerate()):
                self.scheduler_seen = True
                return
            deadline.wait(0.05)

    def close(self) -> None:
        pass


def _serve_args(**changes: Any) -> argparse.Namespace:
    args = {"host": "127.0.0.1", "port": 0, "demo": False, "threads": 1, "processes": 1, "socket_fd": None}
    return argparse.Namespace(**{**args, **changes})


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    import waitress

    from openingup.cli.commands import serve

    server = FakeServer()
    monkeypatch.setattr(waitress, "create_server", lambda *a, **k: server)
    monkeypatch.setattr(serve, "migrate", lambda: None)
    previous = signal.getsignal(signal.SIGTERM)  # serve installs its own SIGTERM handler
    yield server
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.django_db(transaction=True)
def test_serve_runs_the_scheduler_while_it_serves_and_stops_it(registry, fake_server, settings):
    from openingup.cli.commands import serve

    settings.BROKER_URL = ""
    ran = threading.Event()
    registry.periodic("tests.ping", every=timedelta(hours=1))(ran.set)

    assert serve.run(_serve_args()) == 0

    assert fake_server.scheduler_seen
    assert ran.is_set()
    assert not any(t.name == "openingup-scheduler" for t in threading.enumerate())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("setting", "value"), [("OPENINGUP_SCHEDULER", "off"), ("OPENINGUP_BROKER_URL", "redis://127.0.0.1:1/0")]
)
def test_serve_leaves_periodic_work_to_cron_or_the_celery_worker(
    registry, fake_server, settings, monkeypatch, setting, value
):
    from openingup.cli.commands import serve

    monkeypatch.setenv(setting, value)
    settings.BROKER_URL = value if setting == "OPENINGUP_BROKER_URL" else ""
    fake_server.run = lambda: None  # type: ignore[method-assign]
    started: list[Any] = []
    monkeypatch.setattr(schedule.Scheduler, "start", lambda self: started.append(self))

    assert serve.run(_serve_args()) == 0
    assert started == []


def _scheduler_alive() -> bool:
    return any(t.name == "openingup-scheduler" and t.is_alive() for t in threading.enumerate())


@pytest.mark.django_db(transaction=True)
def test_the_in_process_worker_runs_the_scheduler_until_stopped(registry, settings, monkeypatch):
    from openingup.cli.commands import worker

    settings.BROKER_URL = ""
    registry.periodic("tests.ping", every=timedelta(hours=1))(lambda: None)
    seen: list[bool] = []

    def sleep(seconds: float) -> None:  # Ctrl+C at the first wait, after a look at the threads
        seen.append(_scheduler_alive())
        raise KeyboardInterrupt

    monkeypatch.setattr(worker, "time", argparse.Namespace(sleep=sleep))

    with pytest.raises(KeyboardInterrupt):
        worker.run(argparse.Namespace(concurrency=1))
    assert seen == [True]
    assert not _scheduler_alive()


@pytest.mark.django_db(transaction=True)
def test_the_celery_worker_starts_the_scheduler_once_it_is_ready(registry, settings, monkeypatch):
    from celery.signals import worker_ready

    from openingup.cli.commands import worker
    from openingup.core.celery import app

    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    registry.periodic("tests.ping", every=timedelta(hours=1))(lambda: None)
    seen: list[bool] = []

    def worker_main(argv: list[str]) -> None:
        seen.append(_scheduler_alive())  # not before the pool is up
        worker_ready.send(sender=None)
        seen.append(_scheduler_alive())

    monkeypatch.setattr(app, "worker_main", worker_main)

    assert worker.run(argparse.Namespace(concurrency=1)) == 0
    assert seen == [False, True]
    assert not _scheduler_alive()
    worker_ready.send(sender=None)  # another worker in this process later: not this command's business
    assert not _scheduler_alive()
