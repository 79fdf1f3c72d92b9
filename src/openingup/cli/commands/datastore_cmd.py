"""``openingup datastore``: load a file as a new distribution's queryable table, list versions, expire."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("datastore", help="Load tabular files into the datastore and manage its tables.")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="load, expire or reindex")
    load = inner.add_parser(
        "load",
        help="Add PATH as a new distribution of a dataset and load it; prints the distribution id last.",
    )
    load.add_argument("path", type=Path, help="CSV, TSV, XLSX, ODS, JSON, NDJSON, GeoJSON or Parquet file.")
    load.add_argument("--dataset", required=True, help="Slug of the dataset the distribution joins.")
    load.add_argument("--title", default="", help="Title of the new distribution (default: the file name).")
    load.add_argument(
        "--timeout", type=float, default=3600, help="Seconds to wait for the load (default 3600)."
    )
    load.set_defaults(run=run_load)
    expire = inner.add_parser("expire", help="Remove replaced versions whose keeping time is over.")
    expire.set_defaults(run=run_expire)
    reindex = inner.add_parser(
        "reindex",
        help="Rebuild the full-text index of every queryable table version (e.g. after a DuckDB "
        "upgrade: an index hashed by another version is not used, and search scans until then).",
    )
    reindex.set_defaults(run=run_reindex)


def run_load(args: argparse.Namespace) -> int:
    from django.core.files import File

    from openingup.catalogue.models import Dataset
    from openingup.catalogue.services.distributions import add_distribution
    from openingup.core.models import Job
    from openingup.datastore.models import Table
    from openingup.datastore.sources import kind_for

    if not args.path.is_file():
        return fail(f"no file at {args.path}")
    if kind_for(args.path.name) is None:
        return fail(f"{args.path.name}: not a tabular file the datastore reads (csv, tsv, xlsx, ods, json, "
                    "ndjson, geojson, parquet)")  # fmt: skip
    migrate()
    dataset = Dataset.objects.filter(slug=args.dataset).first()
    if dataset is None:
        return fail(f"no dataset {args.dataset!r}")
    started = time.perf_counter()
    with args.path.open("rb") as fh:
        upload = File(fh, name=args.path.name)
        distribution = add_distribution(
            actor=None,
            dataset=dataset,
            data={"title": {"en": args.title or args.path.name}},
            upload=upload,  # type: ignore[arg-type]
        )
    print(f"added distribution {distribution.pk}; loading …", file=sys.stderr)
    deadline = time.monotonic() + args.timeout
    jobs = Job.objects.filter(name="datastore.ingest", arguments__distribution_id=str(distribution.pk))
    job_id = None
    last = ""
    while time.monotonic() < deadline:
        # Three columns of one row by primary key: the worker loading the data meanwhile is not slowed.
        job_id = job_id or jobs.values_list("pk", flat=True).first()
        found = job_id and Job.objects.filter(pk=job_id).values_list("status", "progress", "message").first()
        if found:
            status, progress, message = found
            state = f"{progress}% {message}"
            if state != last:
                print(f"  {state}", file=sys.stderr)
                last = state
            if status in {Job.Status.DONE, Job.Status.FAILED}:
                break
        time.sleep(0.05)
    table = Table.objects.filter(distribution=distribution).order_by("-version").first()
    if table is None or table.status != Table.Status.READY:
        report = table.report if table else {}
        for problem in (report.get("errors") or [])[-20:]:
            where = " ".join(
                x
                for x in (f"row {problem['row']}" if problem.get("row") else "", problem.get("field") or "")
                if x
            )
            print(
                f"  {problem['code']}: {problem['message']}" + (f" ({where})" if where else ""),
                file=sys.stderr,
            )
        print(distribution.pk)
        return fail("the data could not be loaded" if table else "the load did not finish in time", 1)
    print(f"loaded {table.row_count:,} rows, {len(table.fields)} columns (version {table.version})")
    stages = {"read": "read", "infer": "infer", "read_write": "read and typed write", "write": "write"}
    for key, label in {**stages, "profile": "profile"}.items():
        if key in table.timings:
            print(f"{label} done after {table.timings[key]:.2f} s")
    print(f"queryable after {table.timings.get('queryable', 0):.2f} s")
    if "text_index" in table.timings:
        print(f"text index ready after {table.timings['text_index']:.2f} s")
    print(f"complete after {table.timings.get('complete', 0):.2f} s")
    print(f"wall time {time.perf_counter() - started:.2f} s")
    problems = table.report.get("error_count", 0)
    if problems:
        print(f"{problems} problem(s) reported; see /api/v1/distributions/{distribution.pk}/table")
    print(distribution.pk)
    return 0


def run_expire(args: argparse.Namespace) -> int:
    from openingup.datastore import services

    migrate()
    print(f"removed {services.expire_versions()} expired version(s), {services.drop_orphans()} orphaned")
    return 0


def run_reindex(args: argparse.Namespace) -> int:
    from openingup.datastore import services
    from openingup.datastore.models import Table

    migrate()
    done = failed = 0
    for table in Table.objects.filter(status=Table.Status.READY).order_by("created_at"):
        started = time.perf_counter()
        if services.build_text_index(table):
            done += 1
            print(f"{table.pk}: text index rebuilt in {time.perf_counter() - started:.2f} s")
        else:
            failed += 1
            print(f"{table.pk}: the text index could not be built (see the log)", file=sys.stderr)
    print(f"rebuilt {done} text index(es), {failed} failed")
    return 1 if failed else 0
