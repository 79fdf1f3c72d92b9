"""Culture (museums, events, library, monuments) and public facilities (playgrounds, toilets, wifi)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from openingup.catalogue.demo.files import Table, Town
from openingup.catalogue.demo.generators.common import (
    address,
    list_of,
    months,
    organisation,
    placed,
    poisson,
)
from openingup.catalogue.demo.generators.registry import generator

# --------------------------------------------------------------------------- culture


@generator("museums")
def museums(town: Town, rng: random.Random, first_year: int = 2019, last_year: int = 2024) -> Table:
    columns = [
        "museum_id",
        "name",
        "address",
        "district",
        "year",
        "visitors",
        "school_visits",
        "exhibitions",
        "longitude",
        "latitude",
    ]
    rows = []
    for n, museum in enumerate(list_of(town, "museums"), start=1):
        name, visitors = museum["name"], museum["visitors"]
        place = placed(town, rng)
        museum_address = address(rng, town)
        for year in range(first_year, last_year + 1):
            covid = {2020: 0.45, 2021: 0.6}.get(year, 1.0)
            rows.append(
                {
                    "museum_id": f"MUS{n:02d}",
                    "name": name,
                    "address": museum_address,
                    **place,
                    "year": year,
                    "visitors": round(visitors * covid * rng.uniform(0.9, 1.12)),
                    "school_visits": round(visitors / 400 * covid * rng.uniform(0.8, 1.2)),
                    "exhibitions": rng.randint(2, 7),
                }
            )
    return Table(columns, rows)


@generator("events")
def events(town: Town, rng: random.Random, year: int = 2025, count: int = 160) -> Table:
    columns = [
        "event_id",
        "title_nl",
        "title_en",
        "category",
        "start",
        "end",
        "venue",
        "free_entry",
        "expected_visitors",
        "organiser",
    ]
    rows = []
    for n in range(1, count + 1):
        event = rng.choice(list_of(town, "event_kinds"))
        kind, nl, en = event["category"], event["nl"], event["en"]
        if event.get("december"):
            day = date(year, 12, rng.randint(5, 22))
        else:
            day = date(year, 4, 1) + timedelta(days=min(182, abs(round(rng.gauss(95, 45)))))
        start = datetime(
            day.year, day.month, day.day, rng.choice(event.get("start_hours") or (10, 11, 13, 14))
        )
        rows.append(
            {
                "event_id": f"EV-{year}-{n:03d}",
                "title_nl": nl,
                "title_en": en,
                "category": kind,
                "start": start.isoformat(),
                "end": (
                    start + timedelta(hours=rng.choice(event.get("duration_hours") or (2, 3, 4)))
                ).isoformat(),
                "venue": rng.choice(event.get("venues") or list_of(town, "venues")),
                "free_entry": rng.random() < 0.7,
                "expected_visitors": rng.choice((50, 100, 250, 500, 1500, 5000)),
                "organiser": organisation(rng, town),
            }
        )
    rows.sort(key=lambda r: (r["start"], r["event_id"]))
    return Table(columns, rows)


@generator("library_visits")
def library_visits(town: Town, rng: random.Random, first_year: int = 2019, last_year: int = 2024) -> Table:
    branches = [(b["name"], b["monthly_visits"]) for b in list_of(town, "library_branches")]
    columns = ["year", "month", "branch", "visits", "loans", "new_members", "activities"]
    rows = []
    for year, month in months(first_year, last_year):
        closed = 0.1 if (year, month) in ((2020, 4), (2020, 5), (2021, 1), (2021, 2)) else 1.0
        holiday = 0.8 if month in (7, 8) else 1.0
        for branch, visits in branches:
            n = round(visits * closed * holiday * rng.uniform(0.9, 1.1))
            rows.append(
                {
                    "year": year,
                    "month": month,
                    "branch": branch,
                    "visits": n,
                    "loans": round(n * rng.uniform(1.1, 1.5)),
                    "new_members": poisson(rng, n / 140),
                    "activities": poisson(rng, 6 * closed),
                }
            )
    return Table(columns, rows)


@generator("monuments")
def monuments(town: Town, rng: random.Random, count: int = 96) -> Table:
    columns = [
        "monument_id",
        "kind_nl",
        "kind_en",
        "protection",
        "construction_period",
        "address",
        "district",
        "longitude",
        "latitude",
    ]
    rows = []
    for n in range(1, count + 1):
        kinds = list_of(town, "monument_kinds")
        kind = rng.choices(kinds, [k["share"] for k in kinds])[0]
        nl, en = kind["nl"], kind["en"]
        start = int(kind.get("built", rng.choice((1600, 1700, 1800, 1850, 1875, 1900, 1925))))
        rows.append(
            {
                "monument_id": f"MON-{n:04d}",
                "kind_nl": nl,
                "kind_en": en,
                "protection": rng.choices(("national monument", "municipal monument"), (0.35, 0.65))[0],
                "construction_period": f"{start}-{start + int(kind.get('period_years', 25))}",
                "address": address(rng, town),
                **placed(town, rng),
            }
        )
    return Table(columns, rows)


# --------------------------------------------------------------------------- facilities


@generator("playgrounds")
def playgrounds(town: Town, rng: random.Random, count: int = 52) -> Table:
    columns = [
        "playground_id",
        "name",
        "district",
        "age_group",
        "equipment_items",
        "accessible",
        "fenced",
        "last_inspection",
        "longitude",
        "latitude",
    ]
    rows = []
    for n in range(1, count + 1):
        place = placed(town, rng)
        rows.append(
            {
                "playground_id": f"SPL-{n:03d}",
                "name": f"Speelplek {rng.choice(town.streets)}",
                **place,
                "age_group": rng.choice(("0-6", "0-12", "6-12", "12+")),
                "equipment_items": rng.randint(2, 14),
                "accessible": rng.random() < 0.3,
                "fenced": rng.random() < 0.45,
                "last_inspection": (date(2024, 1, 1) + timedelta(days=rng.randrange(360))).isoformat(),
            }
        )
    return Table(columns, rows)


@generator("public_toilets")
def public_toilets(town: Town, rng: random.Random, count: int = 28) -> Table:
    columns = [
        "toilet_id",
        "name",
        "kind",
        "wheelchair_accessible",
        "baby_changing",
        "free",
        "opening_hours",
        "seasonal",
        "address",
        "district",
        "longitude",
        "latitude",
    ]
    kinds = ("public toilet building", "urinal", "beach pavilion (partner)", "shop or café (partner)")
    rows = []
    for n in range(1, count + 1):
        kind = rng.choice(kinds)
        rows.append(
            {
                "toilet_id": f"WC-{n:03d}",
                "name": f"Toilet {rng.choice(town.streets)}",
                "kind": kind,
                "wheelchair_accessible": kind != "urinal" and rng.random() < 0.6,
                "baby_changing": kind != "urinal" and rng.random() < 0.4,
                "free": kind != "public toilet building",
                "opening_hours": "24/7"
                if kind == "urinal"
                else rng.choice(("09:00-18:00", "10:00-22:00", "08:00-20:00")),
                "seasonal": "beach" in kind,
                "address": address(rng, town),
                **placed(town, rng),
            }
        )
    return Table(columns, rows)


@generator("wifi_hotspots")
def wifi_hotspots(town: Town, rng: random.Random, count: int = 44) -> Table:
    columns = [
        "hotspot_id",
        "location",
        "ssid",
        "indoor",
        "max_mbps",
        "in_service_since",
        "district",
        "longitude",
        "latitude",
    ]
    rows = []
    for n in range(1, count + 1):
        indoor = rng.random() < 0.35
        rows.append(
            {
                "hotspot_id": f"WIFI-{n:03d}",
                "location": rng.choice(list_of(town, "venues")) if indoor else rng.choice(town.streets),
                "ssid": town.lists["wifi_ssid"],
                "indoor": indoor,
                "max_mbps": rng.choice((50, 100, 300)),
                "in_service_since": (date(2018, 1, 1) + timedelta(days=rng.randrange(2200))).isoformat(),
                **placed(town, rng),
            }
        )
    return Table(columns, rows)
