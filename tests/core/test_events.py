"""The event bus: subscribers run after commit, never on rollback, and one failing does not stop others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

from openingup.catalogue import events as catalogue_events
from openingup.core import events
from openingup.organisations import events as organisation_events

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


def test_every_published_event_is_declared() -> None:
    from openingup.datastore import events as datastore_events

    declared = set(catalogue_events.ALL) | set(organisation_events.ALL) | set(datastore_events.ALL)
    used: set[str] = set()
    for path in ROOT.rglob("services*.py"):
        used |= set(re.findall(r"publish\(\s*events\.([A-Z_]+)", path.read_text()))
    for path in (ROOT / "catalogue" / "services").glob("*.py"):
        used |= set(re.findall(r"publish\(\s*events\.([A-Z_]+)", path.read_text()))
    names = {
        getattr(catalogue_events, n, None)
        or getattr(organisation_events, n, None)
        or getattr(datastore_events, n)
        for n in used
    }
    assert used and names <= declared
    assert not re.search(r'publish\(\s*"', "".join(p.read_text() for p in ROOT.rglob("*.py")))
