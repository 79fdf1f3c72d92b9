"""The archive: every message received, sent, edited and deleted and every post published is one
hash-chained entry; entries are never changed; tampering is found; export and retention."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from openingup.cli.main import main
from openingup.social import services
from openingup.social.archive import chain, export, retention
from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry, ArchiveIsAppendOnly
from openingup.social.connectors import Item
from tests.social.publishing_fakes import Desk, desk

__all__ = ["desk"]

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def item(external_id: str, text: str, at: datetime = AT, **kwargs: Any) -> Item:
    return Item(
        external_id=external_id, kind="mention", created_at=at, text=text, raw={"text": text}, **kwargs
    )


def history(desk: Desk) -> None:
    services.record_items(channel=desk.mastodon, items=[item("1", "Hallo <b>gemeente</b> & co")])
    services.record_items(
        channel=desk.mastodon,
        items=[item("1", "Hallo gemeente (bewerkt)", edited_at=AT + timedelta(hours=1))],
    )
    services.record_items(channel=desk.mastodon, items=[item("1", "", deleted=True)])
    services.record_items(
        channel=desk.bluesky, items=[item("at://x/app.bsky.feed.post/2", "Bluesky", AT + timedelta(days=40))]
    )


def test_every_version_is_an_entry_in_one_chain(desk: Desk) -> None:
    history(desk)
    entries = list(ArchiveEntry.objects.all())
    assert [e.kind for e in entries] == ["received", "edited", "deleted", "received"]
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_hash == chain.GENESIS
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[1].content["text"] == "Hallo gemeente (bewerkt)"
    assert entries[0].content["text"] == "Hallo <b>gemeente</b> & co"
    # A repeated delivery is not archived twice.
    services.record_items(
        channel=desk.bluesky, items=[item("at://x/app.bsky.feed.post/2", "Bluesky", AT + timedelta(days=40))]
    )
    assert ArchiveEntry.objects.count() == 4
    assert chain.verify().ok and chain.verify().checked == 4


def test_the_application_cannot_change_or_delete_entries(desk: Desk) -> None:
    history(desk)
    entry = ArchiveEntry.objects.first()
    assert entry is not None
    entry.content = {"text": "forged"}
    with pytest.raises(ArchiveIsAppendOnly):
        entry.save()
    with pytest.raises(ArchiveIsAppendOnly):
        entry.delete()
    with pytest.raises(ArchiveIsAppendOnly):
        ArchiveEntry.objects.filter(pk=entry.pk).update(content={})
    with pytest.raises(ArchiveIsAppendOnly):
        ArchiveEntry.objects.all().delete()
    assert ArchiveEntry.objects.count() == 4


def _tamper(sql: str, *params: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_tampering_is_detected(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    history(desk)
    assert main(["social", "archive-verify"]) == 0
    assert "4 entries checked: the chain is intact" in capsys.readouterr().out
    _tamper("UPDATE social_archive_entry SET content = %s WHERE sequence = 2", json.dumps({"text": "forged"}))
    result = chain.verify()
    assert result.problems == ["entry 2 was changed after it was written"]
    _tamper("DELETE FROM social_archive_entry WHERE sequence = 3")
    problems = chain.verify().problems
    assert "entry 3 is missing (next is 4)" in problems
    assert "entry 4 does not follow the entry before it" in problems
    assert main(["social", "archive-verify"]) == 1
    assert "the chain is broken" in capsys.readouterr().out


def _zip(request: export.ExportRequest) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(export.stream_zip(request))))


def test_export_of_a_period_and_channel(desk: Desk) -> None:
    history(desk)
    # The deletion was recorded when it was seen (today, in December); the Bluesky message is another channel.
    archive = _zip(export.ExportRequest(date(2026, 3, 1), date(2026, 12, 31), [str(desk.mastodon.pk)]))
    names = archive.namelist()
    assert sorted(n for n in names if n.startswith("entries/")) == [
        "entries/00000001.json",
        "entries/00000002.json",
        "entries/00000003.json",
    ]
    lines = archive.read("entries.jsonl").decode().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [1, 2, 3]
    first = json.loads(archive.read("entries/00000001.json"))
    stored = ArchiveEntry.objects.get(sequence=1)
    assert first["hash"] == stored.hash == chain.entry_hash(stored)
    assert json.loads(archive.read("manifest.json"))["entries"] == 3
    page = archive.read("index.html").decode()
    assert "Hallo &lt;b&gt;gemeente&lt;/b&gt; &amp; co" in page and "<b>gemeente" not in page
    assert page.count("<tr>") == 4  # the header and three entries
    assert "Bluesky" not in archive.read("entries.jsonl").decode()
    march = _zip(export.ExportRequest(date(2026, 3, 1), date(2026, 3, 31)))
    assert [json.loads(line)["kind"] for line in march.read("entries.jsonl").splitlines()] == [
        "received",
        "edited",
    ]


def test_export_refuses_an_inverted_period() -> None:
    with pytest.raises(ValueError, match="before the start"):
        export.ExportRequest(date(2026, 3, 2), date(2026, 3, 1))


def test_export_command_writes_the_zip(desk: Desk, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    history(desk)
    target = tmp_path / "records.zip"
    code = main(
        [
            "social",
            "archive-export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--channel",
            str(desk.bluesky.pk),
            "--output",
            str(target),
        ]
    )
    assert code == 0 and "1 entries written" in capsys.readouterr().out
    assert len(zipfile.ZipFile(target).read("entries.jsonl").splitlines()) == 1
    assert (
        main(
            [
                "social",
                "archive-export",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--channel",
                "nope",
                "--output",
                str(target),
            ]
        )
        == 2
    )


def test_retention_removes_only_the_oldest_run_and_keeps_the_chain_verifiable(desk: Desk) -> None:
    history(desk)
    # In 2033 the March entries are past 7 years, the April one is not; the deletion (recorded today,
    # December 2026) is past 6.
    now = AT + timedelta(days=365 * 7 + 20)
    assert retention.parse("received=7; edited=7, deleted=7") == {"received": 7, "edited": 7, "deleted": 7}
    with pytest.raises(ValueError, match="unknown kind 'tweets'"):
        retention.parse("tweets=3")
    # Only 'received' has a retention: entry 1 can go; entry 4 is not yet past it.
    report = retention.apply(rules={"received": 7}, now=now)
    assert (dict(report.removable), report.held_back, report.removed) == ({"received": 1}, 0, 0)
    assert ArchiveEntry.objects.count() == 4  # a report removes nothing
    report = retention.apply(rules={"received": 7, "deleted": 6}, now=now)
    assert dict(report.removable) == {"received": 1} and report.held_back == 1  # 'deleted' waits for 'edited'
    report = retention.apply(rules={"received": 7, "edited": 7, "deleted": 6}, now=now, remove=True)
    assert report.removed == 3
    assert list(ArchiveEntry.objects.values_list("sequence", flat=True)) == [4]
    checkpoint = ArchiveCheckpoint.objects.get()
    assert checkpoint.sequence == 3
    result = chain.verify()
    assert result.ok and result.checked == 1 and result.start == checkpoint.hash
    # New entries continue the chain after the checkpoint.
    services.record_items(channel=desk.mastodon, items=[item("5", "Nieuw", now)])
    assert list(ArchiveEntry.objects.values_list("sequence", flat=True)) == [4, 5]
    assert chain.verify().ok


def test_retention_command_reports_then_removes(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = datetime(2024, 1, 2, tzinfo=UTC)
    services.record_items(channel=desk.mastodon, items=[item("old", "Oud", old)])
    services.record_items(
        channel=desk.mastodon, items=[item("old", "Oud (bewerkt)", old, edited_at=old + timedelta(days=1))]
    )
    services.record_items(channel=desk.mastodon, items=[item("new", "Nieuw", datetime.now(UTC))])
    services.record_items(channel=desk.mastodon, items=[item("older", "Ouder", old)])  # after a recent one
    monkeypatch.setenv("OPENINGUP_SOCIAL_ARCHIVE_RETENTION", "received=1, edited=1")
    assert main(["social", "archive-retention"]) == 0
    assert (
        "past retention: 1 edited, 1 received; kept because older entries stay: 1" in capsys.readouterr().out
    )
    assert ArchiveEntry.objects.count() == 4
    assert main(["social", "archive-retention", "--remove"]) == 0
    assert "removed 2" in capsys.readouterr().out
    assert main(["social", "archive-verify"]) == 0
    monkeypatch.setenv("OPENINGUP_SOCIAL_ARCHIVE_RETENTION", "received=zero")
    assert main(["social", "archive-retention"]) == 2
    assert "does not give whole years" in capsys.readouterr().err


def test_a_large_export_is_streamed_in_pieces(desk: Desk) -> None:
    for n in range(export.BATCH + 20):
        chain.append(
            kind="received",
            channel=desk.mastodon,
            external_id=str(n),
            occurred_at=AT,
            content={"text": f"m{n}"},
        )
    pieces = list(export.stream_zip(export.ExportRequest(date(2026, 3, 2), date(2026, 3, 2))))
    assert len([p for p in pieces if p]) > 4
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert len(archive.read("entries.jsonl").splitlines()) == export.BATCH + 20
    assert len([n for n in archive.namelist() if n.startswith("entries/")]) == export.BATCH + 20
    assert chain.verify().ok
