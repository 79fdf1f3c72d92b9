"""``openingup harvest add | edit | delete | run | list | show | schedule``: harvest sources from the
command line."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from openingup.cli.commands.common import fail, migrate, organisation_named

TYPES = ("ckan", "dcat", "csw", "openingup", "open311")


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "harvest", help="Harvest other catalogues (CKAN, DCAT-AP, CSW, Opening Up) and Open311 endpoints."
    )
    inner = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="add, edit, delete, run, list, show, schedule"
    )
    a = inner.add_parser("add", help="Register a source; prints its id on the last line.")
    a.add_argument("--type", required=True, choices=TYPES, help="What kind of source it is.")
    a.add_argument(
        "url",
        metavar="URL",
        help="The source's address (CKAN site, RDF document, CSW endpoint, Open311 endpoint, …).",
    )
    a.add_argument("--organisation", metavar="SLUG", help="Publisher for datasets that name none.")
    a.add_argument("--title", default="", help="A name for the source (default: its URL).")
    a.add_argument(
        "--frequency",
        default="manual",
        choices=("manual", "hourly", "daily", "weekly", "monthly"),
        help="How often `harvest schedule` runs it (default manual).",
    )
    a.set_defaults(run=run_add)
    e = inner.add_parser("edit", help="Change a source's settings (those not given stay as they are).")
    e.add_argument("source", metavar="SOURCE", help="The source's id or URL.")
    e.add_argument("--type", choices=TYPES, help="Another kind (only before its first harvest).")
    e.add_argument("--url", help="A new address.")
    e.add_argument(
        "--organisation", metavar="SLUG", help="Publisher for datasets that name none ('-' for none)."
    )
    e.add_argument("--title", help="A new name ('' for none: the URL is shown).")
    e.add_argument("--frequency", choices=("manual", "hourly", "daily", "weekly", "monthly"))
    state = e.add_mutually_exclusive_group()
    state.add_argument(
        "--pause", dest="active", action="store_false", default=None, help="Stop its scheduled runs."
    )
    state.add_argument("--resume", dest="active", action="store_true", help="Run it on schedule again.")
    e.set_defaults(run=run_edit)
    x = inner.add_parser("delete", help="Remove a source with its jobs and records.")
    x.add_argument("source", metavar="SOURCE", help="The source's id or URL.")
    x.add_argument(
        "--datasets",
        required=True,
        choices=("keep", "withdraw"),
        help="What becomes of the datasets it harvested: keep them published, or withdraw (archive) them.",
    )
    x.set_defaults(run=run_delete)
    r = inner.add_parser("run", help="Harvest a source now, wait for the job and print its report.")
    r.add_argument("source", metavar="SOURCE", help="The source's id or URL.")
    r.set_defaults(run=run_run)
    s = inner.add_parser("list", help="List the sources with their last job.")
    s.set_defaults(run=run_list)
    w = inner.add_parser("show", help="Show a source, its record counts and its latest jobs.")
    w.add_argument("source", metavar="SOURCE", help="The source's id or URL.")
    w.set_defaults(run=run_show)
    d = inner.add_parser("schedule", help="Queue the sources whose scheduled run is due (for cron).")
    d.add_argument("--every", type=int, default=0, metavar="SECONDS", help="Keep checking every SECONDS.")
    d.set_defaults(run=run_schedule)


def run_add(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.harvest import services

    migrate()
    try:
        org = organisation_named(args.organisation)
    except LookupError as exc:
        return fail(str(exc))
    try:
        source = services.add_source(
            actor=None,
            type=args.type,
            url=args.url,
            organisation=org,
            title=args.title,
            frequency=args.frequency,
        )
    except ServiceError as exc:
        return fail(str(exc))
    print(f"added {source.type} source {source.url}")
    print(source.pk)
    return 0


def run_edit(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.harvest import queries, services

    migrate()
    changes: dict[str, Any] = {}
    if args.organisation is not None:
        try:
            changes["organisation"] = (
                None if args.organisation == "-" else organisation_named(args.organisation)
            )
        except LookupError as exc:
            return fail(str(exc))
    for name in ("type", "url", "title", "frequency", "active"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    try:
        source = queries.find_source(args.source)
        services.edit_source(actor=None, source=source, **changes)
    except ServiceError as exc:
        return fail(str(exc))
    state = "" if source.active else ", paused"
    org = source.organisation.slug if source.organisation else "-"
    print(f"{source.pk}: {source.type} {source.url} ({source.frequency}{state}, organisation {org})")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.harvest import queries, services

    migrate()
    try:
        source = queries.find_source(args.source)
        removal = services.delete_source(actor=None, source=source, datasets=args.datasets)
    except ServiceError as exc:
        return fail(str(exc))
    kept = "its datasets were kept" if args.datasets == "keep" else f"{removal.withdrawn} datasets withdrawn"
    print(f"removed {source.type} source {source.url}; {kept}")
    return 0


def run_run(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.harvest import pipeline, queries, report, services

    migrate()
    try:
        source = queries.find_source(args.source)
        job = services.start_harvest(actor=None, source=source, background=False)
    except ServiceError as exc:
        return fail(str(exc))
    job = pipeline.run_job(job.pk, progress=_Bar(str(job.pk)))
    print(file=sys.stderr)
    print(report.in_plain_words(job))
    return 1 if job.status == job.Status.FAILED else 0


class _Bar:
    """Shows the job's progress on stderr as the pipeline reports it (in place of a background job's)."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def update(self, percent: float, message: str = "") -> None:
        print(f"\r{int(percent):3d}%  {message}", end="", file=sys.stderr, flush=True)


def run_list(args: argparse.Namespace) -> int:
    from openingup.harvest.models import HarvestSource
    from openingup.harvest.queries import latest_job

    migrate()
    for source in HarvestSource.objects.select_related("organisation").order_by("created_at"):
        last = latest_job(source)
        state = f"{last.status} {last.created_at:%Y-%m-%d %H:%M}" if last else "never run"
        org = source.organisation.slug if source.organisation else "-"
        print(f"{source.pk}  {source.type:9}  {source.frequency:7}  {org:20}  {state:22}  {source.url}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.harvest import queries, report

    migrate()
    try:
        source = queries.find_source(args.source)
    except ServiceError as exc:
        return fail(str(exc))
    print(f"id:           {source.pk}")
    print(f"type:         {source.type}")
    print(f"url:          {source.url}")
    print(f"organisation: {source.organisation.slug if source.organisation else '-'}")
    print(f"frequency:    {source.frequency}{'' if source.active else ' (inactive)'}")
    print(
        "records:      " + ", ".join(f"{n} {status}" for status, n in queries.record_counts(source).items())
    )
    for job in queries.jobs_of(source, limit=5):
        print(f"\njob {job.pk} started {job.started_at or job.created_at:%Y-%m-%d %H:%M}")
        print(report.in_plain_words(job))
    return 0


def run_schedule(args: argparse.Namespace) -> int:
    from openingup.harvest.services import start_due_harvests

    migrate()
    while True:
        for job in start_due_harvests():
            print(f"queued {job.source.url} as job {job.pk}", flush=True)
        if args.every <= 0:
            return 0
        time.sleep(args.every)
