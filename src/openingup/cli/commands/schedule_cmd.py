"""``openingup schedule list | run-due``: the periodic work, and running it from cron instead.

``openingup serve`` (embedded default) and ``openingup worker`` (with a broker) run the periodic work by
themselves; with ``OPENINGUP_SCHEDULER=off`` a cron entry calling ``openingup schedule run-due`` every
minute or few does the same. Both share one claim per run, so mixing them never runs a job twice."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import Any

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("schedule", help="Periodic work: list the jobs, or run those due (for cron).")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="list, run-due")
    listing = inner.add_parser("list", help="Every periodic job: interval, last run, next run, last outcome.")
    listing.add_argument("--format", choices=["text", "json"], default="text", help="Output format.")
    listing.set_defaults(run=run_list)
    due = inner.add_parser(
        "run-due", help="Queue (and, without a broker, run) the periodic jobs whose time has come."
    )
    due.set_defaults(run=run_due)


def _when(moment: datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _interval(every: timedelta | None) -> str:
    if every is None:
        return "off"
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def run_list(args: argparse.Namespace) -> int:
    from openingup.core import schedule

    migrate()
    try:
        rows = schedule.status()
    except ValueError as exc:
        return fail(str(exc))
    if args.format == "json":
        out: list[dict[str, Any]] = [
            {
                "name": r.name,
                "runs": r.runs,
                "every_seconds": int(r.every.total_seconds()) if r.every else None,
                "last_run": r.last_run_at.isoformat() if r.last_run_at else None,
                "next_run": r.next_run_at.isoformat() if r.next_run_at else None,
                "last_job": str(r.last_job.pk) if r.last_job else None,
                "last_status": r.last_job.status if r.last_job else None,
                "last_error": r.last_error or None,
            }
            for r in rows
        ]
        print(json.dumps({"scheduler": schedule.enabled(), "jobs": out}, indent=2))
        return 0
    state = "on" if schedule.enabled() else "off (run `openingup schedule run-due` from cron)"
    print(f"scheduler in serve/worker: {state}")
    print(f"{'job':<28} {'every':>6}  {'last run':<19}  {'next run':<19}  outcome")
    for r in rows:
        outcome = r.last_error or (r.last_job.status if r.last_job else "")
        next_run = _when(r.next_run_at) if r.next_run_at or r.every is None else "due now"
        print(f"{r.name:<28} {_interval(r.every):>6}  {_when(r.last_run_at):<19}  {next_run:<19}  {outcome}")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from openingup.core import schedule

    migrate()
    try:
        outcomes = schedule.run_due()
    except ValueError as exc:
        return fail(str(exc))
    for o in outcomes:
        if o.error:
            print(f"{o.name}: failed: {o.error}")
        elif o.job is not None:
            print(f"{o.name}: queued job {o.job.pk}")
        else:
            print(f"{o.name}: {o.note}")
    if not outcomes:
        print("nothing is due")
    return 1 if any(o.error for o in outcomes) else 0
