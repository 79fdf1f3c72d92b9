"""Nearby similar open requests: what the report form shows before a citizen files the same thing twice."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from openingup.reports import workflow
from openingup.reports.models import ServiceRequest

RADIUS_METRES = 50
DAYS = 30
LIMIT = 5
EARTH_METRES = 6_371_000


@dataclass(frozen=True)
class Nearby:
    request: ServiceRequest
    metres: float


def distance(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(min(1.0, math.sqrt(a)))


def similar_open_requests(
    *,
    service_code: str,
    lat: float,
    long: float,
    radius: float = RADIUS_METRES,
    days: int = DAYS,
    now: datetime | None = None,
    limit: int = LIMIT,
) -> list[Nearby]:
    """Open requests of the same service within ``radius`` metres filed in the last ``days``, nearest
    first. A box around the point narrows the search in the database; the exact distance decides."""
    since = (now or timezone.now()) - timedelta(days=days)
    dlat = radius / 111_320
    dlong = radius / (111_320 * max(0.01, math.cos(math.radians(lat))))
    candidates = ServiceRequest.objects.select_related("service").filter(
        service__code=service_code,
        status__in=workflow.keys_with_open311_status("open"),
        requested_datetime__gte=since,
        lat__range=(lat - dlat, lat + dlat),
        long__range=(long - dlong, long + dlong),
    )
    found = [Nearby(r, distance(lat, long, r.lat, r.long)) for r in candidates[:500]]  # type: ignore[arg-type]
    found = [n for n in found if n.metres <= radius]
    return sorted(found, key=lambda n: (n.metres, -n.request.pk))[:limit]
