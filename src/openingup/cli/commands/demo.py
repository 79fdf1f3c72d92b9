"""``openingup demo``: load the demo municipality into an empty catalogue."""

from __future__ import annotations

import argparse

from openingup.cli.commands.common import migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="Load the demo municipality (about 30 datasets) into an empty catalogue.")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from openingup.catalogue.demo.loader import load_demo

    migrate()
    print(load_demo())
    from openingup.reports.demo.loader import load_demo as load_reports_demo

    print(load_reports_demo())
    from openingup.reports.demo.addresses import load_demo_addresses

    print(load_demo_addresses())
    from openingup.readiness.demo.loader import load_demo as load_readiness_demo

    print(load_readiness_demo())
    return 0
