"""Column profiles: nulls, distinct estimate, min/max, top values and a histogram, in a few DuckDB passes."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

import duckdb

from openingup.datastore.ingest.infer import quote

TOP_VALUES = 5
BINS = 10
_ORDERED = {"integer", "number", "date", "datetime"}


def jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def profile(con: duckdb.DuckDBPyConnection, table: str, fields: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``{"rows": N, "fields": {name: {...}}}`` for the visible fields of ``table``."""
    parts = ["count(*)"]
    for f in fields:
        q = quote(f["name"])
        parts += [f"count({q})", f"approx_count_distinct({q})"]
        parts += [f"min({q})", f"max({q})"] if f["type"] in _ORDERED else ["NULL", "NULL"]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {quote(table)}").fetchone() or ()
    total = int(row[0])
    out: dict[str, Any] = {}
    for i, f in enumerate(fields):
        filled, distinct, low, high = row[1 + 4 * i : 5 + 4 * i]
        p: dict[str, Any] = {
            "type": f["type"],
            "nulls": total - int(filled),
            "distinct": int(distinct),
        }
        if f["type"] in _ORDERED:
            p["min"], p["max"] = jsonable(low), jsonable(high)
            if low is not None and high is not None and low != high:
                p["histogram"] = _histogram(con, table, f, low, high)
        # Top values say something only when values repeat (not for ids or free text).
        if f["type"] not in {"number", "datetime"} and filled and int(distinct) <= max(20, int(filled) // 2):
            p["top"] = _top(con, table, f["name"])
        out[f["name"]] = p
    return {"rows": total, "fields": out}


def _top(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[dict[str, Any]]:
    q = quote(name)
    rows = con.execute(
        f"SELECT {q}, count(*) AS n FROM {quote(table)} WHERE {q} IS NOT NULL "
        f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT {TOP_VALUES}"
    ).fetchall()
    return [{"value": jsonable(v), "count": int(n)} for v, n in rows]


def _histogram(con: duckdb.DuckDBPyConnection, table: str, f: dict[str, Any], low: Any, high: Any) -> list:
    q = quote(f["name"])
    if f["type"] in {"date", "datetime"}:
        expr, lo, hi = f"epoch({q})", _epoch(low), _epoch(high)
    else:
        expr, lo, hi = f"CAST({q} AS DOUBLE)", float(low), float(high)
    width = (hi - lo) / BINS
    rows = con.execute(
        f"SELECT least(CAST(floor(({expr} - ?) / ?) AS INTEGER), {BINS - 1}) AS b, count(*) "
        f"FROM {quote(table)} WHERE {q} IS NOT NULL GROUP BY 1 ORDER BY 1",
        [lo, width],
    ).fetchall()
    counts = dict(rows)
    bins = []
    for b in range(BINS):
        start, end = lo + b * width, lo + (b + 1) * width
        if f["type"] in {"date", "datetime"}:
            start_v: Any = dt.datetime.fromtimestamp(start, dt.UTC).date().isoformat()
            end_v: Any = dt.datetime.fromtimestamp(end, dt.UTC).date().isoformat()
        else:
            start_v, end_v = round(start, 6), round(end, 6)
        bins.append({"from": start_v, "to": end_v, "count": int(counts.get(b, 0))})
    return bins


def _epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    return dt.datetime.combine(value, dt.time(), dt.UTC).timestamp()
