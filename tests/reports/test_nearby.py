"""Nearby similar open requests: same service, within the radius, filed recently, still open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.reports import nearby, services
from openingup.reports.models import Service, ServiceRequest

pytestmark = pytest.mark.django_db


def file(service: str, lat: float, long: float, **extra: Any) -> ServiceRequest:
    filing = services.Filing(
        service_code=service,
        location=services.Location(lat=lat, long=long),
        description="Something",
        attributes={"size": "small"} if service == "litter" else {},
    )
    return services.file_request(actor=None, filing=filing, **extra)


def test_only_close_recent_open_requests_of_the_same_service(litter: Service, pothole: Service) -> None:
    close = file("litter", 52.2902, 4.48)  # about 22 m
    closer = file("litter", 52.2901, 4.4801)  # about 13 m
    file("litter", 52.2910, 4.48)  # about 111 m: too far
    file("pothole", 52.29, 4.48)  # another service
    file("litter", 52.29, 4.48, now=timezone.now() - timedelta(days=31))  # too old
    done = file("litter", 52.29, 4.48)
    services.change_status(actor=None, request=done, status="done")

    found = nearby.similar_open_requests(service_code="litter", lat=52.29, long=4.48)

    assert [n.request for n in found] == [closer, close]
    assert 12 < found[0].metres < 14 and 21 < found[1].metres < 23


def test_the_distance_is_great_circle_metres() -> None:
    assert nearby.distance(52.29, 4.48, 52.29, 4.48) == 0
    assert 111_000 < nearby.distance(52.0, 4.0, 53.0, 4.0) < 111_400


def test_nearby_as_json(client: Any, litter: Service) -> None:
    earlier = file("litter", 52.2902, 4.48)

    body = client.get("/report/nearby.json", {"service": "litter", "lat": "52.29", "long": "4.48"}).json()

    assert [(r["service_request_id"], r["metres"], r["status"]) for r in body] == [
        (str(earlier.pk), 22, "Received")
    ]
    assert client.get("/report/nearby.json", {"service": "litter", "lat": "x"}).json() == []
