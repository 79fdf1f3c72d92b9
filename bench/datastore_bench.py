"""The datastore beside its peers, in one run, on the same generated file (PEERS.md's shared 1,000,000 rows).

Parts (``--only`` picks some; the set-up a part needs is done either way):

* ``duckdb`` — the engine limit: ``CREATE TABLE t AS SELECT * FROM read_csv_auto(FILE)`` into an
  in-memory DuckDB, in this process (best of 3).
* ``ingest`` — sqlite-utils ``insert DB rows FILE --csv --pk id``, then ``enable-fts ... --fts5
  --create-triggers`` and indexes on category, municipality and amount (each timed), vs Opening Up's
  ``openingup datastore load FILE --dataset SLUG`` on a fresh OPENINGUP_HOME with the demo municipality.
  Every command runs under a tiny Python launcher child, so ``RUSAGE_CHILDREN``'s peak RSS is that one
  command's. Our command's own ``... after N s`` lines are printed; its last stdout line is the new
  distribution's id. While it runs, an ``openingup serve`` on the same home is asked for a filtered page
  of the new table every 20 ms: the first answer through the API is when the data was ingested, typed,
  profiled and queryable (the goal's "ingest, inference and profile"); the command then goes on with
  the full-text index and the catalogue's follow-up jobs. Ratios, for the first answer and for the
  whole command: vs sqlite-utils insert (goal ≥ 20× faster), vs DuckDB raw (goal within 3×; judged on
  the load's own clock, in-process like DuckDB's read); our peak memory (goal < 1 GiB).
* ``queries`` — over HTTP, Datasette served tuned as PEERS.md says vs ``openingup serve`` on the same
  home: filtered page, one and two facets, full text (a mid-frequency word and a rare pseudo-word of the
  file), group-by; ours only: a range filter sorted by amount and its keyset next page. Every response is
  checked (HTTP 200, non-empty where expected) before timing; then 5 warm-ups and 100 timed requests per
  query and system, interleaved, one persistent ``http.client`` connection per system. p50/p95 and the
  ratio (goal ≥ 3× faster).
* ``concurrency`` — 8 clients (``wrk -t2 -c8`` as in PEERS.md when wrk is installed; else threads, or
  processes with ``--client processes``), one persistent connection each, hammer the filtered query
  for 10 s against each server in turn: requests/s and the ratio (goal ≥ 3× Datasette's).

Peers go into a virtualenv of their own (``datasette``, ``sqlite-utils``), cached beside CKAN's in
``~/.cache/openingup-bench`` ($OPENINGUP_BENCH_CACHE moves it), never the project's. The shared file is
``bench/shared_file.py``'s, generated into ``--data-dir`` (default /tmp/openingup-bench) when missing, or
given with ``--file``; the SQLite database sqlite-utils builds is kept there too, so a run without the
``ingest`` part reuses it.

    .venv/bin/python bench/datastore_bench.py [--rows 1000000] [--only ingest,queries,concurrency]
        [--json results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ckan_peer import PROJECT, cached_venv, check, free_port, sigterm_as_exit, start_server, tail
from shared_file import CATEGORIES, WORDS, generate

PEER_REQUIREMENTS = ["datasette==0.65.5", "sqlite-utils==4.2.1"]
DATASETTE_SETTINGS = [
    *("--setting", "sql_time_limit_ms", "20000"),
    *("--setting", "facet_time_limit_ms", "20000"),
    *("--setting", "max_returned_rows", "1000"),
    *("--setting", "suggest_facets", "off"),
]
PARTS = ("duckdb", "ingest", "queries", "concurrency")
DEMO_DATASET = "meldingen-openbare-ruimte"
INDEXED = ("category", "municipality", "amount")
WORD = "tower"
RARE_TARGET = 10  # rows the rare pseudo-word should occur in (the one closest to this is picked)
REQUEST_TIMEOUT = 120.0
TIMING_LINE = re.compile(r"(\w[\w ]*) after ([0-9.]+) s")
GOAL_INGEST_VS_SQLITE_UTILS = 20.0
GOAL_INGEST_VS_DUCKDB = 3.0
GOAL_PEAK_MIB = 1024.0
GOAL_QUERY_RATIO = 3.0
GOAL_THROUGHPUT_RATIO = 3.0


def log(message: str) -> None:
    print(f"[datastore-bench] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """Something answered wrongly: the message says what was asked and what came back."""


# --------------------------------------------------------------------------------------------------
# The shared file


def size_label(rows: int) -> str:
    """``1m`` for 1,000,000 rows, ``100k`` for 100,000, else the number."""
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    if rows % 1000 == 0:
        return f"{rows // 1000}k"
    return str(rows)


def shared_file(path: Path | None, rows: int, data_dir: Path) -> tuple[Path, int]:
    """The test file and its row count: ``path`` as given, or the cached generated one (made when missing)."""
    if path is not None:
        with path.open("rb") as fh:
            count = sum(1 for _ in fh) - 1
        return path, count
    target = data_dir / f"rows{size_label(rows)}.csv"
    if not target.exists():
        log(f"generating {rows:,} rows into {target}")
        start = time.perf_counter()
        generate(target, rows)
        log(f"generated in {time.perf_counter() - start:.1f} s")
    return target, rows


def pick_rare_word(path: Path) -> tuple[str, int]:
    """The pseudo-word (not one of the generator's English words) whose number of rows is closest to
    RARE_TARGET, ties broken alphabetically; with that row count."""
    english = set(WORDS)
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            counts.update(set(line.rstrip("\n").rsplit(",", 1)[1].split()) - english)
    word, n = min(counts.items(), key=lambda kv: (abs(kv[1] - RARE_TARGET), kv[0]))
    return word, n


# --------------------------------------------------------------------------------------------------
# The peers' virtualenv and commands measured in a launcher child


def peer_venv() -> tuple[Path, float]:
    """The cached Datasette + sqlite-utils virtualenv (made when missing or stale), seconds installing."""
    return cached_venv("datasette-venv", PEER_REQUIREMENTS, "datasette")


# Both systems run as installed, with their bytecode cached: a PYTHONDONTWRITEBYTECODE in the bench's
# environment (set machine-wide on some of our machines) would have every run compile sources anew,
# which pip-installed peers never do and an editable checkout does only while nothing is cached.
NOT_PASSED = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE"}


def peer_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in NOT_PASSED}


# Runs argv[2:] as its only child and writes wall time, exit code and RUSAGE_CHILDREN to argv[1].
LAUNCHER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"returncode": code, "wall": wall, "maxrss_kib": usage.ru_maxrss,
               "cpu": usage.ru_utime + usage.ru_stime}, fh)
"""


@dataclass
class Measured:
    """One command run to completion in a fresh launcher child."""

    command: list[str]
    wall_seconds: float
    peak_rss_mib: float
    cpu_seconds: float
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)
    watched: Any = None  # what a watcher saw while the command ran


def run_measured(
    name: str,
    cmd: list[str],
    *,
    env: dict[str, str],
    work: Path,
    watch: Callable[[Path, subprocess.Popen[bytes], float], Any] | None = None,
) -> Measured:
    """Run cmd under the launcher: its wall time (as the launcher saw it), peak RSS and CPU.

    ``watch(stderr_path, process, started)`` runs meanwhile (its result is ``Measured.watched``).
    BenchError when the command fails."""
    slug = re.sub(r"\W+", "-", name).strip("-")
    out, err, res = (work / f"{slug}.{ext}" for ext in ("stdout", "stderr", "json"))
    log(f"{name}: {shlex.join(cmd)}")
    watched = None
    with out.open("wb") as fo, err.open("wb") as fe:
        started = time.perf_counter()  # a little before the launcher starts its clock: against us
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(res), *cmd],
            env=env,
            cwd=work,
            stdout=fo,
            stderr=fe,
            stdin=subprocess.DEVNULL,
        )
        try:
            watched = watch(err, proc, started) if watch else None
        finally:
            proc.wait()
    stdout, stderr = out.read_text(errors="replace"), err.read_text(errors="replace")
    try:
        usage = json.loads(res.read_text())
    except (OSError, ValueError) as exc:
        raise BenchError(f"{name}: the launcher wrote no result ({exc})\n{stderr[-3000:]}") from None
    if usage["returncode"] != 0:
        raise BenchError(
            f"{name} failed (exit {usage['returncode']}): {shlex.join(cmd)}\n"
            f"--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-3000:]}"
        )
    return Measured(cmd, usage["wall"], usage["maxrss_kib"] / 1024, usage["cpu"], stdout, stderr, watched)


# --------------------------------------------------------------------------------------------------
# Ingest


def duckdb_raw(path: Path, repeats: int = 3) -> dict[str, Any]:
    """Best wall seconds of reading the file into an in-memory DuckDB table, in this process."""
    import duckdb

    times, file_times = [], []
    for _ in range(repeats):
        con = duckdb.connect()
        start = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv_auto(?)", [str(path)])
        times.append(time.perf_counter() - start)
        (count,) = con.execute("SELECT count(*) FROM t").fetchone() or (0,)
        con.close()
    # The same into a database file, as a datastore must keep its tables (PEERS.md's ~0.9 s).
    with tempfile.TemporaryDirectory() as folder:
        for i in range(repeats):
            con = duckdb.connect(str(Path(folder) / f"raw{i}.duckdb"))
            start = time.perf_counter()
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv_auto(?)", [str(path)])
            con.close()
            file_times.append(time.perf_counter() - start)
    return {
        "seconds": min(times), "all_seconds": times, "file_seconds": min(file_times),
        "all_file_seconds": file_times, "rows": count, "version": duckdb.__version__,
    }  # fmt: skip


def datasette_db_marker(file: Path) -> dict[str, Any]:
    stat = file.stat()
    return {"file": str(file), "size": stat.st_size, "mtime": stat.st_mtime, "peers": PEER_REQUIREMENTS}


def sqlite_utils_ingest(venv: Path, file: Path, db: Path, work: Path) -> dict[str, Any]:
    """Build Datasette's database like PEERS.md does, each step timed; written to a temporary name first."""
    tool = str(venv / "bin" / "sqlite-utils")
    building = work / "db.db"
    env = peer_env()
    steps: dict[str, Measured] = {}
    steps["insert"] = run_measured(
        "sqlite-utils insert", [tool, "insert", str(building), "rows", str(file), "--csv", "--pk", "id"],
        env=env, work=work,
    )  # fmt: skip
    steps["fts"] = run_measured(
        "sqlite-utils enable-fts",
        [tool, "enable-fts", str(building), "rows", "text", "--fts5", "--create-triggers"],
        env=env,
        work=work,
    )
    for column in INDEXED:
        steps[f"index {column}"] = run_measured(
            f"sqlite-utils create-index {column}",
            [tool, "create-index", str(building), "rows", column],
            env=env,
            work=work,
        )
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(building), db)
    result = {
        name: {"seconds": m.wall_seconds, "peak_rss_mib": m.peak_rss_mib, "cpu_seconds": m.cpu_seconds}
        for name, m in steps.items()
    }
    result["total"] = {"seconds": sum(m.wall_seconds for m in steps.values())}
    result["index_total"] = {
        "seconds": sum(m.wall_seconds for k, m in steps.items() if k.startswith("index"))
    }
    return result


def datasette_database(
    venv: Path, file: Path, data_dir: Path, work: Path, rebuild: bool
) -> tuple[Path, dict[str, Any], bool]:
    """Datasette's database for the file: rebuilt (and timed) when asked or missing, else the cached one.
    Returns its path, the ingest timings, and whether they were measured in this run."""
    db = data_dir / f"datasette-{file.stem}" / "db.db"
    marker_path = db.with_suffix(".json")
    marker = datasette_db_marker(file)
    if not rebuild:
        with contextlib.suppress(OSError, ValueError):
            saved = json.loads(marker_path.read_text())
            if db.exists() and saved["marker"] == marker:
                return db, saved["timings"], False
    db.unlink(missing_ok=True)
    marker_path.unlink(missing_ok=True)
    timings = sqlite_utils_ingest(venv, file, db, work)
    marker_path.write_text(json.dumps({"marker": marker, "timings": timings}))
    return db, timings, True


def openingup_env(home: Path, base_url: str) -> dict[str, str]:
    """The environment of this checkout's ``openingup`` command on the given home (as ckan_peer does)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OPENINGUP_")
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE"}
    }
    env.update(
        OPENINGUP_HOME=str(home),
        OPENINGUP_BASE_URL=base_url,
        DJANGO_SETTINGS_MODULE="openingup.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT / "src"), env.get("PYTHONPATH", "")])),
    )
    return env


OPENINGUP = [sys.executable, "-m", "openingup.cli.main"]


ADDED = re.compile(r"added distribution (\S+);")
POLL_SECONDS = 0.02


def first_answer(port: int) -> Callable[[Path, subprocess.Popen[bytes], float], dict[str, Any]]:
    """A watcher for ``run_measured``: once the command names its new distribution (on stderr), ask
    the running server for a filtered page of it every 20 ms until one comes back with rows. Returns
    the seconds from the command's start to that first answer (None if the command ended first)."""

    def watch(stderr_path: Path, proc: subprocess.Popen[bytes], started: float) -> dict[str, Any]:
        http, distribution, polls = Http(port), None, 0
        try:
            while True:
                running = proc.poll() is None
                if distribution is None:
                    found = ADDED.search(stderr_path.read_text(errors="replace"))
                    distribution = found.group(1) if found else None
                if distribution is not None:
                    polls += 1
                    status, body = http.get(
                        f"/api/v1/distributions/{distribution}/rows?category=roads&limit=1"
                    )
                    if status == 200 and rows_of(json.loads(body)):
                        return {"seconds": time.perf_counter() - started, "polls": polls}
                if not running:
                    return {"seconds": None, "polls": polls}
                time.sleep(POLL_SECONDS)
        finally:
            http.close()

    return watch


def ours_ingest(file: Path, dataset: str, env: dict[str, str], work: Path) -> dict[str, Any]:
    """``openingup demo`` (untimed), then ``openingup datastore load`` measured; the new distribution's id.

    Meanwhile a running ``openingup serve`` on the same home is asked for the new table every 20 ms: the
    time from the command's start to the first answer through the API is when the data was ingested,
    typed, profiled and queryable (the command goes on with the full-text index and the catalogue's
    follow-up work: quality scores, search)."""
    check([*OPENINGUP, "demo"], env=env, cwd=work, log_path=work / "openingup-setup.log")
    port = free_port()
    with contextlib.ExitStack() as stop:
        start_server(
            "Opening Up, watching the load",
            [*OPENINGUP, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "OPENINGUP_BASE_URL": f"http://127.0.0.1:{port}"}, cwd=work,
            log_path=work / "openingup-serve-watch.log",
            ready_url=f"http://127.0.0.1:{port}/api/v1/datasets", cleanup=stop,
        )  # fmt: skip
        m = run_measured(
            "openingup datastore load", [*OPENINGUP, "datastore", "load", str(file), "--dataset", dataset],
            env=env, work=work, watch=first_answer(port),
        )  # fmt: skip
    lines = [line.strip() for line in m.stdout.splitlines() if line.strip()]
    if not lines:
        raise BenchError(
            f"openingup datastore load printed nothing on stdout\n--- stderr ---\n{m.stderr[-3000:]}"
        )
    stages = [
        {"stage": found.group(1).strip(), "seconds": float(found.group(2))}
        for line in [*m.stdout.splitlines(), *m.stderr.splitlines()]
        if (found := TIMING_LINE.search(line))
    ]
    return {
        "distribution": lines[-1],
        "seconds": m.wall_seconds,
        "first_answer_seconds": (m.watched or {}).get("seconds"),
        "peak_rss_mib": m.peak_rss_mib,
        "cpu_seconds": m.cpu_seconds,
        "stages": stages,
        "stdout_tail": m.stdout.splitlines()[-15:],
    }


# --------------------------------------------------------------------------------------------------
# HTTP


class Http:
    """One persistent HTTP/1.1 connection to 127.0.0.1:port (reopened when the server closes it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        return self.send("GET", path)

    def send(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        """One request (a form-encoded ``body`` for POST); retried once on a fresh connection."""
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def rows_of(body: Any) -> list[Any] | None:
    """The list of result rows in a JSON answer: under a usual key, else the first list of rows found."""
    if isinstance(body, dict):
        for key in ("rows", "results", "data", "items", "records"):
            if isinstance(body.get(key), list):
                return body[key]  # type: ignore[no-any-return]
        for value in body.values():
            found = rows_of(value)
            if found is not None:
                return found
    if isinstance(body, list) and body and isinstance(body[0], dict | list):
        return body
    return None


def find_key(body: Any, key: str) -> Any:
    """The first value under ``key`` anywhere in a JSON answer (breadth first), or None."""
    queue = [body]
    while queue:
        node = queue.pop(0)
        if isinstance(node, dict):
            if node.get(key):
                return node[key]
            queue.extend(node.values())
        elif isinstance(node, list):
            queue.extend(node)
    return None


def column(rows: list[Any], name: str) -> list[Any] | None:
    """Values of one column of object rows; None when rows are not objects with that key."""
    if rows and all(isinstance(r, dict) and name in r for r in rows):
        return [r[name] for r in rows]
    return None


@dataclass
class Query:
    """One measured query: paths on both systems (datasette None for ours-only) and what a good answer is."""

    name: str
    ours: str
    datasette: str | None = None
    expect: Callable[[Any, bytes], str | None] | None = None  # ours: the problem, or None
    expect_datasette: Callable[[Any], str | None] | None = None


def expect_rows(n_min: int, n_max: int | None = None, **equal: str) -> Callable[[Any, bytes], str | None]:
    def check_rows(body: Any, raw: bytes) -> str | None:
        rows = rows_of(body)
        if rows is None:
            return "no list of rows in the answer"
        if len(rows) < n_min or (n_max is not None and len(rows) > n_max):
            return f"{len(rows)} rows, expected {n_min}..{n_max if n_max is not None else ''}"
        for name, value in equal.items():
            values = column(rows, name)
            if values is not None and any(v != value for v in values):
                return f"a row's {name} is not {value!r}: {sorted(set(map(str, values)))[:5]}"
        return None

    return check_rows


def expect_text(*needles: str, rows: int | None = None) -> Callable[[Any, bytes], str | None]:
    def check_text(body: Any, raw: bytes) -> str | None:
        text = raw.decode("utf-8", "replace").lower()
        missing = [n for n in needles if n.lower() not in text]
        if missing:
            return f"the answer does not mention {missing}"
        if rows is not None:
            found = rows_of(body)
            if found and len(found) > rows:
                return f"{len(found)} rows, expected at most {rows}"
        return None

    return check_text


def expect_search(word: str) -> Callable[[Any, bytes], str | None]:
    def check_search(body: Any, raw: bytes) -> str | None:
        rows = rows_of(body)
        if not rows:
            return "no rows"
        texts = column(rows, "text")
        if texts is not None and not all(word in str(t).lower().split() for t in texts):
            return f"a row's text does not contain {word!r}"
        return None

    return check_search


def expect_sorted_amounts(body: Any, raw: bytes) -> str | None:
    rows = rows_of(body)
    if not rows:
        return "no rows"
    amounts = column(rows, "amount")
    if amounts is not None:
        values = [float(a) for a in amounts]
        if values != sorted(values, reverse=True) or min(values) < 1000:
            return f"amounts not descending and >= 1000: {values[:5]}..."
    if not find_key(body, "next"):
        return "no `next` link in the answer"
    return None


def datasette_rows(n_min: int) -> Callable[[Any], str | None]:
    return lambda body: None if len(body.get("rows", [])) >= n_min else f"{len(body.get('rows', []))} rows"


def datasette_facets(*names: str) -> Callable[[Any], str | None]:
    def check_facets(body: Any) -> str | None:
        facets = body.get("facet_results", {})
        empty = [n for n in names if not facets.get(n, {}).get("results")]
        return f"empty facets {empty}" if empty else None

    return check_facets


def build_queries(distribution: str | None, rare: str) -> list[Query]:
    """The query pairs of the brief. ``distribution`` None: Datasette only (ours not loaded)."""
    base = f"/api/v1/distributions/{distribution}/rows"
    group_sql = "select+category,+count(*),+avg(amount)+from+rows+group+by+category"
    return [
        Query(
            "filtered page (category=roads, 100)",
            f"{base}?category=roads&limit=100",
            "/db/rows.json?category=roads&_size=100",
            expect_rows(100, 100, category="roads"),
            datasette_rows(100),
        ),
        Query(
            "facet counts (category)",
            f"{base}?facet=category&limit=0",
            "/db/rows.json?_facet=category&_size=0",
            expect_text(*CATEGORIES, rows=0),
            datasette_facets("category"),
        ),
        Query(
            "two facets (category, municipality)",
            f"{base}?facet=category&facet=municipality&limit=0",
            "/db/rows.json?_facet=category&_facet=municipality&_size=0",
            expect_text(*CATEGORIES, "Municipality 0", rows=0),
            datasette_facets("category", "municipality"),
        ),
        Query(
            f"full text, common word ({WORD!r}, 100)",
            f"{base}?q={WORD}&limit=100",
            f"/db/rows.json?_search={WORD}&_size=100",
            expect_search(WORD),
            datasette_rows(100),
        ),
        Query(
            f"full text, rare word ({rare!r})",
            f"{base}?q={rare}&limit=100",
            f"/db/rows.json?_search={rare}&_size=100",
            expect_search(rare),
            datasette_rows(1),
        ),
        Query(
            "group-by category: count, avg(amount)",
            f"{base}?group_by=category&aggregate=count&aggregate=avg:amount",
            f"/db.json?sql={group_sql}",
            expect_text(*CATEGORIES),
            datasette_rows(len(CATEGORIES)),
        ),
        Query(
            "ours only: amount>=1000 sort -amount (100)",
            f"{base}?amount__gte=1000&sort=-amount&limit=100",
            None,
            expect_sorted_amounts,
        ),
    ]


def next_page_query(conn: Http, first: Query) -> Query:
    """The keyset next page: the ``next`` URL of the sorted query's answer, as a path on our server."""
    status, raw = conn.get(first.ours)
    body = json.loads(raw)
    link = find_key(body, "next")
    if status != 200 or not isinstance(link, str):
        raise BenchError(f"ours GET {first.ours}: {status}, no `next` link: {raw[:1000]!r}")
    parts = urlsplit(link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    first_page = column(rows_of(body) or [], "id")
    last_amount = (column(rows_of(body) or [], "amount") or [None])[-1]

    def check_next(next_body: Any, next_raw: bytes) -> str | None:
        rows = rows_of(next_body)
        if not rows:
            return "no rows"
        amounts, ids = column(rows, "amount"), column(rows, "id")
        if amounts and last_amount is not None and float(amounts[0]) > float(last_amount):
            return f"the next page starts at amount {amounts[0]}, above the first page's last {last_amount}"
        if ids and first_page and set(ids) & set(first_page):
            return f"rows of the first page again: {sorted(set(ids) & set(first_page))[:5]}"
        return expect_sorted_amounts(next_body, next_raw)

    return Query("ours only: keyset next page of it", path, None, check_next)


def verify(conn: Http, path: str, system: str) -> tuple[Any, bytes]:
    """GET path; BenchError unless HTTP 200 with a JSON body."""
    status, raw = conn.get(path)
    if status != 200:
        raise BenchError(f"{system} GET {path} -> HTTP {status}: {raw[:2000].decode('utf-8', 'replace')}")
    try:
        return json.loads(raw), raw
    except ValueError:
        raise BenchError(
            f"{system} GET {path} -> not JSON: {raw[:2000].decode('utf-8', 'replace')}"
        ) from None


def cross_check(query: Query, datasette: Any, ours_raw: bytes) -> str | None:
    """A note when a count Datasette reports is nowhere in our answer (a hint something differs)."""
    if query.datasette is None:
        return None
    numbers = set(re.findall(rb"\d+", ours_raw))
    wanted: list[int] = []
    if "facet" in query.name:
        wanted = [r["count"] for r in datasette["facet_results"]["category"]["results"]]
    elif "group-by" in query.name:
        wanted = [r[1] for r in datasette["rows"]]
    elif "full text" in query.name or "filtered" in query.name:
        wanted = [datasette.get("filtered_table_rows_count")]
    missing = [w for w in wanted if w is not None and str(w).encode() not in numbers]
    if missing:
        return f"counts that Datasette reports are not in our answer: {missing[:6]}"
    return None


def percentile(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1] if len(times) > 1 else times[0]


def time_pair(ds: Http | None, ou: Http | None, query: Query, warmup: int, n: int) -> dict[str, list[float]]:
    """ms per request of each system, interleaved (alternating who goes first) after warm-ups."""
    candidates = (("datasette", ds, query.datasette), ("ours", ou, query.ours))
    systems = [(name, conn, path) for name, conn, path in candidates if conn is not None and path]
    for _ in range(warmup):
        for _, conn, path in systems:
            conn.get(path)
    times: dict[str, list[float]] = {name: [] for name, _, _ in systems}
    for i in range(n):
        for name, conn, path in systems if i % 2 == 0 else systems[::-1]:
            start = time.perf_counter()
            status, _ = conn.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            if status != 200:
                raise BenchError(f"{name} GET {path} -> HTTP {status} during timing")
            times[name].append(elapsed)
    return times


NO_CACHE = {"OPENINGUP_DATASTORE_PAGE_CACHE_CELLS": "0"}


def run_queries(
    ds_port: int, ou_port: int | None, queries: list[Query], warmup: int, n: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Check every answer, then time each query on both systems; the rows of the table and the problems."""
    ds, ou = Http(ds_port), Http(ou_port) if ou_port else None
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        if ou is not None:
            sorted_query = next(q for q in queries if q.ours and "sort=-amount" in q.ours)
            try:
                queries = [*queries, next_page_query(ou, sorted_query)]
            except (BenchError, ValueError) as exc:
                problems.append(f"keyset next page: {exc}")
        for query in queries:
            ds_ok = ou_ok = False
            ds_body: Any = None
            if query.datasette:
                ds_body, _ = verify(ds, query.datasette, "Datasette")  # a failure here is the harness's
                if query.expect_datasette and (why := query.expect_datasette(ds_body)):
                    raise BenchError(f"Datasette GET {query.datasette}: {why}")
                ds_ok = True
            note = None
            if ou is not None:
                try:
                    body, raw = verify(ou, query.ours, "ours")
                    if query.expect and (why := query.expect(body, raw)):
                        raise BenchError(
                            f"ours GET {query.ours}: {why}; answer: {raw[:1500].decode('utf-8', 'replace')}"
                        )
                    ou_ok = True
                    note = cross_check(query, ds_body, raw) if ds_body is not None else None
                except BenchError as exc:
                    problems.append(str(exc))
            if note:
                problems.append(f"note, {query.name}: {note} (ours GET {query.ours})")
            times = time_pair(ds if ds_ok else None, ou if ou_ok else None, query, warmup, n)
            row: dict[str, Any] = {
                "query": query.name,
                "datasette_path": query.datasette,
                "ours_path": query.ours,
            }
            for name, values in times.items():
                row[name] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}
            row["ours_status"] = "ok" if ou_ok else ("failed" if ou is not None else "not run")
            if "datasette" in row and "ours" in row:
                row["ratio"] = row["datasette"]["p50"] / row["ours"]["p50"]
            rows.append(row)
            log(f"timed {query.name}")
    finally:
        ds.close()
        if ou is not None:
            ou.close()
    return rows, problems


# --------------------------------------------------------------------------------------------------
# Concurrency


def hammer(port: int, path: str, start_at: float, stop_at: float) -> tuple[int, int]:
    """Requests of one client on one persistent connection between two monotonic instants: (ok, errors)."""
    conn = Http(port)
    ok = errors = 0
    try:
        time.sleep(max(0.0, start_at - time.monotonic()))
        while time.monotonic() < stop_at:
            try:
                status, body = conn.get(path)
            except (OSError, http.client.HTTPException):
                errors += 1
                continue
            if status == 200 and body:
                ok += 1
            else:
                errors += 1
    finally:
        conn.close()
    return ok, errors


def client_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def default_client() -> str:
    """wrk (Debian package ``wrk``) when installed: PEERS.md's load generator, written in C, so the load it
    takes from the 2 cores stays small; else Python threads."""
    return "wrk" if shutil.which("wrk") else "threads"


def wrk_throughput(
    port: int, path: str, clients: int, seconds: float, paths: list[str] | None = None
) -> dict[str, Any]:
    """``wrk -t2 -c<clients>`` as PEERS.md runs it: requests/s, counting non-2xx answers as errors.

    With ``paths``, every request takes the next of them (a Lua script; each wrk thread starts at its own
    place in the list), so the server sees queries it has not answered before."""
    cpu_before = client_cpu()
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s"]
    with tempfile.TemporaryDirectory(prefix="wrk-") as tmp:
        if paths:
            script = Path(tmp) / "paths.lua"
            quoted = ",".join(json.dumps(p) for p in paths)  # JSON strings of URL paths are Lua strings
            script.write_text(
                f"local paths = {{{quoted}}}\nlocal i = 0\nlocal n = 0\n"
                "function setup(thread) n = n + 1; thread:set('start', n * 7919) end\n"
                "function init() i = tonumber(start) or 0 end\n"
                "function request() i = i % #paths + 1\n  return wrk.format('GET', paths[i]) end\n"
            )
            command += ["-s", str(script)]
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
        ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, failed.groups())) if failed else 0)
    ok = total - (int(bad.group(1)) if bad else 0)
    return {
        "requests_per_second": ok / seconds,
        "ok": ok,
        "errors": errors,
        "client_cpu_seconds": client_cpu() - cpu_before,
        "client": "wrk -t2",
    }


def throughput(port: int, path: str, clients: int, seconds: float, kind: str) -> dict[str, Any]:
    """Requests/s of `clients` concurrent clients for `seconds`, and the CPU the clients used."""
    if kind == "wrk":
        return wrk_throughput(port, path, clients, seconds)
    pool_class = ThreadPoolExecutor if kind == "threads" else ProcessPoolExecutor
    cpu_before = client_cpu()
    with pool_class(max_workers=clients) as pool:
        start_at = time.monotonic() + 1.0  # processes need a moment to start
        futures = [pool.submit(hammer, port, path, start_at, start_at + seconds) for _ in range(clients)]
        results = [f.result() for f in futures]
    ok, errors = sum(r[0] for r in results), sum(r[1] for r in results)
    return {
        "requests_per_second": ok / seconds,
        "ok": ok,
        "errors": errors,
        "client_cpu_seconds": client_cpu() - cpu_before,
    }


# --------------------------------------------------------------------------------------------------
# Output


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_ingest(results: dict[str, Any]) -> None:
    su, ours, raw = results.get("sqlite_utils"), results.get("ours_ingest"), results.get("duckdb")
    print("\nIngest of the shared file (wall seconds; peak RSS of the command alone)")
    if raw:
        print(f"  {'DuckDB read_csv_auto into memory (in-process, best of 3)':58} {raw['seconds']:8.2f} s")
        if raw.get("file_seconds"):
            print(
                f"  {'DuckDB read_csv_auto into a database file (best of 3)':58} {raw['file_seconds']:8.2f} s"
            )
    if su:
        cached = "" if results.get("sqlite_utils_measured") else "  (cached from an earlier run)"
        print(f"  sqlite-utils 4 (Datasette's loader){cached}")
        for name in ("insert", "fts", *(f"index {c}" for c in INDEXED)):
            label = {
                "insert": "insert rows FILE --csv --pk id",
                "fts": "enable-fts text --fts5 --create-triggers",
            }
            print(
                f"    {label.get(name, 'create-index ' + name[6:]):56} {su[name]['seconds']:8.2f} s"
                f"  {su[name]['peak_rss_mib']:7.0f} MiB"
            )
        print(f"    {'total (what Datasette needs for the same queries)':56} {su['total']['seconds']:8.2f} s")
    if ours:
        print(
            f"  {'Opening Up: openingup datastore load':58} {ours['seconds']:8.2f} s"
            f"  {ours['peak_rss_mib']:7.0f} MiB   (CPU {ours['cpu_seconds']:.1f} s)"
        )
        for stage in ours["stages"]:
            print(f"    its own line: {stage['stage']} after {stage['seconds']:.2f} s")
        print(f"    new distribution: {ours['distribution']}")
    elif results.get("ours_error"):
        print(f"  Opening Up: FAILED — {results['ours_error'].splitlines()[0]}")
    first = ours.get("first_answer_seconds") if ours else None
    if ours:
        print(
            f"  {'  first answer through the API (a running server, asked every 20 ms)':58} "
            + (f"{first:8.2f} s" if first else "    none (the command ended first)")
        )
    if ours and su:
        # The goal is for ingest, inference and profile: the data answering through the API. The whole
        # command also builds the full-text index and runs the catalogue's follow-up work.
        for label, key in (("insert alone", "insert"), ("insert + FTS + indexes", "total")):
            for what, seconds in (("first answer", first), ("whole command", ours["seconds"])):
                if not seconds:
                    continue
                ratio = su[key]["seconds"] / seconds
                met = verdict(ratio >= GOAL_INGEST_VS_SQLITE_UTILS)
                goal = f"goal >= {GOAL_INGEST_VS_SQLITE_UTILS:.0f}x: {met}"
                print(
                    f"  sqlite-utils {label} / ours, {what} {'':<{38 - len(label) - len(what)}} {ratio:6.1f}x"
                    + (f" faster ({goal})" if key == "insert" else " faster")
                )
    if ours and raw:
        for what, seconds in (("first answer", first), ("whole command", ours["seconds"])):
            if not seconds:
                continue
            ratio = seconds / raw["seconds"]
            print(
                f"  ours, {what} / DuckDB raw read {'':<{21 - len(what)}} {ratio:6.1f}x the engine limit "
                f"(goal within {GOAL_INGEST_VS_DUCKDB:.0f}x: {verdict(ratio <= GOAL_INGEST_VS_DUCKDB)})"
            )
        own = {stage["stage"]: stage["seconds"] for stage in ours["stages"]}
        if own.get("queryable") and own.get("complete"):
            # DuckDB's read is timed inside a running process; so is the load by its own clock (from the
            # file's arrival to queryable: read, inference, typed write, profile, stored and recorded).
            ratio = own["queryable"] / raw["seconds"]
            print(
                f"  ours, queryable by its own clock / DuckDB raw read {ratio:6.1f}x the engine limit "
                f"(goal within {GOAL_INGEST_VS_DUCKDB:.0f}x: {verdict(ratio <= GOAL_INGEST_VS_DUCKDB)}; both "
                "in-process)"
            )
            index = own.get("text index ready")
            print(
                "    (by its own lines: "
                + (f"text index ready {index / raw['seconds']:.1f}x, " if index else "")
                + f"complete {own['complete'] / raw['seconds']:.1f}x DuckDB's raw read; the first answer "
                "and the whole command also count the command's start-up, copying the file in and, for "
                "the whole command, the jobs it triggered)"
            )
            if raw.get("file_seconds"):
                print(
                    f"    (against DuckDB's read into a database file: queryable "
                    f"{own['queryable'] / raw['file_seconds']:.1f}x, "
                    + (f"text index ready {index / raw['file_seconds']:.1f}x, " if index else "")
                    + f"complete {own['complete'] / raw['file_seconds']:.1f}x"
                    + (f", first answer {first / raw['file_seconds']:.1f}x" if first else "")
                    + ")"
                )
    if ours:
        peak = ours["peak_rss_mib"]
        print(
            f"  ours peak memory {'':<32} {peak:8.0f} MiB "
            f"(goal < {GOAL_PEAK_MIB:.0f} MiB: {verdict(peak < GOAL_PEAK_MIB)})"
        )


def print_queries(results: dict[str, Any], key: str = "queries") -> None:
    rows = results[key]
    n = results["settings"]["requests"]
    print(
        f"\nQueries over HTTP, {n} requests each after {results['settings']['warmup']} warm-ups, "
        "interleaved, one keep-alive connection per system (ms)"
    )
    if key == "queries_uncached":
        print(
            "  ours WITHOUT its answer cache (OPENINGUP_DATASTORE_PAGE_CACHE_CELLS=0): every request runs "
            "its query in DuckDB, as a query new to the server would"
        )
    else:
        print(
            "  ours as deployed: a repeated query on a table version is answered from the process's answer "
            "cache (table versions never change); the next table shows it without"
        )
    print(f"  {'query':44} {'Datasette p50':>13} {'p95':>8} {'ours p50':>9} {'p95':>8} {'ratio':>7}")
    for row in rows:
        ds, ou = row.get("datasette"), row.get("ours")
        ds_cells = f"{ds['p50']:13.2f} {ds['p95']:8.2f}" if ds else f"{'—':>13} {'':>8}"
        ou_cells = f"{ou['p50']:9.2f} {ou['p95']:8.2f}" if ou else f"{row['ours_status'].upper():>9} {'':>8}"
        ratio = f"{row['ratio']:6.1f}x" if "ratio" in row else f"{'':>7}"
        print(f"  {row['query']:44} {ds_cells} {ou_cells} {ratio}")
    ratios = [row["ratio"] for row in rows if "ratio" in row]
    if ratios:
        worst = min(ratios)
        print(
            f"  slowest ratio {worst:.1f}x, median {statistics.median(ratios):.1f}x "
            f"(goal >= {GOAL_QUERY_RATIO:.0f}x on every query: {verdict(worst >= GOAL_QUERY_RATIO)})"
        )
    print(
        "  (municipality has 300 values: each system cuts a facet at its default size, Datasette's is 30; "
        "Datasette's table JSON also counts the matching rows)"
    )


def print_concurrency(results: dict[str, Any]) -> None:
    conc = results["concurrency"]
    s = results["settings"]
    print(
        f"\nConcurrency: {s['clients']} client {s['client']} with a keep-alive connection each, "
        f"filtered query, {s['seconds']:.0f} s per server"
    )
    for name in ("datasette", "ours", "ours, no answer cache"):
        if name in conc:
            c = conc[name]
            print(
                f"  {name:22} {c['requests_per_second']:9.1f} req/s  ({c['ok']} ok, {c['errors']} errors; "
                f"client CPU {c['client_cpu_seconds']:.1f} s)"
            )
    if "datasette" in conc and "ours" in conc:
        ratio = conc["ours"]["requests_per_second"] / conc["datasette"]["requests_per_second"]
        print(
            f"  ratio ours / Datasette {ratio:.1f}x "
            f"(goal >= {GOAL_THROUGHPUT_RATIO:.0f}x: {verdict(ratio >= GOAL_THROUGHPUT_RATIO)})"
        )
    if "datasette" in conc and "ours, no answer cache" in conc:
        alone = conc["ours, no answer cache"]["requests_per_second"]
        ratio = alone / conc["datasette"]["requests_per_second"]
        print(f"  ratio ours without the answer cache / Datasette {ratio:.1f}x")


# --------------------------------------------------------------------------------------------------


def server_peak_mib(pid: int) -> float | None:
    """A running server's peak resident memory so far (VmHWM), MiB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, help="The CSV to use (default: the generated shared file).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows of the generated file.")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/openingup-bench"))
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"Comma-separated parts of {', '.join(PARTS)}."
    )
    parser.add_argument("--dataset", default=DEMO_DATASET, help="Demo dataset the table is loaded into.")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--client", choices=("wrk", "threads", "processes"), default=default_client())
    parser.add_argument("--json", type=Path, help="Also write every number to this file.")
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (logs, our home).")
    parser.add_argument(
        "--processes", type=int, default=1,
        help="Our server's processes (openingup serve --processes; Datasette always runs one).",
    )  # fmt: skip
    args = parser.parse_args()
    args.parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if unknown := args.parts - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}; choose from {', '.join(PARTS)}")
    return args


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    file, rows = shared_file(args.file, args.rows, args.data_dir)
    results: dict[str, Any] = {
        "file": str(file),
        "rows": rows,
        "bytes": file.stat().st_size,
        "load_average_at_start": os.getloadavg(),
        "parts": sorted(args.parts),
        "settings": {k: getattr(args, k) for k in ("requests", "warmup", "clients", "seconds", "client")},
    }
    problems: list[str] = []
    print(
        f"Shared file {file}: {rows:,} rows, {results['bytes'] / 1e6:.1f} MB; "
        f"load average at start {' / '.join(f'{x:.2f}' for x in results['load_average_at_start'])}"
    )
    if args.parts & {"duckdb", "ingest"}:
        log("DuckDB raw read")
        results["duckdb"] = duckdb_raw(file)
    if args.parts - {"duckdb"}:
        work = Path(tempfile.mkdtemp(prefix="openingup-datastore-bench-"))
        keep = args.keep
        try:
            with sigterm_as_exit(), contextlib.ExitStack() as cleanup:
                keep = run_systems(args, file, work, results, problems, cleanup) or keep
        except BaseException:
            keep = True
            raise
        finally:
            if keep:
                log(f"work folder kept: {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    else:
        print_ingest({"duckdb": results["duckdb"]})
    return finish(results, problems, args, started)


def run_systems(
    args: argparse.Namespace,
    file: Path,
    work: Path,
    results: dict[str, Any],
    problems: list[str],
    cleanup: contextlib.ExitStack,
) -> bool:
    """Load both systems, print the ingest part, serve both and run the HTTP parts asked for.

    Fills results and problems; True when something on our side failed (keep the work folder)."""
    parts = args.parts
    failed = False
    venv, results["peer_install_seconds"] = peer_venv()
    db, results["sqlite_utils"], results["sqlite_utils_measured"] = datasette_database(
        venv, file, args.data_dir, work, "ingest" in parts
    )
    ou_port = free_port()
    env = openingup_env(work / "openingup-home", f"http://127.0.0.1:{ou_port}")
    distribution = None
    try:
        results["ours_ingest"] = ours_ingest(file, args.dataset, env, work)
        distribution = results["ours_ingest"]["distribution"]
    except (BenchError, RuntimeError) as exc:
        results["ours_error"] = str(exc)
        problems.append(f"ours, ingest: {exc}")
        failed = True
    if "ingest" in parts:
        print_ingest(results)
    elif "duckdb" in parts:
        print_ingest({"duckdb": results["duckdb"]})
    if not parts & {"queries", "concurrency"}:
        return failed

    ds_port = free_port()
    datasette = start_server(
        "Datasette",
        [str(venv / "bin" / "datasette"), "serve", str(db), "-h", "127.0.0.1", "-p", str(ds_port),
         *DATASETTE_SETTINGS],
        env=peer_env(), cwd=work, log_path=work / "datasette.log",
        ready_url=f"http://127.0.0.1:{ds_port}/-/versions.json", cleanup=cleanup,
    )  # fmt: skip
    versions = json.loads(Http(ds_port).get("/-/versions.json")[1])
    results["datasette_versions"] = {
        "datasette": versions["datasette"]["version"],
        "sqlite": versions["sqlite"]["version"],
    }
    ours_server = None
    if distribution:
        try:
            ours_server = start_server(
                "Opening Up (openingup serve)",
                [*OPENINGUP, "serve", "--host", "127.0.0.1", "--port", str(ou_port),
                 "--processes", str(args.processes)],
                env=env, cwd=work, log_path=work / "openingup-serve.log",
                ready_url=f"http://127.0.0.1:{ou_port}/api/v1/datasets", cleanup=cleanup,
            )  # fmt: skip
        except RuntimeError as exc:
            problems.append(f"ours, serve: {exc}")
            failed = True
    ours_port = ou_port if ours_server else None
    # The same server with its answer cache off, to show what each query costs when it is new to it.
    nocache_port = None
    if ours_server:
        nocache_port = free_port()
        try:
            start_server(
                "Opening Up, no answer cache",
                [*OPENINGUP, "serve", "--host", "127.0.0.1", "--port", str(nocache_port),
                 "--processes", str(args.processes)],
                env={**env, "OPENINGUP_BASE_URL": f"http://127.0.0.1:{nocache_port}", **NO_CACHE},
                cwd=work, log_path=work / "openingup-serve-nocache.log",
                ready_url=f"http://127.0.0.1:{nocache_port}/api/v1/datasets", cleanup=cleanup,
            )  # fmt: skip
        except RuntimeError as exc:
            problems.append(f"ours without the answer cache, serve: {exc}")
            nocache_port = None
    rare, rare_rows = pick_rare_word(file)
    results["words"] = {"common": WORD, "rare": rare, "rare_rows": rare_rows}
    queries = build_queries(distribution, rare)

    if "queries" in parts:
        results["queries"], query_problems = run_queries(
            ds_port, ours_port, queries, args.warmup, args.requests
        )
        problems += query_problems
        failed = failed or any(not p.startswith("note") for p in query_problems)
        print_queries(results)
        print(f"  (rare word {rare!r} is in {rare_rows} rows of the file)")
        if nocache_port:
            results["queries_uncached"], query_problems = run_queries(
                ds_port, nocache_port, queries, args.warmup, args.requests
            )
            problems += [p for p in query_problems if not p.startswith("note")]
            print_queries(results, "queries_uncached")
    if "concurrency" in parts:
        filtered = queries[0]
        conc: dict[str, Any] = {}
        for name, port, path in (
            ("datasette", ds_port, filtered.datasette),
            ("ours", ours_port, filtered.ours),
            ("ours, no answer cache", nocache_port, filtered.ours),
        ):
            if port and path:
                log(f"concurrency: {name}")
                conc[name] = throughput(port, path, args.clients, args.seconds, args.client)
                if conc[name]["errors"]:
                    problems.append(f"{name}, concurrency: {conc[name]['errors']} failed requests of {path}")
        results["concurrency"] = conc
        print_concurrency(results)

    peaks = results["server_peak_rss_mib"] = {
        "datasette": server_peak_mib(datasette.proc.pid),
        "ours": server_peak_mib(ours_server.proc.pid) if ours_server else None,
    }
    print(
        f"\nServer peak RSS: Datasette {peaks['datasette'] or 0:.0f} MiB"
        + (f", ours {peaks['ours']:.0f} MiB" if peaks["ours"] else "")
        + f"  (Datasette {results['datasette_versions']['datasette']}, "
        f"SQLite {results['datasette_versions']['sqlite']})"
    )
    if ours_server:
        results["ours_server_log_tail"] = tail(ours_server.log_path, 20)
    return failed


def finish(results: dict[str, Any], problems: list[str], args: argparse.Namespace, started: float) -> int:
    """Print the problems, write the JSON; exit code 1 when anything on our side failed."""
    results["problems"] = problems
    results["total_seconds"] = time.perf_counter() - started
    if problems:
        print("\nProblems:")
        for p in problems:
            print("  - " + p.replace("\n", "\n    "))
    print(f"\n(total {results['total_seconds']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"numbers written to {args.json}")
    return 1 if any(not p.startswith("note") for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
