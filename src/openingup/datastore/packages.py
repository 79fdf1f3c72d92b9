"""The data dictionary as a Frictionless Table Schema, and a dataset as a Data Package."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openingup.datastore.models import Table
from openingup.datastore.queries import tables_of_dataset

_KEEP = ("name", "title", "description", "type", "format", "decimalChar", "constraints")


def table_schema(table: Table) -> dict[str, Any]:
    fields = [{k: f[k] for k in _KEEP if k in f} for f in table.fields]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "missingValues": [""],
    }


def _text(values: Any, lang: str = "en") -> str:
    if isinstance(values, dict):
        return str(values.get(lang) or next(iter(values.values()), ""))
    return str(values or "")


def data_package(dataset: Any, request: HttpRequest) -> dict[str, Any]:
    base = request.build_absolute_uri("/api/v1")
    resources = []
    for table in tables_of_dataset(dataset):
        d = table.distribution
        if d is None:
            continue
        resources.append(
            {
                "name": f"distribution-{d.pk}",
                "title": _text(d.title) or table.source_name,
                "path": f"{base}/distributions/{d.pk}/export.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": d.byte_size,
                "hash": (d.checksum or {}).get("value", ""),
                "schema": table_schema(table),
                "x-rows": table.row_count,
                "x-version": table.version,
            }
        )
    licence = dataset.licence if hasattr(dataset, "licence") else ""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": dataset.slug,
        "id": dataset.uri or request.build_absolute_uri(f"/datasets/{dataset.slug}/"),
        "title": _text(dataset.title),
        "description": _text(dataset.description),
        "keywords": [k for ks in (dataset.keywords or {}).values() for k in ks]
        if isinstance(dataset.keywords, dict)
        else [],
        "licenses": [{"path": licence}] if licence else [],
        "modified": dataset.modified,
        "resources": resources,
    }
