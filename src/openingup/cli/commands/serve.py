"""``openingup serve``: migrate, load demo content when asked, start the worker, the scheduler of the
periodic work (without a broker) and the web server."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="Run the platform: migrate, start the background worker and web server.")
    p.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
    p.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
    p.add_argument(
        "--demo", action="store_true", help="Load the demo municipality when the catalogue is empty."
    )
    p.add_argument("--threads", type=int, default=8, help="Web server threads per process (default 8).")
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="Web server processes sharing the port (default 1; the number of cores gives most throughput).",
    )
    p.add_argument("--socket-fd", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from waitress import create_server

    from openingup.core.middleware import OVERHEAD_BYTES
    from openingup.core.schedule import start_scheduler
    from openingup.core.tasks import in_process_backend
    from openingup.wsgi import application

    options: dict[str, Any] = {
        "threads": args.threads,
        "ident": "openingup",
        # chunked bodies carry no Content-Length; waitress stops them at the same limit
        "max_request_body_size": settings.MAX_UPLOAD_BYTES + OVERHEAD_BYTES,
    }
    if args.socket_fd is not None:  # a helper process started by --processes: serve the parent's socket
        server = create_server(
            StaticFilesHandler(application), sockets=[socket.socket(fileno=args.socket_fd)], **options
        )
        _exit_with_parent()
        server.run()
        return 0
    try:  # bind first, so a taken port is said at once, before migrations and demo content
        server = create_server(StaticFilesHandler(application), host=args.host, port=args.port, **options)
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port")
    migrate()
    if args.demo:
        from openingup.catalogue.demo.loader import load_demo

        summary = load_demo()
        print(f"demo: {summary}")
        from openingup.reports.demo.loader import load_demo as load_reports_demo

        print(f"demo report services: {load_reports_demo()}")
        from openingup.readiness.demo.loader import load_demo as load_readiness_demo

        print(f"demo readiness: {load_readiness_demo()}")
    scheduler = None
    if settings.BROKER_URL:
        print("background work goes to Celery at OPENINGUP_BROKER_URL; run `openingup worker` beside this.")
    else:
        in_process_backend().start()
        try:  # periodic work runs here, in this process only: the --processes helpers only serve pages
            scheduler = start_scheduler()
        except ValueError as exc:
            return fail(str(exc))
    print(
        f"Opening Up at http://{args.host}:{args.port}/ (state in {settings.HOME}) — Ctrl+C stops it.",
        flush=True,
    )
    helpers = _start_helpers(server, args)
    # SIGTERM (as from a service manager) ends the server like Ctrl+C, so the helpers stop with it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        server.run()
    finally:
        if scheduler is not None:
            scheduler.stop()
        for helper in helpers:
            helper.terminate()
        server.close()
    return 0


def _exit_with_parent() -> None:
    """A helper process ends when the process that started it is gone, however that one ended."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="openingup-parent-watch", daemon=True).start()


def _start_helpers(server: Any, args: argparse.Namespace) -> list[subprocess.Popen[bytes]]:
    """``--processes N``: N - 1 more server processes on the same listening socket (the kernel spreads
    the connections). They are fresh interpreters, not forks, so no thread or database state is shared;
    background work stays with this process."""
    fd = server.socket.fileno()
    command = [sys.executable, "-m", "openingup.cli.main", "serve", "--socket-fd", str(fd)]
    command += ["--threads", str(args.threads)]
    # Our own interpreter and arguments only; nothing from outside reaches the command line.
    return [subprocess.Popen(command, pass_fds=(fd,)) for _ in range(max(0, args.processes - 1))]  # noqa: S603
