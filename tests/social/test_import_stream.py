"""Archive imports read as a stream and stored in batches: the same rows as one by one, all or nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from openingup.core.errors import InvalidInput
from openingup.social import imports, services
from openingup.social.archive import chain
from openingup.social.archive.models import ArchiveEntry
from openingup.social.models import Conversation, Message

pytestmark = pytest.mark.django_db


def tweet(n: int, reply_to: int | None = None, text: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_str": str(1000 + n),
        "created_at": f"Wed Oct 10 20:{n // 60 % 60:02d}:{n % 60:02d} +0000 2018",
        "full_text": text or f"Bericht {n} over de Kerkstraat",
        "lang": "nl",
        "entities": {"hashtags": [], "urls": []},
    }
    if reply_to is not None:
        body["in_reply_to_status_id_str"] = str(1000 + reply_to)
    return {"tweet": body}


def tweets_js(rows: list[dict[str, Any]]) -> bytes:
    return ("window.YTD.tweets.part0 = " + json.dumps(rows, indent=1, ensure_ascii=False) + ";\n").encode()


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read 7 bytes at a time and store 3 items a batch, so every element crosses chunk boundaries."""
    monkeypatch.setattr(imports, "CHUNK", 7)
    monkeypatch.setattr(services, "IMPORT_BATCH", 3)


def test_reader_streams_elements_across_chunks(small_pieces: None) -> None:
    rows = [tweet(n, text=f"Tëxt {n} — 🚲 {'x' * n}") for n in range(1, 12)]
    items = list(imports.iter_export("twitter", io.BytesIO(tweets_js(rows))))
    assert [i.external_id for i in items] == [str(1000 + n) for n in range(1, 12)]
    assert items[3].text.startswith("Tëxt 4 — 🚲")
    facebook = json.dumps(
        {
            "profile": {"name": "x", "posts": "no"},
            "post_count": 5,
            "posts_v2": [{"timestamp": 1600000000 + n, "data": [{"post": f"Post {n}"}]} for n in range(5)],
        }
    ).encode()
    assert [i.text for i in imports.iter_export("facebook", io.BytesIO(facebook))] == [
        f"Post {n}" for n in range(5)
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"window.YTD.tweets.part0 = [", "element 1 of the JSON array is not valid JSON"),
        (
            b'[{"tweet": {"id_str": "1", "created_at": "2018-10-10T20:19:24Z"}} {}]',
            "expected ',' or ']' after element 1",
        ),
        (b'[{"tweet": {"id_str": "1"}}]', "tweet 1: created_at '' is not a date"),
        (b"[1, 2", "element 1"),
        (b"var tweets = []", "does not start with"),
        (b"[]; alert(1)", "goes on after its array"),
        (b"\xff\xfe[]", "not UTF-8"),
    ],
)
def test_malformed_streams_name_the_problem(content: bytes, problem: str) -> None:
    with pytest.raises(imports.ImportProblem, match=problem):
        list(imports.iter_export("twitter", io.BytesIO(content)))


def test_batched_import_threads_links_and_archives_like_one_by_one(small_pieces: None) -> None:
    # Newest first, as an archive has them: replies come before their parents, across batches.
    rows = [
        tweet(9, reply_to=8),
        tweet(8, reply_to=2),
        tweet(7),
        tweet(6, reply_to=5),
        tweet(5),
        tweet(4),
        tweet(3, reply_to=1),
        tweet(2, reply_to=1),
        tweet(1),
        tweet(2, reply_to=1),
    ]  # the last one again
    channel, recorded = services.import_export(actor=None, fmt="twitter", content=io.BytesIO(tweets_js(rows)))
    assert (recorded.created, recorded.unchanged) == (9, 1)
    messages = {m.external_id: m for m in Message.objects.filter(channel=channel)}
    assert len(messages) == 9
    for child, parent in (
        ("1009", "1008"),
        ("1008", "1002"),
        ("1006", "1005"),
        ("1003", "1001"),
        ("1002", "1001"),
    ):
        assert messages[child].in_reply_to_id == messages[parent].pk, child
    # The conversations as _conversation decides them, counted and timed.
    assert messages["1006"].conversation_id == messages["1005"].conversation_id
    assert (
        messages["1003"].conversation_id
        == messages["1002"].conversation_id
        == messages["1001"].conversation_id
    )
    thread = Conversation.objects.get(pk=messages["1001"].conversation_id)
    assert thread.message_count == Message.objects.filter(conversation=thread).count() == 3
    assert thread.started_at == messages["1001"].created_at
    assert all(m.language == "nl" and m.sentiment for m in messages.values())
    assert ArchiveEntry.objects.filter(kind="sent").count() == 9
    assert chain.verify().ok
    # Importing it again adds nothing.
    again = services.import_export(actor=None, fmt="twitter", content=tweets_js(rows))[1]
    assert (again.created, again.unchanged) == (0, 10)
    assert ArchiveEntry.objects.count() == 9 and chain.verify().ok


def test_a_bad_element_late_in_the_file_stores_nothing(small_pieces: None) -> None:
    rows = [tweet(n) for n in range(1, 9)] + [{"tweet": {"full_text": "no id"}}]
    with pytest.raises(InvalidInput, match="tweet 9 has no id_str"):
        services.import_export(actor=None, fmt="twitter", content=tweets_js(rows))
    assert not Message.objects.exists() and not ArchiveEntry.objects.exists()
    assert not Conversation.objects.exists()
