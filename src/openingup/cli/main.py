"""The ``openingup`` command: argparse front, one module per command under :mod:`.commands`.

Each command module exposes ``add(subparsers)`` which registers its parser with a ``run(args) -> int``
default. Django is set up once before a command runs; exit codes: 0 fine, 1 problems found (e.g.
SHACL violations, failed imports), 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
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


if __name__ == "__main__":
    sys.exit(main())
