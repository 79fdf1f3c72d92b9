"""The map tab: the located rows of a table as an SVG map, with zoom links that narrow the ``bbox``."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openingup.core.errors import InvalidInput, NotFound
from openingup.datastore import formats, maps, reading
from openingup.web.presentation import pick
from openingup.web.views.common import service_errors
from openingup.web.views.datastore.page import _count, api_params, data_page, link, problem_of

MAP_ROWS = 5000


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
