"""Budget, spending and subsidies; population statistics; citizen reports; permits."""

from __future__ import annotations

import random
from datetime import date, timedelta

from openingup.catalogue.demo.files import Row, Table, Town
from openingup.catalogue.demo.generators.common import (
    area_km2,
    box_polygon,
    list_of,
    months,
    organisation,
    poisson,
    season,
)
from openingup.catalogue.demo.generators.registry import generator, rng

# --------------------------------------------------------------------------- finance


@generator("budget")
def budget(town: Town, rng: random.Random, year: int) -> Table:
    columns = [
        "budget_year",
        "programme",
        "programme_nl",
        "programme_en",
        "task_field",
        "task_field_nl",
        "task_field_en",
        "expenses_eur",
        "income_eur",
        "balance_eur",
    ]
    growth = 1.035 ** (year - 2024)
    rows = []
    programmes = town.lists["budget_programmes"]
    for field in list_of(town, "budget_task_fields"):
        code, nl, en, expenses, income = (
            field["code"],
            field["nl"],
            field["en"],
            field["expenses_eur"],
            field["income_eur"],
        )
        programme = code.split(".")[0]
        spent = round(expenses * growth * rng.uniform(0.97, 1.04), -3)
        earned = round(income * growth * rng.uniform(0.98, 1.03), -3)
        rows.append(
            {
                "budget_year": year,
                "programme": programme,
                "programme_nl": programmes[programme]["nl"],
                "programme_en": programmes[programme]["en"],
                "task_field": code,
                "task_field_nl": nl,
                "task_field_en": en,
                "expenses_eur": int(spent),
                "income_eur": int(earned),
                "balance_eur": int(earned - spent),
            }
        )
    return Table(columns, rows)


@generator("spending")
def spending(town: Town, rng: random.Random, year: int = 2024) -> Table:
    columns = [
        "year",
        "month",
        "department_nl",
        "department_en",
        "cost_type_nl",
        "cost_type_en",
        "amount_eur",
    ]
    rows = []
    for month in range(1, 13):
        for department in list_of(town, "departments"):
            dep_nl, dep_en, scale = department["nl"], department["en"], department["scale"]
            for cost in list_of(town, "cost_types"):
                cost_nl, cost_en, share = cost["nl"], cost["en"], cost["share"]
                december = 1.35 if month == 12 else 1.0
                amount = 1_250_000 * scale * share * december * rng.uniform(0.85, 1.15)
                rows.append(
                    {
                        "year": year,
                        "month": month,
                        "department_nl": dep_nl,
                        "department_en": dep_en,
                        "cost_type_nl": cost_nl,
                        "cost_type_en": cost_en,
                        "amount_eur": round(amount, 2),
                    }
                )
    return Table(columns, rows)


@generator("subsidies")
def subsidies(town: Town, rng: random.Random, first_year: int = 2022, last_year: int = 2024) -> Table:
    columns = [
        "subsidy_id",
        "year",
        "recipient",
        "policy_area_nl",
        "policy_area_en",
        "kind",
        "amount_requested_eur",
        "amount_granted_eur",
        "decision",
    ]
    rows = []
    for year in range(first_year, last_year + 1):
        for n in range(1, rng.randint(38, 46) + 1):
            area = rng.choice(list_of(town, "policy_areas"))
            area_nl, area_en = area["nl"], area["en"]
            requested = round(rng.choice((1, 1, 2, 5, 10, 25)) * rng.uniform(900, 5000), -1)
            decision = rng.choices(("granted", "partly granted", "rejected"), (0.7, 0.2, 0.1))[0]
            granted = (
                requested
                if decision == "granted"
                else round(requested * 0.6, -1)
                if decision != "rejected"
                else 0
            )
            rows.append(
                {
                    "subsidy_id": f"SUB-{year}-{n:03d}",
                    "year": year,
                    "recipient": organisation(rng, town),
                    "policy_area_nl": area_nl,
                    "policy_area_en": area_en,
                    "kind": rng.choice(("one-off", "one-off", "annual")),
                    "amount_requested_eur": requested,
                    "amount_granted_eur": granted,
                    "decision": decision,
                }
            )
    return Table(columns, rows)


# --------------------------------------------------------------------------- population

AGE_GROUPS = (*(f"{a}-{a + 4}" for a in range(0, 85, 5)), "85+")
# Share per age group in a coastal town with many older residents.
AGE_WEIGHTS = (4.2, 4.6, 5.0, 5.2, 5.0, 4.8, 5.0, 5.3, 5.8, 6.4, 7.2, 7.6, 7.4, 6.9, 6.3, 4.9, 3.4, 2.6)


def _district_shares(town: Town) -> list[float]:
    shares_rng = rng("district-shares")
    weights = [shares_rng.uniform(0.7, 1.4) for _ in town.districts]
    return [w / sum(weights) for w in weights]


@generator("population")
def population(town: Town, rng: random.Random, first_year: int = 2020, last_year: int = 2024) -> Table:
    columns = ["year", "district_code", "district", "age_group", "men", "women", "total"]
    rows = []
    shares = _district_shares(town)
    for year in range(first_year, last_year + 1):
        size = town.inhabitants * (1 + 0.004 * (year - last_year))
        for district, share in zip(town.districts, shares, strict=True):
            for group, weight in zip(AGE_GROUPS, AGE_WEIGHTS, strict=True):
                people = size * share * weight / sum(AGE_WEIGHTS) * rng.uniform(0.95, 1.05)
                women_share = 0.5 + (
                    0.12 if group == "85+" else 0.05 if group in ("75-79", "80-84") else -0.01
                )
                women = round(people * women_share)
                men = round(people) - women
                rows.append(
                    {
                        "year": year,
                        "district_code": district.code,
                        "district": district.name,
                        "age_group": group,
                        "men": men,
                        "women": women,
                        "total": men + women,
                    }
                )
    return Table(columns, rows)


@generator("households")
def households(town: Town, rng: random.Random, first_year: int = 2015, last_year: int = 2024) -> Table:
    columns = ["year", "district_code", "district", "household_type_nl", "household_type_en", "households"]
    rows = []
    shares = _district_shares(town)
    for year in range(first_year, last_year + 1):
        total = town.inhabitants / 2.1 * (1 + 0.006 * (year - last_year))
        for district, share in zip(town.districts, shares, strict=True):
            for kind in list_of(town, "household_types"):
                nl, en, part = kind["nl"], kind["en"], kind["share"]
                drift = 1 + float(kind.get("yearly_change", 0)) * (year - first_year)
                rows.append(
                    {
                        "year": year,
                        "district_code": district.code,
                        "district": district.name,
                        "household_type_nl": nl,
                        "household_type_en": en,
                        "households": round(total * share * part * drift * rng.uniform(0.96, 1.04)),
                    }
                )
    return Table(columns, rows)


@generator("births_deaths")
def births_deaths(town: Town, rng: random.Random, first_year: int = 2015, last_year: int = 2024) -> Table:
    columns = [
        "year",
        "month",
        "births_total",
        "births_boys",
        "births_girls",
        "deaths_total",
        "deaths_men",
        "deaths_women",
    ]
    rows = []
    for year, month in months(first_year, last_year):
        winter = 1 - season(date(year, month, 15))
        births = poisson(rng, town.inhabitants * 0.0075 / 12)
        boys = sum(rng.random() < 0.512 for _ in range(births))
        extra = 1.25 if (year, month) in ((2020, 4), (2020, 11), (2020, 12), (2022, 1)) else 1.0
        deaths = poisson(rng, town.inhabitants * 0.0115 / 12 * (0.88 + 0.24 * winter) * extra)
        men = sum(rng.random() < 0.48 for _ in range(deaths))
        rows.append(
            {
                "year": year,
                "month": month,
                "births_total": births,
                "births_boys": boys,
                "births_girls": births - boys,
                "deaths_total": deaths,
                "deaths_men": men,
                "deaths_women": deaths - men,
            }
        )
    return Table(columns, rows)


@generator("migration")
def migration(town: Town, rng: random.Random, first_year: int = 2015, last_year: int = 2024) -> Table:
    columns = [
        "year",
        "district_code",
        "district",
        "settled_from_netherlands",
        "settled_from_abroad",
        "left_for_netherlands",
        "left_for_abroad",
        "moved_within_municipality",
        "net_migration",
    ]
    rows = []
    shares = _district_shares(town)
    for year in range(first_year, last_year + 1):
        abroad = 1.6 if year in (2022, 2023) else 1.0  # arrivals from Ukraine
        for district, share in zip(town.districts, shares, strict=True):
            people = town.inhabitants * share
            row: Row = {
                "year": year,
                "district_code": district.code,
                "district": district.name,
                "settled_from_netherlands": poisson(rng, people * 0.034),
                "settled_from_abroad": poisson(rng, people * 0.006 * abroad),
                "left_for_netherlands": poisson(rng, people * 0.032),
                "left_for_abroad": poisson(rng, people * 0.004),
                "moved_within_municipality": poisson(rng, people * 0.045),
            }
            row["net_migration"] = (
                row["settled_from_netherlands"]
                + row["settled_from_abroad"]
                - row["left_for_netherlands"]
                - row["left_for_abroad"]
            )
            rows.append(row)
    return Table(columns, rows)


@generator("districts")
def districts(town: Town, rng: random.Random, level: str = "district") -> Table:
    """Districts (wijken) or neighbourhoods (buurten) as polygons, with area and inhabitants."""
    shares = _district_shares(town)
    share_of = dict(zip((d.code for d in town.districts), shares, strict=True))
    if level == "district":
        columns = [
            "district_code",
            "district",
            "municipality_code",
            "municipality",
            "area_km2",
            "inhabitants",
        ]
        rows = [
            {
                "district_code": d.code,
                "district": d.name,
                "municipality_code": town.code,
                "municipality": town.name,
                "area_km2": area_km2(d.bbox),
                "inhabitants": round(town.inhabitants * share_of[d.code]),
                "_geometry": box_polygon(d.bbox),
            }
            for d in town.districts
        ]
        return Table(columns, rows)
    columns = ["neighbourhood_code", "neighbourhood", "district_code", "district", "area_km2", "inhabitants"]
    rows = []
    for district, n, name, box in town.neighbourhoods():
        people = town.inhabitants * share_of[district.code] / 4 * rng.uniform(0.8, 1.2)
        rows.append(
            {
                "neighbourhood_code": f"BU{district.code[2:]}{n:02d}",
                "neighbourhood": name,
                "district_code": district.code,
                "district": district.name,
                "area_km2": area_km2(box),
                "inhabitants": round(people),
                "_geometry": box_polygon(box),
            }
        )
    return Table(columns, rows)


# --------------------------------------------------------------------------- citizen reports


@generator("public_space_reports")
def public_space_reports(
    town: Town, rng: random.Random, first_year: int = 2022, last_year: int = 2024
) -> Table:
    columns = [
        "year",
        "month",
        "category_nl",
        "category_en",
        "reports",
        "resolved",
        "resolved_within_5_days",
        "median_days_to_resolve",
    ]
    rows = []
    for year, month in months(first_year, last_year):
        summer = season(date(year, month, 15))
        for category in list_of(town, "report_categories"):
            nl, en, mean = category["nl"], category["en"], category["monthly_mean"]
            seasonal = (
                1
                + float(category.get("summer", 0)) * summer
                + float(category.get("winter", 0)) * (1 - summer)
            )
            reports = poisson(rng, mean * seasonal)
            resolved = sum(rng.random() < 0.93 for _ in range(reports))
            fast = sum(rng.random() < 0.7 for _ in range(resolved))
            rows.append(
                {
                    "year": year,
                    "month": month,
                    "category_nl": nl,
                    "category_en": en,
                    "reports": reports,
                    "resolved": resolved,
                    "resolved_within_5_days": fast,
                    "median_days_to_resolve": round(rng.uniform(1.5, 9), 1) if resolved else None,
                }
            )
    return Table(columns, rows)


@generator("permits")
def permits(town: Town, rng: random.Random, first_year: int = 2022, last_year: int = 2024) -> Table:
    columns = [
        "case_id",
        "received",
        "permit_type_nl",
        "permit_type_en",
        "district",
        "decision",
        "decided",
        "processing_days",
        "within_legal_term",
    ]
    rows = []
    for year in range(first_year, last_year + 1):
        for n in range(1, rng.randint(190, 230) + 1):
            kinds = list_of(town, "permit_types")
            kind = rng.choices(kinds, [k["share"] for k in kinds])[0]
            nl, en, term, typical = kind["nl"], kind["en"], kind["legal_term_days"], kind["typical_days"]
            received = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            days = max(1, round(rng.gauss(typical, typical * 0.35)))
            decision = rng.choices(("granted", "refused", "withdrawn"), (0.86, 0.06, 0.08))[0]
            rows.append(
                {
                    "case_id": f"Z-{year}-{n:04d}",
                    "received": received.isoformat(),
                    "permit_type_nl": nl,
                    "permit_type_en": en,
                    "district": rng.choice(town.districts).name,
                    "decision": decision,
                    "decided": (received + timedelta(days=days)).isoformat(),
                    "processing_days": days,
                    "within_legal_term": days <= term,
                }
            )
    return Table(columns, rows)
