"""The DuckDB full-text index: the rows it finds are exactly those whose string cells hold every query
token (tokens as ``query.tokens`` makes them), whatever the punctuation, case, whitespace or script."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from openingup.datastore import reading
from openingup.datastore.backends import backend
from openingup.datastore.backends import duckdb_backend as ddb
from openingup.datastore.models import Table
from openingup.datastore.query import tokens

from .conftest import Loader

LONG = "x" * 150
CELLS = [
    "Bridge repair", "bridge, REPAIR!", "e-mail: info@example.org", "tab\tseparated\twords",
    "line one\nline two", "  many   spaces  ", "LIÈGE centre", "Straße 3", "Ørsted-vej 12b",
    "snake_case_name", "3", "", "100% done (99.5)", f"long {LONG} word", "ÅRHUS havn", "o'brien's pub",
]  # fmt: skip
WORDS = [
    "bridge", "repair", "example", "tab", "words", "two", "spaces", "liège", "straße", "3", "ørsted",
    "12b", "case", "100", "99", LONG, "x" * 100, "århus", "brien", "s", "nothinghere",
]  # fmt: skip


def _rows(n: int = 300) -> list[dict[str, Any]]:
    rng = random.Random(11)
    return [
        {
            "id": i,
            "name": rng.choice(CELLS),
            "note": rng.choice([*CELLS, None, None]),
            "amount": rng.randint(0, 999),
        }
        for i in range(1, n + 1)
    ]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue().encode()


def _expected(rows: list[dict[str, Any]], q: str) -> list[int]:
    wanted = set(tokens(q))
    out = []
    for r in rows:
        have = set(tokens(r["name"] or "")) | set(tokens(r["note"] or ""))
        if wanted <= have:
            out.append(r["id"])
    return out


def _ids(table: Table, **params: str) -> list[int]:
    q = reading.parse(table, {k: [v] for k, v in params.items()})
    q.limit = 10_000
    return [r[0] for r in reading.answer(table, q).rows]


@pytest.fixture
def rows() -> list[dict[str, Any]]:
    return _rows()


@pytest.fixture(params=["grouped", "sorted"])
def table(
    load: Loader, rows: list[dict[str, Any]], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Table:
    """The table with its index built each way (words grouped, or postings sorted): the same postings."""
    monkeypatch.setattr(ddb, "GROUPED_UP_TO", 2.0 if request.param == "grouped" else -1.0)
    t = load("notes.csv", _csv(rows))
    assert t.status == Table.Status.READY, t.report
    assert t.text_index and {f["name"]: f["type"] for f in t.fields}["note"] == "string"
    return t


def _text_file(table: Table) -> Path:
    return Path(backend("duckdb").path(table.location + ".text"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("word", WORDS)
def test_the_index_finds_exactly_the_rows_with_the_token(
    table: Table, rows: list[dict[str, Any]], word: str
) -> None:
    expected = _expected(rows, word)
    assert _ids(table, q=word) == expected
    assert _ids(table, q=word.upper()) == _expected(rows, word.upper())  # "STRASSE" is not "straße"
    assert reading.answer(table, reading.parse(table, {"q": [word], "limit": ["0"]})).total == len(expected)


def test_every_token_must_match_and_filters_combine(table: Table, rows: list[dict[str, Any]]) -> None:
    for q in ("bridge repair", "line two", "liège centre", "Straße, 3", "repair nothinghere", "3 3"):
        assert _ids(table, q=q) == _expected(rows, q), q
        # Totals of words alone are counted in the index; they must be the same rows.
        total = reading.answer(table, reading.parse(table, {"q": [q], "limit": ["0"]})).total
        assert total == len(_expected(rows, q)), q
    expected = [i for i in _expected(rows, "bridge") if rows[i - 1]["amount"] >= 500]
    assert expected and _ids(table, q="bridge", amount__gte="500") == expected
    filtered = reading.parse(table, {"q": ["bridge"], "amount__gte": ["500"], "limit": ["0"]})
    assert reading.answer(table, filtered).total == len(expected)


def test_the_index_layout_is_postings_sorted_by_token_hash(table: Table) -> None:
    con = duckdb.connect(str(_text_file(table)), read_only=True)
    try:
        assert con.execute("SELECT layout FROM meta").fetchall() == [(ddb.LAYOUT,)]
        postings = con.execute("SELECT h, r FROM postings").fetchall()
        hashes = [h for h, _ in postings]
        assert hashes == sorted(hashes) and len(postings) > len(CELLS)
        (rows_of_bridge,) = con.execute(
            "SELECT count(DISTINCT r) FROM postings WHERE h = hash('bridge')"
        ).fetchone() or (0,)
    finally:
        con.close()
    assert rows_of_bridge == len(_ids(table, q="bridge")) > 0


def test_an_index_of_the_earlier_layout_is_still_used(table: Table, rows: list[dict[str, Any]]) -> None:
    """Files built before the hash layout (a token → row table sorted by token) keep answering."""
    path = _text_file(table)
    path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(backend("duckdb").path(table.location))])  # type: ignore[attr-defined]
        con.execute(
            "CREATE TABLE tokens AS SELECT tok, r FROM (SELECT unnest(string_split_regex("
            f"lower(concat_ws(' ', src.data.name, src.data.note)), '{ddb.TOKENS}')) AS tok, "
            "src.data.rowid AS r FROM src.data) WHERE tok <> '' ORDER BY tok"
        )
        con.execute("DETACH src")
    finally:
        con.close()
    b = backend("duckdb")
    assert b._open(table)[1] is ddb.INDEXED_V1  # type: ignore[attr-defined]
    for word in ("bridge", "liège", "nothinghere"):
        assert _ids(table, q=word) == _expected(rows, word)


def test_an_index_hashed_by_another_duckdb_is_not_used(table: Table, rows: list[dict[str, Any]]) -> None:
    """A probe that hashes differently here (another DuckDB version) means the index cannot be trusted:
    search scans instead (substrings match then, so "ridg" finds the bridges)."""
    con = duckdb.connect(str(_text_file(table)))
    try:
        con.execute("UPDATE meta SET probe_hash = probe_hash + 1")
    finally:
        con.close()
    assert backend("duckdb")._open(table)[1] is ddb.PLAIN  # type: ignore[attr-defined]
    assert _ids(table, q="ridg") == _expected(rows, "bridge") != []


def test_a_table_without_string_columns_gets_an_empty_index(load: Loader) -> None:
    table = load("numbers.csv", b"a,b\n1,2\n3,4\n")
    assert table.text_index
    assert _ids(table, q="1") == []
    con = duckdb.connect(str(_text_file(table)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM postings").fetchall() == [(0,)]
    finally:
        con.close()


@pytest.mark.django_db(transaction=True)
def test_reindex_rebuilds_an_index_that_is_not_used(
    table: Table, rows: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    from openingup.cli.main import main

    con = duckdb.connect(str(_text_file(table)))
    try:
        con.execute("UPDATE meta SET probe_hash = probe_hash + 1")
    finally:
        con.close()
    b = backend("duckdb")
    assert b._open(table)[1] is ddb.PLAIN  # type: ignore[attr-defined]
    assert main(["datastore", "reindex"]) == 0
    assert f"{table.pk}: text index rebuilt" in capsys.readouterr().out
    # The running process notices the new file and queries it (no restart needed).
    assert b._open(table)[1] is ddb.INDEXED  # type: ignore[attr-defined]
    assert _ids(table, q="ridg") == [] and _ids(table, q="bridge") == _expected(rows, "bridge")
