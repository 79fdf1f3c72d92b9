"""``openingup search``: rebuild the catalogue search index, with a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from openingup.cli.commands.common import migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("search", help="Manage the catalogue search index.")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="reindex")
    reindex = inner.add_parser(
        "reindex", help="Rebuild the search index from every dataset of the catalogue."
    )
    reindex.add_argument(
        "--batch", type=int, default=1000, help="Datasets read and written per transaction (default 1000)."
    )
    reindex.add_argument(
        "--clear", action="store_true", help="Empty the index first (searches find nothing until it is done)."
    )
    reindex.add_argument("--quiet", action="store_true", help="No progress bar; only the summary line.")
    reindex.set_defaults(run=run_reindex)


class Bar:
    """A one-line text progress bar: ``[#####.....]  50%  500/1000  1200/s``."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        rate = done / max(time.perf_counter() - self.started, 1e-6)
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\r[{bar}] {100 * fraction:3.0f}%  {done}/{total}  {rate:.0f}/s")
        self.out.flush()


def run_reindex(args: argparse.Namespace) -> int:
    from openingup.search import services
    from openingup.search.backends import backend, configured_name

    if args.batch < 1:
        print("error: --batch must be at least 1", file=sys.stderr)
        return 2
    migrate()
    started = time.perf_counter()
    if args.clear:
        backend().clear()
    bar = None if args.quiet else Bar(sys.stderr)
    done = services.reindex(bar, batch=args.batch)
    if bar is not None:
        sys.stderr.write("\n")
    elapsed = time.perf_counter() - started
    print(
        f"indexed {done} datasets in {elapsed:.1f} s ({configured_name()} backend)",
        file=sys.stderr,
    )
    return 0
