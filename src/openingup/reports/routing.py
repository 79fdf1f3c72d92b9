"""Routing: which department or person a new request goes to. Rules are tried in order; the first
whose every condition holds wins; without a match the service's own department takes it.

Point-in-polygon is plain Python (ray casting, even-odd rule), so GeoJSON holes are honoured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from openingup.reports.models import RoutingRule, Service

MAX_POSITIONS = 200_000  # positions in one routing area, all rings together

Ring = Sequence[Sequence[float]]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % count][0], ring[(i + 1) % count][1]
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings: Sequence[Ring]) -> bool:
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def contains(area: dict[str, Any], lon: float, lat: float) -> bool:
    """True when the point lies inside the GeoJSON Polygon or MultiPolygon ``area``.

    Raises ValueError for any other geometry type."""
    kind = area.get("type")
    coordinates = area.get("coordinates") or []
    if kind == "Polygon":
        return _in_polygon(lon, lat, coordinates)
    if kind == "MultiPolygon":
        return any(_in_polygon(lon, lat, polygon) for polygon in coordinates)
    raise ValueError(f"area must be a GeoJSON Polygon or MultiPolygon, not {kind!r}")


def check_area(area: Any) -> str:
    """An empty string when ``area`` is a Polygon or MultiPolygon routing can use, else what is wrong:
    the shape, at least four [longitude, latitude] positions a ring, closed rings, WGS 84 degrees and at
    most ``MAX_POSITIONS`` positions."""
    if not isinstance(area, dict) or area.get("type") not in ("Polygon", "MultiPolygon"):
        return "must be a GeoJSON Polygon or MultiPolygon"
    polygons = area.get("coordinates")
    if area["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons or [None]:
            for ring in polygon:
                if len(ring) < 4 or any(len(p) < 2 or not all(_number(c) for c in p[:2]) for p in ring):
                    return "every ring needs at least four [longitude, latitude] positions"
    except TypeError:
        return "coordinates are not nested lists of positions"
    count = 0
    shapes: list[Any] = list(polygons or [])
    for p, polygon in enumerate(shapes, start=1):
        if not polygon:
            return f"polygon {p} has no rings" if len(shapes) > 1 else "the polygon has no rings"
        for r, ring in enumerate(polygon, start=1):
            where = f"polygon {p}, ring {r}" if len(shapes) > 1 else f"ring {r}"
            count += len(ring)
            for position in ring:
                lon, lat = float(position[0]), float(position[1])
                if not (
                    math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
                ):
                    return (
                        f"{where}: the position {position[0]}, {position[1]} is not in WGS 84 degrees "
                        "[longitude, latitude] (projected coordinates such as RD New are not supported)"
                    )
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return f"{where} is not closed: its first and last positions differ"
    if count > MAX_POSITIONS:
        return f"has {count:,} positions; at most {MAX_POSITIONS:,}"
    return ""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Case:
    """What routing looks at of a request that is being filed."""

    service: Service
    lat: float | None
    long: float | None
    attributes: dict[str, Any]
    when: datetime


def matches(rule: RoutingRule, case: Case) -> bool:
    if rule.service_id is not None and rule.service_id != case.service.pk:
        return False
    if rule.area and (case.lat is None or case.long is None or not contains(rule.area, case.long, case.lat)):
        return False
    local = timezone.localtime(case.when)
    if rule.weekdays and local.weekday() not in rule.weekdays:
        return False
    if rule.start_time and rule.end_time:
        now = local.time()
        if rule.start_time <= rule.end_time:
            if not rule.start_time <= now < rule.end_time:
                return False
        elif rule.end_time <= now < rule.start_time:  # a window across midnight, as 22:00–06:00
            return False
    if rule.attribute_code:
        answer = case.attributes.get(rule.attribute_code)
        answers = answer if isinstance(answer, list) else [answer]
        if rule.attribute_value not in [str(a) for a in answers if a is not None]:
            return False
    return True


def first_match(rules: Iterable[RoutingRule], case: Case) -> RoutingRule | None:
    """The first rule, in the order given, that the case matches."""
    return next((rule for rule in rules if matches(rule, case)), None)


def route(case: Case) -> RoutingRule | None:
    """The active rule that routes this case, tried in ``order``; None when no rule matches."""
    rules = RoutingRule.objects.filter(active=True).order_by("order", "id")
    return first_match(rules, case)
