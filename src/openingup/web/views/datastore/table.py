"""The table tab: the rows of a table version, filtered, searched, sorted and a page at a time."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from openingup.core.errors import InvalidInput
from openingup.datastore import reading
from openingup.web.views.common import service_errors
from openingup.web.views.datastore.page import (
    NUMERIC,
    Cell,
    _count,
    api_params,
    columns_of,
    data_page,
    format_value,
    link,
    param,
    problem_of,
)

PAGE_ROWS = 50


def _sort(params: QueryDict) -> tuple[str, bool] | None:
    raw = params.get("sort", "").strip()
    return (raw.lstrip("-"), raw.startswith("-")) if raw else None


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
