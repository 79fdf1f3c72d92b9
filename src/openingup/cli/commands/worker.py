"""``openingup worker``: the Celery worker when a broker is configured, else the in-process worker."""

from __future__ import annotations

import argparse
import time


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "worker", help="Run background work: Celery on OPENINGUP_BROKER_URL, or in this process."
    )
    p.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (default 2).")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    from openingup.core.tasks import in_process_backend

    if settings.BROKER_URL:
        from openingup.core.celery import configure

        app = configure(settings.BROKER_URL)
        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}"])
        return 0
    backend = in_process_backend()
    backend.start()
    print("in-process worker running; Ctrl+C stops it.", flush=True)
    while True:
        time.sleep(3600)
