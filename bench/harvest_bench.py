"""Harvest a Hydra-paged DCAT-AP catalogue from a local server: datasets/s and peak memory.

    python bench/harvest_bench.py [--datasets 10000] [--page-size 100]

A catalogue of N generated datasets (Turtle, one distribution each, ``hydra:next`` paging) is served on
127.0.0.1. Two runs, each in its own process so that peak memory (max RSS) is its own:

* ``openingup``: a full harvest (gather → parse → validate → import → one record per dataset) into a
  fresh SQLite database, through the safe HTTP client, with everything the catalogue's events set off:
  the search index (in the harvest's own commits) and then the background work it queued, timed until
  it is done (the quality scores of every dataset). The datastore's ingest jobs for the CSV
  distributions are queued and counted but not run: they download each remote file (timed by
  ``bench/datastore_bench.py``), and the generated files do not exist;
* ``openingup-alone``: the same harvest with the catalogue's event subscribers (search index, quality
  score, datastore ingest) switched off, to show what the harvest itself costs;
* ``rdflib-per-page``: the approach of ckanext-dcat and udata, parsing each page into an rdflib graph
  and counting its datasets, without writing anything.

Printed side by side with the ratio; nothing is asserted. Target: ≥ 200 datasets/s and < 500 MB.
``harvest/s`` counts the harvest alone, ``done/s`` until its background work has ended too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def page(base: str, number: int, size: int, total: int) -> bytes:
    """One Turtle page of the generated catalogue."""
    last = -(-total // size)
    lines = [PREFIXES, f"<{base}/catalog> a dcat:Catalog ; hydra:totalItems {total} ."]
    view = f"<{base}/catalog.ttl?page={number}> a hydra:PartialCollectionView"
    if number < last:
        view += f" ; hydra:next <{base}/catalog.ttl?page={number + 1}>"
    lines.append(view + " .")
    for n in range((number - 1) * size, min(number * size, total)):
        ds = f"https://bench.test/datasets/{n}"
        lines.append(
            f'<{ds}> a dcat:Dataset ; dct:title "Dataset {n}"@en, "Dataset {n}"@nl ;\n'
            f'  dct:description "Generated dataset number {n} for the harvest benchmark."@en ;\n'
            f'  dcat:keyword "bench"@en, "k{n % 50}"@en ; dct:issued "2024-01-01"^^xsd:date ;\n'
            f"  dcat:distribution <{ds}/csv> .\n"
            f"<{ds}/csv> a dcat:Distribution ; dcat:accessURL <https://files.bench.test/{n}.csv> ;\n"
            f"  dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ."
        )
    return "\n".join(lines).encode()


def serve(total: int, size: int) -> tuple[ThreadingHTTPServer, str]:
    class Handle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            number = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
            body = page(base, number, size, total)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, base


def run_openingup(url: str, *, subscribers: bool = True) -> int:
    sys.path.insert(0, os.path.dirname(__file__))
    from _setup import django_in_temp_home

    django_in_temp_home()
    if not subscribers:  # the harvest alone: what search, quality and datastore do on each event left out
        import openingup.core.events as bus

        bus._deliver = lambda events: None
    from openingup.core import tasks
    from openingup.core.models import Job
    from openingup.harvest import pipeline, services

    held: list[str] = []  # background jobs are run after the harvest (one core: the same work in total)
    tasks.InProcessBackend.submit = lambda self, job_id: held.append(job_id)  # type: ignore[method-assign]
    source = services.add_source(actor=None, type="dcat", url=url)
    started = time.perf_counter()
    job = pipeline.run_job(services.start_harvest(actor=None, source=source, background=False).pk)
    harvested = time.perf_counter()
    print(f"seconds {harvested - started:.3f}")
    if job.status != "done" or job.failed:
        raise SystemExit(
            f"harvest did not succeed: {job.status} {job.error} {job.report.get('failed', [])[:3]}"
        )
    ingest = Job.objects.filter(name="datastore.ingest").values_list("pk", flat=True)
    skipped = {str(pk) for pk in ingest}
    for job_id in held:  # jobs these jobs queue are appended, and run too
        if job_id not in skipped and tasks.run_job(job_id).status != Job.Status.DONE:
            raise SystemExit(f"background job {job_id} did not succeed")
    print(f"background {time.perf_counter() - harvested:.3f}")
    print(f"ingest-jobs {len(skipped)}")
    if subscribers:
        _check_done(job.created)
    return job.created


def _check_done(created: int) -> None:
    """What the platform does after a harvest has happened: every dataset scored and findable."""
    from openingup.quality.models import PendingScore, QualityScore
    from openingup.search.queries import SearchQuery, search

    scored = QualityScore.objects.count()
    found = search(SearchQuery(q="generated benchmark", limit=1, facets=False)).total
    if scored != created or PendingScore.objects.exists() or found != created:
        raise SystemExit(f"after the harvest: {scored} scored, {found} found of {created} datasets")


def run_rdflib(url: str) -> int:
    import httpx
    import rdflib

    dcat = rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")
    nxt = rdflib.URIRef("http://www.w3.org/ns/hydra/core#next")
    count = 0
    started = time.perf_counter()
    with httpx.Client() as client:
        while url:
            graph = rdflib.Graph().parse(data=client.get(url).content, format="turtle")
            count += len(set(graph.subjects(rdflib.RDF.type, dcat)))
            url = str(next(graph.objects(None, nxt), "") or "")
    print(f"seconds {time.perf_counter() - started:.3f}")
    return count


def measure(mode: str, url: str) -> tuple[int, float, float, float, int]:
    """(datasets, seconds, peak MB, background seconds, ingest jobs) of one run in a child process
    (seconds of the harvest itself, without starting Python and Django)."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, url], stdout=subprocess.PIPE, env={**os.environ}
    )
    out = child.stdout.read().decode().strip() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} run failed ({status}): {out}")
    lines = out.splitlines()

    def value(name: str) -> float:
        return float(next((line.split()[1] for line in lines if line.startswith(f"{name} ")), 0))

    return (
        int(lines[-1]),
        value("seconds"),
        usage.ru_maxrss / 1024,
        value("background"),
        int(value("ingest-jobs")),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10_000, help="Datasets in the catalogue.")
    parser.add_argument("--page-size", type=int, default=100, help="Datasets per Hydra page.")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, url = args.child
        if mode == "rdflib-per-page":
            print(run_rdflib(url))
        else:
            print(run_openingup(url, subscribers=mode == "openingup"))
        return
    os.environ["OPENINGUP_ALLOW_PRIVATE_HOSTS"] = "127.0.0.1"
    httpd, base = serve(args.datasets, args.page_size)
    try:
        modes = ("openingup", "rdflib-per-page", "openingup-alone")
        results = {mode: measure(mode, f"{base}/catalog.ttl?page=1") for mode in modes}
    finally:
        httpd.shutdown()
    print(
        f"{'':18} {'datasets':>9} {'harvest s':>10} {'+ after s':>10} {'harvest/s':>10} {'done/s':>8} "
        f"{'peak MB':>8}"
    )
    for mode, (n, seconds, peak, after, _ingest) in results.items():
        print(
            f"{mode:18} {n:9d} {seconds:10.1f} {after:10.1f} {n / seconds:10.0f} "
            f"{n / (seconds + after):8.0f} {peak:8.0f}"
        )
    (ours, t_ours, m_ours, after, ingest), (theirs, t_theirs, m_theirs, _, _), _ = results.values()
    print(f"openingup: {ingest} datastore ingest jobs queued (not run: they download the remote files)")
    print(f"speed ratio openingup (harvest) / rdflib-per-page: {(ours / t_ours) / (theirs / t_theirs):.2f}")
    print(
        "speed ratio openingup (until done) / rdflib-per-page: "
        f"{(ours / (t_ours + after)) / (theirs / t_theirs):.2f}"
    )
    print(f"memory ratio openingup / rdflib-per-page: {m_ours / m_theirs:.2f}")


if __name__ == "__main__":
    main()
