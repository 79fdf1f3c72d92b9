"""A table query as plain data, and how URL parameters become one.

Parameters (the same on every table): ``COLUMN=v`` (equals) and ``COLUMN__OP=v`` with OP one of ne, lt,
lte, gt, gte, in (comma-separated or repeated), contains (case-insensitive), isnull (true/false);
``q`` full text; ``bbox=minlon,minlat,maxlon,maxlat``; ``sort=-amount,id``; ``fields=a,b``; ``limit``;
``cursor`` (from ``next``); ``offset``; ``facet`` (repeatable); ``facet_limit``; ``group_by=a,b`` with
``aggregate=count`` / ``aggregate=sum:amount`` (count, sum, avg, min, max).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openingup.core.errors import FieldProblem, InvalidInput

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "isnull")
AGGREGATES = ("count", "sum", "avg", "min", "max")
RESERVED = frozenset(
    {"q", "bbox", "sort", "fields", "limit", "cursor", "offset", "facet", "facet_limit", "group_by",
     "aggregate", "format", "version", "count", "lang", "_"}
)  # fmt: skip
_NUMERIC = {"integer", "number", "year"}


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: Any


@dataclass
class Query:
    filters: list[Filter] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    fields: list[str] | None = None
    limit: int = 100
    offset: int = 0
    cursor: list[Any] | None = None
    facets: list[str] = field(default_factory=list)
    facet_limit: int = 20
    group_by: list[str] = field(default_factory=list)
    aggregates: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return bool(self.filters or self.text or self.bbox)

    def signature(self) -> str:
        """Identifies the row set (not the page) — the key of cached counts."""
        return json.dumps(
            [[(f.column, f.op, _jsonable(f.value)) for f in self.filters], self.text, self.bbox],
            sort_keys=True,
            default=str,
        )


def aggregate_name(fn: str, col: str | None) -> str:
    """The output name of an aggregate: ``count``, ``sum_amount`` …"""
    return fn if col is None else f"{fn}_{col}"


def tokens(text: str) -> list[str]:
    """Full-text tokens: lower-case runs of letters and digits (the index is built the same way)."""
    # Words longer than any real word are cut at 100 characters (PostgreSQL refuses tsquery words over
    # 2,047 bytes); they still match nothing a real word would not.
    return [t[:100] for t in re.findall(r"[^\W_]+", text.lower())][:16]


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    return value


def coerce(value: str, field_type: str, name: str) -> Any:
    """A URL value as the column's Python type; InvalidInput naming the parameter when it does not fit."""
    try:
        if field_type in {"integer", "year"}:
            return int(value)
        if field_type == "number":
            return decimal.Decimal(value) if re.fullmatch(r"[+-]?\d+(\.\d+)?", value) else float(value)
        if field_type == "date":
            return dt.date.fromisoformat(value)
        if field_type == "datetime":
            return dt.datetime.fromisoformat(value)
        if field_type == "time":
            return dt.time.fromisoformat(value)
        if field_type == "boolean":
            lowered = value.strip().lower()
            if lowered not in {"true", "false", "1", "0"}:
                raise ValueError(value)
            return lowered in {"true", "1"}
    except (ValueError, decimal.InvalidOperation) as exc:
        raise InvalidInput(
            "A filter value does not fit its column.",
            [FieldProblem(name, f"{value!r} is not a valid {field_type}")],
        ) from exc
    return value


def _int(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise InvalidInput(
            "A paging parameter is not a number.", [FieldProblem(name, "must be a whole number")]
        ) from exc
    if not low <= value <= high:
        raise InvalidInput(
            "A paging parameter is out of range.", [FieldProblem(name, f"must be {low}–{high}")]
        )
    return value


def _columns(raw: str, known: Mapping[str, str], param: str) -> list[str]:
    out = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if part not in known:
            raise InvalidInput("Unknown column.", [FieldProblem(param, f'no column "{part}"')])
        out.append(part)
    return out


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([_jsonable(v) for v in values]).encode()).decode().rstrip("=")


def decode_cursor(raw: str, types: Sequence[str]) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("shape")
        return [None if v is None else coerce(str(v), t, "cursor") if t != "string" else str(v)
                for v, t in zip(values, types, strict=True)]  # fmt: skip
    except (ValueError, TypeError, InvalidInput) as exc:
        raise InvalidInput(
            "The cursor is not valid for this query.", [FieldProblem("cursor", "invalid")]
        ) from exc


def parse(params: Mapping[str, list[str]], types: Mapping[str, str], *, max_rows: int) -> Query:
    """Build a Query from URL parameters (``{name: [values]}``) for a table whose columns have ``types``.

    ``types`` maps every visible column (plus ``_id``) to its Table Schema type. Raises InvalidInput for
    unknown columns or operators and for values that do not fit their column.
    """
    one = {k: v[-1] for k, v in params.items() if v}
    q = Query(limit=_int(one, "limit", 100, 0, max_rows), offset=_int(one, "offset", 0, 0, 10**12))
    for key, values in params.items():
        if key in RESERVED or not values:
            continue
        # The operator is the part after the last "__" when that is an operator name, so columns may
        # contain "__" themselves ("a__b", "a__b__gte").
        column, _, op = key.rpartition("__")
        if not column or op not in OPERATORS or key in types:
            column, op = key, "eq"
        if column not in types:
            raise InvalidInput("Unknown column.", [FieldProblem(key, f'no column "{column}"')])
        if op not in OPERATORS:
            raise InvalidInput(
                "Unknown operator.", [FieldProblem(key, f"operators are {', '.join(OPERATORS)}")]
            )
        kind = types[column]
        for value in values:
            if op == "isnull":
                q.filters.append(Filter(column, op, coerce(value, "boolean", key)))
            elif op == "in":
                items = [v for part in value.split(",") if (v := part.strip()) != ""]
                q.filters.append(Filter(column, op, [coerce(v, kind, key) for v in items]))
            elif op == "contains":
                q.filters.append(Filter(column, op, value))
            else:
                q.filters.append(Filter(column, op, coerce(value, kind, key)))
    if one.get("q"):
        q.text = tokens(one["q"])
    if one.get("bbox"):
        from openingup.datastore.maps import parse_bbox

        try:
            q.bbox = parse_bbox(one["bbox"])
        except ValueError as exc:
            raise InvalidInput("The bbox is not valid.", [FieldProblem("bbox", str(exc))]) from exc
    sort_raw = one.get("sort", "")
    if one.get("fields"):
        q.fields = _columns(one["fields"], types, "fields")
    for value in params.get("facet", []):
        q.facets += _columns(value, types, "facet")
    q.facet_limit = _int(one, "facet_limit", 20, 1, 1000)
    if one.get("group_by"):
        q.group_by = _columns(one["group_by"], types, "group_by")
        for value in params.get("aggregate", []) or ["count"]:
            fn, _, column = value.partition(":")
            if fn not in AGGREGATES:
                raise InvalidInput(
                    "Unknown aggregate.", [FieldProblem("aggregate", f"use one of {AGGREGATES}")]
                )
            if fn != "count" and column not in types:
                raise InvalidInput("Unknown column.", [FieldProblem("aggregate", f'no column "{column}"')])
            if fn in {"sum", "avg"} and types[column] not in _NUMERIC:
                raise InvalidInput(
                    "Wrong column type.", [FieldProblem("aggregate", f'"{column}" is not numeric')]
                )
            q.aggregates.append((fn, column or None))
    # Grouped answers sort by their output names too (count, sum_amount …).
    sortable = set(types) | {aggregate_name(fn, col) for fn, col in q.aggregates}
    for part in (p.strip() for p in sort_raw.split(",")):
        if part:
            name = part.lstrip("-")
            if name not in sortable:
                raise InvalidInput("Unknown column.", [FieldProblem("sort", f'no column "{name}"')])
            q.sort.append((name, part.startswith("-")))
    if one.get("cursor"):
        keys = [name for name, _ in q.sort] + ["_id"]
        q.cursor = decode_cursor(one["cursor"], [types[k] for k in keys])
    return q
