"""Answering table queries: a page with total, facets or groups — what API, CKAN calls and pages share.

Exact totals are cached per table version and row set (an unfiltered total is the stored row count,
never recomputed). Whole answers are kept too, per table version and query, up to
``OPENINGUP_DATASTORE_PAGE_CACHE_CELLS`` values per process: a table version is never written after it
became ready, so the same query on it always has the same answer (a popular preview or API page is then
answered without the database). Any change this process sees clears them anyway (see subscribers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from openingup import config
from openingup.datastore import query as query_mod
from openingup.datastore.backends import Page, backend
from openingup.datastore.ingest.geometry import HIDDEN
from openingup.datastore.ingest.profile import jsonable
from openingup.datastore.models import Table

_counts: OrderedDict[tuple[str, str], int] = OrderedDict()
_lock = threading.Lock()
CACHE = 4096
_answers: OrderedDict[tuple[str, ...], tuple[int, Answer]] = OrderedDict()
_cells = 0  # values held in _answers


def types_of(table: Table) -> dict[str, str]:
    out = {f["name"]: f["type"] for f in table.fields}
    out["_id"] = "integer"
    return out


def parse(table: Table, params: Mapping[str, list[str]]) -> query_mod.Query:
    return query_mod.parse(params, types_of(table), max_rows=settings.DATASTORE_MAX_ROWS)


def total(table: Table, q: query_mod.Query) -> int:
    if not q.filtered:
        return int(table.row_count or 0)
    key = (str(table.pk), q.signature())
    with _lock:
        if key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
    value = backend(table.backend).count(table, q)
    with _lock:
        _counts[key] = value
        while len(_counts) > CACHE:
            _counts.popitem(last=False)
    return value


def geometry_columns(table: Table) -> list[str]:
    return list(HIDDEN) if table.geometry.get("kind") == "bbox" else []


@dataclass
class Answer:
    columns: list[str]
    rows: list[list[Any]]
    total: int | None = None
    next_cursor: str | None = None
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    grouped: bool = False
    extra: list[str] = field(default_factory=list)  # hidden geometry columns at the end of each row


def answer(table: Table, q: query_mod.Query, *, with_total: bool = True, geometry: bool = False) -> Answer:
    """Run a parsed query: rows (or groups) plus total and facets (a kept answer when there is one)."""
    key = (
        str(table.pk),
        table.location,
        json.dumps(dataclasses.asdict(q), sort_keys=True, default=str),
        str(with_total),
        str(geometry),
    )
    with _lock:
        kept = _answers.get(key)
        if kept is not None:
            _answers.move_to_end(key)
            return dataclasses.replace(kept[1])
    out = _answer(table, q, with_total=with_total, geometry=geometry)
    _keep(key, out)
    return dataclasses.replace(out)


def _keep(key: tuple[str, ...], out: Answer) -> None:
    global _cells
    budget = config.get_int("OPENINGUP_DATASTORE_PAGE_CACHE_CELLS")
    cells = 1 + len(out.rows) * max(1, len(out.columns)) + sum(len(v) for v in out.facets.values())
    if cells > budget // 8:  # no single answer takes more than an eighth of the room
        return
    with _lock:
        if key in _answers:
            return
        _answers[key] = (cells, out)
        _cells += cells
        while _cells > budget and _answers:
            _cells -= _answers.popitem(last=False)[1][0]


def _answer(table: Table, q: query_mod.Query, *, with_total: bool, geometry: bool) -> Answer:
    b = backend(table.backend)
    if q.group_by:
        page: Page = b.group(table, q)
        return Answer(page.columns, [[jsonable(v) for v in r] for r in page.rows], grouped=True)
    extra = geometry_columns(table) if geometry else []
    page = b.rows(table, q, extra=extra) if q.limit else Page(["_id", *table.visible_names], [])
    out = Answer(page.columns, _plain(page.rows), extra=list(extra))
    if page.next_cursor is not None:
        out.next_cursor = query_mod.encode_cursor(page.next_cursor)
    if with_total:
        out.total = total(table, q)
    if q.facets:
        out.facets = {
            name: [{"value": jsonable(v), "count": n} for v, n in values]
            for name, values in b.facets(table, q).items()
        }
    return out


def stream(
    table: Table, q: query_mod.Query, *, geometry: bool = False, raw: bool = False
) -> Iterator[list[list[Any]]]:
    """Every matching row in batches; ``raw`` keeps Python types (dates, decimals) for binary formats."""
    extra = geometry_columns(table) if geometry else []
    for batch in backend(table.backend).stream(table, q, extra=extra):
        yield [list(r) for r in batch] if raw else _plain(batch)


def _decimal(value: Any) -> Any:
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: Any) -> Any:
    return value.isoformat()


def _converter(sample: Any) -> Callable[[Any], Any] | None:
    """How to make a column's values JSON-ready, judged by one value (a column has one Python type)."""
    if isinstance(sample, decimal.Decimal):
        return _decimal
    if isinstance(sample, dt.date | dt.time):  # datetime is a date too
        return _iso
    return None


def _plain(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows with JSON-ready values; only columns holding decimals or dates are converted."""
    if not rows:
        return []
    converters = []
    for i in range(len(rows[0])):
        sample = next((r[i] for r in rows if r[i] is not None), None)
        fn = _converter(sample)
        if fn is not None:
            converters.append((i, fn))
    if not converters:
        return [list(r) for r in rows]
    out = []
    for r in rows:
        row = list(r)
        for i, fn in converters:
            v = row[i]
            if v is not None:
                row[i] = fn(v)
        out.append(row)
    return out


def clear_cache() -> None:
    """Drop this process's kept totals and answers."""
    global _cells
    with _lock:
        _counts.clear()
        _answers.clear()
        _cells = 0
