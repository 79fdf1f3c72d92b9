"""The event bus: subscribers run after commit, never on rollback, and one failing does not stop others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

from openingup.core import events

ROOT = Path(__file__).resolve().parents[2] / "src" / "openingup"


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_after_commit_and_not_on_rollback() -> None:
    seen: list[str] = []

    @events.subscribe("tests.thing")
    def record(event: events.Event) -> None:
        seen.append(event.payload["n"])

    @events.subscribe("tests.thing")
    def broken(event: events.Event) -> None:
        raise RuntimeError("a subscriber bug")

    with transaction.atomic():
        events.publish("tests.thing", n="committed")
        assert seen == []
    with pytest.raises(ValueError), transaction.atomic():
        events.publish("tests.thing", n="rolled back")
        raise ValueError
    assert seen == ["committed"]


@pytest.mark.django_db(transaction=True)
def test_batch_subscribers_get_each_commit_once_without_rolled_back_savepoints() -> None:
    batches: list[list[str]] = []
    single: list[str] = []

    @events.subscribe_batch("tests.batch.a", "tests.batch.b")
    def record(found: list[events.Event]) -> None:
        batches.append([e.payload["n"] for e in found])

    @events.subscribe("tests.batch.a")
    def one(event: events.Event) -> None:
        single.append(event.payload["n"])

    with transaction.atomic():
        events.publish("tests.batch.a", n="1")
        with transaction.atomic():  # a savepoint that is kept
            events.publish("tests.batch.b", n="2")
        with pytest.raises(ValueError), transaction.atomic():  # one that is rolled back
            events.publish("tests.batch.a", n="lost")
            raise ValueError
        transaction.on_commit(lambda: single.append("other callback"))
        events.publish("tests.batch.a", n="3")
        assert batches == [] and single == []
    assert batches == [["1", "2", "3"]]
    assert single == ["other callback", "1", "3"]  # events are delivered after the transaction's end
    with pytest.raises(ValueError), transaction.atomic():
        events.publish("tests.batch.a", n="rolled back")
        raise ValueError
    events.publish("tests.batch.b", n="no transaction")  # delivered at once
    assert batches == [["1", "2", "3"], ["no transaction"]]


def test_the_bus_knows_how_django_keeps_after_commit_callbacks() -> None:
    """``publish`` relies on Django's (savepoint ids, callback, robust) entries; fail loudly if that
    changes with a Django upgrade."""
    import inspect

    from django.db.backends.base.base import BaseDatabaseWrapper

    source = inspect.getsource(BaseDatabaseWrapper.on_commit)
    assert "self.run_on_commit.append((set(self.savepoint_ids), func, robust))" in source


def test_every_published_event_is_declared() -> None:
    """Every ``publish(events.NAME, …)`` in a context's services names an event its ``events`` module
    declares (and lists in ``ALL`` where it keeps one); nothing publishes a bare string."""
    import importlib

    checked = 0
    for path in ROOT.rglob("*.py"):
        names = re.findall(r"publish\(\s*events\.([A-Z_]+)", path.read_text())
        if not names:
            continue
        context = path.relative_to(ROOT).parts[0]
        module = importlib.import_module(f"openingup.{context}.events")
        for name in names:
            value = getattr(module, name, None)
            assert isinstance(value, str), f"{path}: {context}.events has no {name}"
            assert value in getattr(module, "ALL", [value]), f"{path}: {name} is not in {context}.events.ALL"
            checked += 1
    assert checked
    assert not re.search(r'publish\(\s*"', "".join(p.read_text() for p in ROOT.rglob("*.py")))
