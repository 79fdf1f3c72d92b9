"""``openingup social``: channels, polling, archive imports, message lists and the enrichment check."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from openingup.cli.commands import social_archive_cmd
from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("social", help="Social media channels, messages and enrichment.")
    inner = p.add_subparsers(
        dest="action",
        metavar="ACTION",
        required=True,
        help="channel, poll, stream, import, messages, evaluate, publish-due, archive-export, "
        "archive-verify, archive-retention",
    )

    channel = inner.add_parser("channel", help="Manage channels.")
    channel_actions = channel.add_subparsers(
        dest="channel_action", metavar="ACTION", required=True, help="add, list"
    )
    add_channel = channel_actions.add_parser("add", help="Add a channel; its id is printed on the last line.")
    add_channel.add_argument(
        "--type",
        required=True,
        choices=["mastodon", "bluesky", "rss", "feed"],
        help="The channel's platform (feed: the organisation's own outgoing RSS feed).",
    )
    add_channel.add_argument(
        "--base-url", required=True, help="Instance, PDS or feed address (http or https)."
    )
    add_channel.add_argument("--token", default="", help="Access token (Mastodon) or app password (Bluesky).")
    add_channel.add_argument("--handle", default="", help="The account's handle (needed for Bluesky).")
    add_channel.add_argument("--name", default="", help="A name to recognise the channel by.")
    add_channel.add_argument("--organisation", default="", help="Slug of the organisation owning it.")
    add_channel.add_argument(
        "--hashtag", action="append", default=[], help="Hashtag to follow (Mastodon; repeatable)."
    )
    add_channel.add_argument(
        "--search", action="append", default=[], help="Search to follow (Bluesky; repeatable)."
    )
    add_channel.set_defaults(run=run_channel_add)
    listing = channel_actions.add_parser("list", help="List the channels.")
    listing.set_defaults(run=run_channel_list)

    poll = inner.add_parser("poll", help="Fetch new messages of one channel or of every active channel.")
    poll.add_argument("channel", nargs="?", default="", help="Channel id or name (default: all active).")
    poll.set_defaults(run=run_poll)

    stream = inner.add_parser(
        "stream",
        help="Follow a Mastodon channel's streaming API until interrupted (catching up over REST).",
    )
    stream.add_argument(
        "channel", nargs="?", default="", help="Channel id or name (default: the only active Mastodon one)."
    )
    stream.add_argument("--max-events", type=int, default=None, help="Stop after this many message events.")
    stream.add_argument("--timeout", type=float, default=None, help="Stop after this many seconds.")
    stream.add_argument("--quiet", action="store_true", help="Print only the summary at the end.")
    stream.set_defaults(run=run_stream)

    imp = inner.add_parser("import", help="Import a platform archive export.")
    imp.add_argument(
        "--format", required=True, choices=["twitter", "facebook"], help="The export's platform."
    )
    imp.add_argument("file", help="tweets.js of an X/Twitter archive, or a Facebook page posts JSON.")
    imp.add_argument(
        "--channel", default="", help="Channel id to import into (default: the archive channel)."
    )
    imp.add_argument("--organisation", default="", help="Slug of the organisation owning the archive.")
    imp.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Processes that enrich the messages while they are stored (default: one per CPU; 1: none).",
    )
    imp.add_argument("--quiet", action="store_true", help="No progress lines on stderr.")
    imp.set_defaults(run=run_import)

    msgs = inner.add_parser("messages", help="List messages, newest first.")
    msgs.add_argument("--channel", default="", help="Only this channel (id or name).")
    msgs.add_argument("--language", default="", help="Only this language code.")
    msgs.add_argument(
        "--sentiment", default="", choices=["", "positive", "neutral", "negative"], help="Only this."
    )
    msgs.add_argument("--limit", type=int, default=50, help="How many (default 50).")
    msgs.add_argument("--format", default="text", choices=["text", "json"], help="Output format.")
    msgs.set_defaults(run=run_messages)

    evaluate = inner.add_parser(
        "evaluate", help="Score language detection and sentiment on the labelled sets, per language."
    )
    evaluate.add_argument(
        "--set",
        default="all",
        choices=["all", "tuning", "held-out", "fresh", "unseen", "unseen2"],
        help="Which labelled set (default: all); the exit status is 1 when the tuning or held-out set "
        "misses a target.",
    )
    evaluate.set_defaults(run=run_evaluate)
    social_archive_cmd.add_actions(inner)


def _organisation(slug: str):  # type: ignore[no-untyped-def]
    from openingup.organisations.models import Organisation

    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise LookupError(f"no organisation with slug {slug!r}")
    return found


def run_channel_add(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput
    from openingup.social import services

    migrate()
    try:
        organisation = _organisation(args.organisation)
        options = {}
        if args.hashtag:
            options["hashtags"] = [h.lstrip("#") for h in args.hashtag]
        if args.search:
            options["searches"] = list(args.search)
        channel = services.add_channel(
            actor=None,
            kind=args.type,
            base_url=args.base_url,
            handle=args.handle,
            token=args.token,
            name=args.name,
            organisation=organisation,
            options=options,
        )
    except (InvalidInput, LookupError) as exc:
        return fail(str(exc))
    print(f"added {channel.kind} channel {channel}")
    print(channel.pk)
    return 0


def run_channel_list(args: argparse.Namespace) -> int:
    from openingup.social.queries import channels_for

    migrate()
    for channel in channels_for(None):
        state = "active" if channel.active else "inactive"
        print(f"{channel.pk}  {channel.kind:9} {state:8} {channel}  {channel.last_error[:60]}")
    return 0


def run_poll(args: argparse.Namespace) -> int:
    from openingup.core.errors import NotFound
    from openingup.social import services
    from openingup.social.models import Channel
    from openingup.social.queries import find_channel

    migrate()
    try:
        channels = [find_channel(None, args.channel)] if args.channel else None
    except NotFound as exc:
        return fail(str(exc))
    if channels is None:
        channels = list(Channel.objects.filter(active=True).exclude(kind__in=list(services.IMPORT_KINDS)))
    failed = False
    for channel in channels:
        report = services.poll_channel(actor=None, channel=channel)
        line = f"{channel}: {report.recorded.in_words()}"
        if report.error:
            failed = True
            line += f"; stopped: {report.error}"
        print(line)
    return 1 if failed else 0


def run_stream(args: argparse.Namespace) -> int:
    from openingup.core.errors import NotFound
    from openingup.social.models import Channel
    from openingup.social.queries import find_channel
    from openingup.social.streaming import stream_channel

    migrate()
    if args.max_events is not None and args.max_events < 1:
        return fail("--max-events must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        return fail("--timeout must be a positive number of seconds")
    try:
        if args.channel:
            channel = find_channel(None, args.channel)
        else:
            candidates = list(Channel.objects.filter(active=True, kind="mastodon"))
            if len(candidates) != 1:
                names = ", ".join(f"{c} ({c.pk})" for c in candidates) or "none"
                return fail(f"name the channel to stream; active Mastodon channels: {names}")
            channel = candidates[0]
    except NotFound as exc:
        return fail(str(exc))

    def show(kind: str, update, recorded) -> None:  # type: ignore[no-untyped-def]
        if not args.quiet:
            what = recorded.in_words() if recorded is not None else "ignored"
            print(f"{kind}: {what}", flush=True)

    try:
        report = stream_channel(
            actor=None, channel=channel, max_events=args.max_events, timeout=args.timeout, on_event=show
        )
    except ValueError as exc:
        return fail(str(exc))
    print(f"{channel}: {report.in_words()}")
    for problem in report.errors[-5:]:
        print(f"  {problem}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput, NotFound
    from openingup.social import services
    from openingup.social.queries import find_channel

    migrate()
    path = Path(args.file)
    if not path.is_file():
        return fail(f"{args.file}: no such file")
    try:
        channel = find_channel(None, args.channel) if args.channel else None
        organisation = _organisation(args.organisation)
        workers = args.workers if args.workers > 0 else len(os.sched_getaffinity(0))
        started, size = time.monotonic(), path.stat().st_size
        shown = [started]

        def progress(done: int, recorded: services.Recorded) -> None:
            now = time.monotonic()
            if not args.quiet and now - shown[0] >= 2:
                shown[0] = now
                print(
                    f"{done:,} messages stored or found known ({handle.tell() / (size or 1):.0%} of the "
                    f"file read), {recorded.created:,} new, {done / (now - started):,.0f} messages/s",
                    file=sys.stderr,
                    flush=True,
                )

        with path.open("rb") as handle:  # read as a stream: memory does not grow with the file
            channel, recorded = services.import_export(
                actor=None,
                fmt=args.format,
                content=handle,
                channel=channel,
                organisation=organisation,
                workers=workers,
                progress=progress,
            )
    except (InvalidInput, NotFound, LookupError) as exc:
        return fail(f"{exc} — nothing was imported")
    print(f"{channel}: {recorded.in_words()}")
    if not args.quiet:
        own, workers_used = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        print(
            f"{time.monotonic() - started:.1f} s; CPU seconds: importer {own.ru_utime + own.ru_stime:.1f}, "
            f"enrichment workers {workers_used.ru_utime + workers_used.ru_stime:.1f}",
            file=sys.stderr,
        )
    return 0


def run_messages(args: argparse.Namespace) -> int:
    from openingup.core.errors import NotFound
    from openingup.social import queries

    migrate()
    try:
        channel = queries.find_channel(None, args.channel) if args.channel else None
    except NotFound as exc:
        return fail(str(exc))
    criteria = queries.MessageFilter(channel=channel, language=args.language, sentiment=args.sentiment)
    found = queries.messages(None, criteria, limit=max(args.limit, 0))
    if args.format == "json":
        json.dump([queries.as_record(m) for m in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for m in found:
        text = " ".join(m.text.split())[:100]
        print(
            f"{m.created_at:%Y-%m-%d %H:%M} {m.kind:9} {m.language or '--':2} "
            f"{m.sentiment or '-':8} {m.author_handle}: {text}"
        )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from openingup.social.enrich.evaluation import (
        LANGUAGE_TARGET,
        POLARITY_TARGET,
        SETS,
        TARGETED,
        evaluate,
    )

    met = True
    for name in SETS if args.set == "all" else [args.set]:
        scores = evaluate(name=name)
        print(f"{name} set" + ("" if name in TARGETED else " (reported only; not held to the targets)"))
        print(f"{'language':8} {'messages':>8} {'language acc.':>14} {'polarity acc.':>14}")
        for s in scores:
            mark = "" if s.meets_targets else "  below target"
            accuracy = f"{s.language_accuracy:14.1%} {s.polarity_accuracy:14.1%}"
            print(f"{s.language:8} {s.messages:8d} {accuracy}{mark}")
        print()
        met = met and (name not in TARGETED or all(s.meets_targets for s in scores))
    print(f"targets: language ≥ {LANGUAGE_TARGET:.0%}, polarity ≥ {POLARITY_TARGET:.0%}")
    return 0 if met else 1
