"""The bulk import path (plain inserts, enrichment in worker processes, one query per batch for what is
stored already) stores exactly what recording the same items one by one stores."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import connection

from openingup.social import bulk, imports, services
from openingup.social.archive import chain
from openingup.social.archive.models import ArchiveEntry
from openingup.social.enrich.batch import Enricher, enrich_rows
from openingup.social.models import Channel, Conversation, Message, MessageRevision
from tests.social.test_import_stream import tweet, tweets_js

pytestmark = pytest.mark.django_db

TEXTS = [
    "De lantaarnpaal in de Kerkstraat is kapot, wie kan dit oplossen?",
    "Bedankt voor de snelle reactie, het afval is opgehaald!",
    "The streetlight on Molenweg has been broken for a week.",
    "La rue est fermée lundi pour travaux. Très mauvais 😡",
    "Die Straße ist ab Montag gesperrt, danke für nichts.",
    "Waarom is de milieustraat op zaterdag dicht?",
]


def archive_rows(n: int) -> list[dict[str, Any]]:
    """Newest first, as archives are: replies before their parents, chains across batches, media."""
    rows = []
    for k in range(n, 0, -1):
        row = tweet(k, reply_to=k - 1 - k % 3 if k > 3 and k % 2 else None, text=f"{TEXTS[k % 6]} #{k}")
        if k % 5 == 0:
            row["tweet"]["extended_entities"] = {
                "media": [{"type": "photo", "media_url_https": f"https://pbs.twimg.com/media/{k}.jpg"}]
            }
        rows.append(row)
    return rows


def snapshot(channel: Channel) -> dict[str, tuple[Any, ...]]:
    """Each message as stored, with its thread by the external id of its first message."""
    firsts = {
        c.pk: min(c.messages.values_list("created_at", "external_id"))[1]
        for c in Conversation.objects.filter(channel=channel)
    }
    counts = {c.pk: (c.message_count, c.started_at, c.last_message_at) for c in channel.conversations.all()}
    found = {}
    for m in Message.objects.filter(channel=channel).select_related("in_reply_to"):
        found[m.external_id] = (
            m.text,
            m.kind,
            m.direction,
            m.created_at,
            m.media,
            m.raw,
            m.content_hash,
            m.language,
            m.sentiment,
            m.sentiment_score,
            m.keywords,
            m.topics,
            m.service_request_score,
            m.in_reply_to_external_id,
            m.in_reply_to.external_id if m.in_reply_to else None,
            firsts[m.conversation_id],
            counts[m.conversation_id],
        )
    return found


def archived(channel: Channel) -> dict[str, dict[str, Any]]:
    entries = {}
    for entry in ArchiveEntry.objects.filter(channel=channel):
        content = dict(entry.content)
        content.pop("message_id")
        entries[entry.external_id] = {"kind": entry.kind, "occurred_at": entry.occurred_at, **content}
    return entries


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "IMPORT_BATCH", 7)
    monkeypatch.setattr(imports, "CHUNK", 64)


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_import_stores_what_recording_one_by_one_stores(small_batches: None, workers: int) -> None:
    content = tweets_js(archive_rows(40))
    bulk_channel, recorded = services.import_export(
        actor=None, fmt="twitter", content=io.BytesIO(content), workers=workers
    )
    assert recorded.created == 40
    one_by_one = services.add_channel(actor=None, kind="twitter", base_url="https://x.com", name="one by one")
    for item in imports.iter_export("twitter", io.BytesIO(content)):
        services.record_items(channel=one_by_one, items=[item], announce=False)
    expected, got = snapshot(one_by_one), snapshot(bulk_channel)
    assert got.keys() == expected.keys() and len(got) == 40
    for external_id, row in expected.items():
        assert got[external_id] == row, external_id
    assert archived(bulk_channel) == archived(one_by_one)
    # The stored message ids are the ones archived, and the whole chain verifies.
    for entry in ArchiveEntry.objects.filter(channel=bulk_channel):
        assert Message.objects.get(pk=entry.content["message_id"]).external_id == entry.external_id
    assert chain.verify().ok and chain.verify().checked == 80


def test_enrichment_in_workers_is_enrichment_in_process() -> None:
    pairs = [(text, "") for text in TEXTS * 3] + [("", "nl"), ("ok", "nl")]
    with Enricher(2) as enricher:
        rows = enricher.submit(pairs)()
        assert enricher.pool is not None  # it did use worker processes
    assert rows == enrich_rows(pairs)


def test_reimport_asks_once_per_batch_and_counts_unchanged(
    small_batches: None, django_assert_max_num_queries: Any
) -> None:
    content = tweets_js(archive_rows(70))
    channel, _ = services.import_export(actor=None, fmt="twitter", content=content)
    # 10 batches of 7 stored before: per batch one query for what is stored and one comparing, plus the
    # transaction, the channel's permission-free lookup and linking the replies — not one per message.
    with django_assert_max_num_queries(2 * 10 + 6) as queries:
        again = services.import_export(actor=None, fmt="twitter", content=content, channel=channel)[1]
    # Looked up by the unique (channel, external id) index: the model's ordering would make SQLite walk
    # the channel's time index instead, every message of the channel for every batch.
    looked_up = [q["sql"] for q in queries.captured_queries if 'FROM "social_message"' in q["sql"]]
    assert looked_up and not [sql for sql in looked_up if "ORDER BY" in sql]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 70)
    assert Message.objects.filter(channel=channel).count() == 70
    assert ArchiveEntry.objects.count() == 70 and chain.verify().ok


def test_an_edit_in_a_later_export_is_kept_as_a_revision_and_archived(small_batches: None) -> None:
    rows = archive_rows(20)
    channel, _ = services.import_export(actor=None, fmt="twitter", content=tweets_js(rows))
    rows[5]["tweet"]["full_text"] = "Aangepast: de lantaarnpaal is gerepareerd."
    rows.append(tweet(99, text="Nieuw bericht over de Dorpsstraat"))
    rows.append(rows[5])  # the edited one twice: the second time it is unchanged
    again = services.import_export(actor=None, fmt="twitter", content=tweets_js(rows), channel=channel)[1]
    assert (again.created, again.updated, again.unchanged) == (1, 1, 20)
    edited = Message.objects.get(channel=channel, external_id=rows[5]["tweet"]["id_str"])
    assert edited.text.startswith("Aangepast") and edited.revisions.count() == 1
    assert MessageRevision.objects.get().text.startswith(TEXTS[15 % 6][:10])
    assert ArchiveEntry.objects.filter(kind="edited").count() == 1 and chain.verify().ok
    # The edited export once more: nothing new, no second revision.
    third = services.import_export(actor=None, fmt="twitter", content=tweets_js(rows), channel=channel)[1]
    assert (third.created, third.updated, third.unchanged) == (0, 0, 22)
    assert MessageRevision.objects.count() == 1 and ArchiveEntry.objects.count() == 22


def test_progress_and_one_event_per_batch(small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(services, "publish", lambda name, **payload: published.append((name, payload)))
    seen: list[tuple[int, int]] = []
    channel, _ = services.import_export(
        actor=None,
        fmt="twitter",
        content=tweets_js(archive_rows(30)),
        progress=lambda read, so_far: seen.append((read, so_far.created)),
    )
    imported = [p for name, p in published if name == "social.messages_imported"]
    assert [p["count"] for p in imported] == [7, 7, 7, 7, 2]
    assert all(p["channel_id"] == str(channel.pk) for p in imported)
    assert not [name for name, _ in published if name == "social.message_received"]
    assert seen[-1] == (30, 30) and seen == sorted(seen) and len(seen) >= 4


def test_a_failure_while_storing_in_workers_stores_nothing(small_batches: None) -> None:
    rows = archive_rows(30)
    rows[25] = {"tweet": {"id_str": "x", "created_at": "yesterday"}}
    with pytest.raises(Exception, match="created_at 'yesterday' is not a date"):
        services.import_export(actor=None, fmt="twitter", content=tweets_js(rows), workers=2)
    assert not Message.objects.exists() and not ArchiveEntry.objects.exists()
    assert not Conversation.objects.exists()


def test_plain_inserts_refuse_a_column_list_that_misses_a_column() -> None:
    with pytest.raises(ValueError, match=r"miss \['subject'\]"):
        bulk.Table(Conversation, ["channel", "key", "started_at", "last_message_at", "message_count"])
    bulk.Table(Message, services.MESSAGE_COLUMNS)  # every column of a message is written


def test_database_values_are_djangos() -> None:
    adapt = bulk.Adapt()
    for moment in (
        datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC),
        datetime(2024, 3, 31, 2, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
        datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=-5))),
    ):
        assert adapt.when(moment) == connection.ops.adapt_datetimefield_value(moment)
    raw = {"b": [1, "é 🚲"], "a": {"z": None, "y": 1.5}}
    assert bulk.dumps(raw) == json.dumps(
        raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    assert services.content_hash(raw) == __import__("hashlib").sha256(bulk.dumps(raw).encode()).hexdigest()


def test_the_chained_hash_is_the_entry_hash() -> None:
    entry = ArchiveEntry(
        sequence=12,
        kind="sent",
        channel_id=None,
        channel_name='twitter "archief" — ø',
        external_id="123\u2028",
        occurred_at=datetime(2018, 10, 10, 20, 19, 24, tzinfo=timezone(timedelta(hours=2))),
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        content={"text": "Tëxt 🚲\n", "media": [{"url": "x"}], "n": 3, "none": None},
        previous_hash="a" * 64,
    )
    assert chain.chained_hash(
        sequence=12,
        kind="sent",
        channel="",
        channel_name=entry.channel_name,
        external_id=entry.external_id,
        occurred_at=entry.occurred_at.astimezone(UTC).isoformat(),
        recorded_at=entry.recorded_at.isoformat(),
        content=bulk.dumps(entry.content),
        previous_hash="a" * 64,
    ) == chain.entry_hash(entry)


def test_twitter_times_read_fast_are_read_as_strptime_reads_them() -> None:
    for text in (
        "Wed Oct 10 20:19:24 +0000 2018",
        "Thu Feb 29 00:00:00 +0000 2024",
        "Sun Jan 01 23:59:59 +0100 2012",
    ):
        assert imports._twitter_time(text, "1") == datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    with pytest.raises(imports.ImportProblem, match="is not a date"):
        imports._twitter_time("Fri Feb 30 00:00:00 +0000 2024", "1")


def test_the_command_shows_progress_and_uses_workers(
    tmp_path: Any, small_batches: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from openingup.cli.commands import social_cmd
    from openingup.cli.main import main

    clock = iter(range(0, 10_000, 3))  # every reading of the clock 3 s after the one before
    monkeypatch.setattr(social_cmd.time, "monotonic", lambda: float(next(clock)))
    export = tmp_path / "tweets.js"
    export.write_bytes(tweets_js(archive_rows(30)))
    assert main(["social", "import", "--format", "twitter", "--workers", "2", str(export)]) == 0
    out, err = capsys.readouterr()
    assert "twitter archive: 30 new, 0 edited, 0 deleted, 0 already known" in out
    lines = err.splitlines()
    assert "7 messages stored or found known" in lines[0] and "7 new" in lines[0]
    assert "30 messages stored or found known (100% of the file read), 30 new" in lines[-2]
    assert "CPU seconds: importer" in lines[-1] and "enrichment workers" in lines[-1]
    assert Message.objects.count() == 30 and chain.verify().ok
    assert main(["social", "import", "--format", "twitter", "--quiet", str(export)]) == 0
    out, err = capsys.readouterr()
    assert "0 new, 0 edited, 0 deleted, 30 already known" in out and err == ""


def test_a_plain_insert_that_breaks_a_constraint_raises_djangos_integrity_error() -> None:
    from django.db import IntegrityError, transaction

    channel = services.add_channel(actor=None, kind="twitter", base_url="https://x.com")
    adapt = bulk.Adapt()
    table = bulk.Table(Conversation, services.CONVERSATION_COLUMNS)
    moment = adapt.when(datetime(2020, 1, 1, tzinfo=UTC))
    row = (adapt.uuid(channel.pk), "k", "subject", moment, moment, 1)
    table.insert([row])
    with pytest.raises(IntegrityError), transaction.atomic():
        table.insert([row])
    assert Conversation.objects.get().key == "k"
