"""``openingup worker``: the Celery worker when a broker is configured, else the in-process worker; both
with the scheduler of the periodic work (unless ``OPENINGUP_SCHEDULER=off``)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from openingup.cli.commands.common import fail


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "worker", help="Run background and periodic work: Celery on OPENINGUP_BROKER_URL, or in this process."
    )
    p.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (default 2).")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    from openingup.core.schedule import Scheduler, intervals, start_scheduler
    from openingup.core.tasks import in_process_backend

    try:  # a mistyped interval override is said now, not in a log at every tick
        intervals()
    except ValueError as exc:
        return fail(str(exc))
    # Several workers may each run a scheduler: the database claim gives every run to one of them.
    schedulers: list[Scheduler | None] = []
    try:
        if settings.BROKER_URL:
            from celery.signals import worker_ready

            from openingup.core.celery import configure

            # Started once the pool's processes are forked, so none of them inherits the thread.
            def start(**kwargs: Any) -> None:
                schedulers.append(start_scheduler())

            worker_ready.connect(start, weak=False)
            try:
                app = configure(settings.BROKER_URL)
                app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}"])
            finally:
                worker_ready.disconnect(start)
            return 0
        backend = in_process_backend()
        backend.start()
        schedulers.append(start_scheduler())
        print("in-process worker running; Ctrl+C stops it.", flush=True)
        while True:
            time.sleep(3600)
    finally:
        for scheduler in schedulers:
            if scheduler is not None:
                scheduler.stop()
