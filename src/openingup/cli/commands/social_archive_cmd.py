"""``openingup social publish-due | archive-export | archive-verify | archive-retention``."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from openingup.cli.commands.common import fail, migrate


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def add_actions(inner: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    due = inner.add_parser("publish-due", help="Send approved posts whose time has come (run from cron).")
    due.set_defaults(run=run_publish_due)

    export = inner.add_parser("archive-export", help="Export the archive of a period as a ZIP (JSON + HTML).")
    export.add_argument("--from", dest="start", required=True, type=_date, help="First day (YYYY-MM-DD).")
    export.add_argument("--to", dest="end", required=True, type=_date, help="Last day (YYYY-MM-DD).")
    export.add_argument(
        "--channel", action="append", default=[], help="Only this channel (id or name; repeatable)."
    )
    export.add_argument("--output", required=True, help="The ZIP file to write.")
    export.set_defaults(run=run_archive_export)

    verify = inner.add_parser("archive-verify", help="Check the archive's hash chain.")
    verify.set_defaults(run=run_archive_verify)

    retention = inner.add_parser(
        "archive-retention", help="Report archive entries past retention; --remove removes them."
    )
    retention.add_argument("--remove", action="store_true", help="Remove them (default: only report).")
    retention.set_defaults(run=run_archive_retention)


def run_publish_due(args: argparse.Namespace) -> int:
    from openingup.social.publishing import services

    migrate()
    posts = services.publish_due()
    for post in posts:
        print(f"post {post.pk}: {post.status}")
    print(f"{len(posts)} posts due")
    return 1 if any(post.status == "failed" for post in posts) else 0


def run_archive_export(args: argparse.Namespace) -> int:
    from openingup.core.errors import NotFound
    from openingup.social.archive import export
    from openingup.social.queries import find_channel

    migrate()
    try:
        channels = [str(find_channel(None, c).pk) for c in args.channel]
        request = export.ExportRequest(args.start, args.end, channels)
    except (NotFound, ValueError) as exc:
        return fail(str(exc))
    target = Path(args.output)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as out:
            for piece in export.stream_zip(request):
                out.write(piece)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return fail(f"{target}: {exc}")
    print(f"{export.entries(request).count()} entries written to {target}")
    return 0


def run_archive_verify(args: argparse.Namespace) -> int:
    from openingup.social.archive import chain

    migrate()
    result = chain.verify()
    for problem in result.problems:
        print(f"problem: {problem}")
    print(
        f"{result.checked} entries checked: {'the chain is intact' if result.ok else 'the chain is broken'}"
    )
    return 0 if result.ok else 1


def run_archive_retention(args: argparse.Namespace) -> int:
    from openingup.social.archive import retention

    migrate()
    try:
        report = retention.apply(remove=args.remove)
    except ValueError as exc:
        return fail(str(exc))
    print(report.in_words())
    return 0
