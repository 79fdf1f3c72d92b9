"""The webcare inbox list at scale (issue 7, "Speed": inbox list p50 <= 50 ms at 1,000,000 messages).

On a fresh ``OPENINGUP_HOME`` in a temporary folder (SQLite, the embedded default):

1. generate ``--messages`` incoming messages (seeded, deterministic) on 4 Mastodon channels of one
   municipality, about three to a conversation, each conversation with its inbox item in a realistic mix
   of states, languages, sentiments and assignees; inserted with bulk ORM creates (not the services);
2. time the inbox list as an editor of the municipality sees it (``queries.items``, the first page of 50)
   with the default filter and with each filter, 5 warm-ups and ``--runs`` timed runs each: p50 and p95;
   the whole page (``GET /social/inbox/`` through the Django test client, templates included) likewise;
3. drop the inbox's indexes and time the default list again: the baseline the indexes are measured
   against in the same run.

    .venv/bin/python bench/inbox_bench.py [--messages 100000] [--runs 100] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_in_temp_home

TARGET_MS = 50
LANGS = ["nl", "nl", "nl", "en", "fr", "de", "da", "sv", "nb"]
SENTIMENTS = ["negative", "neutral", "neutral", "positive"]
STATES = ["new", "assigned", "answered", "closed", "closed", "closed"]
WORDS = [
    "afval",
    "straat",
    "lantaarn",
    "gat",
    "weg",
    "park",
    "bankje",
    "container",
    "fiets",
    "parkeren",
    "water",
    "riool",
    "boom",
    "hond",
]


def generate(count: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from openingup.organisations.models import Membership, Organisation
    from openingup.social.inbox.models import InboxItem
    from openingup.social.models import Channel, Conversation, Message

    rng = random.Random(seed)
    org = Organisation.objects.create(slug="bench", kind="municipality", name={"en": "Bench"})
    editor = get_user_model().objects.create_user("editor", "e@example.org", "pw")
    Membership.objects.create(user=editor, organisation=org, role=Membership.Role.EDITOR)
    channels = [
        Channel.objects.create(
            kind="mastodon", base_url=f"https://m{n}.example", organisation=org, name=f"M{n}"
        )
        for n in range(4)
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made, conversation_no, batch = 0, 0, 20_000
    while made < count:
        with transaction.atomic():
            conversations, messages, items = [], [], []
            for _ in range(batch // 3):
                conversation_no += 1
                channel = rng.choice(channels)
                size = min(rng.choice([1, 2, 3, 4, 5]), count - made)
                if size <= 0:
                    break
                first = start + timedelta(seconds=conversation_no * 60 + rng.randint(0, 59))
                conversation = Conversation(
                    id=conversation_no,
                    channel=channel,
                    key=f"c{conversation_no}",
                    started_at=first,
                    last_message_at=first + timedelta(minutes=size),
                    message_count=size,
                )
                conversations.append(conversation)
                lang, sentiment = rng.choice(LANGS), rng.choice(SENTIMENTS)
                for k in range(size):
                    made += 1
                    text = " ".join(rng.choice(WORDS) for _ in range(12))
                    messages.append(
                        Message(
                            id=made,
                            channel=channel,
                            external_id=str(made),
                            conversation_id=conversation_no,
                            kind="mention",
                            author_handle=f"user{rng.randint(1, 50_000)}@example.social",
                            text=text,
                            created_at=first + timedelta(minutes=k),
                            content_hash=uuid.uuid4().hex,
                            language=lang,
                            sentiment=sentiment,
                            service_request_score=rng.random(),
                        )
                    )
                state = rng.choice(STATES)
                items.append(
                    InboxItem(
                        conversation_id=conversation_no,
                        channel=channel,
                        state=state,
                        assignee=editor if state != "new" and rng.random() < 0.3 else None,
                        last_incoming_id=made,
                        last_incoming_at=first + timedelta(minutes=size - 1),
                        author_handle=messages[-1].author_handle,
                        language=lang,
                        sentiment=sentiment,
                        service_request_score=messages[-1].service_request_score,
                        opened_at=first,
                    )
                )
            Conversation.objects.bulk_create(conversations, batch_size=2000)
            Message.objects.bulk_create(messages, batch_size=2000)
            InboxItem.objects.bulk_create(items, batch_size=2000)
        print(f"  {made:,} messages", end="\r", flush=True)
    print()


def keys_query(user: object, criteria: object) -> str:
    """The SQL of the list's first query (the page's keys), as sent to the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openingup.social.inbox import queries

    with CaptureQueriesContext(connection) as captured:
        queries.items(user, criteria)  # type: ignore[arg-type]
    return next(q["sql"] for q in captured.captured_queries if 'AS "pk" FROM "social_inbox_item"' in q["sql"])


def timed(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    for _ in range(5):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the generated database folder")
    args = parser.parse_args()
    home = django_in_temp_home()
    try:
        run(args)
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from openingup.social.inbox import queries
    from openingup.social.models import Channel, Message

    started = time.perf_counter()
    generate(args.messages, args.seed)
    print(f"generated {Message.objects.count():,} messages in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    editor = get_user_model().objects.get(username="editor")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + keys_query(editor, queries.InboxFilter()))
        print("plan of the default list:", "; ".join(row[3] for row in cursor.fetchall()))
    channel = str(Channel.objects.order_by("name").first().pk)  # type: ignore[union-attr]
    cases = {
        "default (not closed)": queries.InboxFilter(),
        "state=new": queries.InboxFilter(state="new"),
        "channel": queries.InboxFilter(channel=channel),
        "assignee=me": queries.InboxFilter(assignee="me"),
        "language=fr": queries.InboxFilter(language="fr"),
        "sentiment=negative": queries.InboxFilter(sentiment="negative"),
        "service request >= 0.9": queries.InboxFilter(min_score="0.9"),
        "text 'lantaarn riool'": queries.InboxFilter(text="lantaarn riool"),
    }
    print(f"{'inbox list (first page of 50)':34} {'p50 ms':>8} {'p95 ms':>8}")
    for name, criteria in cases.items():
        p50, p95 = timed(args.runs, lambda c=criteria: queries.items(editor, c))  # type: ignore[misc]
        print(f"{name:34} {p50:8.2f} {p95:8.2f}")
    client = Client()
    client.force_login(editor)
    page50, page95 = timed(args.runs, lambda: client.get("/social/inbox/"))
    print(f"{'whole page GET /social/inbox/':34} {page50:8.2f} {page95:8.2f}")
    with_indexes, _ = timed(args.runs, lambda: queries.items(editor, queries.InboxFilter()))
    with connection.cursor() as cursor:
        for name in ("recent", "state", "channel", "assignee", "team", "opened"):
            cursor.execute(f"DROP INDEX social_inbox_{name}")
    baseline, _ = timed(max(5, args.runs // 10), lambda: queries.items(editor, queries.InboxFilter()))
    print(f"default list without the inbox indexes (baseline): p50 {baseline:.2f} ms")
    print(
        f"indexes: {baseline / with_indexes:.1f}x faster; target p50 <= {TARGET_MS} ms at 1,000,000 messages"
    )


if __name__ == "__main__":
    main()
