"""Shared set-up for benchmarks: a throw-away OPENINGUP_HOME with a migrated database."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def django_in_temp_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="openingup-bench-"))
    os.environ.setdefault("OPENINGUP_HOME", str(home))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return home


def best_of(n: int, fn: Callable[[], object]) -> float:
    """Best wall-clock seconds of n runs (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
