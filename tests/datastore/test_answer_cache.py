"""Kept answers: the same query on a table version is answered again without the backend, only while the
budget allows, and never across versions or after a change."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.core.events import Event
from openingup.datastore import reading
from openingup.datastore.backends import backend
from openingup.datastore.models import Table
from openingup.datastore.subscribers import forget_recent_tables

from .conftest import Loader

CSV = b"id,name,amount\n1,Eik,10.5\n2,Beuk,20\n3,Linde,7\n"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, load: Loader) -> dict[str, Any]:
    """Counts the backend's page queries (set up after the fixture's own ingest)."""
    seen = {"rows": 0}
    real = type(backend("duckdb")).rows

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["rows"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(backend("duckdb")), "rows", counting)
    return seen


def _page(table: Table, **params: str) -> reading.Answer:
    return reading.answer(table, reading.parse(table, {k: [v] for k, v in params.items()}))


def test_a_repeated_query_is_answered_from_the_kept_answer(load: Loader, calls: dict[str, Any]) -> None:
    table = load("bomen.csv", CSV)
    first = _page(table, sort="-amount", limit="2")
    again = _page(table, sort="-amount", limit="2")
    other = _page(table, sort="amount", limit="2")
    assert calls["rows"] == 2  # the first and the other query; the repeat came from the kept answer
    assert again.rows == first.rows == [[2, 2, "Beuk", 20], [1, 1, "Eik", 10.5]]
    assert again is not first and again.total == first.total == 3
    assert [r[2] for r in other.rows] == ["Linde", "Eik"]


def test_no_kept_answers_with_a_zero_budget(
    load: Loader, calls: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_DATASTORE_PAGE_CACHE_CELLS", "0")
    table = load("bomen.csv", CSV)
    _page(table, limit="2")
    _page(table, limit="2")
    assert calls["rows"] == 2


def test_a_new_version_and_a_change_are_never_answered_from_old_answers(
    load: Loader, calls: dict[str, Any]
) -> None:
    old = load("bomen.csv", CSV)
    assert [r[2] for r in _page(old, limit="5").rows] == ["Eik", "Beuk", "Linde"]
    new = load("bomen.csv", CSV + b"4,Wilg,1\n", distribution=old.distribution)
    assert new.pk != old.pk
    assert [r[2] for r in _page(new, limit="5").rows] == ["Eik", "Beuk", "Linde", "Wilg"]
    assert calls["rows"] == 2
    assert [r[2] for r in _page(old, limit="5").rows] == ["Eik", "Beuk", "Linde"]
    assert calls["rows"] == 2  # the old version is still the same: its kept answer stands
    # any change this process sees clears what it kept, so the old version is asked again
    forget_recent_tables(Event("datastore.table_ready", {}))
    assert [r[2] for r in _page(old, limit="5").rows] == ["Eik", "Beuk", "Linde"]
    assert calls["rows"] == 3
