"""Per-table descriptions: a summary of the table and an OpenAPI document with its columns as parameters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openingup.datastore.models import Table
from openingup.datastore.query import OPERATORS

_JSON_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean"}
_FORMATS = {"date": "date", "datetime": "date-time"}


def describe(table: Table, request: HttpRequest) -> dict[str, Any]:
    from openingup.datastore.queries import versions

    base = request.build_absolute_uri(f"/api/v1/distributions/{table.distribution_id}")
    return {
        "distribution": str(table.distribution_id),
        "version": table.version,
        "row_count": table.row_count,
        "fields": table.fields,
        "geometry": table.geometry,
        "profile": table.profile.get("fields", {}),
        "report": table.report,
        "dialect": table.dialect,
        "source": {"name": table.source_name, "bytes": table.source_bytes, "sha256": table.source_sha256},
        "text_index": table.text_index,
        "timings": table.timings,
        "ready_at": table.ready_at.isoformat() if table.ready_at else None,
        "versions": [
            {
                "version": t.version,
                "status": t.status,
                "rows": t.row_count,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            }
            for t in versions(table.distribution)
        ],
        "links": {
            "rows": base + "/rows",
            "schema": base + "/schema.json",
            "openapi": base + "/openapi.json",
            "exports": {fmt: f"{base}/export.{fmt}" for fmt in ("csv", "json", "geojson", "parquet", "xlsx")},
        },
    }


def _schema(field: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _JSON_TYPES.get(field["type"], "string")}
    if field["type"] in _FORMATS:
        out["format"] = _FORMATS[field["type"]]
    return out


def document(table: Table, request: HttpRequest) -> dict[str, Any]:
    """OpenAPI 3.1 for GET /rows of this table: one parameter per column and operator."""
    params: list[dict[str, Any]] = []
    for f in [{"name": "_id", "type": "integer"}, *table.fields]:
        desc = f.get("title") or f["name"]
        for op in OPERATORS:
            name = f["name"] if op == "eq" else f"{f['name']}__{op}"
            schema = (
                {"type": "boolean"}
                if op == "isnull"
                else {"type": "string"}
                if op in {"in", "contains"}
                else _schema(f)
            )
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": schema,
                    "description": f"{desc} ({op})",
                }
            )
    for name, kind, text in (
        ("q", "string", "full-text search"), ("sort", "string", "columns, '-' for descending"),
        ("fields", "string", "columns to return"), ("limit", "integer", "rows per page"),
        ("cursor", "string", "from the previous page's next"), ("facet", "string", "count values of a column"),  # noqa: E501
        ("group_by", "string", "group by columns"),
        ("aggregate", "string", "count | sum:col | avg:col | min:col | max:col"),
        ("bbox", "string", "minlon,minlat,maxlon,maxlat"), ("format", "string", "json, csv or geojson"),
    ):  # fmt: skip
        params.append(
            {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": text}
        )
    row = {
        "type": "object",
        "properties": {
            "_id": {"type": "integer"},
            **{f["name"]: {**_schema(f), "description": f.get("description", "")} for f in table.fields},
        },
    }
    path = f"/api/v1/distributions/{table.distribution_id}/rows"
    title = str(table.distribution) if table.distribution else str(table.distribution_id)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Rows of {title}", "version": str(table.version)},
        "servers": [{"url": request.build_absolute_uri("/")[:-1]}],
        "paths": {
            path: {
                "get": {
                    "operationId": "rows",
                    "parameters": params,
                    "responses": {
                        "200": {
                            "description": "A page of rows",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "total": {"type": "integer"}, "next": {"type": ["string", "null"]},
                                "fields": {"type": "array", "items": {"type": "string"}},
                                "rows": {"type": "array", "items": row}}}}},
                        },
                        "400": {"description": "Unknown column, operator or a value that does not fit"},
                    },
                }
            }
        },
    }  # fmt: skip
