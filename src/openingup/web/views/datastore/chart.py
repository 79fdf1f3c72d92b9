"""The chart tab: a bar, line or pie chart of the rows counted, or a numeric column summed, per category."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.datastore import charts, reading
from openingup.datastore.query import Query, aggregate_name
from openingup.web.views.common import service_errors
from openingup.web.views.datastore.page import (
    Column,
    api_params,
    columns_of,
    data_page,
    format_value,
    problem_of,
)

MAX_CATEGORIES = 50
CHARTS = ("bar", "line", "pie")
AGGREGATES = ("sum", "avg", "min", "max")


def measure_label(fn: str, column: str) -> str:
    texts = {
        "sum": _("Sum of %(column)s"),
        "avg": _("Average of %(column)s"),
        "min": _("Minimum of %(column)s"),
        "max": _("Maximum of %(column)s"),
    }
    return texts[fn] % {"column": column} if fn in texts else _("Number of rows")


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


def _chart_choice(params: QueryDict, columns: list[Column], distinct: dict[str, int] | None = None) -> Chart:
    """The chart asked for; by default a bar chart of row counts over the text (or yes/no) column with
    the fewest different values, so the first chart shown says something (not one bar per id)."""
    kind = params.get("chart", "bar")
    names = [c.name for c in columns]
    counts = distinct or {}
    grouping = [c for c in columns if c.kind in {"string", "boolean"} and counts.get(c.name, 2) > 1]
    grouping.sort(key=lambda c: counts.get(c.name, 10**9))
    default_x = grouping[0].name if grouping else (names[0] if names else "")
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
    distinct = {
        name: int(p.get("distinct", 0)) for name, p in (table.profile or {}).get("fields", {}).items()
    }
    chart = _chart_choice(params, columns, distinct)
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
