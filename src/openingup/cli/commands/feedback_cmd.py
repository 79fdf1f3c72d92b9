"""``openingup addresses load FILE``, ``openingup mail send | templates`` and ``openingup photos clean``:
the address register of the report form, the e-mail outbox to reporters (``mail send`` is for cron: it
retries what failed), and the removal of photos whose report was never sent (also for cron)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("addresses", help="Load the municipality's address register for the report form.")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="load")
    load = inner.add_parser(
        "load",
        help="Replace the register with a CSV (BAG-style columns or street,number,postcode,city,lat,long).",
    )
    load.add_argument("file", type=Path, help="The CSV file (UTF-8, comma- or semicolon-separated).")
    load.set_defaults(run=run_load)
    m = sub.add_parser("mail", help="The e-mail outbox to reporters and followers.")
    mail = m.add_subparsers(dest="action", metavar="ACTION", required=True, help="send or templates")
    send = mail.add_parser("send", help="Send the queued e-mails whose time has come (run it from cron).")
    send.set_defaults(run=run_send)
    templates = mail.add_parser("templates", help="Write the default e-mail templates as editable rows.")
    templates.set_defaults(run=run_templates)
    ph = sub.add_parser("photos", help="Photos added to citizen reports.")
    photos = ph.add_subparsers(dest="action", metavar="ACTION", required=True, help="clean")
    clean = photos.add_parser("clean", help="Delete photos of report forms never sent (run it daily).")
    clean.add_argument("--hours", type=int, default=24, help="Keep unused photos this long (default 24).")
    clean.set_defaults(run=run_clean)


def run_load(args: argparse.Namespace) -> int:
    from openingup.cli.commands.common import fail, migrate
    from openingup.core.errors import InvalidInput
    from openingup.reports.addresses import load_addresses

    migrate()
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {args.file}: {exc}")
    try:
        count = load_addresses(actor=None, text=text)
    except InvalidInput as exc:
        details = "; ".join(f"{p.field}: {p.problem}" for p in exc.problems)
        return fail(f"{exc.message} {details} (the register is unchanged)")
    print(f"loaded {count:,} addresses from {args.file}")
    return 0


def run_send(args: argparse.Namespace) -> int:
    from openingup.cli.commands.common import migrate
    from openingup.reports.outbox import deliver_due

    migrate()
    counts = deliver_due()
    print(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")
    return 0


def run_templates(args: argparse.Namespace) -> int:
    from openingup.cli.commands.common import migrate
    from openingup.reports.mailtexts import install_default_templates

    migrate()
    print(f"wrote {install_default_templates()} e-mail templates")
    return 0


def run_clean(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from openingup.cli.commands.common import fail, migrate
    from openingup.reports.photos import remove_unused

    if args.hours < 1:
        return fail("--hours must be at least 1: a form being filled in may still need its photo")
    migrate()
    print(f"removed {remove_unused(older_than=timedelta(hours=args.hours))} unused photos")
    return 0
