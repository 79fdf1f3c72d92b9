"""The ``openingup`` command: argparse front, one module per command under :mod:`.commands`.

Each command module exposes ``add(subparsers)`` which registers its parser with a ``run(args) -> int``
default. Django is set up once before a command runs; exit codes: 0 fine, 1 problems found (e.g.
SHACL violations, failed imports), 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
from collections.abc import Sequence

from openingup import __version__
from openingup.cli.commands import COMMANDS


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="openingup",
        description="Opening Up: open data, citizen reports, social media and readiness for municipalities.",
        epilog="State lives under $OPENINGUP_HOME (default ./var). `openingup config` lists every setting.",
    )
    root.add_argument("--version", action="version", version=f"openingup {__version__}")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.add(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")
    import django

    django.setup()
    try:
        code = int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    # Background work a command started in-process (e.g. loading the demo's tables) finishes before exit.
    from openingup.core.tasks import in_process_backend

    in_process_backend().join(timeout=900)
    return code


def run() -> None:
    """The console script: :func:`main`, then leave without the interpreter's teardown.

    Once a command is done, its work is committed and its files are closed; what remains is freeing
    every module and object one by one, which takes about 0.2 s after a large load (mypy leaves the
    same way). Database connections are closed (SQLite checkpoints its log there) and the output
    flushed first. Tests call :func:`main`, which returns normally.
    """
    code = main()
    from django.db import connections

    connections.close_all()
    atexit._run_exitfuncs()  # type: ignore[attr-defined]  # what modules registered (logging's among them)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``openingup … | head``) has nothing left to take
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
