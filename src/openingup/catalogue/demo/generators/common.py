"""Helpers the generators share: calendars, random counts, places in the town, the town's named lists."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from openingup.catalogue.demo.files import District, Row, Town


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def months(first_year: int, last_year: int) -> Iterable[tuple[int, int]]:
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            yield year, month


def season(day: date) -> float:
    """0 in midwinter … 1 in midsummer."""
    return (1 - math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)) / 2


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def list_of(town: Town, name: str) -> list[Any]:
    """A named list of the town data; KeyError naming it when the data file lacks it."""
    try:
        return list(town.lists[name])
    except KeyError:
        raise KeyError(f"the town data has no list {name!r}") from None


def organisation(rng: random.Random, town: Town) -> str:
    return (
        f"{rng.choice(list_of(town, 'organisation_kinds'))} {rng.choice(list_of(town, 'organisation_names'))}"
    )


def address(rng: random.Random, town: Town) -> str:
    return f"{rng.choice(town.streets)} {rng.randint(1, 180)}"


def placed(town: Town, rng: random.Random, district: District | None = None) -> Row:
    lon, lat = town.point(rng, district)
    found = district or town.district_of(lon, lat)
    return {"district": found.name, "longitude": lon, "latitude": lat}


def box_polygon(box: tuple[float, float, float, float]) -> dict[str, Any]:
    a, b, c, d = (round(v, 6) for v in box)
    return {"type": "Polygon", "coordinates": [[[a, b], [c, b], [c, d], [a, d], [a, b]]]}


def area_km2(box: tuple[float, float, float, float]) -> float:
    min_lon, min_lat, max_lon, max_lat = box
    km_lon = 111.32 * math.cos(math.radians((min_lat + max_lat) / 2))
    return round((max_lon - min_lon) * km_lon * (max_lat - min_lat) * 110.57, 2)
