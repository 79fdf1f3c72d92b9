"""The back office's map: the filtered queue drawn on the server by the datastore's SVG map renderer
(:func:`openingup.datastore.maps.svg_map`), so it needs no script and no outside service.

The map shows the municipality's box (a dashed outline), else the extent of the located requests, over
tiles from ``OPENINGUP_MAP_TILES`` when one is set (a graticule otherwise). Every request is a marker that
links to its page: open ones blue circles, closed ones grey circles, overdue ones red squares, drawn in
that order so the urgent ones lie on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openingup import config
from openingup.datastore import maps
from openingup.reports.models import Jurisdiction
from openingup.web.views.reports.common import tile_template

WIDTH = 960
RADIUS = 7  # of a marker: a target of 14 units, at most 14 pixels wide
MAX_TILES = 64  # enough for tiles at about their own size on a map this big
PAD = 0.002  # degrees around the requests' extent when there is no municipality box
OUTLINE = "#2f5d3a"
# Drawn in this order (the last on top): kind → (shape, colour).
KINDS = {"closed": ("circle", "#6b6b6b"), "open": ("circle", "#0a4f8f"), "overdue": ("square", "#a4001d")}


@dataclass(frozen=True)
class OfficeMap:
    svg: SafeString
    outlined: bool  # whether the municipality's box is drawn


def kind(row: Any) -> str:
    """``"overdue"``, ``"open"`` or ``"closed"``: how a queue row is drawn."""
    return "overdue" if row.overdue else ("open" if row.is_open else "closed")


def _area(jurisdiction: Jurisdiction | None) -> tuple[float, float, float, float] | None:
    """The jurisdiction's box (west, south, east, north) when it has a valid one."""
    if jurisdiction is None:
        return None
    box = (jurisdiction.west, jurisdiction.south, jurisdiction.east, jurisdiction.north)
    try:
        return maps.parse_bbox(",".join(repr(float(v)) for v in box))
    except (TypeError, ValueError):
        return None


def _marker(row: Any) -> maps.Feature:
    shape, colour = KINDS[kind(row)]
    label = f"{row.request.pk} · {row.service} · {row.state}"
    name = _("Report %(label)s") % {"label": label}
    if row.overdue:
        name += f" ({_('Overdue')})"
    return maps.Feature(
        {"type": "Point", "coordinates": [row.request.long, row.request.lat]},
        label=label,
        href=row.link,
        shape=shape,
        colour=colour,
        css_class=f"marker marker-{kind(row)}",
        aria_label=name,
    )


def features(area: tuple[float, float, float, float] | None, rows: Sequence[Any]) -> list[maps.Feature]:
    """The municipality's outline (when there is an ``area``) and a marker per row, the urgent last."""
    drawn = []
    if area is not None:
        west, south, east, north = area
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        polygon = {"type": "Polygon", "coordinates": [ring]}
        drawn.append(
            maps.Feature(polygon, colour=OUTLINE, css_class="map-outline", dashed=True, filled=False)
        )
    order = list(KINDS)
    drawn.extend(_marker(r) for r in sorted(rows, key=lambda r: order.index(kind(r))))
    return drawn


def draw(jurisdiction: Jurisdiction | None, rows: Sequence[Any]) -> OfficeMap | None:
    """The map of ``rows`` (queue rows with a located ``request``); None when there is nothing to show
    (no municipality box and no located request)."""
    area = _area(jurisdiction)
    drawn = features(area, rows)
    box = area
    if box is None:
        extent = maps.bounds(drawn)
        if extent is None:
            return None
        west, south, east, north = extent
        box = (max(-180, west - PAD), max(-90, south - PAD), min(180, east + PAD), min(90, north + PAD))
    tiles = tile_template()
    description = ngettext(
        "%(counter)s report with a location is on the map.",
        "%(counter)s reports with a location are on the map.",
        len(rows),
    ) % {"counter": len(rows)}
    if area is not None:
        description += " " + _("The dashed line is the municipality's area.")
    svg = maps.svg_map(
        drawn,
        title=_("Reports on the map"),
        width=WIDTH,
        height=maps.fitted_height(box, WIDTH, smallest=360, largest=WIDTH),
        bbox=box,
        tile_url=tiles,
        attribution=config.get("OPENINGUP_MAP_ATTRIBUTION").strip() if tiles else "",
        point_radius=RADIUS,
        max_tiles=MAX_TILES,
        description=description,
    )
    return OfficeMap(mark_safe(svg), area is not None)  # the module escapes every text it draws
