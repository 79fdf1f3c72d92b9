"""Helpers shared by the commands: migrations, readable errors."""

from __future__ import annotations

import sys

from django.core.management import call_command


def migrate(verbose: bool = False) -> None:
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
