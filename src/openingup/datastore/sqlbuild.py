"""SQL for a Query, in the dialect of a backend (DuckDB or PostgreSQL).

Identifiers come from the table's own field list and are quoted; every user value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openingup.datastore.query import Query, aggregate_name


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Dialect:
    name: str
    placeholder: str  # "?" or "%s"
    id_expr: str  # how a row's _id is written
    text_match: str  # SQL with {p} for one token's parameter; "" when no index (then ILIKE is used)
    # What to sort and compare _id by, and by how much _id exceeds it: DuckDB's bare ``rowid`` lets the
    # engine use its row order and row-id filters, which ``rowid + 1`` hides (5× slower pages).
    id_key: str = ""
    id_offset: int = 0
    ordered_scan: bool = False  # rows come in _id order without ORDER BY (DuckDB preserves insertion order)

    def p(self) -> str:
        return self.placeholder


@dataclass
class Sql:
    text: str
    params: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A table as the builder sees it: its SQL reference, fields and geometry."""

    ref: str
    fields: Sequence[dict[str, Any]]
    geometry: dict[str, Any]

    def types(self) -> dict[str, str]:
        out = {f["name"]: f["type"] for f in self.fields}
        out["_id"] = "integer"
        return out


def column(d: Dialect, name: str) -> str:
    return d.id_expr if name == "_id" else quote(name)


def key(d: Dialect, name: str) -> str:
    """The expression to sort or compare a column by (``_id`` by its key)."""
    return (d.id_key or d.id_expr) if name == "_id" else quote(name)


def _key_value(d: Dialect, name: str, value: Any) -> Any:
    return value - d.id_offset if name == "_id" and isinstance(value, int) else value


def where(d: Dialect, src: Source, q: Query) -> Sql:
    parts: list[str] = []
    params: list[Any] = []
    p = d.placeholder
    for f in q.filters:
        c = column(d, f.column)
        if f.op == "isnull":
            parts.append(f"{c} IS {'' if f.value else 'NOT '}NULL")
        elif f.op == "in":
            if not f.value:
                parts.append("FALSE")
                continue
            parts.append(f"{c} IN ({', '.join(p for _ in f.value)})")
            params += list(f.value)
        elif f.op == "contains":
            parts.append(f"CAST({c} AS VARCHAR) ILIKE {p} ESCAPE '\\'")
            params.append("%" + _escape_like(str(f.value)) + "%")
        else:
            op = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[f.op]
            parts.append(f"{key(d, f.column)} {op} {p}")
            params.append(_key_value(d, f.column, f.value))
    if q.text:
        strings = [quote(f["name"]) for f in src.fields if f["type"] == "string"]
        for token in q.text:
            if d.text_match:
                parts.append(d.text_match.format(p=p))
                params.append(token)
            elif strings:
                parts.append("(" + " OR ".join(f"{s} ILIKE {p} ESCAPE '\\'" for s in strings) + ")")
                params += ["%" + _escape_like(token) + "%"] * len(strings)
            else:
                parts.append("FALSE")
    if q.bbox:
        parts.append(_bbox(d, src, q.bbox, params))
    return Sql(" AND ".join(parts), params)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bbox(d: Dialect, src: Source, box: tuple[float, float, float, float], params: list[Any]) -> str:
    minx, miny, maxx, maxy = box
    g = src.geometry
    p = d.placeholder
    if g.get("kind") == "latlon":
        lon, lat = quote(g["lon"]), quote(g["lat"])
        params += [minx, maxx, miny, maxy]
        return f"{lon} BETWEEN {p} AND {p} AND {lat} BETWEEN {p} AND {p}"
    if g.get("kind") == "bbox":
        params += [minx, maxx, miny, maxy]
        return f'"__maxx" >= {p} AND "__minx" <= {p} AND "__maxy" >= {p} AND "__miny" <= {p}'
    return "FALSE"


def _and(*clauses: str) -> str:
    used = [c for c in clauses if c]
    return (" WHERE " + " AND ".join(used)) if used else ""


def output_names(src: Source, names: Sequence[str] | None) -> list[str]:
    """The columns a page returns: those asked for, else ``_id`` and every visible column."""
    return list(names) if names else ["_id", *[f["name"] for f in src.fields]]


def rows(d: Dialect, src: Source, q: Query, *, extra: Sequence[str] = ()) -> tuple[Sql, list[str], list[str]]:
    """The page of rows, the names of its columns and its sort keys; ``extra`` adds hidden columns
    (geometry) after the named ones, and the sort-key values follow for the next cursor."""
    names = output_names(src, q.fields)
    keys = [*q.sort, ("_id", False)] if all(n != "_id" for n, _ in q.sort) else list(q.sort)
    select = [column(d, n) + (" AS _id" if n == "_id" else "") for n in names]
    select += [quote(e) for e in extra]
    # Sort keys are fetched too (after the requested columns) to build the next cursor.
    select += [column(d, k) for k, _ in keys]
    w = where(d, src, q)
    clauses = [w.text]
    params = list(w.params)
    if q.cursor is not None:
        clauses.append(_after(d, keys, q.cursor, params))
    # A semi-join (the text index) may reorder rows, so only plain filters rely on the scan order.
    if d.ordered_scan and keys == [("_id", False)] and not (q.text and d.text_match):
        order = ""
    else:
        order = " ORDER BY " + ", ".join(
            f"{key(d, k)} {'DESC' if desc else 'ASC'} NULLS LAST" for k, desc in keys
        )
    text = f"SELECT {', '.join(select)} FROM {src.ref}{_and(*clauses)}{order} LIMIT {int(q.limit) + 1}"
    if q.offset and q.cursor is None:
        text += f" OFFSET {int(q.offset)}"
    return Sql(text, params), names, [k for k, _ in keys]


def stream(d: Dialect, src: Source, q: Query, *, extra: Sequence[str] = ()) -> tuple[Sql, int]:
    """Every row of the query's row set in page order, no limit; returns the SQL and the width of a row
    (the sort-key columns that follow are for cursors and can be cut off)."""
    whole = Query(**{**q.__dict__, "limit": 10**15, "offset": 0, "cursor": None})
    sql, names, _ = rows(d, src, whole, extra=extra)
    return sql, len(names) + len(extra)


def _after(d: Dialect, keys: Sequence[tuple[str, bool]], values: Sequence[Any], params: list[Any]) -> str:
    """Rows strictly after the cursor in ORDER BY keys (NULLS LAST), as an OR of equality prefixes."""
    p = d.placeholder
    ors = []
    for i, (k, desc) in enumerate(keys):
        v = values[i]
        if v is None:
            continue  # nothing sorts after NULL in this key except via later keys (handled below)
        eqs = []
        for j in range(i):
            kj, vj = key(d, keys[j][0]), values[j]
            if vj is None:
                eqs.append(f"{kj} IS NULL")
            else:
                eqs.append(f"{kj} = {p}")
                params.append(_key_value(d, keys[j][0], vj))
        c = key(d, k)
        # _id is never NULL; leaving out "OR … IS NULL" keeps it a plain range the engine can push down.
        after = f"{c} {'<' if desc else '>'} {p}"
        eqs.append(after if k == "_id" else f"({after} OR {c} IS NULL)")
        params.append(_key_value(d, k, v))
        ors.append("(" + " AND ".join(eqs) + ")")
    # Rows equal on all keys but the last (the unique _id) are covered by the last OR term.
    return "(" + " OR ".join(ors) + ")" if ors else "FALSE"


def count(d: Dialect, src: Source, q: Query) -> Sql:
    w = where(d, src, q)
    return Sql(f"SELECT count(*) FROM {src.ref}{_and(w.text)}", w.params)


def facet(d: Dialect, src: Source, q: Query, name: str) -> Sql:
    w = where(d, src, q)
    c = column(d, name)
    return Sql(
        f"SELECT {c}, count(*) AS n FROM {src.ref}{_and(w.text)} GROUP BY 1 ORDER BY n DESC, 1 NULLS LAST "
        f"LIMIT {int(q.facet_limit)}",
        w.params,
    )


def group(d: Dialect, src: Source, q: Query) -> tuple[Sql, list[str]]:
    w = where(d, src, q)
    keys = [column(d, g) for g in q.group_by]
    outputs = list(q.group_by)
    select = list(keys)
    for fn, col in q.aggregates:
        expr = "count(*)" if col is None and fn == "count" else f"{fn}({column(d, col or '_id')})"
        name = aggregate_name(fn, col)
        select.append(f"{expr} AS {quote(name)}")
        outputs.append(name)
    order = ", ".join(
        f"{quote(n)} {'DESC' if desc else 'ASC'} NULLS LAST" for n, desc in q.sort if n in outputs
    )
    order = order or ", ".join(str(i + 1) for i in range(len(keys)))
    text = (
        f"SELECT {', '.join(select)} FROM {src.ref}{_and(w.text)} GROUP BY {', '.join(keys)} "
        f"ORDER BY {order} LIMIT {int(q.limit) + 1}"
    )
    return Sql(text, w.params), outputs
