"""Air quality, noise, trees, waste and bathing water."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from openingup.catalogue.demo.files import Table, Town
from openingup.catalogue.demo.generators.common import (
    days,
    list_of,
    months,
    placed,
    season,
)
from openingup.catalogue.demo.generators.registry import generator

# --------------------------------------------------------------------------- environment


@generator("air_quality")
def air_quality(town: Town, rng: random.Random, year: int = 2024) -> Table:
    columns = [
        "date",
        "station_id",
        "station_name",
        "no2_ug_m3",
        "pm10_ug_m3",
        "pm25_ug_m3",
        "no2_exceeds_who_daily",
        "pm10_exceeds_eu_daily",
    ]
    rows = []
    wind = 0.0
    for day in days(date(year, 1, 1), date(year, 12, 31)):
        wind = 0.7 * wind + rng.gauss(0, 0.5)  # sea wind days clean the air for a while
        winter = 1.25 - 0.5 * season(day)
        for station in list_of(town, "air_quality_stations"):
            sid, name, no2_mean, pm10_mean = (
                station["id"],
                station["name"],
                station["no2_mean"],
                station["pm10_mean"],
            )
            weekday = 1.1 if day.weekday() < 5 else 0.8
            no2 = max(2.0, no2_mean * winter * weekday * math.exp(-0.25 * wind) * rng.uniform(0.75, 1.25))
            pm10 = max(4.0, pm10_mean * (0.9 + 0.2 * winter) * math.exp(-0.2 * wind) * rng.uniform(0.7, 1.3))
            rows.append(
                {
                    "date": day.isoformat(),
                    "station_id": sid,
                    "station_name": name,
                    "no2_ug_m3": round(no2, 1),
                    "pm10_ug_m3": round(pm10, 1),
                    "pm25_ug_m3": round(pm10 * rng.uniform(0.45, 0.65), 1),
                    "no2_exceeds_who_daily": no2 > 25,
                    "pm10_exceeds_eu_daily": pm10 > 50,
                }
            )
    return Table(columns, rows)


@generator("noise")
def noise(town: Town, rng: random.Random, year: int = 2022, count: int = 160) -> Table:
    columns = [
        "point_id",
        "year",
        "street",
        "district",
        "main_source",
        "lden_db",
        "lnight_db",
        "above_action_value",
        "longitude",
        "latitude",
    ]
    rows = []
    for n in range(1, count + 1):
        source = rng.choices(("road traffic", "railway", "industry", "port"), (0.75, 0.1, 0.08, 0.07))[0]
        lden = round(rng.gauss(58 if source == "road traffic" else 54, 6), 1)
        rows.append(
            {
                "point_id": f"GK-{year}-{n:04d}",
                "year": year,
                "street": rng.choice(town.streets),
                **placed(town, rng),
                "main_source": source,
                "lden_db": lden,
                "lnight_db": round(lden - rng.uniform(8, 11), 1),
                "above_action_value": lden >= 63,
            }
        )
    return Table(columns, rows)


@generator("trees")
def trees(town: Town, rng: random.Random, count: int = 900) -> Table:
    columns = [
        "tree_id",
        "species_latin",
        "species_nl",
        "species_en",
        "planting_year",
        "height_class_m",
        "trunk_diameter_cm",
        "condition",
        "street",
        "district",
        "longitude",
        "latitude",
    ]
    species = list_of(town, "tree_species")
    rows = []
    for n in range(1, count + 1):
        tree = rng.choices(species, [s["share"] for s in species])[0]
        latin, nl, en = tree["latin"], tree["nl"], tree["en"]
        planted = rng.randint(1935, 2023)
        age = 2024 - planted
        rows.append(
            {
                "tree_id": f"BOOM-{n:05d}",
                "species_latin": latin,
                "species_nl": nl,
                "species_en": en,
                "planting_year": planted,
                "height_class_m": ("0-6", "6-9", "9-12", "12-15", "15-18", "18+")[min(5, age // 14)],
                "trunk_diameter_cm": round(min(120, age * rng.uniform(0.8, 1.4)) + 5),
                "condition": rng.choices(("good", "fair", "poor", "dead"), (0.72, 0.2, 0.07, 0.01))[0],
                "street": rng.choice(town.streets),
                **placed(town, rng),
            }
        )
    return Table(columns, rows)


@generator("waste_collection")
def waste_collection(town: Town, rng: random.Random, first_year: int = 2020, last_year: int = 2024) -> Table:
    columns = ["year", "month", "stream", "stream_nl", "stream_en", "tonnes", "kg_per_inhabitant"]
    rows = []
    for year, month in months(first_year, last_year):
        summer = season(date(year, month, 15))
        for stream in list_of(town, "waste_streams"):
            code, nl, en, tonnes = stream["code"], stream["nl"], stream["en"], stream["tonnes_per_month"]
            trend = 1 - (0.04 if code == "residual" else -0.02) * (year - first_year)
            garden = 1 + (0.8 * summer if code == "organic" else 0.15 * summer)
            amount = tonnes * trend * garden * rng.uniform(0.9, 1.1)
            rows.append(
                {
                    "year": year,
                    "month": month,
                    "stream": code,
                    "stream_nl": nl,
                    "stream_en": en,
                    "tonnes": round(amount, 1),
                    "kg_per_inhabitant": round(1000 * amount / town.inhabitants, 2),
                }
            )
    return Table(columns, rows)


@generator("bathing_water")
def bathing_water(town: Town, rng: random.Random, first_year: int = 2021, last_year: int = 2024) -> Table:
    columns = [
        "site_id",
        "site_name",
        "sample_date",
        "e_coli_cfu_100ml",
        "enterococci_cfu_100ml",
        "water_temperature_c",
        "assessment",
        "longitude",
        "latitude",
    ]
    min_lon, min_lat, _max_lon, max_lat = town.bbox
    rows = []
    sites = list_of(town, "bathing_sites")
    for i, site in enumerate(sites):
        sid, name, lake = site["id"], site["name"], bool(site.get("lake"))
        lat = round(max_lat - (i + 0.5) * (max_lat - min_lat) / len(sites), 6)
        lon = round(min_lon + (0.02 if lake else 0.002), 6)
        for year in range(first_year, last_year + 1):
            day = date(year, 5, 15) + timedelta(days=rng.randint(0, 4))
            while day <= date(year, 9, 30):
                e_coli = round(math.exp(rng.gauss(3.6 if lake else 3.0, 1.1)))
                entero = round(math.exp(rng.gauss(3.0 if lake else 2.5, 1.0)))
                assessment = (
                    "poor"
                    if e_coli > 1800 or entero > 400
                    else "sufficient"
                    if e_coli > 500 or entero > 200
                    else "good"
                )
                rows.append(
                    {
                        "site_id": sid,
                        "site_name": name,
                        "sample_date": day.isoformat(),
                        "e_coli_cfu_100ml": e_coli,
                        "enterococci_cfu_100ml": entero,
                        "water_temperature_c": round(
                            14 + 7 * season(day) + (2 if lake else 0) + rng.gauss(0, 1), 1
                        ),
                        "assessment": assessment,
                        "longitude": lon,
                        "latitude": lat,
                    }
                )
                day += timedelta(days=rng.choice((13, 14, 14, 15)))
    return Table(columns, rows)
