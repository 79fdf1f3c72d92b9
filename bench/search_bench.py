"""Catalogue search and the CKAN Action API at scale (issue 4, "Speed").

On a fresh ``OPENINGUP_HOME`` in a temporary folder (SQLite, the embedded default):

1. generate ``--datasets`` (default 100,000) datasets, seeded and deterministic: Dutch and English titles and
   descriptions of realistic words, keywords, EU data-theme URIs, 1-3 distributions with formats and
   licences, a handful of organisations. They are inserted with bulk ORM creates (status "published") in a
   child process (``DJANGO_SETTINGS_MODULE=openingup.settings``), not through the services (too slow);
2. time ``openingup search reindex`` (datasets/s; the command's own summary line is printed too);
3. start ``openingup serve`` and measure over HTTP, one persistent connection: 5 warm-ups and 100 timed
   requests per query, p50/p95 - full text (a common and a rare word), a faceted search (theme filter),
   no query (all datasets with facets), CKAN ``package_search`` with two facet fields, ``package_show``;
4. 8 concurrent clients (``wrk -t2 -c8`` as in PEERS.md when wrk is installed, else Python threads;
   keep-alive) on the faceted search for 10 s: requests/s.

Targets from the issue (faceted search p50 <= 20 ms, >= 200 requests/s) and CKAN's published figures
(package_search ~1 s under load, 0.2-0.3 s alone; CKAN 2.12 package_show 10.5 ms on this machine, per
/work/shared/bench/PEERS.md) are printed beside the numbers.

    .venv/bin/python bench/search_bench.py [--datasets 100000] [--seed 4] [--json results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from ckan_peer import PROJECT, free_port, start_server, tail
from datastore_bench import (
    OPENINGUP,
    Http,
    default_client,
    openingup_env,
    percentile,
    throughput,
    wrk_throughput,
)

THEME = "http://publications.europa.eu/resource/authority/data-theme"
COMMON_WORD = "water"  # in about one title in nine, both languages
RARE_WORD = "kwelsloot"  # in one dataset in 10,000
# words of the generated titles and descriptions, for queries the server has not answered before
NEW_WORDS = [
    "afval",
    "parkeren",
    "verkeer",
    "fiets",
    "bomen",
    "groen",
    "woningen",
    "begroting",
    "onderwijs",
    "zorg",
    "energie",
    "wegen",
    "markt",
    "sport",
    "kaart",
    "natuur",
]
WARMUP, TIMED = 5, 100
CLIENTS, SECONDS = 8, 10.0
WARM_SECONDS = 5.0
GOAL_P50_MS = 20.0
GOAL_RPS = 200.0
CKAN_SEARCH_ALONE_MS = (200.0, 300.0)
CKAN_SEARCH_LOAD_MS = 1000.0
CKAN_PACKAGE_SHOW_MS = 10.5

# The EU data themes the generated datasets carry.
THEME_CODES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH",
               "TRAN", "OP_DATPRO"]  # fmt: skip

# The generator runs in a child process with Django set up on the temporary home.
GENERATOR = textwrap.dedent(
    r"""
    import random, sys, uuid, datetime, time
    import django
    django.setup()
    from django.db import transaction
    from openingup.cli.commands.common import migrate
    from openingup.catalogue.models import Dataset, Distribution
    from openingup.organisations.models import Organisation

    N, SEED, COMMON, RARE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    started = time.perf_counter()
    migrate()
    rnd = random.Random(SEED)
    THEME = "http://publications.europa.eu/resource/authority/data-theme/"
    THEMES = sys.argv[5].split(",")
    FT = "http://publications.europa.eu/resource/authority/file-type/"
    FORMATS = [(FT + "CSV", "text/csv"), (FT + "JSON", "application/json"), (FT + "XLSX",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
               (FT + "GEOJSON", "application/geo+json"), (FT + "PDF", "application/pdf"),
               (FT + "XML", "application/xml")]
    LIC = "http://publications.europa.eu/resource/authority/licence/"
    LICENCES = [LIC + "CC0", LIC + "CC_BY_4_0", LIC + "CC_BYSA_4_0", LIC + "ODC_BY"]
    NL = ("afval parkeren verkeer fiets fietsen fietspaden bomen groen woningen bouwvergunningen "
          "begroting subsidies onderwijs scholen zorg gezondheid luchtkwaliteit geluid bevolking "
          "inwoners wijken buurten energie zonnepanelen riolering wegen bruggen verlichting markt "
          "evenementen toerisme cultuur sport zwembaden bibliotheek verkiezingen stemmen raad besluiten "
          "meldingen openbare ruimte straten kaart grenzen percelen monumenten archeologie erfgoed "
          "klimaat hittestress neerslag grondwater dijken overstromingen natuur vogels").split()
    EN = ("waste parking traffic bicycle cycling paths trees green housing permits budget grants "
          "education schools care health air quality noise population residents districts "
          "neighbourhoods energy solar panels sewage roads bridges lighting market events tourism "
          "culture sports pools library elections votes council decisions reports public space "
          "streets map boundaries parcels monuments archaeology heritage climate heat rainfall "
          "groundwater dikes floods nature birds").split()
    FILLER_NL = "de het een van in op met voor per en over door jaarlijks gemeente overzicht gegevens".split()
    FILLER_EN = "the a of in on with for per and about by annual municipal overview data".split()
    TOWNS = ["Utrecht", "Amersfoort", "Zwolle", "Leiden", "Delft", "Groningen", "Arnhem", "Tilburg"]

    orgs = []
    for i, town in enumerate(TOWNS[:6]):
        org, _ = Organisation.objects.get_or_create(
            slug=f"gemeente-{town.lower()}",
            defaults={"name": {"nl": f"Gemeente {town}", "en": f"Municipality of {town}"}},
        )
        orgs.append(org)

    def words(pool, filler, k):
        return " ".join(rnd.choice(pool) if rnd.random() < 0.7 else rnd.choice(filler) for _ in range(k))

    BATCH = 5000
    now = datetime.datetime.now(datetime.timezone.utc)
    made = 0
    while made < N:
        datasets, dists = [], []
        for i in range(made, min(N, made + BATCH)):
            org = orgs[i % len(orgs)]
            t_nl = words(NL, FILLER_NL, rnd.randint(3, 7)).capitalize()
            t_en = words(EN, FILLER_EN, rnd.randint(3, 7)).capitalize()
            if i % 9 == 0:
                t_nl += " " + COMMON
                t_en += " " + COMMON
            if i % 10000 == 7:
                t_nl += " " + RARE
            d_nl = ". ".join(words(NL, FILLER_NL, rnd.randint(8, 16)) for _ in range(rnd.randint(2, 4)))
            d_en = ". ".join(words(EN, FILLER_EN, rnd.randint(8, 16)) for _ in range(rnd.randint(2, 4)))
            kw_nl = rnd.sample(NL, rnd.randint(2, 5))
            kw_en = rnd.sample(EN, rnd.randint(2, 5))
            themes = [THEME + t for t in rnd.sample(THEMES, rnd.randint(1, 2))]
            day = now - datetime.timedelta(days=rnd.randint(0, 3650))
            ds = Dataset(
                id=uuid.UUID(int=rnd.getrandbits(128), version=4),
                slug=f"dataset-{i:07d}",
                status="published",
                published_at=day,
                title={"nl": f"{t_nl} {org.name['nl'].split()[-1]}", "en": t_en},
                description={"nl": d_nl, "en": d_en},
                publisher=org,
                keywords={"nl": kw_nl, "en": kw_en},
                themes=themes,
                language=["http://publications.europa.eu/resource/authority/language/NLD"],
                issued=day.date().isoformat(),
                modified=day.date().isoformat(),
            )
            datasets.append(ds)
            licence = rnd.choice(LICENCES)
            for pos in range(rnd.randint(1, 3)):
                fmt, media = rnd.choice(FORMATS)
                dists.append(Distribution(
                    id=uuid.UUID(int=rnd.getrandbits(128), version=4), dataset=ds, position=pos,
                    title={"nl": f"{t_nl} ({fmt[len(FT):]})", "en": f"{t_en} ({fmt[len(FT):]})"},
                    access_url=[f"https://data.example.org/{ds.slug}/{pos}"],
                    format=fmt, media_type=media, licence=licence,
                    byte_size=rnd.randint(1000, 50_000_000),
                ))
        with transaction.atomic():
            Dataset.objects.bulk_create(datasets)
            Distribution.objects.bulk_create(dists)
        made += len(datasets)
        print(f"generated {made}/{N}", file=sys.stderr, flush=True)
    print(f"{made} datasets, {Distribution.objects.count()} distributions in "
          f"{time.perf_counter() - started:.1f} s")
    """
)


def log(message: str) -> None:
    print(f"[search-bench] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict[str, str], work: Path) -> tuple[float, str, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(
            f"{cmd} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed, result.stdout, result.stderr


def time_path(conn: Http, path: str | list[str], timed: int) -> dict[str, Any]:
    """p50/p95 of GET ``path``; a list of paths is cycled through, each new to the server (uncached)."""
    paths = [path] if isinstance(path, str) else path
    status, body = conn.get(paths[0])
    if status != 200:
        raise RuntimeError(f"GET {paths[0]} -> HTTP {status}: {body[:1000]!r}")
    answer = json.loads(body)
    for i in range(WARMUP):
        conn.get(paths[(1 + i) % len(paths)])
    times = []
    for i in range(timed):
        path = paths[(1 + WARMUP + i) % len(paths)]
        start = time.perf_counter()
        status, _ = conn.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} -> HTTP {status} during timing")
    return {
        "path": paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} others)",
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "found": count_of(answer),
    }


def count_of(answer: Any) -> Any:
    """The number of matches an answer reports (ours: count/total; CKAN: result.count), if any."""
    if isinstance(answer, dict):
        if isinstance(answer.get("result"), dict):
            return answer["result"].get("count", "-")
        for key in ("count", "total"):
            if key in answer:
                return answer[key]
    return "-"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", type=int, default=100_000, help="Datasets to generate (default 100,000).")
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--requests", type=int, default=TIMED, help=f"Timed requests per query (default {TIMED}).")
    p.add_argument("--json", type=Path, help="Write the numbers to this file.")
    p.add_argument("--keep", action="store_true", help="Keep the temporary home (its path is logged).")
    p.add_argument(
        "--home", type=Path,
        help="Reuse a home kept by an earlier run (--keep): no generation or reindex, only the requests.",
    )  # fmt: skip
    p.add_argument(
        "--processes", type=int, default=1,
        help="Server processes (openingup serve --processes; the number of cores gives most throughput).",
    )  # fmt: skip
    return p.parse_args()


def generate_and_reindex(
    args: argparse.Namespace, env: dict[str, str], work: Path, results: dict[str, Any]
) -> None:
    seconds, out, _ = run(
        [sys.executable, "-c", GENERATOR, str(args.datasets), str(args.seed), COMMON_WORD, RARE_WORD,
         ",".join(THEME_CODES)],
        env, work,
    )  # fmt: skip
    log(out.strip())
    results["generate_seconds"] = seconds

    seconds, out, err = run([*OPENINGUP, "search", "reindex", "--quiet"], env, work)
    summary = [line for line in (out + err).splitlines() if line.startswith("indexed")]
    results["reindex"] = {
        "seconds": seconds,
        "datasets_per_second": args.datasets / seconds,
        "summary": summary[-1] if summary else "",
    }
    log(f"reindex: {results['reindex']['summary']} (wall {seconds:.1f} s)")


def main() -> int:
    args = parse_args()
    results: dict[str, Any] = {"datasets": args.datasets, "seed": args.seed, "requests": args.requests}
    random.seed(args.seed)
    with contextlib.ExitStack() as cleanup:
        tmp = tempfile.mkdtemp(prefix="openingup-search-bench-")
        work = Path(tmp)
        if not args.keep:
            cleanup.callback(lambda: subprocess.run(["rm", "-rf", tmp], check=False))
        home = args.home or work / "home"
        log(f"home {home}")
        port = free_port()
        env = openingup_env(home, f"http://127.0.0.1:{port}")
        if args.home is None:
            generate_and_reindex(args, env, work, results)

        results["processes"] = args.processes
        start_server(
            "openingup serve",
            [*OPENINGUP, "serve", "--port", str(port), "--processes", str(args.processes)],
            env=env, cwd=work, log_path=work / "serve.log",
            ready_url=f"http://127.0.0.1:{port}/api/3/action/status_show", cleanup=cleanup,
        )  # fmt: skip
        theme = quote(f"{THEME}/ENVI", safe="")
        facets = quote('["organization","tags"]', safe="")
        faceted = f"/search/?format=json&q={COMMON_WORD}&theme={theme}"
        # each request a word pair the server has not answered: no answer kept (the words' own matches are,
        # once a word has been seen, so the first requests are the slow ones)
        pairs = [f"{a} {b}" for a in NEW_WORDS for b in NEW_WORDS if a < b][: args.requests + WARMUP + 1]
        fresh = [f"/search/?format=json&q={quote(p)}&theme={theme}" for p in pairs]
        queries: list[tuple[str, str | list[str]]] = [
            ("faceted search (q + theme)", faceted),
            ("faceted, new word pairs", fresh),
            ("search, common word", f"/search/?format=json&q={COMMON_WORD}"),
            ("search, rare word", f"/search/?format=json&q={RARE_WORD}"),
            ("CKAN package_show", "/api/3/action/package_show?" + urlencode({"id": "dataset-0000001"})),
            ("all datasets + facets", "/search/?format=json"),
            (
                "CKAN package_search",
                f"/api/3/action/package_search?q={COMMON_WORD}&facet.field={facets}&rows=10",
            ),
        ]
        conn = Http(port)
        rows: list[dict[str, Any]] = []
        results["queries"] = rows
        try:
            for name, path in queries:
                row = {"query": name, **time_path(conn, path, args.requests)}
                rows.append(row)
                log(f"{name}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms")
                if name == "CKAN package_show":  # the goals first: the slow requests come last
                    # every server process warms up (loads its snapshot) before the timed run
                    throughput(port, faceted, CLIENTS, WARM_SECONDS, default_client())
                    results["concurrency"] = throughput(port, faceted, CLIENTS, SECONDS, default_client())
                    results["concurrency"]["path"] = faceted
                    log(f"concurrency: {results['concurrency']['requests_per_second']:.0f} req/s")
                    if default_client() == "wrk":  # every request a query new to the server
                        distinct = distinct_queries()
                        results["concurrency_uncached"] = wrk_throughput(
                            port, distinct[0], CLIENTS, SECONDS, paths=distinct
                        )
                        results["concurrency_uncached"]["queries"] = len(distinct)
                        log(
                            "concurrency, new queries: "
                            f"{results['concurrency_uncached']['requests_per_second']:.0f} req/s"
                        )
        finally:
            conn.close()
        if (work / "serve.log").exists() and "Traceback" in (work / "serve.log").read_text(errors="replace"):
            log("server log has a traceback:\n" + tail(work / "serve.log"))
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def distinct_queries() -> list[str]:
    """Faceted searches the server has not answered before: every pair of the generated words with every
    theme, in a shuffled order, so no answer is kept yet (each word's own matches are, once seen)."""
    themes = [quote(f"{THEME}/{t}", safe="") for t in THEME_CODES]
    pairs = [f"{a} {b}" for a in NEW_WORDS for b in NEW_WORDS if a < b]
    paths = [f"/search/?format=json&q={quote(p)}&theme={t}" for p in pairs for t in themes]
    random.Random(11).shuffle(paths)
    return paths


def print_table(results: dict[str, Any]) -> None:
    n = results["datasets"]
    r = results.get("reindex", {"seconds": 0.0, "datasets_per_second": 0.0, "summary": "reused a kept home"})
    print(
        f"\nCatalogue search at {n:,} generated datasets (SQLite FTS5, embedded default; "
        f"{results.get('processes', 1)} server process(es))"
    )
    if "generate_seconds" in results:
        print(f"generation (bulk ORM, untimed goal): {results['generate_seconds']:.1f} s")
        rate = r["datasets_per_second"]
        print(f"reindex: {r['seconds']:.1f} s wall, {rate:,.0f} datasets/s  [{r['summary']}]")
    else:
        print("generation and reindex: not run (--home reused a kept home)")
    print(f"\n{'request':<30} {'p50 ms':>8} {'p95 ms':>8} {'found':>8}  comparison")
    by_name = {row["query"]: row for row in results["queries"]}
    for row in results["queries"]:
        note = ""
        if row["query"] == "faceted search (q + theme)":
            note = f"target p50 <= {GOAL_P50_MS:.0f} ms: {'met' if row['p50'] <= GOAL_P50_MS else 'NOT MET'}"
        elif row["query"] == "CKAN package_search":
            lo, hi = CKAN_SEARCH_ALONE_MS
            note = f"CKAN alone {lo:.0f}-{hi:.0f} ms: ratio {lo / row['p50']:.2f}-{hi / row['p50']:.2f}x"
        elif row["query"] == "CKAN package_show":
            ratio = CKAN_PACKAGE_SHOW_MS / row["p50"]
            note = f"CKAN 2.12 {CKAN_PACKAGE_SHOW_MS} ms: {ratio:.1f}x {'faster' if ratio >= 1 else 'slower'}"
        print(f"{row['query']:<30} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['found']!s:>8}  {note}")
    c = results["concurrency"]
    rps = c["requests_per_second"]
    print(
        f"\n{CLIENTS} clients ({c.get('client', 'Python threads')}) x {SECONDS:.0f} s on the faceted search: "
        f"{rps:,.0f} req/s "
        f"({c['ok']} ok, {c['errors']} errors; mean {1000 * CLIENTS / max(rps, 1e-9):.0f} ms per request)"
    )
    print(f"  target >= {GOAL_RPS:.0f} req/s: {'met' if rps >= GOAL_RPS else 'NOT MET'}")
    mean_load = 1000 * CLIENTS / max(rps, 1e-9)
    print(
        f"  CKAN package_search ~{CKAN_SEARCH_LOAD_MS:.0f} ms average under load vs ours {mean_load:.0f} ms: "
        f"{CKAN_SEARCH_LOAD_MS / mean_load:.0f}x"
    )
    if fresh := results.get("concurrency_uncached"):
        mean_new = 1000 * CLIENTS / max(fresh["requests_per_second"], 1e-9)
        print(
            f"  the same with every request a query new to the server ({fresh['queries']:,} distinct word "
            f"pairs x themes; no answer kept yet, though each word's matches are once it has been seen): "
            f"{fresh['requests_per_second']:,.0f} req/s "
            f"({fresh['ok']} ok, {fresh['errors']} errors; mean {mean_new:.0f} ms per request)"
        )
    faceted = next(row for row in by_name.values() if row["query"].startswith("faceted"))
    print(
        f"\nSummary: faceted p50 {faceted['p50']:.1f} ms (goal <= {GOAL_P50_MS:.0f}), "
        f"{rps:,.0f} req/s (goal >= {GOAL_RPS:.0f}), "
        + (
            f"reindex {r['datasets_per_second']:,.0f} datasets/s"
            if "reindex" in results
            else "reindex not run"
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT / "bench"))
    sys.exit(main())
