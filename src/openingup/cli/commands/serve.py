"""``openingup serve``: migrate, load demo content when asked, start the worker and the web server."""

from __future__ import annotations

import argparse

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="Run the platform: migrate, start the background worker and web server.")
    p.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
    p.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
    p.add_argument(
        "--demo", action="store_true", help="Load the demo municipality when the catalogue is empty."
    )
    p.add_argument("--threads", type=int, default=8, help="Web server threads (default 8).")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from waitress import create_server

    from openingup.core.middleware import OVERHEAD_BYTES
    from openingup.core.tasks import in_process_backend
    from openingup.wsgi import application

    try:  # bind first, so a taken port is said at once, before migrations and demo content
        server = create_server(
            StaticFilesHandler(application),
            host=args.host,
            port=args.port,
            threads=args.threads,
            ident="openingup",
            # chunked bodies carry no Content-Length; waitress stops them at the same limit
            max_request_body_size=settings.MAX_UPLOAD_BYTES + OVERHEAD_BYTES,
        )
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port")
    migrate()
    if args.demo:
        from openingup.catalogue.demo.loader import load_demo

        summary = load_demo()
        print(f"demo: {summary}")
    if settings.BROKER_URL:
        print("background work goes to Celery at OPENINGUP_BROKER_URL; run `openingup worker` beside this.")
    else:
        in_process_backend().start()
    print(
        f"Opening Up at http://{args.host}:{args.port}/ (state in {settings.HOME}) — Ctrl+C stops it.",
        flush=True,
    )
    try:
        server.run()
    finally:
        server.close()
    return 0
