"""Nearby-duplicate lookup among N reports (``reports.nearby.similar_open_requests``): p50/p95 of one
lookup, as the report form asks it, against the naive lookup in the same run.

Usage: ``python bench/nearby_bench.py [--reports 1000000] [--lookups 300]``. The reports are
bulk-inserted into a fresh SQLite database (WAL, the embedded default) after migrating it: 12 services,
points spread over a 12 × 12 km town, filing times spread over two years, about a third of them closed.
Half the lookups are at random points of the same town for a random service, half a few metres from
an open report of the last 25 days (a duplicate being filed); every one is timed.

* ours — ``similar_open_requests`` (its indexed query narrows the search to a box around the point;
  the exact distance decides).
* naive — the same filters without the box: every open request of the service in the last 30 days is
  read and its distance computed (what a straightforward implementation does); the answers of both are
  checked to be equal first.

Goal: ours p95 ≤ 50 ms at 1,000,000 reports.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from datetime import timedelta

from _setup import django_in_temp_home

SERVICES = 12
CENTRE = (52.30, 4.48)
HALF_SIDE = 0.055  # degrees of latitude: about 6 km each way


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    home = django_in_temp_home()
    from django.db import connection, transaction
    from django.utils import timezone

    from openingup.organisations.models import Organisation
    from openingup.reports import nearby, workflow
    from openingup.reports.models import Service, ServiceRequest

    rng = random.Random(args.seed)
    org = Organisation.objects.create(slug="bench-town", name={"en": "Bench town"}, kind="municipality")
    services = [
        Service.objects.create(code=f"svc{i:02d}", name={"en": f"Service {i}"}, organisation=org)
        for i in range(SERVICES)
    ]
    now = timezone.now()
    open_states = workflow.keys_with_open311_status("open")
    closed_states = workflow.keys_with_open311_status("closed")
    started = time.perf_counter()
    fields = [f for f in ServiceRequest._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = ServiceRequest._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list[list[object]] = []
    recent: list[tuple[str, float, float]] = []  # open reports of the last 30 days: where duplicates come

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        batch.clear()

    for n in range(args.reports):
        lat = CENTRE[0] + rng.uniform(-HALF_SIDE, HALF_SIDE)
        long = CENTRE[1] + rng.uniform(-HALF_SIDE * 1.6, HALF_SIDE * 1.6)
        when = now - timedelta(seconds=rng.uniform(0, 2 * 365 * 86400))
        status = rng.choice(closed_states) if rng.random() < 0.35 else rng.choice(open_states)
        service = services[rng.randrange(SERVICES)]
        if status in open_states and now - when < timedelta(days=25) and len(recent) < 10_000:
            recent.append((service.code, lat, long))
        values = {
            "service_id": service.pk,
            "status": status,
            "description": "Bench report",
            "lat": lat,
            "long": long,
            "attributes": "{}",
            "token": f"bench{n}",
            "requested_datetime": when,
            "updated_datetime": when,
        }
        row = []
        for f in fields:
            if f.attname in values:
                value = values[f.attname]
                row.append(f.get_db_prep_save(value, connection) if f.attname != "attributes" else value)
            elif f.has_default():
                default = f.get_default()
                row.append(
                    "{}" if isinstance(default, dict) else "[]" if isinstance(default, list) else default
                )
            else:
                row.append(f.get_db_prep_save(None, connection) if f.null else "")
        batch.append(row)
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    print(f"{args.reports:,} reports bulk-inserted in {loaded:.1f} s ({args.reports / loaded:,.0f}/s)")

    def naive(service_code: str, lat: float, long: float) -> list[tuple[int, float]]:
        since = timezone.now() - timedelta(days=nearby.DAYS)
        rows = ServiceRequest.objects.filter(
            service__code=service_code, status__in=open_states, requested_datetime__gte=since
        ).values_list("pk", "lat", "long")
        found = [(pk, nearby.distance(lat, long, a, b)) for pk, a, b in rows if a is not None]
        found = [f for f in found if f[1] <= nearby.RADIUS_METRES]
        return sorted(found, key=lambda f: (f[1], -f[0]))[: nearby.LIMIT]

    def ours(service_code: str, lat: float, long: float) -> list[tuple[int, float]]:
        return [
            (n.request.pk, n.metres)
            for n in nearby.similar_open_requests(service_code=service_code, lat=lat, long=long)
        ]

    points = []
    for i in range(args.lookups):
        if i % 2 and recent:  # every other lookup is a report filed again a few metres from an open one
            code, lat, long = rng.choice(recent)
            points.append((code, lat + rng.uniform(-0.0002, 0.0002), long + rng.uniform(-0.0003, 0.0003)))
            continue
        code = services[rng.randrange(SERVICES)].code
        points.append(
            (
                code,
                CENTRE[0] + rng.uniform(-HALF_SIDE, HALF_SIDE),
                CENTRE[1] + rng.uniform(-HALF_SIDE * 1.6, HALF_SIDE * 1.6),
            )
        )
    hits = 0
    for point in points[:50]:
        a, b = ours(*point), naive(*point)
        assert [pk for pk, _ in a] == [pk for pk, _ in b], (point, a, b)
        hits += bool(a)
    print(f"answers of ours and naive equal on 50 lookups ({hits} of them found nearby reports)")

    def timed(fn: object) -> list[float]:
        for point in points[:10]:
            fn(*point)  # type: ignore[operator]
        found = []
        for point in points:
            t = time.perf_counter()
            fn(*point)  # type: ignore[operator]
            found.append((time.perf_counter() - t) * 1000)
        return found

    t_ours = timed(ours)
    t_naive = timed(naive)
    p50, p95 = statistics.median(t_ours), percentile(t_ours, 95)
    n50, n95 = statistics.median(t_naive), percentile(t_naive, 95)
    print(f"nearby lookup among {args.reports:,} reports, {args.lookups} lookups:")
    print(f"  ours  similar_open_requests: p50 {p50:8.2f} ms   p95 {p95:8.2f} ms (goal p95 <= 50 ms)")
    print(
        f"  naive (no box, Python dist): p50 {n50:8.2f} ms   p95 {n95:8.2f} ms"
        f"  -> {n95 / p95:.1f}x ours at p95"
    )
    print(f"  verdict: {'PASS' if p95 <= 50 else 'FAIL'}")
    connection.close()
    shutil.rmtree(home, ignore_errors=True)  # the database of 1,000,000 reports is a third of a GB


if __name__ == "__main__":
    main()
