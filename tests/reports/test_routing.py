"""Routing rules (first match wins) and service levels (due dates)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openingup.core.errors import InvalidInput
from openingup.reports import routing, servicelevels, services

AMS = ZoneInfo("Europe/Amsterdam")
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.45, 52.28], [4.47, 52.28], [4.47, 52.30], [4.45, 52.30], [4.45, 52.28]]],
}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        SQUARE["coordinates"][0],
        [[4.455, 52.285], [4.465, 52.285], [4.465, 52.295], [4.455, 52.295], [4.455, 52.285]],
    ],
}


@pytest.mark.parametrize(
    ("area", "lon", "lat", "inside"),
    [
        (SQUARE, 4.46, 52.29, True),
        (SQUARE, 4.48, 52.29, False),
        (SQUARE, 4.46, 52.31, False),
        (WITH_HOLE, 4.46, 52.29, False),
        (WITH_HOLE, 4.451, 52.281, True),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], SQUARE["coordinates"]],
            },
            4.46,
            52.29,
            True,
        ),
    ],
)
def test_point_in_polygon(area: dict[str, Any], lon: float, lat: float, inside: bool) -> None:
    assert routing.contains(area, lon, lat) is inside


def test_unusable_areas_are_refused(roads: Any) -> None:
    assert routing.check_area({"type": "Point", "coordinates": [4, 52]})
    assert routing.check_area({"type": "Polygon", "coordinates": [[[4, 52], [5, 52]]]})
    with pytest.raises(InvalidInput) as refused:
        services.save_routing_rule(
            actor=None, name="bad", department=roads, area={"type": "Polygon", "coordinates": 5}
        )
    assert refused.value.problems[0].field == "area"
    with pytest.raises(InvalidInput):
        services.save_routing_rule(actor=None, name="nobody")


def _file(service_code: str, lat: float, long: float, when: datetime, **answers: Any) -> Any:
    filing = services.Filing(
        service_code, services.Location(lat, long), attributes={"size": "small", **answers}
    )
    return services.file_request(actor=None, filing=filing, now=when)


def test_first_matching_rule_wins(litter: Any, roads: Any, parks: Any, admin_user: Any) -> None:
    monday_noon = datetime(2026, 11, 30, 12, 0, tzinfo=AMS)
    services.save_routing_rule(actor=None, name="park area", order=10, area=SQUARE, department=parks)
    services.save_routing_rule(
        actor=None,
        name="glass anywhere",
        order=20,
        service=litter,
        attribute_code="kind",
        attribute_value="glass",
        department=roads,
        assignee=admin_user,
    )
    services.save_routing_rule(
        actor=None, name="night shift", order=5, start_time=time(22), end_time=time(6), department=roads
    )
    in_park = _file("litter", 52.29, 4.46, monday_noon, kind=["glass"])
    assert (in_park.department, in_park.routed_by, in_park.assignee) == (parks, "park area", None)
    glass = _file("litter", 52.31, 4.50, monday_noon, kind=["paper", "glass"])
    assert (glass.department, glass.routed_by, glass.assignee) == (roads, "glass anywhere", admin_user)
    night = _file("litter", 52.29, 4.46, datetime(2026, 11, 30, 23, 30, tzinfo=AMS))
    assert night.routed_by == "night shift"
    fallback = _file("litter", 52.31, 4.50, monday_noon)
    assert (fallback.department, fallback.routed_by) == (roads, "")


def test_weekday_rule(litter: Any, parks: Any) -> None:
    services.save_routing_rule(actor=None, name="weekend", weekdays=[5, 6], department=parks)
    saturday = _file("litter", 52.31, 4.50, datetime(2026, 12, 5, 10, 0, tzinfo=AMS))
    monday = _file("litter", 52.31, 4.50, datetime(2026, 12, 7, 10, 0, tzinfo=AMS))
    assert saturday.routed_by == "weekend" and monday.routed_by == ""


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (datetime(2026, 12, 3, 9, 0, tzinfo=AMS), 2, datetime(2026, 12, 7, 9, 0, tzinfo=AMS)),  # Thu → Mon
        (datetime(2026, 12, 5, 9, 0, tzinfo=AMS), 1, datetime(2026, 12, 8, 9, 0, tzinfo=AMS)),  # Sat → Tue
        (datetime(2026, 12, 1, 9, 0, tzinfo=AMS), 0, datetime(2026, 12, 1, 9, 0, tzinfo=AMS)),
    ],
)
def test_working_days(start: datetime, days: int, due: datetime) -> None:
    assert servicelevels.add_working_days(start, days) == due


def test_expected_datetime_from_the_service_level(litter: Any, pothole: Any) -> None:
    thursday = datetime(2026, 12, 3, 9, 0, tzinfo=AMS)
    assert _file("litter", 52.29, 4.48, thursday).expected_datetime == datetime(2026, 12, 7, 9, 0, tzinfo=AMS)
    litter.due_working_days = False
    litter.save()
    assert _file("litter", 52.29, 4.48, thursday).expected_datetime == datetime(2026, 12, 5, 9, 0, tzinfo=AMS)
    hole = services.file_request(
        actor=None, filing=services.Filing("pothole", services.Location(52.29, 4.48)), now=thursday
    )
    assert hole.expected_datetime is None
