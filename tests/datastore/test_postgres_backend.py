"""The PostgreSQL datastore backend answers every query exactly as the embedded DuckDB backend does.

The same staged file is stored in both backends and every operation (filters, text search with and
without index, bbox, sorting, keyset paging, offset, facets, group-by, stream, SQL) is compared. Needs a
PostgreSQL server: ``DATABASE_URL=postgres://…``; the module is skipped without one. Tables go to the
``datastore`` schema of that database (not Django's test database) under fresh ids and are dropped again.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import random
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured

from openingup.core.errors import InvalidInput
from openingup.datastore.backends import base, duckdb_backend, postgres_backend
from openingup.datastore.backends.base import Page
from openingup.datastore.backends.duckdb_backend import DuckDBBackend
from openingup.datastore.backends.postgres_backend import PostgresBackend, escape_percent, pg_type
from openingup.datastore.ingest.pipeline import Staged
from openingup.datastore.query import Query, decode_cursor, encode_cursor, parse
from openingup.datastore.report import Report
from openingup.datastore.sql_guard import UnsafeSQL

URL = os.environ.get("DATABASE_URL", "")
if not URL.startswith("postgres"):
    pytest.skip("the PostgreSQL datastore backend needs DATABASE_URL=postgres://…", allow_module_level=True)

QUOTED = '100% "quoted"'  # a column name with % and quotes: must survive psycopg's placeholders
LATLON = {"kind": "latlon", "lat": "lat", "lon": "lon"}
BBOX = {"kind": "bbox"}
N = 97

FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "integer"},
    {"name": "name", "type": "string"},
    {"name": QUOTED, "type": "integer"},
    {"name": "amount", "type": "number"},
    {"name": "ratio", "type": "number"},
    {"name": "flag", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "ts", "type": "datetime"},
    {"name": "city", "type": "string"},
    {"name": "lat", "type": "number"},
    {"name": "lon", "type": "number"},
]
TYPES = {f["name"]: f["type"] for f in FIELDS} | {"_id": "integer"}
NAMES = [
    "O'Brien", 'Say "hi"', "100% pure", "a_b", "axb", "a\\b", "Liège", "LIÈGE", "École", "ecole",
    "foo-bar 3.5", "Gent", "gent", "", None, "Zoë", "alpha", "Alpha", "beta", "mail me@example.org",
]  # fmt: skip
CITIES = ["Gent", "Antwerpen", "Brugge", "Liège", None]


def _data() -> list[tuple[Any, ...]]:
    rnd = random.Random(20240611)
    rows = []
    for i in range(1, N + 1):
        lat = round(rnd.uniform(49.5, 51.5), 4)
        lon = round(rnd.uniform(2.5, 6.4), 4)
        rows.append((
            i,
            rnd.choice(NAMES),
            rnd.choice([None, 1, 2, 3, 3, 7, -4]),
            rnd.choice([None, decimal.Decimal("1.50"), decimal.Decimal("2.25"), decimal.Decimal("10.50"),
                        decimal.Decimal("-3.00"), decimal.Decimal("1000.00")]),
            rnd.choice([None, round(rnd.uniform(-1, 1), 6), 0.5, 1.0]),
            rnd.choice([None, True, False]),
            rnd.choice([None, dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(120))]),
            rnd.choice([None, dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=rnd.randrange(200_000))]),
            rnd.choice(CITIES),
            None if i % 11 == 0 else lat,
            None if i % 11 == 0 else lon,
            lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01,
        ))  # fmt: skip
    return rows


def _stage(path: Path, rows: list[tuple[Any, ...]] | None = None) -> Staged:
    """A staged file as the ingest writes it: table ``data`` with typed columns, then hidden ``__`` ones."""
    con = duckdb.connect(str(path))
    q = '"100% ""quoted"""'
    con.execute(
        f"CREATE TABLE data (id BIGINT, name VARCHAR, {q} BIGINT, amount DECIMAL(18,2), ratio DOUBLE, "
        "flag BOOLEAN, day DATE, ts TIMESTAMP, city VARCHAR, lat DOUBLE, lon DOUBLE, "
        "__minx DOUBLE, __miny DOUBLE, __maxx DOUBLE, __maxy DOUBLE)"
    )
    rows = _data() if rows is None else rows
    if rows:
        con.executemany(f"INSERT INTO data VALUES ({', '.join('?' * 15)})", rows)
    con.close()
    return Staged(path, [dict(f) for f in FIELDS], LATLON, {}, Report(), {}, N)


@dataclass
class Ref:
    id: str
    location: str
    fields: list[dict[str, Any]]
    geometry: dict[str, Any] = field(default_factory=dict)
    text_index: bool = False


@dataclass
class Pair:
    """One table stored in both backends.

    DuckDB gets a second copy for reading with the text index: one process cannot open the same file
    both with and without its index (see the report on duckdb_backend: the connections share one
    database instance, whose configuration the first one locks).
    """

    duck: DuckDBBackend
    pg: PostgresBackend
    duck_ref: Ref
    pg_ref: Ref
    duck_indexed: Ref

    def refs(self, **changes: Any) -> tuple[Ref, Ref]:
        duck = self.duck_indexed if changes.get("text_index") else self.duck_ref
        return replace(duck, **changes), replace(self.pg_ref, **changes)

    def drop(self) -> None:
        self.pg.drop(self.pg_ref)
        self.duck.drop(self.duck_ref)
        self.duck.drop(self.duck_indexed)


def _store_pair(duck: DuckDBBackend, pg: PostgresBackend, folder: Path, staged: Staged) -> Pair:
    table_id = str(uuid.uuid4())
    duck_refs = []
    for _ in range(2):
        duck_id = str(uuid.uuid4())
        copy = folder / f"{duck_id}.copy.duckdb"
        shutil.copy(staged.path, copy)
        duck_refs.append(
            Ref(duck_id, duck.store(replace(staged, path=copy), duck_id), staged.fields, staged.geometry)
        )
    duck.build_text_index(duck_refs[1])
    pg_location = pg.store(staged, table_id)
    return Pair(
        duck, pg, duck_refs[0], Ref(table_id, pg_location, staged.fields, staged.geometry), duck_refs[1]
    )


def _pg_relations(location: str) -> set[str]:
    hexid = location.removeprefix("t_")
    with psycopg.connect(URL) as conn:
        rows = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'datastore' AND c.relname LIKE %s",
            [f"%{hexid}%"],
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresBackend]:
    backend = PostgresBackend(URL)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def pair(pg: PostgresBackend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("pg-backend")
    duck = DuckDBBackend(folder / "duck")
    pair = _store_pair(duck, pg, folder, _stage(folder / "staged.duckdb"))
    try:
        pg.build_text_index(pair.pg_ref)
        yield pair
    finally:
        pair.drop()


@pytest.fixture(scope="module")
def cities(pg: PostgresBackend, pair: Pair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("pg-cities")
    path = folder / "cities.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE data (city VARCHAR, population BIGINT)")
    con.executemany(
        "INSERT INTO data VALUES (?, ?)", [("Gent", 265000), ("Antwerpen", 530000), ("Leuven", 102000)]
    )
    con.close()
    fields = [{"name": "city", "type": "string"}, {"name": "population", "type": "integer"}]
    staged = Staged(path, fields, {}, {}, Report(), {}, 3)
    cities = _store_pair(pair.duck, pg, folder, staged)
    yield cities
    cities.drop()


# -- comparing ----------------------------------------------------------------------------------
def _norm(value: Any) -> Any:
    """Values with their Python type; floats to 9 significant digits, aware datetimes in UTC."""
    if isinstance(value, Page):
        return (
            "Page",
            value.columns,
            _norm(value.rows),
            _norm(value.next_cursor),
            value.has_more,
            value.extra,
        )
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, float):
        return ("float", float(f"{value:.9g}"))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return ("datetime+tz", value.astimezone(dt.UTC))
    return (type(value).__name__, value)


def _query(params: dict[str, Any], types: dict[str, str] = TYPES) -> Query:
    return parse({k: v if isinstance(v, list) else [v] for k, v in params.items()}, types, max_rows=1000)


def _all(params: dict[str, Any]) -> Query:
    return _query({"limit": "1000", **params})


def _ids(page: Page) -> list[int]:
    return [row[0] for row in page.rows]


CASES: dict[str, dict[str, Any]] = {
    "everything": {},
    "eq-integer": {"id": "5"},
    "ne-integer": {"id__ne": "5"},
    "lt-decimal": {"amount__lt": "10.5"},
    "lte-decimal": {"amount__lte": "10.50"},
    "gt-double": {"ratio__gt": "0.25"},
    "gte-double": {"ratio__gte": "0.5"},
    "gte-date": {"day__gte": "2024-03-01"},
    "lt-timestamp": {"ts__lt": "2024-02-01T12:00:00"},
    "eq-boolean": {"flag": "true"},
    "ne-boolean": {"flag__ne": "true"},
    "eq-string-quote": {"name": "O'Brien"},
    "eq-string-double-quote": {"name": 'Say "hi"'},
    "eq-string-nul": {"name": "Gent\x00"},
    "in-string-nul": {"name__in": "\x00,Gent"},
    "contains-nul": {"name__contains": "\x00"},
    "eq-string-empty-is-not-null": {"name__isnull": "false", "name__lt": "A"},
    "lt-string-binary-order": {"name__lt": "a"},
    "gt-string-accents": {"name__gt": "Zoë"},
    "ne-string": {"name__ne": "Gent"},
    "in-string": {"name__in": "Gent,gent,Liège"},
    "in-decimal": {"amount__in": "1.50,2.25"},
    "in-integer-quoted-column": {f"{QUOTED}__in": "3,7"},
    "eq-quoted-column": {QUOTED: "3"},
    "lt-quoted-column": {f"{QUOTED}__lt": "3"},
    "contains-plain": {"name__contains": "brie"},
    "contains-unicode-case": {"name__contains": "liège"},
    "contains-decimal": {"amount__contains": "2.2"},
    "contains-date": {"day__contains": "-02-"},
    "contains-double": {"ratio__contains": "0.5"},
    "contains-double-whole": {"ratio__contains": ".0"},
    "contains-boolean": {"flag__contains": "ru"},
    "contains-timestamp": {"ts__contains": " 1"},
    "contains-quoted-column": {f"{QUOTED}__contains": "-"},
    "isnull-true": {"amount__isnull": "true"},
    "isnull-false": {"amount__isnull": "false"},
    "isnull-true-string": {"name__isnull": "true"},
    "several-filters": {"amount__gte": "1.5", "flag": "false", "day__isnull": "false"},
    "repeated-filter": {"id__gt": ["10", "20"], "id__lt": "60"},
    "sort-asc-nulls-last": {"sort": "amount"},
    "sort-desc-nulls-last": {"sort": "-amount,name"},
    "sort-string": {"sort": "name"},
    "sort-string-desc": {"sort": "-name,-city"},
    "sort-quoted-column": {"sort": f"-{QUOTED}"},
    "sort-timestamp": {"sort": "ts"},
    "sort-boolean": {"sort": "-flag,day"},
    "sort-id-desc": {"sort": "-_id"},
    "fields": {"fields": f"name,{QUOTED},amount"},
    "fields-without-id": {"fields": "city", "sort": "city"},
    "limit": {"limit": "5", "sort": "-day"},
    "limit-zero": {"limit": "0"},
    "offset": {"sort": "ratio", "offset": "10", "limit": "7"},
    "offset-past-end": {"offset": "500", "limit": "7"},
    "text-word": {"q": "gent"},
    "text-unicode": {"q": "LIÈGE"},
    "text-two-words": {"q": "o brien"},
    "text-digits": {"q": "3"},
    "text-hyphen": {"q": "foo"},
    "text-mail": {"q": "example"},
    "text-no-match": {"q": "nothing-here"},
    "text-and-filter": {"q": "alpha", "flag__isnull": "false"},
}


# Known differences, reported rather than fixed here (sqlbuild writes the SQL):
KNOWN = {
    # CAST(double AS VARCHAR): DuckDB writes whole numbers as "1.0", PostgreSQL as "1".
    "contains-double-whole": pytest.mark.xfail(reason="DuckDB renders 1.0 as '1.0', PostgreSQL as '1'"),
}


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "index"])
@pytest.mark.parametrize(
    "case", [pytest.param(case, id=name, marks=KNOWN.get(name, ())) for name, case in CASES.items()]
)
def test_rows_and_count_are_the_same(pair: Pair, case: dict[str, Any], indexed: bool) -> None:
    duck, pg = pair.refs(text_index=indexed)
    q = _query({"limit": "1000", **case})
    expected = pair.duck.rows(duck, q)
    got = pair.pg.rows(pg, q)
    assert _norm(got) == _norm(expected)
    assert pair.pg.count(pg, q) == pair.duck.count(duck, q)


def test_the_cases_select_something(pair: Pair) -> None:
    """Guards the comparison above against vacuous cases (both backends answering nothing)."""
    empty = {name for name, case in CASES.items() if not pair.pg.rows(pair.pg_ref, _all(case)).rows}
    assert empty == {"limit-zero", "offset-past-end", "text-no-match", "eq-string-nul", "contains-nul"}


def test_values_come_back_typed(pair: Pair) -> None:
    page = pair.pg.rows(pair.pg_ref, _query({"amount__isnull": "false", "ts__isnull": "false", "limit": "1"}))
    row = dict(zip(page.columns, page.rows[0], strict=True))
    assert isinstance(row["_id"], int)
    assert isinstance(row["amount"], decimal.Decimal)
    assert isinstance(row["ts"], dt.datetime)
    assert page.columns == ["_id", *(f["name"] for f in FIELDS)]


@pytest.mark.parametrize("value", ["%", "_", "\\", "100%", "a_b", "a\\b"])
def test_contains_matches_percent_underscore_and_backslash_literally(pair: Pair, value: str) -> None:
    everything = pair.pg.rows(pair.pg_ref, _all({}))
    wanted = [r[0] for r in everything.rows if r[2] is not None and value.lower() in r[2].lower()]
    assert wanted
    assert _ids(pair.pg.rows(pair.pg_ref, _all({"name__contains": value}))) == wanted


@pytest.mark.parametrize("value", ["%", "_", "\\"])
def test_contains_with_like_metacharacters_is_the_same_in_duckdb(pair: Pair, value: str) -> None:
    q = _all({"name__contains": value})
    assert _norm(pair.pg.rows(pair.pg_ref, q)) == _norm(pair.duck.rows(pair.duck_ref, q))


def test_text_search_uses_the_index(pair: Pair) -> None:
    plain, indexed = pair.pg_ref, replace(pair.pg_ref, text_index=True)
    # The index finds whole tokens, the scan substrings: "lph" is inside "alpha" but no token.
    assert pair.pg.count(plain, _query({"q": "lph"})) > 0
    assert pair.pg.count(indexed, _query({"q": "lph"})) == 0
    assert pair.pg.count(indexed, _query({"q": "alpha"})) == pair.pg.count(plain, _query({"q": "alpha"})) > 0


def test_text_index_without_string_columns(pg: PostgresBackend, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "n.duckdb"))
    con.execute("CREATE TABLE data AS SELECT range AS n FROM range(5)")
    con.close()
    fields = [{"name": "n", "type": "integer"}]
    pair = _store_pair(
        DuckDBBackend(tmp_path / "duck"),
        pg,
        tmp_path,
        Staged(tmp_path / "n.duckdb", fields, {}, {}, Report(), {}, 5),
    )
    try:
        pg.build_text_index(pair.pg_ref)
        duck, pgref = pair.refs(text_index=True)
        assert pg.count(pgref, _query({"q": "1"})) == pair.duck.count(duck, _query({"q": "1"})) == 0
        assert pg.count(pgref, _query({})) == 5
    finally:
        pair.drop()


def test_text_index_on_a_string_column_named_with_percent(pg: PostgresBackend, tmp_path: Path) -> None:
    name = '50% "off" %s'
    path = tmp_path / "p.duckdb"
    con = duckdb.connect(str(path))
    column = _sql_quote(name)
    con.execute(
        f"CREATE TABLE data AS SELECT * FROM (VALUES ('Red shoes'), ('blue Hat'), (NULL)) t({column})"
    )
    con.close()
    fields = [{"name": name, "type": "string"}]
    staged = Staged(path, fields, {}, {}, Report(), {}, 3)
    pair = _store_pair(DuckDBBackend(tmp_path / "duck"), pg, tmp_path, staged)
    try:
        pg.build_text_index(pair.pg_ref)
        types = {name: "string", "_id": "integer"}
        for indexed in (False, True):
            duck, pgref = pair.refs(text_index=indexed)
            for params in ({"q": "HAT"}, {f"{name}__contains": "sho", "sort": f"-{name}"}, {"facet": name}):
                q = _query(params, types)
                assert _norm(pg.rows(pgref, q)) == _norm(pair.duck.rows(duck, q))
                assert _norm(pg.facets(pgref, q)) == _norm(pair.duck.facets(duck, q))
            assert _ids(pg.rows(pgref, _query({"q": "hat"}, types))) == [2]
    finally:
        pair.drop()


def _sql_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.mark.parametrize(
    ("geometry", "box"),
    [
        (LATLON, (3.0, 50.0, 4.5, 51.0)),
        (BBOX, (3.0, 50.0, 4.5, 51.0)),
        (BBOX, (-10.0, -10.0, -9.0, -9.0)),
        ({}, (3.0, 50.0, 4.5, 51.0)),
    ],
    ids=["latlon", "hidden-bbox", "hidden-bbox-empty", "no-geometry"],
)
def test_bbox_is_the_same(pair: Pair, geometry: dict[str, Any], box: tuple[float, ...]) -> None:
    duck, pg = pair.refs(geometry=geometry)
    q = _all({"sort": "-lat"})
    q.bbox = box  # type: ignore[assignment]
    expected = pair.duck.rows(duck, q, extra=["__minx", "__maxy"] if geometry else [])
    assert _norm(pair.pg.rows(pg, q, extra=["__minx", "__maxy"] if geometry else [])) == _norm(expected)
    assert pair.pg.count(pg, q) == pair.duck.count(duck, q)
    if geometry == LATLON:
        assert 0 < len(expected.rows) < N


def _pages(backend: Any, ref: Ref, params: dict[str, Any], size: int) -> tuple[list[tuple[Any, ...]], int]:
    """Every page of ``params`` through the cursor, as the API hands it out (JSON and back)."""
    rows: list[tuple[Any, ...]] = []
    q = _query({**params, "limit": str(size)})
    keys = [name for name, _ in q.sort] + ([] if any(n == "_id" for n, _ in q.sort) else ["_id"])
    pages = 0
    while True:
        page = backend.rows(ref, q)
        pages += 1
        rows += page.rows
        if page.next_cursor is None:
            assert not page.has_more
            return rows, pages
        assert page.has_more and len(page.rows) == size
        q.cursor = decode_cursor(encode_cursor(page.next_cursor), [TYPES[k] for k in keys])


@pytest.mark.parametrize(
    "sort", ["amount", "-amount", f"{QUOTED},-amount", "name", "-name", "-ratio", "flag,-ts", "-day", "-_id"]
)
def test_keyset_paging_covers_every_row_once(pair: Pair, sort: str) -> None:
    full = pair.pg.rows(pair.pg_ref, _all({"sort": sort})).rows
    assert len(full) == N
    for size in (1, 7, 50):
        pg_rows, pages = _pages(pair.pg, pair.pg_ref, {"sort": sort}, size)
        assert _norm(pg_rows) == _norm(full)
        assert pages == -(-N // size)
        duck_rows, _ = _pages(pair.duck, pair.duck_ref, {"sort": sort}, size)
        assert _norm(pg_rows) == _norm(duck_rows)


def test_keyset_paging_with_a_filter(pair: Pair) -> None:
    params = {"sort": "-amount", "name__isnull": "false", "q": "a"}
    full = pair.pg.rows(pair.pg_ref, _all(params)).rows
    rows, _ = _pages(pair.pg, pair.pg_ref, params, 4)
    assert _norm(rows) == _norm(full)


def test_extra_hidden_columns(pair: Pair) -> None:
    q = _query({"fields": "name", "sort": "lat", "limit": "20"})
    extra = ["__minx", "__miny", "__maxx", "__maxy"]
    expected = pair.duck.rows(pair.duck_ref, q, extra=extra)
    got = pair.pg.rows(pair.pg_ref, q, extra=extra)
    assert got.extra == extra and len(got.rows[0]) == 5
    assert _norm(got) == _norm(expected)


FACETS = {
    "all": {"facet": ["name", "city", "flag", "amount", QUOTED, "day"]},
    "limited": {"facet": "name,city", "facet_limit": "3"},
    "filtered": {"facet": ["city", "flag"], "amount__gt": "1.5"},
    "text": {"facet": ["city"], "q": "gent"},
}


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "index"])
@pytest.mark.parametrize("case", FACETS.values(), ids=FACETS.keys())
def test_facets_are_the_same(pair: Pair, case: dict[str, Any], indexed: bool) -> None:
    duck, pg = pair.refs(text_index=indexed)
    q = _query(case)
    got = pair.pg.facets(pg, q)
    assert _norm(got) == _norm(pair.duck.facets(duck, q))
    assert list(got) == q.facets and any(got.values())


GROUPS = {
    "count": {"group_by": "city"},
    "all-aggregates": {
        "group_by": "city",
        "aggregate": "count,sum:amount,avg:amount,min:day,max:ts,sum:id,avg:id,avg:ratio,sum:ratio,min:name,"
        f"max:amount,sum:{QUOTED},avg:{QUOTED}".split(","),
    },
    "two-keys": {"group_by": f"flag,{QUOTED}", "aggregate": ["count", "max:amount"]},
    "sorted-by-key-desc": {"group_by": "city", "sort": "-city"},
    "filtered": {"group_by": "name", "amount__isnull": "false", "aggregate": ["count", "min:ratio"]},
    "text": {"group_by": "flag", "q": "gent"},
    "limited": {"group_by": "name", "limit": "4"},
}


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "index"])
@pytest.mark.parametrize("case", GROUPS.values(), ids=GROUPS.keys())
def test_group_is_the_same(pair: Pair, case: dict[str, Any], indexed: bool) -> None:
    duck, pg = pair.refs(text_index=indexed)
    q = _query(case)
    got = pair.pg.group(pg, q)
    assert _norm(got) == _norm(pair.duck.group(duck, q))
    assert got.rows


def test_group_sorted_by_an_aggregate(pair: Pair) -> None:
    """Groups with equal counts have no order (sqlbuild adds no tie-break): compare them as a set."""
    q = _query({"group_by": "name", "aggregate": ["count", "avg:amount"], "limit": "1000"})
    q.sort = [("count", True)]
    got, expected = pair.pg.group(pair.pg_ref, q), pair.duck.group(pair.duck_ref, q)
    assert [r[1] for r in got.rows] == [r[1] for r in expected.rows]
    assert sorted(map(repr, _norm(got.rows))) == sorted(map(repr, _norm(expected.rows)))


STREAMS = {
    "everything": ({}, ()),
    "filtered": ({"amount__gte": "1.5", "sort": "-amount"}, ()),
    "fields-and-extra": ({"fields": f"name,{QUOTED}"}, ("__minx", "__maxy")),
    "text": ({"q": "gent"}, ()),
    "empty": ({"id__lt": "0"}, ()),
}


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "index"])
@pytest.mark.parametrize(("params", "extra"), STREAMS.values(), ids=STREAMS.keys())
def test_stream_is_the_same(
    pair: Pair, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any], extra: tuple[str, ...], indexed: bool
) -> None:
    monkeypatch.setattr(postgres_backend, "BATCH", 10)
    monkeypatch.setattr(duckdb_backend, "BATCH", 10)
    duck, pg = pair.refs(text_index=indexed)
    q = _query({**params, "limit": "3", "offset": "2"})  # stream ignores paging
    batches = list(pair.pg.stream(pg, q, extra=extra))
    rows = [r for b in batches for r in b]
    assert _norm(rows) == _norm([r for b in pair.duck.stream(duck, q, extra=extra) for r in b])
    assert all(len(b) == 10 for b in batches[:-1])
    assert _norm(rows) == _norm(pair.pg.rows(pg, _query({**params, "limit": "1000"}), extra=extra).rows)


def test_a_stream_left_early_gives_its_connection_back(pair: Pair) -> None:
    for _ in range(10):
        stream = pair.pg.stream(pair.pg_ref, _query({}))
        next(stream)
        stream.close()
    assert len(pair.pg._pool._idle) <= postgres_backend.POOL_SIZE
    assert pair.pg.count(pair.pg_ref, _query({})) == N


# -- SQL --------------------------------------------------------------------------------------
SQL = {
    "join": 'SELECT d.name, c.population FROM "{A}" d JOIN "{B}" AS c ON d.city = c.city WHERE d.id <= 40 '
    "ORDER BY d._id",
    "aggregate-and-modulo": 'SELECT id % 7 AS m, count(*) AS n, sum(amount) AS s FROM "{A}" '
    "GROUP BY 1 ORDER BY 1",
    "quoted-column-and-like": 'SELECT "100% ""quoted""" AS q, name FROM "{A}" '
    "WHERE name LIKE '100%' ORDER BY _id",
    "cte-and-window": 'WITH g AS (SELECT city, count(*) AS n FROM "{A}" GROUP BY city) '
    "SELECT city, n, rank() OVER (ORDER BY n DESC, city) AS r FROM g ORDER BY r",
    "case-insensitive-name": 'SELECT count(*) AS n FROM "{a}"',
    "generate-series": "SELECT x FROM generate_series(1, 5) AS t(x) ORDER BY x",
}


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
def test_sql_is_the_same(pair: Pair, cities: Pair, sql: str) -> None:
    a = "3f2c9a1e-5b7d-4c2a-9e8f-0a1b2c3d4e5f"
    text = sql.format(A=a.upper(), a=a, B="b7e4d2c1-0f9e-4d8c-8b7a-6c5d4e3f2a10")
    names = {a.upper(): 0, "b7e4d2c1-0f9e-4d8c-8b7a-6c5d4e3f2a10": 1}
    pg = pair.pg.sql(
        text, {n: (pair.pg_ref, cities.pg_ref)[i] for n, i in names.items()}, max_rows=100, timeout_ms=5000
    )
    duck = pair.duck.sql(
        text,
        {n: (pair.duck_ref, cities.duck_ref)[i] for n, i in names.items()},
        max_rows=100,
        timeout_ms=5000,
    )
    assert pg.columns == duck.columns
    assert _norm(pg.rows) == _norm(duck.rows)
    assert pg.rows and not pg.truncated


def test_sql_types_are_postgresql_names(pair: Pair) -> None:
    result = pair.pg.sql(
        "SELECT _id, id, name, amount, ratio, flag, day, ts, count(*) OVER () AS n, avg(ratio) OVER () AS a "
        'FROM "t" LIMIT 1',
        {"t": pair.pg_ref},
        max_rows=10,
        timeout_ms=5000,
    )
    assert result.types == [
        "bigint", "bigint", "text", "numeric(18,2)", "double precision", "boolean", "date",
        "timestamp", "bigint", "double precision",
    ]  # fmt: skip


def test_sql_sees_only_the_visible_columns(pair: Pair) -> None:
    result = pair.pg.sql('SELECT * FROM "t" LIMIT 1', {"t": pair.pg_ref}, max_rows=10, timeout_ms=5000)
    assert result.columns == ["_id", *(f["name"] for f in FIELDS)]
    with pytest.raises(InvalidInput, match="__fts"):
        pair.pg.sql('SELECT "__fts" FROM "t"', {"t": pair.pg_ref}, max_rows=10, timeout_ms=5000)


def test_sql_truncates_at_max_rows(pair: Pair) -> None:
    result = pair.pg.sql('SELECT id FROM "t" ORDER BY id', {"t": pair.pg_ref}, max_rows=3, timeout_ms=5000)
    assert result.rows == [(1,), (2,), (3,)]
    assert result.truncated
    exact = pair.pg.sql('SELECT id FROM "t" WHERE id <= 3', {"t": pair.pg_ref}, max_rows=3, timeout_ms=5000)
    assert len(exact.rows) == 3 and not exact.truncated


def test_sql_timeout(pair: Pair) -> None:
    heavy = (
        "SELECT count(*) FROM generate_series(1, 100000000) AS a(x), generate_series(1, 100000000) AS b(y)"
    )
    with pytest.raises(InvalidInput) as caught:
        pair.pg.sql(heavy, {"t": pair.pg_ref}, max_rows=10, timeout_ms=200)
    assert caught.value.message == "The query took longer than 200 ms and was stopped."
    # the connection went back to the pool clean
    assert pair.pg.sql('SELECT count(*) FROM "t"', {"t": pair.pg_ref}, max_rows=1, timeout_ms=5000).rows == [
        (N,)
    ]


def test_sql_errors_are_invalid_input(pair: Pair) -> None:
    with pytest.raises(InvalidInput) as caught:
        pair.pg.sql('SELECT 1 / (id - id) FROM "t"', {"t": pair.pg_ref}, max_rows=10, timeout_ms=5000)
    assert caught.value.message == "The query failed: division by zero"
    assert not isinstance(caught.value, UnsafeSQL)
    with pytest.raises(InvalidInput, match="The query failed: column"):
        pair.pg.sql('SELECT nope FROM "t"', {"t": pair.pg_ref}, max_rows=10, timeout_ms=5000)


@pytest.mark.parametrize(
    "sql",
    [
        'DELETE FROM "t"',
        'SELECT 1; DROP TABLE "t"',
        "SELECT * FROM pg_catalog.pg_tables",
        "SELECT * FROM pg_tables",
        "SELECT * FROM datastore.anything",
        "SELECT pg_sleep(1)",
        "SELECT pg_read_file('/etc/passwd')",
        'SELECT * FROM "t" FOR UPDATE',
        "CREATE TABLE x (i int)",
        "SELECT * FROM unknown_table",
    ],
)
def test_sql_refuses(pair: Pair, sql: str) -> None:
    with pytest.raises(UnsafeSQL):
        pair.pg.sql(sql, {"t": pair.pg_ref}, max_rows=10, timeout_ms=5000)


def test_sql_runs_read_only_with_a_bare_search_path(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind the guard: the transaction is read-only, time-limited and sees nothing by unqualified name."""
    from openingup.datastore import sql_guard

    monkeypatch.setattr(sql_guard, "check_select", lambda sql, tables, dialect: sql)
    result = pair.pg.sql(
        "SELECT current_setting('transaction_read_only'), current_setting('search_path'), "
        "current_setting('statement_timeout')",
        {},
        max_rows=1,
        timeout_ms=1500,
    )
    assert result.rows == [("on", "pg_catalog", "1500ms")]
    with pytest.raises(InvalidInput, match="does not exist"):
        pair.pg.sql(f'SELECT * FROM "{pair.pg_ref.location}"', {}, max_rows=1, timeout_ms=1000)
    with pytest.raises(InvalidInput, match="The query failed"):
        pair.pg.sql("SELECT nextval('datastore.nothing')", {}, max_rows=1, timeout_ms=1000)
    # nothing of the session settings leaks into the next use of the connection
    with psycopg.connect(URL) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("0",)
    assert pair.pg.count(pair.pg_ref, _query({})) == N


# -- store and drop ---------------------------------------------------------------------------
def test_store_makes_a_table_and_a_view_and_consumes_the_staged_file(
    pg: PostgresBackend, tmp_path: Path
) -> None:
    staged = _stage(tmp_path / "s.duckdb")
    table_id = str(uuid.uuid4())
    location = pg.store(staged, table_id)
    ref = Ref(table_id, location, staged.fields, LATLON)
    try:
        assert location == "t_" + table_id.replace("-", "")
        assert not staged.path.exists()
        assert _pg_relations(location) == {location, "v_" + location[2:], location + "_pkey"}
        with psycopg.connect(URL) as conn:
            columns = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'datastore' AND table_name = %s ORDER BY ordinal_position",
                [location],
            ).fetchall()
        assert columns == [
            ("_id", "bigint"), ("id", "bigint"), ("name", "text"), (QUOTED, "bigint"), ("amount", "numeric"),
            ("ratio", "double precision"), ("flag", "boolean"), ("day", "date"),
            ("ts", "timestamp without time zone"), ("city", "text"), ("lat", "double precision"),
            ("lon", "double precision"), ("__minx", "double precision"), ("__miny", "double precision"),
            ("__maxx", "double precision"), ("__maxy", "double precision"),
        ]  # fmt: skip
        assert pg.count(ref, _query({})) == N
        pg.build_text_index(ref)
        assert _pg_relations(location) == {
            location,
            "v_" + location[2:],
            location + "_pkey",
            location + "_fts",
        }
    finally:
        pg.drop(ref)
    assert _pg_relations(location) == set()
    with pytest.raises(FileNotFoundError):
        pg.rows(ref, _query({}))
    pg.drop(ref)  # dropping again is fine


def test_store_maps_every_duckdb_type(pg: PostgresBackend, tmp_path: Path) -> None:
    path = tmp_path / "types.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE data AS SELECT 1::INTEGER AS i, 2::SMALLINT AS s, 3::TINYINT AS ti, "
        "170141183460469231731687303715884105727::HUGEINT AS h, 18446744073709551615::UBIGINT AS ub, "
        "0.1::FLOAT AS f, 12345678901234.5678::DECIMAL(18,4) AS d, DECIMAL '1.5' AS d2, "
        "TIME '12:34:56' AS t, TIMESTAMPTZ '2024-01-01 10:00:00+02' AS tz, 'a' || chr(0) || 'b' AS nul, "
        "[1, 2] AS list, {'k': 1} AS struct, '{\"a\": 1}'::JSON AS j, INTERVAL 3 DAY AS iv, "
        "'0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b'::UUID AS u"
    )
    described = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE data)").fetchall())
    con.close()
    fields = [{"name": n, "type": "string"} for n in described]
    staged = Staged(path, fields, {}, {}, Report(), {}, 1)
    pair = _store_pair(DuckDBBackend(tmp_path / "duck"), pg, tmp_path, staged)
    try:
        got = pg.rows(pair.pg_ref, _query({})).rows[0]
        expected = pair.duck.rows(pair.duck_ref, _query({})).rows[0]
        same = {"i", "s", "ti", "h", "ub", "f", "d", "d2", "t", "tz", "j", "iv", "u"}
        for name, g, e in zip(["_id", *described], got, expected, strict=True):
            if name in same:
                assert _norm(g) == _norm(e) or (g == e and name in {"h", "ub"}), name
        row = dict(zip(["_id", *described], got, strict=True))
        assert row["nul"] == "ab"  # PostgreSQL text cannot hold NUL: it is dropped
        assert row["list"] == "[1, 2]" and row["struct"] == "{'k': 1}"
    finally:
        pair.drop()


def test_a_failed_store_leaves_nothing_behind(
    pg: PostgresBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL's dates end in 5874897, DuckDB's later: the COPY fails on the last row, after batches.
    staged = _stage(tmp_path / "bad.duckdb")
    con = duckdb.connect(str(staged.path))
    con.execute("UPDATE data SET day = DATE '5880000-01-01' WHERE id = ?", [N])
    con.close()
    monkeypatch.setattr(postgres_backend, "BATCH", 10)
    table_id = str(uuid.uuid4())
    with pytest.raises(psycopg.DataError):
        pg.store(staged, table_id)
    assert _pg_relations("t_" + table_id.replace("-", "")) == set()
    assert not staged.path.exists()


def test_long_column_names_that_postgresql_would_merge_are_refused(
    pg: PostgresBackend, tmp_path: Path
) -> None:
    path = tmp_path / "long.duckdb"
    a, b = "é" * 40 + "a", "é" * 40 + "b"  # 81 bytes each, the same first 63
    con = duckdb.connect(str(path))
    con.execute(f'CREATE TABLE data ("{a}" BIGINT, "{b}" BIGINT)')
    con.close()
    staged = Staged(
        path, [{"name": a, "type": "integer"}, {"name": b, "type": "integer"}], {}, {}, Report(), {}, 0
    )
    table_id = str(uuid.uuid4())
    with pytest.raises(InvalidInput, match="first 63 bytes"):
        pg.store(staged, table_id)
    assert _pg_relations("t_" + table_id.replace("-", "")) == set()


def test_long_column_names_work(pg: PostgresBackend, tmp_path: Path) -> None:
    path = tmp_path / "long.duckdb"
    name = " ".join(
        ["a very long column name"] * 4
    )  # 95 bytes: PostgreSQL keeps 63, in the DDL and in queries alike
    con = duckdb.connect(str(path))
    con.execute(f'CREATE TABLE data AS SELECT range AS "{name}" FROM range(3)')
    con.close()
    staged = Staged(path, [{"name": name, "type": "integer"}], {}, {}, Report(), {}, 3)
    pair = _store_pair(DuckDBBackend(tmp_path / "duck"), pg, tmp_path, staged)
    try:
        types = {name: "integer", "_id": "integer"}
        q = _query({f"{name}__gte": "1", "sort": f"-{name}", "facet": name}, types)
        assert _norm(pg.rows(pair.pg_ref, q)) == _norm(pair.duck.rows(pair.duck_ref, q))
        assert _norm(pg.facets(pair.pg_ref, q)) == _norm(pair.duck.facets(pair.duck_ref, q))
    finally:
        pair.drop()


def test_an_empty_table(pg: PostgresBackend, tmp_path: Path) -> None:
    staged = _stage(tmp_path / "empty.duckdb", [])
    pair = _store_pair(DuckDBBackend(tmp_path / "duck"), pg, tmp_path, staged)
    try:
        pg.build_text_index(pair.pg_ref)
        q = _query({"q": "x", "facet": "city"})
        assert pg.rows(pair.pg_ref, q).rows == [] and pg.count(pair.pg_ref, q) == 0
        assert pg.facets(pair.pg_ref, q) == {"city": []}
        assert list(pg.stream(pair.pg_ref, q)) == []
    finally:
        pair.drop()


# -- connections ------------------------------------------------------------------------------
def _terminate_idle(backend: PostgresBackend) -> int:
    idle = [conn for conn, _ in backend._pool._idle]
    with psycopg.connect(URL, autocommit=True) as admin:
        for conn in idle:
            admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
    return len(idle)


def test_broken_pooled_connections_are_replaced(pair: Pair) -> None:
    streams = [pair.pg.stream(pair.pg_ref, _query({})) for _ in range(3)]
    for stream in streams:  # three connections at once, then all three idle in the pool
        next(stream)
    for stream in streams:
        stream.close()
    assert _terminate_idle(pair.pg) == 3  # as when the server restarts
    assert pair.pg.count(pair.pg_ref, _query({})) == N  # met a dead one, tried again on a new one
    assert pair.pg.count(pair.pg_ref, _query({})) == N
    for _ in range(2):
        assert _terminate_idle(pair.pg) == 1
        result = pair.pg.sql('SELECT count(*) FROM "t"', {"t": pair.pg_ref}, max_rows=1, timeout_ms=5000)
        assert result.rows == [(N,)]
        assert _terminate_idle(pair.pg) == 1
        assert sum(len(b) for b in pair.pg.stream(pair.pg_ref, _query({}))) == N


def test_a_connection_idle_for_long_is_checked_before_use(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_backend, "PING_AFTER", -1.0)
    for _ in range(3):
        assert pair.pg.count(pair.pg_ref, _query({})) == N
        assert _terminate_idle(pair.pg)
        result = pair.pg.sql('SELECT count(*) FROM "t"', {"t": pair.pg_ref}, max_rows=1, timeout_ms=5000)
        assert result.rows == [(N,)]
        assert _terminate_idle(pair.pg)
        assert sum(len(b) for b in pair.pg.stream(pair.pg_ref, _query({}))) == N


def test_many_threads_at_once(pair: Pair) -> None:
    queries = [_query(case) for case in CASES.values()] * 3
    expected = [_norm(pair.pg.rows(pair.pg_ref, q)) for q in queries]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> Any:
        try:
            return _norm(pair.pg.rows(pair.pg_ref, queries[i]))
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)
            raise

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(run, range(len(queries))))
    assert not errors
    assert got == expected
    assert len(pair.pg._pool._idle) <= postgres_backend.POOL_SIZE


def test_the_url_is_required(settings: Any) -> None:
    settings.DATASTORE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL URL"):
        PostgresBackend()
    with pytest.raises(ImproperlyConfigured):
        PostgresBackend("sqlite:///x.sqlite3")
    settings.DATASTORE_URL = URL
    assert PostgresBackend().url.startswith("postgresql://")


def test_registered() -> None:
    assert base.registered()["postgres"] is PostgresBackend


# -- helpers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE x = %s", "SELECT * FROM t WHERE x = %s"),
        (
            'SELECT "100% ""quoted""" FROM t WHERE "a%" = %s',
            'SELECT "100%% ""quoted""" FROM t WHERE "a%%" = %s',
        ),
        ('SELECT "%s" FROM t WHERE y IN (%s, %s)', 'SELECT "%%s" FROM t WHERE y IN (%s, %s)'),
        ("SELECT concat_ws('%', a) FROM \"t\"", "SELECT concat_ws('%%', a) FROM \"t\""),
        ("SELECT 'it''s 5%' AS \"x\"\"%\"", "SELECT 'it''s 5%%' AS \"x\"\"%%\""),
    ],
)
def test_escape_percent(sql: str, expected: str) -> None:
    assert escape_percent(sql) == expected


@pytest.mark.parametrize(
    ("duck", "pg"),
    [
        ("BIGINT", "bigint"), ("DOUBLE", "double precision"), ("DECIMAL(18,3)", "numeric(18,3)"),
        ("DECIMAL(38, 10)", "numeric(38,10)"), ("BOOLEAN", "boolean"), ("DATE", "date"),
        ("TIMESTAMP", "timestamp"), ("TIMESTAMP WITH TIME ZONE", "timestamptz"), ("TIME", "time"),
        ("VARCHAR", "text"), ("INTEGER[]", None), ("STRUCT(a INTEGER)", None),
    ],
)  # fmt: skip
def test_pg_type(duck: str, pg: str | None) -> None:
    assert pg_type(duck) == pg


def test_type_names_of_unknown_types_are_looked_up() -> None:
    with psycopg.connect(URL) as conn:
        conn.execute("CREATE TYPE pg_temp.mood AS ENUM ('calm', 'busy')")
        cur = conn.execute("SELECT 'calm'::pg_temp.mood, 1::int, 'x'::varchar(4), 1.5::float4")
        assert cur.description is not None
        names = PostgresBackend._type_names(conn, cur.description)
        conn.rollback()
    assert names == ["mood", "integer", "character varying(4)", "real"]


def test_cursor_values_survive_json(pair: Pair) -> None:
    """The next cursor of a page is plain values that the API can encode (no psycopg objects)."""
    page = pair.pg.rows(pair.pg_ref, _query({"sort": "ts,amount", "limit": "3"}))
    assert page.next_cursor is not None
    json.dumps(page.next_cursor, default=str)
