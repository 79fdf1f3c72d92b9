"""Open311 GeoReport v2 throughput with 8 concurrent clients against a served instance: ``POST
requests`` (filing, with an API key) and ``GET requests`` (a page of the 90-day window, one request by
id), beside the cheapest calls of the same server in the same run as the floor (``discovery.json``,
``services.json``). No published FixMyStreet or other Open311 server figures are in PEERS.md, so the
floor of this very server is the comparison: the ratio says what each call costs over the server's own
per-request overhead.

    .venv/bin/python bench/open311_bench.py [--seconds 10] [--clients 8] [--requests 2000]
        [--client wrk|threads] [--processes 1]

Set-up (untimed): a fresh OPENINGUP_HOME with ``openingup demo`` (the demo municipality and its report
services), ``openingup apikey create``, ``--requests`` requests filed through the API; then ``openingup
serve`` (waitress, 8 threads, ``--processes``) on 127.0.0.1. Every call is checked once (status and
body) before it is timed. Each call is then sent by ``--clients`` clients for ``--seconds`` seconds:
with wrk (Debian ``wrk``, PEERS.md's load generator; POST through a small Lua script) when installed,
else Python threads with one keep-alive connection each. Printed: requests/s, errors, and ratio to
the discovery floor.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ckan_peer import PROJECT, check, free_port, start_server, tail
from datastore_bench import Http

OPENINGUP = [sys.executable, "-m", "openingup.cli.main"]
BASE = "/open311/v2"


def log(message: str) -> None:
    print(f"[open311-bench] {message}", file=sys.stderr, flush=True)


def env_for(home: Path, base_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OPENINGUP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        OPENINGUP_HOME=str(home),
        OPENINGUP_BASE_URL=base_url,
        DJANGO_SETTINGS_MODULE="openingup.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT / "src"), env.get("PYTHONPATH", "")])),
    )
    return env


def filing_body(api_key: str, service: dict[str, Any], n: int) -> str:
    """A POST requests form for ``service``: its required questions answered, a point in the demo town."""
    fields: list[tuple[str, str]] = [
        ("api_key", api_key),
        ("service_code", service["service_code"]),
        ("lat", f"{52.29 + (n % 100) / 10000:.5f}"),
        ("long", f"{4.48 + (n % 77) / 10000:.5f}"),
        ("description", f"Benchmark report {n}: something is broken here."),
    ]
    for attribute in service["attributes"]:
        if not attribute.get("required") or not attribute.get("variable", True):
            continue
        kind = attribute["datatype"]
        if kind in ("singlevaluelist", "multivaluelist"):
            value = attribute["values"][0]["key"]
        elif kind == "number":
            value = "1"
        elif kind == "datetime":
            value = "2026-01-01T10:00:00+01:00"
        else:
            value = "bench"
        fields.append((f"attribute[{attribute['code']}]", value))
    return urlencode(fields)


def threads_throughput(
    port: int, method: str, path: str, body: str | None, clients: int, seconds: float
) -> dict[str, Any]:
    ok = [0] * clients
    errors = [0] * clients
    start_at = time.monotonic() + 0.5
    stop_at = start_at + seconds

    def client(i: int) -> None:
        conn = Http(port)
        try:
            time.sleep(max(0.0, start_at - time.monotonic()))
            while time.monotonic() < stop_at:
                try:
                    status, data = conn.send(method, path, body)
                except (OSError, http.client.HTTPException):
                    errors[i] += 1
                    continue
                if 200 <= status < 300 and data:
                    ok[i] += 1
                else:
                    errors[i] += 1
        finally:
            conn.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"rps": sum(ok) / seconds, "ok": sum(ok), "errors": sum(errors)}


def wrk_throughput(
    port: int, method: str, path: str, body: str | None, clients: int, seconds: float, work: Path
) -> dict[str, Any]:
    import re

    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s"]
    if method == "POST":
        script = work / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            'wrk.headers["Accept"] = "application/json"\n',
            encoding="utf-8",
        )
        cmd += ["-s", str(script)]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    not_ok = int(bad.group(1)) if bad else 0
    names = ("connect", "read", "write", "timeout")
    socket = dict(zip(names, map(int, failed.groups()), strict=True)) if failed else {}
    errors = not_ok + sum(socket.values())
    kinds = {"non-2xx": not_ok, **socket}
    return {
        "rps": (total - not_ok) / seconds,
        "ok": total - not_ok,
        "errors": errors,
        "kinds": {k: v for k, v in kinds.items() if v},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="Requests filed before measuring.")
    parser.add_argument(
        "--client", choices=("wrk", "threads"), default="wrk" if shutil.which("wrk") else "threads"
    )
    parser.add_argument("--processes", type=int, default=1, help="openingup serve --processes.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="open311-bench-"))
    home = work / "home"
    port = free_port()
    env = env_for(home, f"http://127.0.0.1:{port}")
    log(f"work folder {work}")
    check([*OPENINGUP, "demo"], env=env, cwd=work, log_path=work / "setup.log")
    created = subprocess.run(
        [*OPENINGUP, "apikey", "create", "--name", "bench", "--scope", "open311"],
        env=env, cwd=work, capture_output=True, text=True, check=True,
    )  # fmt: skip
    api_key = created.stdout.strip().splitlines()[-1].strip()
    results: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as cleanup:
        start_server(
            "Opening Up (openingup serve, waitress)",
            [*OPENINGUP, "serve", "--host", "127.0.0.1", "--port", str(port),
             "--processes", str(args.processes)],
            env=env, cwd=work, log_path=work / "serve.log",
            ready_url=f"http://127.0.0.1:{port}{BASE}/discovery.json", cleanup=cleanup,
        )  # fmt: skip
        conn = Http(port)
        status, data = conn.send("GET", f"{BASE}/services.json")
        assert status == 200, data[:300]
        codes = [s["service_code"] for s in json.loads(data)]
        definitions = []
        for code in codes:
            status, data = conn.send("GET", f"{BASE}/services/{code}.json")
            assert status == 200, data[:300]
            definitions.append({"service_code": code, **json.loads(data)})
        service = min(definitions, key=lambda d: sum(1 for a in d["attributes"] if a.get("required")))
        started = time.perf_counter()
        last_id = ""
        for n in range(args.requests):
            status, data = conn.send("POST", f"{BASE}/requests.json", filing_body(api_key, service, n))
            assert status in (200, 201), data[:500]
            last_id = json.loads(data)[0]["service_request_id"]
        log(f"{args.requests} requests filed one by one in {time.perf_counter() - started:.1f} s")
        calls = [
            ("floor: GET discovery.json", "GET", f"{BASE}/discovery.json", None),
            ("floor: GET services.json", "GET", f"{BASE}/services.json", None),
            ("GET requests.json (page of 50)", "GET", f"{BASE}/requests.json?page_size=50", None),
            (
                "GET requests.json (open, 1 service, 50)",
                "GET",
                f"{BASE}/requests.json?status=open&service_code={service['service_code']}&page_size=50",
                None,
            ),
            ("GET requests/{id}.json", "GET", f"{BASE}/requests/{last_id}.json", None),
            (
                "POST requests.json (filing)",
                "POST",
                f"{BASE}/requests.json",
                filing_body(api_key, service, 7),
            ),
        ]
        for name, method, path, body in calls:
            status, data = conn.send(method, path, body)
            assert 200 <= status < 300 and data, (name, status, data[:300])
            if method == "GET" and "requests.json" in path:
                assert len(json.loads(data)) == 50, (name, len(json.loads(data)))
        conn.close()
        for name, method, path, body in calls:
            log(f"measuring {name}")
            if args.client == "wrk":
                results[name] = wrk_throughput(port, method, path, body, args.clients, args.seconds, work)
            else:
                results[name] = threads_throughput(port, method, path, body, args.clients, args.seconds)
        serve_log = tail(work / "serve.log", 5)
    floor = results["floor: GET discovery.json"]["rps"]
    print(
        f"Open311 throughput, {args.clients} concurrent clients ({args.client}), {args.seconds:g} s per "
        f"call, openingup serve --processes {args.processes} (waitress) on SQLite, "
        f"{args.requests + 1} requests filed:"
    )
    for name, found in results.items():
        ratio = found["rps"] / floor if floor else 0.0
        print(
            f"  {name:<42} {found['rps']:8.1f} req/s  errors {found['errors']:>4}  "
            f"{ratio:5.2f}x of the discovery floor"
            + (f"  ({found['kinds']}; wrk's timeout is 2 s)" if found.get("kinds") else "")
        )
    if any(r["errors"] for r in results.values()):
        print(f"  (errors happened; the server log ends with:)\n{serve_log}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
