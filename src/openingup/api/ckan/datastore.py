"""CKAN's DataStore actions over the datastore context: ``datastore_search``, ``datastore_search_sql`` and
``datastore_info``, with the parameters, results and errors of CKAN 2.11.

A CKAN resource id is a distribution id; its DataStore table is the distribution's current ready version,
visible as the distribution is (a draft only to its organisation's members — anyone else gets Not Found).
A search is built as a :class:`~openingup.datastore.query.Query` and answered by
:func:`openingup.datastore.reading.answer`, exactly as ``/api/v1/distributions/{id}/rows``; SQL runs through
:func:`openingup.datastore.services.run_sql`, where tables are named by their resource id in double quotes.

Types are shown as CKAN shows PostgreSQL's: ``text``, ``int8`` (our integers are 64-bit; CKAN's ``int``
columns show as ``int4``), ``numeric``, ``bool``, ``date``, ``timestamp``, ``time``; ``_id`` is ``int``.
Points and shapes are ``text``. Differences from CKAN that a client may notice: full-text search finds
rows holding every word (no stemming and no ranking, so rows stay in ``_id`` order unless sorted);
``q`` as an object finds each of its words inside the column's text (case-insensitive);
``nulls first`` is accepted but nulls always sort last; ``plain`` and ``language`` are accepted and ignored;
``total_estimation_threshold`` is accepted and echoed, the total is always exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from openingup.api.auth import viewer
from openingup.api.ckan.actions import (
    Invalid,
    Param,
    Params,
    ValidationError,
    action,
    as_list,
    boolean,
    integer,
    json_value,
    natural_number,
    one_of,
    strings,
    text,
    text_or_json_object,
    validate,
)
from openingup.catalogue.queries import distribution_by_id
from openingup.core.errors import InvalidInput, NotFound
from openingup.datastore import queries, reading, services
from openingup.datastore.models import Table
from openingup.datastore.query import Filter, Query, coerce, tokens

# Table Schema type → the PostgreSQL type name CKAN shows in ``fields`` (pg_type.typname) …
TYPES = {
    "string": "text",
    "integer": "int8",
    "year": "int8",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "geopoint": "text",
    "geojson": "text",
    "any": "text",
}
# … and in datastore_info's ``schema.native_type`` (format_type).
NATIVE_TYPES = {
    "text": "text",
    "int8": "bigint",
    "numeric": "numeric",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp without time zone",
    "time": "time without time zone",
}
# What a SQL result column's type (DuckDB's or PostgreSQL's name) is called in CKAN's ``fields``.
SQL_TYPES = {
    "BIGINT": "int8",
    "INT8": "int8",
    "LONG": "int8",
    "INTEGER": "int4",
    "INT4": "int4",
    "INT": "int4",
    "SMALLINT": "int2",
    "INT2": "int2",
    "TINYINT": "int2",
    "UTINYINT": "int2",
    "USMALLINT": "int4",
    "UINTEGER": "int8",
    "UBIGINT": "numeric",
    "HUGEINT": "numeric",
    "UHUGEINT": "numeric",
    "DOUBLE": "float8",
    "DOUBLE PRECISION": "float8",
    "FLOAT8": "float8",
    "FLOAT": "float4",
    "REAL": "float4",
    "FLOAT4": "float4",
    "NUMERIC": "numeric",
    "DECIMAL": "numeric",
    "VARCHAR": "text",
    "TEXT": "text",
    "STRING": "text",
    "CHARACTER VARYING": "text",
    "BOOLEAN": "bool",
    "BOOL": "bool",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITHOUT TIME ZONE": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMPTZ": "timestamptz",
    "TIME": "time",
    "TIME WITHOUT TIME ZONE": "time",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "JSON": "json",
    "JSONB": "jsonb",
    "BLOB": "bytea",
    "BYTEA": "bytea",
}
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
FILTER_OPERATORS = ("eq", "in", "gt", "gte", "lt", "lte")  # CKAN 2.12's {"column": {"op": value}}
MAX_OFFSET = 10**12
_INT64 = 2**63
_SORT = re.compile(r"^(.+?)( +(asc|desc))?( +nulls +(first|last) *)?$", re.IGNORECASE | re.DOTALL)
_STRINGS = {"string", "geopoint", "geojson", "any"}

SEARCH_SCHEMA = {
    "resource_id": Param(text, required=True),
    "q": Param(text_or_json_object),
    "full_text": Param(text),
    "plain": Param(boolean),
    "language": Param(text),
    "filters": Param(json_value),
    "limit": Param(natural_number, default=100),
    "offset": Param(integer),
    "fields": Param(strings),
    "sort": Param(strings),
    "distinct": Param(boolean),
    "include_total": Param(boolean, default=True),
    "total_estimation_threshold": Param(integer, default=None),
    "records_format": Param(one_of(RECORDS_FORMATS), default="objects"),
}
SQL_SCHEMA = {"sql": Param(text, required=True)}
INFO_SCHEMA = {
    "id": Param(text, required=True),
    "include_meta": Param(boolean, default=True),
    "include_fields_schema": Param(boolean, default=True),
}


def _invalid(value: Any) -> str:
    return f'invalid value "{value}"'


# --------------------------------------------------------------------------------- datastore_search


@action("datastore_search", side_effect_free=True)
def datastore_search(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Search a DataStore resource.

    The datastore_search action allows you to search data in a resource. By
    default 100 rows are returned - see the `limit` parameter for more info.

    A DataStore resource of a draft dataset can only be read by members of its
    organisation who send their API token.

    :param resource_id: id of the resource (distribution) to be searched against
    :type resource_id: string
    :param filters: matching conditions to select, e.g {"key1": "a", "key2": "b"};
        a list of values matches any of them, {"key": {"gte": 5}} compares
        (eq, in, gt, gte, lt, lte) (optional)
    :type filters: dictionary
    :param q: full text query. If it's a string, it'll search on all fields on
              each row. If it's a dictionary as {"key1": "a", "key2": "b"},
              it'll search on each specific field (optional)
    :type q: string or dictionary
    :param full_text: full text query on all fields, used instead of a string ``q``
    :type full_text: string
    :param distinct: return only distinct rows (optional, default: false)
    :type distinct: bool
    :param plain: accepted for compatibility, ignored
    :type plain: bool
    :param language: accepted for compatibility, ignored
    :type language: string
    :param limit: maximum number of rows to return
        (optional, default: ``100``, upper limit: the site's
        ``OPENINGUP_DATASTORE_MAX_ROWS``, 32000 unless configured)
    :type limit: int
    :param offset: offset this number of rows (optional)
    :type offset: int
    :param fields: fields to return
                   (optional, default: all fields in original order)
    :type fields: list or comma separated string
    :param sort: comma separated field names with ordering
                 e.g.: "fieldname1, fieldname2 desc"
    :type sort: string
    :param include_total: True to return total matching record count
                          (optional, default: true)
    :type include_total: bool
    :param total_estimation_threshold: accepted for compatibility; the total is always exact
    :type total_estimation_threshold: int or None
    :param records_format: the format for the records return value:
        'objects' (default) list of {fieldname1: value1, ...} dicts,
        'lists' list of [value1, value2, ...] lists,
        'csv' string containing comma-separated values with no header,
        'tsv' string containing tab-separated values with no header
    :type records_format: controlled list

    **Results:**

    The result of this action is a dictionary with the following keys:

    :rtype: A dictionary with the following keys
    :param fields: fields/columns and their extra metadata
    :type fields: list of dictionaries
    :param offset: query offset value
    :type offset: int
    :param limit: queried limit value (lowered to the site's maximum)
    :type limit: int
    :param filters: query filters
    :type filters: list of dictionaries
    :param total: number of total matching records
    :type total: int
    :param total_was_estimated: whether or not the total was estimated
    :type total_was_estimated: bool
    :param records: list of matching results
    :type records: depends on records_format value passed
    :param _links: the start of the results and the next page
    :type _links: dictionary

    """
    data = validate(params, SEARCH_SCHEMA, renames={"id": "resource_id"})
    data["limit"] = limit = min(data["limit"], settings.DATASTORE_MAX_ROWS)
    resource_id = data["resource_id"]
    table = _table(resource_id, request, f'Resource "{resource_id}" was not found.')
    types = reading.types_of(table)
    errors: dict[str, list[str]] = {}
    q = Query(limit=limit)

    offset = data.get("offset") or 0
    if not 0 <= offset <= MAX_OFFSET:
        errors["offset"] = [_invalid(offset)]
    else:
        q.offset = offset
    q.filters = _filters(data.get("filters"), types, errors)
    _text_search(q, data.get("q"), data.get("full_text"), types, errors)
    if data.get("fields") is not None:
        wanted = as_list(data["fields"])
        unknown = [f for f in wanted if not isinstance(f, str) or f not in types]
        if unknown:
            errors["fields"] = [_invalid(unknown[0])]
        else:
            q.fields = list(dict.fromkeys(wanted)) or None
    if data.get("sort") is not None:
        for clause in as_list(data["sort"]):
            parsed = _sort_clause(clause, types)
            if parsed is None:
                errors["sort"] = [_invalid(clause)]
                break
            q.sort.append(parsed)
    if errors:
        raise ValidationError(errors)

    include_total = data["include_total"]
    columns = q.fields or ["_id", *table.visible_names]
    distinct = bool(data.get("distinct")) and "_id" not in columns
    answer = reading.answer(table, q, with_total=include_total and not distinct)
    rows = _unique(answer.rows) if distinct else answer.rows
    total, estimated = answer.total, False
    if include_total and distinct:
        total, estimated = _distinct_total(table, q, columns)

    by_name = {f["name"]: f for f in table.fields}
    result: dict[str, Any] = dict(data)  # CKAN answers with the validated data dict, completed
    result["records"] = _records(answer.columns, rows, data["records_format"])
    result["fields"] = [_field(by_name.get(name), name) for name in columns]
    result["_links"] = _links(request, limit, q.offset)
    if include_total:
        result["total"] = total
        result["total_was_estimated"] = estimated
    return result


def _table(resource_id: str, request: HttpRequest, not_found: str) -> Table:
    """The current table of the distribution ``resource_id`` that the caller may see; NotFound otherwise."""
    try:
        uuid.UUID(resource_id)
    except ValueError:
        raise NotFound(not_found) from None
    user = viewer(request)
    try:
        distribution_by_id(resource_id, user)
    except NotFound:  # unknown or invisible: CKAN's words; a known one without data keeps ours below
        raise NotFound(not_found) from None
    return queries.table_for(resource_id, user)


def _filters(raw: Any, types: Mapping[str, str], errors: dict[str, list[str]]) -> list[Filter]:
    if raw is None or raw == {}:
        return []
    if not isinstance(raw, dict):
        errors["filters"] = ["Filters must be defined as a dict"]
        return []
    out: list[Filter] = []
    for column, value in raw.items():
        if column not in types:
            errors["filters"] = [_invalid(column)]
            return []
        try:
            out += _column_filters(column, value, types[column])
        except Invalid as exc:
            errors["filters"] = [str(exc)]
            return []
    return out


def _column_filters(column: str, value: Any, kind: str) -> list[Filter]:
    """``value`` (one value, a list of them, or ``{"op": value}``) as filters on ``column``."""
    if isinstance(value, list):
        return [Filter(column, "in", [_typed(v, kind, column) for v in value])]
    if not isinstance(value, dict):
        return [Filter(column, "eq", _typed(value, kind, column))]
    if not value:
        raise Invalid(_invalid(column))
    out = []
    for op, operand in value.items():
        if op not in FILTER_OPERATORS:
            raise Invalid(f"Unknown filter operation: {op!r}")
        if op == "in":
            if not isinstance(operand, list):
                raise Invalid(_invalid(operand))
            out.append(Filter(column, "in", [_typed(v, kind, column) for v in operand]))
        else:
            out.append(Filter(column, op, _typed(operand, kind, column)))
    return out


def _typed(value: Any, kind: str, column: str) -> Any:
    """A filter value as the column's Python type (None stays None: it matches nothing, as in CKAN)."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise Invalid(_invalid(json.dumps(value)[:200]))
    if kind in _STRINGS:
        return value if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        raw = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer() and kind in {"integer", "year"}:
        raw = str(int(value))
    else:
        raw = str(value)
    problem = f'invalid value "{raw[:200]}" for field "{column}"'
    try:
        if kind == "time":
            return dt.time.fromisoformat(raw)
        typed = coerce(raw, kind, "filters")
    except (InvalidInput, ValueError):
        raise Invalid(problem) from None
    if isinstance(typed, int) and not isinstance(typed, bool) and not -_INT64 <= typed < _INT64:
        raise Invalid(problem)
    if isinstance(typed, float) and not math.isfinite(typed):
        raise Invalid(problem)
    return typed


def _text_search(
    q: Query, query: Any, full_text: str | None, types: Mapping[str, str], errors: dict[str, list[str]]
) -> None:
    """``q`` (a string: every word anywhere; an object: every word of each value inside its column) and
    ``full_text`` (instead of a string ``q``)."""
    words = full_text or (query if isinstance(query, str) else "")
    q.text = tokens(words) if words else []
    if isinstance(query, dict):
        bad = [k for k, v in query.items() if k not in types or not isinstance(v, str)]
        if bad:
            errors["q"] = [_invalid(bad[0])]
            return
        for column, value in query.items():
            q.filters += [Filter(column, "contains", token) for token in tokens(value)]


def _sort_clause(clause: Any, types: Mapping[str, str]) -> tuple[str, bool] | None:
    """``"name"``, ``"name desc"``, ``'"Name" asc nulls last'`` as (column, descending); None if unknown."""
    if not isinstance(clause, str):
        return None
    match = _SORT.match(clause.strip())
    if not match:
        return None
    name = match[1]
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1]
    if name not in types:
        return None
    return name, (match[3] or "asc").lower() == "desc"


def _unique(rows: Sequence[list[Any]]) -> list[list[Any]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        key = json.dumps(row, default=str)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _distinct_total(table: Table, q: Query, columns: list[str]) -> tuple[int, bool]:
    """How many distinct rows of ``columns`` match (as groups, up to the row limit: beyond it an estimate)."""
    cap = settings.DATASTORE_MAX_ROWS
    groups = Query(filters=q.filters, text=q.text, group_by=list(columns), limit=cap)
    count = len(reading.answer(table, groups, with_total=False).rows)
    return count, count >= cap


def _records(columns: list[str], rows: Sequence[list[Any]], fmt: str) -> Any:
    if fmt == "objects":
        return [dict(zip(columns, row, strict=False)) for row in rows]
    if fmt == "lists":
        return [list(row) for row in rows]
    # PostgreSQL's COPY … TO STDOUT csv: no header, NULL as nothing, booleans as t/f.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else ("t" if v else "f") if isinstance(v, bool) else v for v in row])
    return buffer.getvalue()


def _field(field: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    if field is None:  # _id
        return {"id": name, "type": "int"}
    out: dict[str, Any] = {"id": name, "type": TYPES.get(field["type"], "text")}
    info = {}
    if field.get("title"):
        info["label"] = field["title"]
    if field.get("description"):
        info["notes"] = field["description"]
    if info:
        out["info"] = info
    return out


def _links(request: HttpRequest, limit: int, offset: int) -> dict[str, str]:
    """CKAN's ``_links``: this request's URL without ``offset`` (start) and with the next page's."""
    arguments = {k: v for k, v in parse_qsl(request.META.get("QUERY_STRING", "")) if k != "offset"}

    def url(args: Mapping[str, Any]) -> str:
        query = urlencode(args)
        return f"{request.path}?{query}" if query else request.path

    links = {"start": url(arguments), "next": url({"offset": offset + limit, **arguments})}
    if offset - limit > 0:
        links["prev"] = url({"offset": offset - limit, **arguments})
    return links


# ----------------------------------------------------------------------------- datastore_search_sql


@action("datastore_search_sql", side_effect_free=True)
def datastore_search_sql(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Execute SQL queries on the DataStore.

    The datastore_search_sql action allows a user to search data in a resource
    or connect multiple resources with join expressions. Tables are named by
    their resource id in double quotes: ``SELECT * FROM "<resource id>"``.
    Only one SELECT statement is allowed, with functions from an allow-list;
    there is an enforced timeout, and the number of results returned is
    limited to the site's ``OPENINGUP_DATASTORE_MAX_ROWS`` (32000 unless
    configured). Resources of draft datasets can only be read by members of
    their organisation who send their API token.

    :param sql: a single SQL select statement
    :type sql: string

    **Results:**

    The result of this action is a dictionary with the following keys:

    :rtype: A dictionary with the following keys
    :param fields: fields/columns and their extra metadata
    :type fields: list of dictionaries
    :param records: list of matching results
    :type records: list of dictionaries
    :param records_truncated: indicates whether the number of records returned
        was limited by the internal limit. If records are truncated by this,
        this key has value True, otherwise the key is not returned at all.
    :type records_truncated: bool

    """
    data = validate(params, SQL_SCHEMA, junk=False)
    try:
        answer = services.run_sql(data["sql"], viewer(request))
    except InvalidInput as exc:
        raise ValidationError({"query": [p.problem for p in exc.problems] or [exc.message]}) from exc
    result: dict[str, Any] = {
        "sql": data["sql"],
        "records": answer["rows"],
        "fields": [{"id": f["name"], "type": sql_type(f["type"])} for f in answer["fields"]],
    }
    if answer["truncated"]:
        result["records_truncated"] = True
    return result


def sql_type(name: str) -> str:
    """A result column's type (``BIGINT``, ``DECIMAL(18,2)``, ``INTEGER[]``, ``double precision``) as CKAN
    names it (``int8``, ``numeric``, ``_int4``, ``float8``)."""
    upper = name.strip().upper()
    if upper.endswith("[]"):
        return "_" + sql_type(upper[:-2])
    base = upper.split("(", 1)[0].strip()
    return SQL_TYPES.get(upper) or SQL_TYPES.get(base) or name.strip().lower()


# ----------------------------------------------------------------------------------- datastore_info


@action("datastore_info", side_effect_free=True)
def datastore_info(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Returns detailed metadata about a resource.

    :param id: id of the resource we want info about (``resource_id`` is accepted too)
    :type id: string
    :param include_meta: return table size, index size, row count and aliases
    :type include_meta: bool (optional, default: True)
    :param include_fields_schema: return fields' index, unique, notnull status
    :type include_fields_schema: bool (optional, default: True)

    **Results:**

    :rtype: dictionary
    :returns:
        **meta**: resource metadata dictionary with the following keys:

        - aliases - aliases (views) for the resource (always empty)
        - count - row count
        - db_size - size of all the datastore's source data (bytes)
        - id - resource id
        - idx_size - size of all indices for the resource (bytes)
        - size - size of the resource's source data (bytes)
        - table_type - BASE TABLE

        **fields**: A list of dictionaries based on :ref:`fields`, with an
        additional nested dictionary per field called **schema**, with the
        following keys:

        - native_type - native database data type
        - index_name
        - is_index
        - notnull
        - uniquekey

    """
    data = validate(params, INFO_SCHEMA, renames={"resource_id": "id"}, junk=False)
    resource_id = data["id"]
    table = _table(resource_id, request, f'Resource/Alias "{resource_id}" was not found.')
    fields = []
    for f in table.fields:
        field = _field(f, f["name"])
        if data["include_fields_schema"]:
            field["schema"] = {
                "native_type": NATIVE_TYPES.get(field["type"], "text"),
                "notnull": False,
                "index_name": None,
                "is_index": False,
                "uniquekey": False,
            }
        fields.append(field)
    info: dict[str, Any] = {"fields": fields}
    if data["include_meta"]:
        stored = Table.objects.filter(status=Table.Status.READY).aggregate(n=Sum("source_bytes"))["n"]
        info["meta"] = {
            "id": resource_id,
            "count": int(table.row_count or 0),
            "table_type": "BASE TABLE",
            "size": int(table.source_bytes or 0),
            "db_size": int(stored or 0),
            "idx_size": 0,
            "aliases": [],
        }
    return info
