"""The datastore over HTTP: query a distribution's table, export it, read its dictionary, run SQL.

``/distributions/{id}/rows`` takes the filters of :mod:`openingup.datastore.query` (one parameter per
column, ``COLUMN__OP=value``), so its parameters depend on the table; each table describes its own in
``/distributions/{id}/openapi.json``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Body, Router

from openingup.api.auth import actor, public, viewer
from openingup.core.errors import FieldProblem, InvalidInput
from openingup.datastore import formats, openapi, packages, queries, reading, services
from openingup.datastore.models import Table

router = Router(tags=["datastore"])
_BODY = Body(...)
_ONE = "/distributions/{uuid:distribution_id}"
_QUERY_DOC = {
    "parameters": [
        {"name": n, "in": "query", "required": False, "schema": {"type": t}, "description": d}
        for n, t, d in (
            ("q", "string", "Full-text search; every word must occur."),
            ("sort", "string", "Columns to sort by, comma-separated; '-' for descending."),
            ("fields", "string", "Columns to return, comma-separated."),
            ("limit", "integer", "Rows per page (default 100)."),
            ("cursor", "string", "Opaque position from the previous page's `next`."),
            ("facet", "string", "Count values of this column (repeatable)."),
            (
                "group_by",
                "string",
                "Group by these columns; with `aggregate=count|sum:col|avg:col|min:col|max:col`.",
            ),
            ("bbox", "string", "minlon,minlat,maxlon,maxlat — rows whose point or shape intersects it."),
            ("format", "string", "json (default), csv or geojson."),
            ("version", "integer", "An older, still kept version of the data."),
        )
    ]
}


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {k: request.GET.getlist(k) for k in request.GET}


def _table(request: HttpRequest, distribution_id: UUID) -> Table:
    raw = request.GET.get("version")
    if raw and not raw.isdigit():
        raise InvalidInput(
            "The version is not a number.", [FieldProblem("version", "must be a whole number")]
        )
    return queries.table_for(distribution_id, viewer(request), int(raw) if raw else None)


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, default=str), content_type="application/json", status=status
    )


@router.get(_ONE + "/table", **public())
def table_info(request: HttpRequest, distribution_id: UUID) -> HttpResponse:
    """The table behind a distribution: version, row count, data dictionary, profile, validation report."""
    table = _table(request, distribution_id)
    return _json(openapi.describe(table, request))


@router.get(_ONE + "/rows", **public(**_QUERY_DOC))
def rows(request: HttpRequest, distribution_id: UUID) -> HttpResponse:
    """One page of rows (or groups); `next` links to the following page."""
    table = _table(request, distribution_id)
    params = _params(request)
    q = reading.parse(table, params)
    fmt = request.GET.get("format", "json")
    if fmt not in {"json", "csv", "geojson"}:
        raise InvalidInput("Unknown format.", [FieldProblem("format", "use json, csv or geojson")])
    answer = reading.answer(table, q, with_total=fmt == "json", geometry=fmt == "geojson")
    if fmt == "csv":
        return HttpResponse(
            "".join(formats.csv_lines(answer.columns, [answer.rows])), content_type=formats.MEDIA_TYPES["csv"]
        )
    nxt = None
    if answer.next_cursor:
        nxt = (
            request.build_absolute_uri(request.path)
            + "?"
            + urlencode(
                [(k, v) for k, vs in params.items() if k != "cursor" for v in vs]
                + [("cursor", answer.next_cursor)]
            )
        )
    if fmt == "geojson":
        collection = {
            "type": "FeatureCollection",
            "features": list(formats.features(table, answer.columns, answer.rows, answer.extra)),
            "next": nxt,
        }
        return HttpResponse(
            json.dumps(collection, ensure_ascii=False, default=str),
            content_type=formats.MEDIA_TYPES["geojson"],
        )
    body: dict[str, Any] = {
        "version": table.version,
        "fields": answer.columns,
        "rows": [dict(zip(answer.columns, r, strict=False)) for r in answer.rows],
    }
    if not answer.grouped:
        body["total"] = answer.total
        body["next"] = nxt
    if answer.facets:
        body["facets"] = answer.facets
    return _json(body)


@router.get(_ONE + "/export.{fmt}", **public())
def export(request: HttpRequest, distribution_id: UUID, fmt: str) -> StreamingHttpResponse:
    """Every matching row (same filters as /rows, no row cap) as csv, json, geojson, parquet or xlsx."""
    if fmt not in formats.EXPORTS:
        raise InvalidInput(
            "Unknown export format.", [FieldProblem("fmt", f"use one of {', '.join(formats.EXPORTS)}")]
        )
    table = _table(request, distribution_id)
    q = reading.parse(
        table, {k: v for k, v in _params(request).items() if k not in {"limit", "cursor", "offset"}}
    )
    columns = q.fields or ["_id", *table.visible_names]
    extra = reading.geometry_columns(table) if fmt == "geojson" else []
    batches = reading.stream(table, q, geometry=fmt == "geojson", raw=fmt in {"parquet", "xlsx"})
    content: Any
    if fmt == "csv":
        content = formats.csv_lines(columns, batches)
    elif fmt == "json":
        content = formats.json_lines(columns, batches)
    elif fmt == "geojson":
        content = formats.geojson_lines(table, columns, batches, extra)
    elif fmt == "parquet":
        content = formats.parquet_bytes(columns, batches)
    else:
        content = formats.xlsx_bytes(columns, batches)
    response = StreamingHttpResponse(content, content_type=formats.MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{distribution_id}-v{table.version}.{fmt}"'
    return response


@router.get(_ONE + "/schema.json", **public())
def table_schema(request: HttpRequest, distribution_id: UUID) -> HttpResponse:
    """The data dictionary as a Frictionless Table Schema."""
    return _json(packages.table_schema(_table(request, distribution_id)))


@router.patch(_ONE + "/schema.json")
def edit_dictionary(
    request: HttpRequest, distribution_id: UUID, payload: dict[str, Any] = _BODY
) -> HttpResponse:
    """Change column titles, descriptions or types: `{"fields": [{"name", "title", "description", "type"}]}`.
    A type change re-types the data as a new version (400 with the offending rows when it does not fit)."""
    user = actor(request)
    table = queries.table_for(distribution_id, user)
    fields = payload.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise InvalidInput(
            "Send the fields to change.", [FieldProblem("fields", "must be a list of objects")]
        )
    table = services.update_dictionary(actor=user, table=table, fields=fields)
    return _json(packages.table_schema(table))


@router.get(_ONE + "/openapi.json", **public())
def table_openapi(request: HttpRequest, distribution_id: UUID) -> HttpResponse:
    """An OpenAPI 3.1 description of this one table's query endpoint: its columns as parameters."""
    return _json(openapi.document(_table(request, distribution_id), request))


@router.get("/datasets/{slug}/datapackage.json", **public())
def datapackage(request: HttpRequest, slug: str) -> HttpResponse:
    """The dataset as a Frictionless Data Package: one resource per queryable distribution."""
    from openingup.catalogue.queries import dataset_by_slug

    dataset = dataset_by_slug(slug, viewer(request))
    return _json(packages.data_package(dataset, request))


@router.get("/sql", **public())
def sql(request: HttpRequest, sql: str) -> HttpResponse:
    """Read-only SQL over the tables you can see: `SELECT … FROM "<distribution id>"`. SELECT only,
    functions from an allow-list, time- and row-limited."""
    result = services.run_sql(sql, viewer(request))
    return _json(result)
