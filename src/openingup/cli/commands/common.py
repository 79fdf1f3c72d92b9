"""Helpers shared by the commands: migrations, readable errors."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command


def migrate(verbose: bool = False) -> None:
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def organisation_named(slug: str | None) -> Any:
    """The organisation an ``--organisation SLUG`` option names (None without one); LookupError naming
    the slug when there is no such organisation."""
    from openingup.organisations.models import Organisation

    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise LookupError(f"no organisation with slug {slug!r}")
    return found
