"""The frame every data tab shares: labels, cell values, the query string, and the page around a table.

:func:`data_page` finds the table version a page shows (or renders why there is none); :class:`DataPage`
holds it and builds what every tab shows around it — the tabs, versions, filter form and export links.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from openingup.catalogue.models import Distribution
from openingup.catalogue.queries import distribution_by_id
from openingup.core.errors import InvalidInput, NotFound
from openingup.core.models import Job
from openingup.datastore import queries
from openingup.datastore.models import Table
from openingup.web.presentation import pick

MAX_FILTERS = 20
BLANK_FILTERS = 2
NUMERIC = frozenset({"integer", "number", "year"})
API = "/api/v1/distributions/{pk}"


# ------------------------------------------------------------------------------------------ labels


def operator_choices() -> list[tuple[str, str]]:
    return [
        ("eq", "="),
        ("ne", "≠"),
        ("lt", "<"),
        ("lte", "≤"),
        ("gt", ">"),
        ("gte", "≥"),
        ("contains", _("contains")),
        ("isnull", _("is empty")),
    ]


def type_label(kind: str) -> str:
    return {
        "string": _("text"),
        "integer": _("whole number"),
        "number": _("number"),
        "boolean": _("yes or no"),
        "date": _("date"),
        "datetime": _("date and time"),
        "time": _("time of day"),
        "year": _("year"),
    }.get(kind, kind)


def status_text(status: str) -> str:
    texts: dict[str, str] = {
        Table.Status.LOADING: _("Loading"),
        Table.Status.READY: _("Ready"),
        Table.Status.FAILED: _("Failed"),
        Table.Status.EXPIRED: _("No longer kept"),
    }
    return texts.get(str(status), str(status))


# ------------------------------------------------------------------------------------------ values


def format_value(value: Any, kind: str) -> str:
    """A cell as people read it: grouped, localised numbers; yes/no; ISO dates as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind in {"integer", "number"} and isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        return number_format(value, force_grouping=True)
    return str(value)


def _count(value: Any) -> str:
    return "" if value is None else number_format(value, force_grouping=True)


@dataclass
class Cell:
    text: str
    numeric: bool


@dataclass
class Column:
    name: str
    label: str
    kind: str
    description: str = ""
    sort_url: str = ""
    sort: str = ""  # "ascending", "descending" or ""

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def type_label(self) -> str:
        return type_label(self.kind)


def columns_of(table: Table) -> list[Column]:
    return [
        Column(f["name"], f.get("title") or f["name"], f["type"], f.get("description", ""))
        for f in table.fields
    ]


# ------------------------------------------------------------------------------------------ query string


def param(params: QueryDict, name: str) -> str:
    """One query-string value, stripped (``""`` when absent)."""
    return str(params.get(name) or "").strip()


def link(params: QueryDict, drop: tuple[str, ...] = (), **changes: Any) -> str:
    """``?…`` for the same page with some parameters dropped or changed (``None`` drops one)."""
    query = params.copy()
    for key in drop:
        query.pop(key, None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    return f"?{query.urlencode()}" if query else "?"


@dataclass
class FilterRow:
    column: str = ""
    op: str = "eq"
    value: str = ""
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.column}__{self.op}"


def filter_rows(params: QueryDict) -> list[FilterRow]:
    """The filled filter rows of the form; a row without column, or without value (but for "is empty"),
    filters nothing and is left out."""
    columns, ops, values = params.getlist("fc"), params.getlist("fo"), params.getlist("fv")
    rows = []
    for i, column in enumerate(columns[:MAX_FILTERS]):
        op = ops[i] if i < len(ops) and ops[i] else "eq"
        value = values[i] if i < len(values) else ""
        if column.strip() and (value.strip() or op == "isnull"):
            rows.append(FilterRow(column.strip(), op, "" if op == "isnull" else value.strip()))
    return rows


def api_params(params: QueryDict, rows: list[FilterRow]) -> dict[str, list[str]]:
    """The page's filters as the parameters of the rows/export API."""
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row.key, []).append("true" if row.op == "isnull" else row.value)
    for name in ("q", "bbox"):
        if value := param(params, name):
            out[name] = [value]
    return out


@dataclass
class Problem:
    message: str
    details: list[str] = field(default_factory=list)


def problem_of(exc: InvalidInput, rows: list[FilterRow]) -> Problem:
    """The error for the page; problems of a filter row are shown next to that row as well."""
    details = []
    for p in exc.problems:
        mine = [row for row in rows if row.key == p.field]
        for row in mine:
            row.error = p.problem
        details.append(p.problem if mine else f"{p.field}: {p.problem}")
    return Problem(exc.message, details)


# ------------------------------------------------------------------------------------------ the page


@dataclass
class DataPage:
    """What every tab shows: the distribution, the table version and the links around it."""

    request: HttpRequest
    distribution: Distribution
    table: Table
    kept: list[Table]
    latest: Table | None
    rows: list[FilterRow] = field(default_factory=list)

    @property
    def params(self) -> QueryDict:
        return self.request.GET

    @property
    def pk(self) -> uuid.UUID:
        return self.distribution.pk

    @property
    def current(self) -> bool:
        return bool(self.kept) and self.kept[0].pk == self.table.pk

    def api(self, suffix: str, extra: dict[str, list[str]] | None = None) -> str:
        query: list[tuple[str, str]] = [(k, v) for k, vs in (extra or {}).items() for v in vs]
        if not self.current:
            query.append(("version", str(self.table.version)))
        return API.format(pk=self.pk) + suffix + (f"?{urlencode(query)}" if query else "")

    def context(self, tab: str) -> dict[str, Any]:
        filters = api_params(self.params, self.rows)
        if sort := param(self.params, "sort"):
            filters["sort"] = [sort]
        exports = [("csv", "CSV"), ("json", "JSON"), ("parquet", "Parquet"), ("xlsx", _("Excel (XLSX)"))]
        if self.table.geometry.get("kind"):
            exports.insert(2, ("geojson", "GeoJSON"))
        tabs = [
            ("table", _("Table"), "web:distribution-data"),
            ("chart", _("Chart"), "web:distribution-data-chart"),
            ("map", _("Map"), "web:distribution-data-map"),
            ("dictionary", _("Dictionary"), "web:distribution-data-dictionary"),
            ("quality", _("Quality report"), "web:distribution-data-quality"),
        ]
        keep = link(self.params, drop=("cursor",))
        keep = "" if keep == "?" else keep
        newer = self.latest if self.latest and self.latest.version > self.table.version else None
        visible_tabs = [
            (key, label, reverse(url, args=[self.pk]) + keep)
            for key, label, url in tabs
            if key != "map" or self.table.geometry.get("kind")
        ]
        return {
            "tab_label": next(label for key, label, _url in visible_tabs if key == tab),
            "row_count": _count(self.table.row_count or 0),
            "filtered": bool(self.rows or self.params.get("q") or self.params.get("bbox")),
            "clear_url": link(self.params, drop=("fc", "fo", "fv", "q", "bbox", "cursor")),
            "without_bbox_url": link(self.params, drop=("bbox", "cursor")),
            "dataset": self.distribution.dataset,
            "distribution": self.distribution,
            "name": pick(self.distribution.title),
            "table": self.table,
            "tab": tab,
            "tabs": visible_tabs,
            "versions": [
                (t, link(self.params, drop=("cursor",), version=None if i == 0 else t.version))
                for i, t in enumerate(self.kept)
            ],
            "current": self.current,
            "exports": [(label, self.api(f"/export.{fmt}", filters)) for fmt, label in exports],
            "api_url": self.api("/rows", filters),
            "schema_url": self.api("/schema.json"),
            "openapi_url": self.api("/openapi.json"),
            "newer": newer if newer and newer.status in (Table.Status.LOADING, Table.Status.FAILED) else None,
            "filter_rows": [*self.rows, *(FilterRow() for _blank in range(BLANK_FILTERS))],
            "filter_columns": columns_of(self.table),
            "operators": operator_choices(),
            "bbox": self.params.get("bbox", ""),
            "q": self.params.get("q", ""),
        }


def _version(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise NotFound(f"No version {raw!r}.")
    return int(raw)


def data_page(request: HttpRequest, pk: uuid.UUID) -> DataPage | HttpResponse:
    """The page's table version, or the page that says why there is none (loading, failed, not kept).

    NotFound (a 404 page) when the distribution is not visible or has never had any data."""
    distribution = distribution_by_id(pk, request.user)
    versions = queries.versions(distribution)
    kept = [t for t in versions if t.status == Table.Status.READY]
    latest = versions[0] if versions else None
    version = _version(request)
    try:
        table = queries.table_for(pk, request.user, version)
    except NotFound:
        if latest is None:
            raise
        context = {
            "dataset": distribution.dataset,
            "distribution": distribution,
            "name": pick(distribution.title),
            "latest": latest,
            "version": version,
            "versions": [(t, link(request.GET, drop=("cursor",), version=t.version)) for t in kept],
            "status_url": reverse("web:distribution-data-status", args=[pk]),
            "status_text": status_text(latest.status),
            "job": job_state(latest),
            "problems": (latest.report or {}).get("errors") or [],
        }
        return render(request, "web/datastore/unavailable.html", context, status=404 if version else 200)
    return DataPage(request, distribution, table, kept, latest, filter_rows(request.GET))


def job_state(table: Table | None) -> dict[str, Any]:
    job: Job | None = table.job if table is not None else None
    return {
        "progress": job.progress if job else (100 if table and table.status != Table.Status.LOADING else 0),
        "message": job.message if job else "",
    }
