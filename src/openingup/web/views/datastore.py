"""The data pages of a distribution: its datastore table as a table, chart, map, dictionary and report.

``/distributions/<id>/data/`` and its tabs are server-rendered and need no JavaScript. Every state —
filters, full-text search, sort, page cursor, chart, map area, version — lives in the query string, so
any view can be bookmarked and shared, and the tabs (plain links) carry it from one view to the next.

Filters come from the form as parallel lists ``fc`` (column), ``fo`` (operator) and ``fv`` (value) and
are turned into the API's own parameters (``COLUMN__OP=value``), so the page, its export links and the
API all read the same query through :func:`openingup.datastore.reading.parse`.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.catalogue.models import Distribution
from openingup.catalogue.queries import distribution_by_id
from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.core.models import Job
from openingup.datastore import charts, formats, maps, queries, reading, services
from openingup.datastore.models import Table
from openingup.datastore.query import Query, aggregate_name
from openingup.organisations import permissions
from openingup.web.presentation import pick
from openingup.web.views.common import forbidden, service_errors

PAGE_ROWS = 50
MAX_CATEGORIES = 50
MAP_ROWS = 5000
MAX_FILTERS = 20
BLANK_FILTERS = 2
NUMERIC = frozenset({"integer", "number", "year"})
CHARTS = ("bar", "line", "pie")
AGGREGATES = ("sum", "avg", "min", "max")
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


def measure_label(fn: str, column: str) -> str:
    texts = {
        "sum": _("Sum of %(column)s"),
        "avg": _("Average of %(column)s"),
        "min": _("Minimum of %(column)s"),
        "max": _("Maximum of %(column)s"),
    }
    return texts[fn] % {"column": column} if fn in texts else _("Number of rows")


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


def _sort(params: QueryDict) -> tuple[str, bool] | None:
    raw = params.get("sort", "").strip()
    return (raw.lstrip("-"), raw.startswith("-")) if raw else None


# ------------------------------------------------------------------------------------------ table


@require_safe
@service_errors
def data_table(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    table, params = page.table, request.GET
    context = page.context("table")
    columns = columns_of(table)
    sort = _sort(params)
    for c in columns:
        ascending = sort == (c.name, False)
        c.sort = "ascending" if ascending else "descending" if sort == (c.name, True) else ""
        c.sort_url = link(params, drop=("cursor",), sort=f"-{c.name}" if ascending else c.name)
    context["columns"] = columns
    query = api_params(params, page.rows)
    query["limit"] = [str(PAGE_ROWS)]
    for name in ("sort", "cursor"):
        if value := param(params, name):
            query[name] = [value]
    try:
        answer = reading.answer(table, reading.parse(table, query))
    except InvalidInput as exc:
        context["problem"] = problem_of(exc, page.rows)
        return render(request, "web/datastore/table.html", context, status=400)
    kinds = {c.name: c.kind for c in columns}
    positions = [i for i, name in enumerate(answer.columns) if name in kinds]
    context["rows"] = [
        [
            Cell(format_value(row[i], kinds[answer.columns[i]]), kinds[answer.columns[i]] in NUMERIC)
            for i in positions
        ]
        for row in answer.rows
    ]
    context["total"] = answer.total or 0
    context["total_text"] = _count(answer.total or 0)
    context["next_url"] = link(params, cursor=answer.next_cursor) if answer.next_cursor else ""
    context["first_url"] = link(params, drop=("cursor",)) if params.get("cursor") else ""
    return render(request, "web/datastore/table.html", context)


# ------------------------------------------------------------------------------------------ chart


@dataclass
class Chart:
    kind: str
    x: str
    agg: str
    title: str = ""
    x_label: str = ""
    measure: str = ""
    svg: SafeString | str = ""
    data: list[tuple[str, str]] = field(default_factory=list)
    truncated: bool = False
    note: str = ""


def _chart_choice(params: QueryDict, columns: list[Column]) -> Chart:
    kind = params.get("chart", "bar")
    names = [c.name for c in columns]
    default_x = next((c.name for c in columns if c.kind == "string"), names[0] if names else "")
    return Chart(kind, params.get("x", "") or default_x, params.get("agg", "") or "count")


def _check_chart(chart: Chart, columns: list[Column]) -> tuple[str, str | None]:
    by_name = {c.name: c for c in columns}
    problems = []
    if chart.kind not in CHARTS:
        problems.append(FieldProblem("chart", _("Choose a bar, line or pie chart.")))
    if chart.x not in by_name:
        problems.append(FieldProblem("x", _("Choose one of the table's columns.")))
    fn, _sep, column = chart.agg.partition(":")
    if chart.agg != "count" and not (fn in AGGREGATES and column in by_name and by_name[column].numeric):
        problems.append(FieldProblem("agg", _("Choose a count, or a sum, average, minimum or maximum.")))
    if problems:
        raise InvalidInput(_("The chart cannot be drawn as asked."), problems)
    return fn, column or None


@require_safe
@service_errors
def data_chart(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    table, params = page.table, request.GET
    context = page.context("chart")
    columns = columns_of(table)
    chart = _chart_choice(params, columns)
    context["chart"] = chart
    context["chart_types"] = [("bar", _("Bar chart")), ("line", _("Line chart")), ("pie", _("Pie chart"))]
    context["measures"] = [("count", _("Number of rows"))] + [
        (f"{fn}:{c.name}", measure_label(fn, c.label)) for c in columns if c.numeric for fn in AGGREGATES
    ]
    try:
        fn, column = _check_chart(chart, columns)
        base = reading.parse(table, api_params(params, page.rows))
    except InvalidInput as exc:
        context["problem"] = problem_of(exc, page.rows)
        return render(request, "web/datastore/chart.html", context, status=400)
    by_name = {c.name: c for c in columns}
    value_name = aggregate_name(fn, column)
    # Bars and slices: the largest first; a line: in the order of its categories.
    order = [] if chart.kind == "line" else [(value_name, True), (chart.x, False)]
    query = Query(
        filters=base.filters,
        text=base.text,
        bbox=base.bbox,
        group_by=[chart.x],
        aggregates=[(fn, column)],
        sort=order,
        limit=MAX_CATEGORIES + 1,
    )
    answer = reading.answer(table, query, with_total=False)
    groups = answer.rows[:MAX_CATEGORIES]
    chart.truncated = len(answer.rows) > MAX_CATEGORIES
    chart.x_label = by_name[chart.x].label
    chart.measure = measure_label(fn, by_name[column].label if column else "")
    chart.title = _("%(measure)s by %(column)s") % {"measure": chart.measure, "column": chart.x_label}
    x_kind, value_kind = by_name[chart.x].kind, by_name[column].kind if column else "integer"
    categories = [format_value(g[0], x_kind) if g[0] is not None else _("(empty)") for g in groups]
    values = [None if g[1] is None else float(g[1]) for g in groups]
    chart.data = [(c, format_value(g[1], value_kind)) for c, g in zip(categories, groups, strict=True)]
    if not groups:
        chart.note = _("No rows match, so there is nothing to draw.")
    elif chart.kind == "pie" and any(v is None or v < 0 for v in values):
        chart.note = _("A pie chart can only show values of zero or more; try a bar chart.")
    elif chart.kind == "pie":
        shown = [v or 0.0 for v in values]
        chart.svg = mark_safe(charts.pie_chart(categories, shown, title=chart.title, other_label=_("Other")))
    else:
        draw = charts.line_chart if chart.kind == "line" else charts.bar_chart
        chart.svg = mark_safe(
            draw(
                categories,
                [charts.Series(chart.measure, values)],
                title=chart.title,
                x_label=chart.x_label,
                y_label=chart.measure,
            )
        )
    context["share_url"] = settings.BASE_URL + request.get_full_path()
    return render(request, "web/datastore/chart.html", context)


# ------------------------------------------------------------------------------------------ map


def _coordinate(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def bbox_text(box: tuple[float, float, float, float]) -> str:
    return ",".join(_coordinate(v) for v in box)


def zoomed(box: tuple[float, float, float, float], factor: float) -> tuple[float, float, float, float]:
    """The box scaled around its centre, kept within the world."""
    minlon, minlat, maxlon, maxlat = box
    cx, cy = (minlon + maxlon) / 2, (minlat + maxlat) / 2
    hw, hh = max((maxlon - minlon) / 2, 0.001) * factor, max((maxlat - minlat) / 2, 0.001) * factor
    return max(-180.0, cx - hw), max(-90.0, cy - hh), min(180.0, cx + hw), min(90.0, cy + hh)


def _feature_label(columns: list[str], row: list[Any], skip: set[str]) -> str:
    number = row[columns.index("_id")] if "_id" in columns else ""
    text = next(
        (str(v) for c, v in zip(columns, row, strict=False) if c not in skip and isinstance(v, str) and v),
        "",
    )
    label = _("Row %(number)s") % {"number": number}
    return f"{label}: {text}" if text else label


@require_safe
@service_errors
def data_map(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    table, params = page.table, request.GET
    if not table.geometry.get("kind"):
        raise NotFound("This table has no locations.")
    context = page.context("map")
    query = api_params(params, page.rows)
    query["limit"] = [str(MAP_ROWS)]
    try:
        q = reading.parse(table, query)
    except InvalidInput as exc:
        context["problem"] = problem_of(exc, page.rows)
        return render(request, "web/datastore/map.html", context, status=400)
    answer = reading.answer(table, q, geometry=True)
    skip = {table.geometry.get("field") or "", table.geometry.get("lat", ""), table.geometry.get("lon", "")}
    # No links on the features: the SVG is role="img", and links inside an image are hidden from assistive
    # technology (axe: nested-interactive). "These rows as a table" links the same rows instead.
    features = [
        maps.Feature(feature["geometry"], _feature_label(answer.columns, row, skip))
        for feature, row in zip(
            formats.features(table, answer.columns, answer.rows, answer.extra), answer.rows, strict=True
        )
        if feature["geometry"] is not None
    ]
    title = _("Locations of %(name)s") % {"name": pick(page.distribution.title) or _("the data")}
    context["svg"] = mark_safe(maps.svg_map(features, title=title, bbox=q.bbox, tile_url=""))
    context["shown"], context["shown_text"] = len(answer.rows), _count(len(answer.rows))
    context["total"], context["total_text"] = answer.total or 0, _count(answer.total or 0)
    context["located"], context["located_text"] = len(features), _count(len(features))
    context["without_location"] = len(answer.rows) - len(features)
    area = q.bbox or maps.bounds(features)
    if area:
        context["zoom_in_url"] = link(params, bbox=bbox_text(zoomed(area, 0.5)))
    if q.bbox:
        context["zoom_out_url"] = link(params, bbox=bbox_text(zoomed(q.bbox, 2.0)))
        context["whole_url"] = link(params, drop=("bbox",))
    context["table_url"] = reverse("web:distribution-data", args=[pk]) + link(params)
    return render(request, "web/datastore/map.html", context)


# ------------------------------------------------------------------------------------------ dictionary


@dataclass
class FieldView:
    index: int
    name: str
    title: str
    description: str
    kind: str
    profile: dict[str, Any]
    histogram: SafeString | str = ""
    bins: list[tuple[str, str]] = field(default_factory=list)
    top: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return type_label(self.kind)

    def stat(self, key: str) -> str:
        value = self.profile.get(key)
        return "" if value is None else format_value(value, self.kind)

    @property
    def nulls(self) -> str:
        return _count(self.profile.get("nulls"))

    @property
    def distinct(self) -> str:
        return _count(self.profile.get("distinct"))

    @property
    def minimum(self) -> str:
        return self.stat("min")

    @property
    def maximum(self) -> str:
        return self.stat("max")

    @property
    def types(self) -> list[tuple[str, str]]:
        kinds = list(services.EDITABLE_TYPES)
        if self.kind not in kinds:
            kinds.insert(0, self.kind)
        return [(k, type_label(k)) for k in kinds]


def _count(value: Any) -> str:
    return "" if value is None else number_format(value, force_grouping=True)


def _bound(value: Any, kind: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return charts.format_number(value) if kind in {"integer", "number"} else str(value)
    return str(value)


def field_views(table: Table) -> list[FieldView]:
    profiles = (table.profile or {}).get("fields", {})
    out = []
    for i, f in enumerate(table.fields):
        kind = f["type"]
        profile = profiles.get(f["name"], {})
        view = FieldView(
            i, f["name"], f.get("title", ""), f.get("description", ""), kind, profile
        )  # fmt: skip
        view.top = [
            (format_value(t.get("value"), kind), _count(t.get("count"))) for t in profile.get("top", [])
        ]
        bins = profile.get("histogram") or []
        if bins:
            labels = [f"{_bound(b.get('from'), kind)}–{_bound(b.get('to'), kind)}" for b in bins]
            counts = [b.get("count") or 0 for b in bins]
            view.bins = [(label, _count(n)) for label, n in zip(labels, counts, strict=True)]
            name = f.get("title") or f["name"]
            view.histogram = mark_safe(
                charts.bar_chart(
                    labels,
                    [charts.Series(_("Rows"), [float(n) for n in counts])],
                    title=_("Distribution of %(column)s") % {"column": name},
                    y_label=_("Rows"),
                    width=560,
                    height=240,
                )
            )
        out.append(view)
    return out


def _changes(post: QueryDict, table: Table) -> list[dict[str, Any]]:
    names = [f["name"] for f in table.fields]
    changes = []
    for i, name in enumerate(names):
        if post.get(f"name_{i}") != name:  # the form was made for another version's columns
            raise InvalidInput(
                _("The columns changed while you were editing; please try again."),
                [FieldProblem("fields", _("the form does not match the table's columns"))],
            )
        change: dict[str, Any] = {
            "name": name,
            "title": post.get(f"title_{i}", ""),
            "description": post.get(f"description_{i}", ""),
        }
        if post.get(f"type_{i}"):
            change["type"] = post[f"type_{i}"]
        changes.append(change)
    return changes


@require_http_methods(["GET", "POST"])
@service_errors
def data_dictionary(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        return _save_dictionary(request, pk)
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    return render(request, "web/datastore/dictionary.html", _dictionary_context(request, page))


def _dictionary_context(request: HttpRequest, page: DataPage) -> dict[str, Any]:
    context = page.context("dictionary")
    context["fields"] = field_views(page.table)
    context["can_edit"] = page.current and permissions.can_edit_dataset(
        request.user, page.distribution.dataset
    )
    return context


def _save_dictionary(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    distribution = distribution_by_id(pk, request.user)
    if not permissions.can_edit_dataset(request.user, distribution.dataset):
        return forbidden(request, _("You cannot edit this dataset's data dictionary."))
    table = queries.table_for(pk, request.user)
    try:
        saved = services.update_dictionary(
            actor=request.user, table=table, fields=_changes(request.POST, table)
        )
    except InvalidInput as exc:
        kept = [t for t in queries.versions(distribution) if t.status == Table.Status.READY]
        page = DataPage(request, distribution, table, kept, queries.latest(distribution))
        context = _dictionary_context(request, page)
        context["problem"] = Problem(exc.message, [f"{p.field}: {p.problem}" for p in exc.problems])
        context["posted"] = request.POST
        return render(request, "web/datastore/dictionary.html", context, status=400)
    if saved.version != table.version:
        messages.success(
            request,
            _("The types were changed: version %(version)s of the data was made.")
            % {"version": saved.version},
        )
    else:
        messages.success(request, _("The data dictionary was saved."))
    return redirect(reverse("web:distribution-data-dictionary", args=[pk]))


# ------------------------------------------------------------------------------------------ quality


def per_code(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Problem counts per Frictionless error code (the report counts per code and field)."""
    totals: dict[str, int] = {}
    for key, count in (report.get("counts") or {}).items():
        code = str(key).split(":", 1)[0]
        totals[code] = totals.get(code, 0) + int(count)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def job_state(table: Table | None) -> dict[str, Any]:
    job: Job | None = table.job if table is not None else None
    return {
        "progress": job.progress if job else (100 if table and table.status != Table.Status.LOADING else 0),
        "message": job.message if job else "",
    }


@require_safe
@service_errors
def data_quality(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    context = page.context("quality")
    report = page.table.report or {}
    context["report"] = report
    context["problems"] = report.get("errors") or []
    context["per_code"] = per_code(report)
    context["error_count"] = report.get("error_count") or 0
    context["status_url"] = reverse("web:distribution-data-status", args=[pk])
    if context["newer"] is not None:
        context["newer_job"] = job_state(context["newer"])
        context["newer_status_text"] = status_text(context["newer"].status)
    return render(request, "web/datastore/quality.html", context)


@never_cache
@require_safe
@service_errors
def data_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The newest version's ingest state, for the progress bar's script (``static/web/job.js``)."""
    distribution = distribution_by_id(pk, request.user)
    latest = queries.latest(distribution)
    if latest is None:
        return JsonResponse({"error": "no data"}, status=404)
    state = job_state(latest)
    return JsonResponse(
        {
            "status": latest.status,
            "status_text": status_text(latest.status),
            "version": latest.version,
            "progress": state["progress"],
            "message": state["message"],
            "finished": latest.status != Table.Status.LOADING,
        }
    )
