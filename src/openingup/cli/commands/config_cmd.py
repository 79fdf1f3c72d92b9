"""``openingup config``: every setting with its current value, or the reference page as Markdown."""

from __future__ import annotations

import argparse


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("config", help="Show every setting read from the environment and its current value.")
    p.add_argument(
        "--markdown",
        action="store_true",
        help="Print the configuration reference page (docs/configuration.md).",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from openingup import config

    if args.markdown:
        print(config.as_markdown(), end="")
        return 0
    for setting in config.SETTINGS:
        value = setting.raw()
        if value and ("SECRET" in setting.name or "@" in value):
            value = "(set, hidden)"
        print(f"{setting.name}={value}    # {setting.help}")
    return 0
