"""CKAN 2.12 with ckanext-dcat as a peer measured in the same run, both systems over HTTP.

What it does, all on 127.0.0.1 and all undone at the end (try/finally, also on Ctrl+C and SIGTERM):

* installs ``ckan[requirements]==2.12.0``, ``ckanext-dcat`` and ``waitress`` into a virtualenv of its
  own, kept between runs in ``~/.cache/openingup-bench/ckan-venv`` ($OPENINGUP_BENCH_CACHE moves it;
  never the project's .venv), so only the first run pays for the install (~30 s);
* creates a throw-away PostgreSQL role and database for CKAN (``runuser -u postgres -- psql``, or the
  command in $OPENINGUP_BENCH_PSQL) and drops them at the end;
* starts the Solr stand-in (``peers/solr_standin.py``: no Solr can be installed here, so CKAN's search
  index writes go nowhere and catalogue search is not measured), writes a CKAN ini from
  ``peers/ckan.ini.tmpl`` (plugins ``activity dcat``, Redis db 14), runs ``ckan db init``, makes a
  sysadmin, an API token and an organisation, and serves CKAN with waitress (``peers/ckan_wsgi.py``);
* starts ``openingup serve`` of this project (waitress too, same thread count) on a temporary
  OPENINGUP_HOME with the demo municipality, an administrator and an API token;
* times, from one httpx client with keep-alive per system, requests interleaved between the two:
  - DCAT-AP Turtle of one dataset: Opening Up ``/datasets/<slug>.ttl`` of the first published demo
    dataset, CKAN ``/dataset/<name>.ttl`` of the same record, imported into CKAN by ckanext-dcat's own
    DCAT-AP parser from Opening Up's Turtle (so both serialise comparable metadata; triple counts are
    printed);
  - dataset create through the API: Opening Up ``POST /api/v1/datasets``, CKAN ``package_create``.

    .venv/bin/python bench/ckan_peer.py [--requests 300] [--openingup-postgres] [--ckan-plugins "..."]

``--openingup-postgres`` also runs Opening Up on PostgreSQL (CKAN's database) instead of its embedded
SQLite default. ``bench/request_bench.py --with-ckan`` calls :func:`run`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
PROJECT = HERE.parent
CKAN_REQUIREMENTS = ["ckan[requirements]==2.12.0", "ckanext-dcat==2.4.4", "waitress==3.0.2"]
CKAN_PLUGINS = "activity dcat"
SERVER_THREADS = 8
REDIS_URL = "redis://127.0.0.1:6379/14"
PG_HOST, PG_PORT = "127.0.0.1", 5432
ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
WARMUP = 10
START_TIMEOUT = 120.0  # seconds a server may take to answer its first request
REQUEST_TIMEOUT = 60.0


def log(message: str) -> None:
    print(f"[ckan-peer] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Small helpers: ports, processes, commands


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def check(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log_path: Path | None = None,
    timeout: float = 900,
) -> str:
    """Run a command to completion; its stdout, or RuntimeError with the command and its output."""
    result = subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if log_path is not None:
        with log_path.open("a") as f:
            f.write(f"$ {shlex.join(cmd)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(
            f"command failed ({result.returncode}): {shlex.join(cmd)}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
        )
    return result.stdout


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        log(f"stopped {self.name} (pid {self.proc.pid})")


def start_server(
    name: str,
    cmd: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    ready_url: str,
    cleanup: contextlib.ExitStack,
) -> Server:
    """Start a server process and wait (bounded) until ready_url answers 200."""
    out = log_path.open("ab")
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    out.close()
    server = Server(name, proc, log_path)
    cleanup.callback(server.stop)
    log(f"started {name} (pid {proc.pid}): {shlex.join(cmd)}")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before answering:\n{tail(log_path)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(ready_url, timeout=5).status_code == 200:
                return server
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {ready_url} within {START_TIMEOUT:.0f} s:\n{tail(log_path)}")


# --------------------------------------------------------------------------------------------------
# CKAN's virtualenv (cached) and database


def cache_dir() -> Path:
    return Path(os.environ.get("OPENINGUP_BENCH_CACHE", "~/.cache/openingup-bench")).expanduser()


def cached_venv(
    name: str, requirements: Sequence[str], program: str, *, upgrade_pip: bool = False
) -> tuple[Path, float]:
    """A peer's virtualenv under the bench cache, made when missing or stale (other requirements or
    Python), and the seconds spent installing; ``program`` is a file in its bin/ that proves it usable."""
    venv = cache_dir() / name
    marker = venv / ".openingup-bench.json"
    wanted = {"requirements": list(requirements), "python": sys.version.split()[0]}
    with contextlib.suppress(OSError, ValueError):
        if json.loads(marker.read_text()) == wanted and (venv / "bin" / program).exists():
            return venv, 0.0
    log(f"installing {' '.join(requirements)} into {venv} (first run only)")
    start = time.perf_counter()
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    install_log = venv.parent / f"{name}-install.log"
    install_log.write_text("")
    try:
        check([sys.executable, "-m", "venv", str(venv)], log_path=install_log)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
        if upgrade_pip:
            check([*pip, "--upgrade", "pip", "setuptools", "wheel"], log_path=install_log)
        check([*pip, *requirements], log_path=install_log)
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)  # never leave a half-built venv that looks usable
        raise
    marker.write_text(json.dumps(wanted))
    return venv, time.perf_counter() - start


def ckan_venv() -> tuple[Path, float]:
    """The cached CKAN virtualenv (created when missing or stale) and the seconds spent installing."""
    return cached_venv("ckan-venv", CKAN_REQUIREMENTS, "ckan", upgrade_pip=True)


def psql_command() -> list[str]:
    return shlex.split(os.environ.get("OPENINGUP_BENCH_PSQL", "runuser -u postgres -- psql"))


def psql(sql: str) -> None:
    check([*psql_command(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql], timeout=120)


@dataclass
class PgRole:
    """A throw-away role; databases created through it are dropped with it."""

    name: str = field(default_factory=lambda: f"oubench_{os.getpid()}_{secrets.token_hex(3)}")
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    databases: list[str] = field(default_factory=list)

    def create(self, cleanup: contextlib.ExitStack) -> None:
        psql(f"CREATE ROLE {self.name} LOGIN PASSWORD '{self.password}'")
        cleanup.callback(self.drop)
        log(f"created PostgreSQL role {self.name}")

    def database(self, suffix: str) -> str:
        """Create a database owned by the role; its URL."""
        name = f"{self.name}_{suffix}"
        psql(f"CREATE DATABASE {name} OWNER {self.name} ENCODING 'UTF8' TEMPLATE template0")
        self.databases.append(name)
        log(f"created PostgreSQL database {name}")
        return f"postgresql://{self.name}:{self.password}@{PG_HOST}:{PG_PORT}/{name}"

    def drop(self) -> None:
        for name in reversed(self.databases):
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            log(f"dropped PostgreSQL database {name}")
        psql(f"DROP ROLE IF EXISTS {self.name}")
        log(f"dropped PostgreSQL role {self.name}")


# --------------------------------------------------------------------------------------------------
# The two systems


@dataclass
class Ckan:
    url: str
    token: str
    org: str
    ckan: list[str]  # the ckan CLI with -c ini


def start_ckan(venv: Path, work: Path, role: PgRole, plugins: str, cleanup: contextlib.ExitStack) -> Ckan:
    solr_port, port = free_port(), free_port()
    start_server(
        "Solr stand-in",
        [sys.executable, str(PEERS / "solr_standin.py"), str(solr_port)],
        env=dict(os.environ),
        cwd=work,
        log_path=work / "solr-standin.log",
        ready_url=f"http://127.0.0.1:{solr_port}/solr/ckan/select?q=*:*",
        cleanup=cleanup,
    )
    site_id = f"openingup-bench-{os.getpid()}"
    url = f"http://127.0.0.1:{port}"
    ini = work / "ckan.ini"
    (work / "ckan-storage").mkdir()
    ini.write_text(
        Template((PEERS / "ckan.ini.tmpl").read_text()).substitute(
            secret=secrets.token_urlsafe(24),
            database_url=role.database("ckan"),
            site_url=url,
            site_id=site_id,
            solr_url=f"http://127.0.0.1:{solr_port}/solr/ckan",
            redis_url=REDIS_URL,
            plugins=plugins,
            storage_path=str(work / "ckan-storage"),
        )
    )
    cleanup.callback(forget_redis_keys, venv, site_id)
    env = {k: v for k, v in os.environ.items() if k not in {"CKAN_INI", "PYTHONPATH"}}
    cli = [str(venv / "bin" / "ckan"), "-c", str(ini)]
    setup_log = work / "ckan-setup.log"
    check([*cli, "db", "init"], env=env, cwd=work, log_path=setup_log)
    password = secrets.token_urlsafe(16)
    check(
        [*cli, "user", "add", "benchadmin", "email=bench@example.org", f"password={password}"],
        env=env,
        cwd=work,
        log_path=setup_log,
    )
    check([*cli, "sysadmin", "add", "benchadmin"], env=env, cwd=work, log_path=setup_log)
    out = check([*cli, "user", "token", "add", "benchadmin", "bench"], env=env, cwd=work, log_path=setup_log)
    token = [line.strip() for line in out.splitlines() if line.strip()][-1]
    start_server(
        "CKAN 2.12 (waitress)",
        [
            str(venv / "bin" / "python"),
            "-m",
            "waitress",
            f"--listen=127.0.0.1:{port}",
            f"--threads={SERVER_THREADS}",
            "ckan_wsgi:application",
        ],
        env={**env, "CKAN_INI": str(ini)},
        cwd=PEERS,
        log_path=work / "ckan.log",
        ready_url=f"{url}/api/3/action/status_show",
        cleanup=cleanup,
    )
    response = httpx.post(
        f"{url}/api/3/action/organization_create",
        json={"name": "bench-org", "title": "Bench organisation"},
        headers={"Authorization": token},
        timeout=REQUEST_TIMEOUT,
    )
    if response.status_code != 200:
        raise RuntimeError(f"CKAN organization_create: {response.status_code} {response.text[:2000]}")
    return Ckan(url=url, token=token, org="bench-org", ckan=cli)


def forget_redis_keys(venv: Path, site_id: str) -> None:
    """Delete whatever CKAN left in its Redis db (keys carry the site id)."""
    script = (
        "import redis,sys; r=redis.Redis.from_url(sys.argv[1]); "
        "keys=list(r.scan_iter(match='*'+sys.argv[2]+'*', count=1000)); "
        "keys and r.delete(*keys); print(len(keys))"
    )
    out = check([str(venv / "bin" / "python"), "-c", script, REDIS_URL, site_id], timeout=60)
    log(f"removed {out.strip()} CKAN keys from Redis db 14")


@dataclass
class OpeningUp:
    url: str
    token: str
    publisher: str
    slug: str


TOKEN_SCRIPT = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from openingup.organisations.services import create_token
user = get_user_model().objects.get(username="bench")
_, secret = create_token(actor=user, user=user, name="bench")
org = Organisation.objects.exclude(kind="external").order_by("slug").first()
dataset = Dataset.objects.filter(status="published").order_by("slug").first()
print(json.dumps({"token": secret, "publisher": org.slug, "slug": dataset.slug}))
"""


def start_openingup(work: Path, database_url: str, cleanup: contextlib.ExitStack) -> OpeningUp:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    home = work / "openingup-home"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OPENINGUP_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        OPENINGUP_HOME=str(home),
        OPENINGUP_BASE_URL=url,
        DJANGO_SETTINGS_MODULE="openingup.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT / "src"), env.get("PYTHONPATH", "")])),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    cli = [sys.executable, "-m", "openingup.cli.main"]
    setup_log = work / "openingup-setup.log"
    password = secrets.token_urlsafe(16)
    check(
        [*cli, "createadmin", "--username", "bench", f"--password={password}"],
        env=env,
        cwd=work,
        log_path=setup_log,
    )
    check([*cli, "demo"], env=env, cwd=work, log_path=setup_log)
    info = json.loads(check([sys.executable, "-c", TOKEN_SCRIPT], env=env, cwd=work).splitlines()[-1])
    start_server(
        "Opening Up (openingup serve, waitress)",
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(SERVER_THREADS)],
        env=env,
        cwd=work,
        log_path=work / "openingup.log",
        ready_url=f"{url}/datasets/{info['slug']}.ttl",
        cleanup=cleanup,
    )
    return OpeningUp(url=url, token=info["token"], publisher=info["publisher"], slug=info["slug"])


def import_into_ckan(ckan: Ckan, ours: OpeningUp, work: Path) -> str:
    """Give CKAN the record Opening Up serialises, read by ckanext-dcat's own DCAT-AP parser."""
    ttl = work / "openingup-dataset.ttl"
    ttl.write_bytes(httpx.get(f"{ours.url}/datasets/{ours.slug}.ttl", timeout=REQUEST_TIMEOUT).content)
    parsed = work / "ckan-dataset.json"
    check([*ckan.ckan, "dcat", "consume", "-f", "ttl", "-o", str(parsed), str(ttl)], cwd=work)
    datasets = json.loads(parsed.read_text())
    if len(datasets) != 1:
        raise RuntimeError(f"ckanext-dcat parsed {len(datasets)} datasets from {ttl}, expected 1")
    package = datasets[0]
    # ckanext-dcat 2.4.4 parses an access service's contact point and publisher as lists but its
    # serialiser expects one object (AttributeError: 'list' object has no attribute 'get'): keep the first.
    for resource in package.get("resources", []):
        if isinstance(resource.get("access_services"), str):
            services = json.loads(resource["access_services"])
            for service in services:
                for key in ("contact", "publisher"):
                    if isinstance(service.get(key), list):
                        service[key] = service[key][0] if service[key] else None
            resource["access_services"] = json.dumps(services)
    package.update(name=ours.slug, owner_org=ckan.org)
    response = httpx.post(
        f"{ckan.url}/api/3/action/package_create",
        json=package,
        headers={"Authorization": ckan.token},
        timeout=REQUEST_TIMEOUT,
    )
    if response.status_code != 200:
        raise RuntimeError(f"CKAN package_create of the imported record: {response.text[:2000]}")
    return ours.slug


# --------------------------------------------------------------------------------------------------
# Measuring


def triples(turtle: bytes) -> int:
    import rdflib

    return len(rdflib.Graph().parse(data=turtle.decode(), format="turtle"))


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.times, n=10)[-1] if len(self.times) > 1 else self.times[0]


def interleaved(a: Callable[[int], None], b: Callable[[int], None], n: int) -> tuple[Timing, Timing]:
    """Time a(i) and b(i) for i in 0..n-1, alternating which goes first, after WARMUP untimed rounds."""
    for i in range(WARMUP):
        a(-1 - i)
        b(-1 - i)
    ta, tb = Timing(), Timing()
    for i in range(n):
        order = ((a, ta), (b, tb)) if i % 2 == 0 else ((b, tb), (a, ta))
        for fn, timing in order:
            start = time.perf_counter()
            fn(i)
            timing.times.append((time.perf_counter() - start) * 1000)
    return ta, tb


def measure(ckan: Ckan, ours: OpeningUp, ckan_name: str, n: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with (
        httpx.Client(base_url=ckan.url, timeout=REQUEST_TIMEOUT, limits=limits) as ck,
        httpx.Client(base_url=ours.url, timeout=REQUEST_TIMEOUT, limits=limits) as ou,
    ):
        ck_ttl, ou_ttl = f"/dataset/{ckan_name}.ttl", f"/datasets/{ours.slug}.ttl"
        sizes = {"ckan": ck.get(ck_ttl).content, "openingup": ou.get(ou_ttl).content}

        def ckan_ttl(_: int) -> None:
            response = ck.get(ck_ttl)
            assert response.status_code == 200, response.text[:500]

        def ours_ttl(_: int) -> None:
            response = ou.get(ou_ttl)
            assert response.status_code == 200, response.text[:500]

        t_ck_ttl, t_ou_ttl = interleaved(ckan_ttl, ours_ttl, n)

        ck_headers = {"Authorization": ckan.token}
        ou_headers = {"Authorization": f"Bearer {ours.token}"}

        def ckan_create(i: int) -> None:
            body = {
                "name": f"measuring-points-{i}".replace("--", "-w"),
                "title": f"Measuring points {i}",
                "notes": "Air quality measuring points",
                "owner_org": ckan.org,
                "tags": [{"name": "air"}],
                "extras": [{"key": "theme", "value": json.dumps([ENVI])}],
            }
            response = ck.post("/api/3/action/package_create", json=body, headers=ck_headers)
            assert response.status_code == 200 and response.json()["success"], response.text[:500]

        def ours_create(i: int) -> None:
            body = {
                "publisher": ours.publisher,
                "title": {"nl": f"Meetpunten {i}", "en": f"Measuring points {i}"},
                "description": {"nl": "Meetpunten luchtkwaliteit", "en": "Air quality measuring points"},
                "keywords": {"nl": ["lucht"], "en": ["air"]},
                "themes": [ENVI],
            }
            response = ou.post("/api/v1/datasets", json=body, headers=ou_headers)
            assert response.status_code == 201, response.text[:500]

        t_ck_create, t_ou_create = interleaved(ckan_create, ours_create, n)

        # For reference only (no Opening Up counterpart: its new datasets are unpublished drafts): CKAN's
        # .ttl of a minimal record, the first one just created, to set beside the imported record's.
        small = "/dataset/measuring-points-0.ttl"
        t_ck_small = Timing()
        for i in range(WARMUP + n):
            start = time.perf_counter()
            response = ck.get(small)
            if i >= WARMUP:
                t_ck_small.times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text[:500]
        sizes["ckan_small"] = response.content
    return {
        "requests": n,
        "ttl": {"ckan": t_ck_ttl, "openingup": t_ou_ttl},
        "create": {"ckan": t_ck_create, "openingup": t_ou_create},
        "ckan_small_ttl": t_ck_small,
        "triples": {k: triples(v) for k, v in sizes.items()},
        "bytes": {k: len(v) for k, v in sizes.items()},
    }


def print_table(results: dict[str, Any]) -> None:
    n = results["requests"]
    rows = [
        ("DCAT-AP Turtle of one dataset (.ttl)", results["ttl"]),
        ("Dataset create through the API", results["create"]),
    ]
    db = results.get("openingup_database", "sqlite")
    print(
        f"CKAN 2.12 + ckanext-dcat (plugins: {results.get('ckan_plugins', CKAN_PLUGINS)}) vs "
        f"Opening Up ({db}), both over HTTP on waitress "
        f"({SERVER_THREADS} threads), httpx keep-alive client on 127.0.0.1, {n} requests each, interleaved:"
    )
    print(
        f"  {'operation':38} {'CKAN median':>12} {'p90':>7} {'Opening Up median':>18} {'p90':>7}"
        f" {'CKAN/OU':>8}"
    )
    for label, pair in rows:
        ck, ou = pair["ckan"], pair["openingup"]
        print(
            f"  {label:38} {ck.median:9.2f} ms {ck.p90:7.2f} {ou.median:15.2f} ms {ou.p90:7.2f} "
            f"{ck.median / ou.median:7.1f}x"
        )
    t, b = results["triples"], results["bytes"]
    print(
        f"  (.ttl of the same record: CKAN {t['ckan']} triples / {b['ckan']} bytes, "
        f"Opening Up {t['openingup']} triples / {b['openingup']} bytes; CKAN create is package_create "
        "with the Solr stand-in taking the index write)"
    )
    small = results["ckan_small_ttl"]
    print(
        f"  (for reference, CKAN .ttl of a minimal record ({t['ckan_small']} triples, the create payload): "
        f"median {small.median:.2f} ms, p90 {small.p90:.2f})"
    )


# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so that the finally blocks clean up."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(
    requests: int = 300, openingup_postgres: bool = False, ckan_plugins: str = CKAN_PLUGINS
) -> dict[str, Any]:
    """Set both systems up, measure, tear everything down; the results (times in ms)."""
    started = time.perf_counter()
    venv, install_seconds = ckan_venv()
    work = Path(tempfile.mkdtemp(prefix="openingup-ckan-peer-"))
    keep_work = False
    try:
        with sigterm_as_exit(), contextlib.ExitStack() as cleanup:
            try:
                role = PgRole()
                role.create(cleanup)
                ckan = start_ckan(venv, work, role, ckan_plugins, cleanup)
                ours = start_openingup(work, role.database("ou") if openingup_postgres else "", cleanup)
                ckan_name = import_into_ckan(ckan, ours, work)
                setup_seconds = time.perf_counter() - started - install_seconds
                log(
                    f"set up in {setup_seconds:.1f} s; measuring {requests} requests per operation and system"
                )
                measure_start = time.perf_counter()
                results = measure(ckan, ours, ckan_name, requests)
                results.update(
                    install_seconds=install_seconds,
                    setup_seconds=setup_seconds,
                    measure_seconds=time.perf_counter() - measure_start,
                    openingup_database="postgresql" if openingup_postgres else "sqlite",
                    ckan_plugins=ckan_plugins,
                )
            except Exception:
                keep_work = True  # the logs tell what failed (an interrupt removes them with the rest)
                raise
    finally:
        if keep_work:
            log(f"failed: logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["total_seconds"] = time.perf_counter() - started
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="Timed requests per operation and system.")
    parser.add_argument(
        "--openingup-postgres",
        action="store_true",
        help="Run Opening Up on PostgreSQL instead of its embedded SQLite default.",
    )
    parser.add_argument(
        "--ckan-plugins",
        default=CKAN_PLUGINS,
        help=f"CKAN plugins (default {CKAN_PLUGINS!r}: activity is in CKAN's default ini; dcat is needed).",
    )
    args = parser.parse_args()
    results = run(args.requests, args.openingup_postgres, args.ckan_plugins)
    print_table(results)
    print(
        f"  (CKAN install {results['install_seconds']:.1f} s, set-up {results['setup_seconds']:.1f} s, "
        f"measuring {results['measure_seconds']:.1f} s, total {results['total_seconds']:.1f} s)"
    )


if __name__ == "__main__":
    main()
