"""Parking, bicycle counts, accidents, charging points and the road network."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime, timedelta

from openingup.catalogue.demo.files import Row, Table, Town
from openingup.catalogue.demo.generators.common import (
    address,
    days,
    list_of,
    placed,
    season,
)
from openingup.catalogue.demo.generators.registry import generator

# --------------------------------------------------------------------------- mobility


@generator("parking_garages")
def parking_garages(town: Town, rng: random.Random) -> Table:
    columns = [
        "garage_id",
        "name",
        "address",
        "district",
        "capacity",
        "ev_spaces",
        "disabled_spaces",
        "tariff_eur_per_hour",
        "max_day_tariff_eur",
        "open_24h",
        "longitude",
        "latitude",
    ]
    rows = []
    for i, garage in enumerate(list_of(town, "parking_garages")):
        gid, name, capacity = garage["id"], garage["name"], garage["capacity"]
        place = placed(town, rng, town.districts[i % len(town.districts)])
        rows.append(
            {
                "garage_id": gid,
                "name": name,
                "address": address(rng, town),
                **place,
                "capacity": capacity,
                "ev_spaces": capacity // rng.choice((12, 15, 20)),
                "disabled_spaces": max(4, capacity // 50),
                "tariff_eur_per_hour": 0.5 if garage.get("park_and_ride") else rng.choice((2.4, 2.8, 3.2)),
                "max_day_tariff_eur": 5.0 if garage.get("park_and_ride") else rng.choice((18.0, 22.5, 25.0)),
                "open_24h": bool(garage.get("open_24h")),
            }
        )
    return Table(columns, rows)


@generator("parking_occupancy")
def parking_occupancy(town: Town, rng: random.Random, start: str = "2024-07-01", days: int = 14) -> Table:
    columns = ["timestamp", "garage_id", "capacity", "occupied", "free", "occupancy_percent"]
    rows = []
    first = date.fromisoformat(start)
    garages = list_of(town, "parking_garages")
    for day in (first + timedelta(days=n) for n in range(days)):
        weekend = day.weekday() >= 5
        sunny = rng.random() < 0.6
        for hour in range(24):
            for garage in garages:
                gid, capacity = garage["id"], garage["capacity"]
                base = 0.08 + 0.55 * math.exp(-((hour - 14) ** 2) / 18)
                beach = float(garage.get("beach", 0))
                base += beach * (0.3 if sunny else 0.05) * math.exp(-((hour - 14) ** 2) / 10)
                if weekend:
                    base *= 1.15
                share = min(1.0, max(0.0, base + rng.gauss(0, 0.03)))
                occupied = round(capacity * share)
                rows.append(
                    {
                        "timestamp": datetime(day.year, day.month, day.day, hour).isoformat(),
                        "garage_id": gid,
                        "capacity": capacity,
                        "occupied": occupied,
                        "free": capacity - occupied,
                        "occupancy_percent": round(100 * occupied / capacity, 1),
                    }
                )
    return Table(columns, rows)


@generator("bicycle_counts")
def bicycle_counts(town: Town, rng: random.Random, year: int) -> Table:
    stations = list_of(town, "bicycle_counting_stations")
    columns = ["date", "station_id", "station_name", "towards_centre", "from_centre", "total", "rain_mm"]
    rows = []
    for day in days(date(year, 1, 1), date(year, 12, 31)):
        rain = round(max(0.0, rng.gauss(1.2, 3.0)), 1)
        weekday = 1.0 if day.weekday() < 5 else 0.75
        for station in stations:
            sid, name, mean = station["id"], station["name"], station["daily_mean"]
            summer = 1 + (0.9 if station.get("recreational") else 0.3) * season(day)
            total = max(0, round(mean * weekday * summer * (1 - min(rain, 15) / 30) * rng.uniform(0.9, 1.1)))
            inbound = round(total * rng.uniform(0.46, 0.54))
            rows.append(
                {
                    "date": day.isoformat(),
                    "station_id": sid,
                    "station_name": name,
                    "towards_centre": inbound,
                    "from_centre": total - inbound,
                    "total": total,
                    "rain_mm": rain,
                }
            )
    return Table(columns, rows)


@generator("traffic_accidents")
def traffic_accidents(town: Town, rng: random.Random, first_year: int = 2019, last_year: int = 2024) -> Table:
    columns = [
        "accident_id",
        "date",
        "hour",
        "severity",
        "parties",
        "involves_cyclist",
        "involves_pedestrian",
        "light_conditions",
        "road_surface",
        "street",
        "district",
        "longitude",
        "latitude",
    ]
    severities = (("material damage only", 0.78), ("injury", 0.21), ("fatal", 0.01))
    rows = []
    number = 0
    for year in range(first_year, last_year + 1):
        for _ in range(rng.randint(48, 64)):
            number += 1
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            hour = min(23, max(0, round(rng.gauss(15, 4.5))))
            severity = rng.choices([s for s, _ in severities], [w for _, w in severities])[0]
            rows.append(
                {
                    "accident_id": f"VOA-{year}-{number:04d}",
                    "date": day.isoformat(),
                    "hour": hour,
                    "severity": severity,
                    "parties": rng.choice((1, 2, 2, 2, 3)),
                    "involves_cyclist": rng.random() < 0.35,
                    "involves_pedestrian": rng.random() < 0.08,
                    "light_conditions": "daylight"
                    if 7 <= hour <= 19
                    else rng.choice(("dark, street lighting", "twilight")),
                    "road_surface": rng.choices(("dry", "wet", "icy"), (0.7, 0.27, 0.03))[0],
                    "street": rng.choice(town.streets),
                    **placed(town, rng),
                }
            )
    return Table(columns, rows)


@generator("ev_charging_points")
def ev_charging_points(town: Town, rng: random.Random, count: int = 84) -> Table:
    columns = [
        "charging_point_id",
        "operator",
        "address",
        "district",
        "connectors",
        "connector_type",
        "max_power_kw",
        "fast_charger",
        "public_24h",
        "in_service_since",
        "longitude",
        "latitude",
    ]
    rows = []
    for n in range(1, count + 1):
        fast = rng.random() < 0.12
        rows.append(
            {
                "charging_point_id": f"NL-{town.prefix}-E{n:04d}",
                "operator": rng.choice(list_of(town, "charging_operators")),
                "address": address(rng, town),
                **placed(town, rng),
                "connectors": 1 if fast else 2,
                "connector_type": "CCS2" if fast else "Type 2",
                "max_power_kw": rng.choice((50, 150)) if fast else rng.choice((11, 22)),
                "fast_charger": fast,
                "public_24h": rng.random() < 0.9,
                "in_service_since": (date(2016, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat(),
            }
        )
    return Table(columns, rows)


@generator("road_network")
def road_network(town: Town, rng: random.Random) -> Table:
    """A grid of streets across the town, cut into segments between crossings."""
    min_lon, min_lat, max_lon, max_lat = town.bbox
    lats = [round(max_lat - (max_lat - min_lat) * (i + 0.5) / 6, 6) for i in range(6)]  # north to south
    lons = [round(min_lon + (max_lon - min_lon) * (i + 0.5) / 8, 6) for i in range(8)]
    columns = [
        "segment_id",
        "street",
        "road_class",
        "speed_limit_kmh",
        "one_way",
        "cycle_lane",
        "surface",
        "length_m",
        "managed_by",
    ]
    names = list(town.streets)
    rows: list[Row] = []

    def segment(
        street: str, a: tuple[float, float], b: tuple[float, float], road_class: str, speed: int
    ) -> None:
        length = math.dist((a[0] * 68_000, a[1] * 111_000), (b[0] * 68_000, b[1] * 111_000))
        rows.append(
            {
                "segment_id": f"WEG-{len(rows) + 1:04d}",
                "street": street,
                "road_class": road_class,
                "speed_limit_kmh": speed,
                "one_way": road_class == "residential" and rng.random() < 0.2,
                "cycle_lane": road_class != "residential" or rng.random() < 0.3,
                "surface": rng.choice(("asphalt", "asphalt", "clinker bricks"))
                if road_class == "residential"
                else "asphalt",
                "length_m": round(length),
                "managed_by": "province" if speed == 80 else "municipality",
                "_geometry": {"type": "LineString", "coordinates": [list(a), list(b)]},
            }
        )

    for i, lat in enumerate(lats):
        street, road_class, speed = (
            names[i],
            ("collector" if i in (2, 3) else "residential"),
            (50 if i in (2, 3) else 30),
        )
        for a, b in itertools.pairwise(lons):
            segment(street, (a, lat), (b, lat), road_class, speed)
    for j, lon in enumerate(lons):
        if j == 0:
            street, road_class, speed = town.lists["coastal_road"], "collector", 30
        elif j == len(lons) - 1:
            street, road_class, speed = town.lists["provincial_road"], "arterial", 80
        else:
            street, road_class, speed = names[6 + j], "residential", 30
        for a, b in itertools.pairwise(lats):
            segment(street, (lon, a), (lon, b), road_class, speed)
    return Table(columns, rows)
