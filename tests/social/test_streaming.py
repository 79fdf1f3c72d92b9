"""Mastodon's streaming API against a fake server-sent-events server on 127.0.0.1 that replays the
Mastodon documentation's entities: heartbeats, events split across chunks, a drop in the middle of an
event, the same notification by stream and REST, reconnection with backoff and catch-up over REST."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from openingup.cli.main import main
from openingup.social import services
from openingup.social.connectors.sse import Parser
from openingup.social.models import Channel, Message, MessageRevision
from openingup.social.streaming import stream_channel
from tests.social.conftest import FakePlatform, NoSleep, Reply, Seen, jsonc

pytestmark = [pytest.mark.django_db, pytest.mark.conformance]


class StreamingPlatform(FakePlatform):
    """FakePlatform plus SSE routes: each connection to a stream path plays the next script (the last
    one repeats): bytes are written and flushed one by one, a float pauses, then the connection closes
    (``hold`` keeps the last connection open that many seconds first)."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[list[bytes | float]]] = {}
        self.connections: dict[str, int] = {}
        self.closing = threading.Event()
        super().__init__()

    def stream(self, path: str, *scripts: list[bytes | float]) -> None:
        self.scripts[path] = list(scripts)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler()
        platform = self

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                scripts = platform.scripts.get(parts.path)
                if not scripts:
                    base._answer(self)
                    return
                platform.requests.append(
                    Seen("GET", parts.path, parse_qsl(parts.query), dict(self.headers), b"")
                )
                platform.connections[parts.path] = platform.connections.get(parts.path, 0) + 1
                script = scripts.pop(0) if len(scripts) > 1 else scripts[0]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                try:
                    for step in script:
                        if isinstance(step, float):
                            platform.closing.wait(step)
                        else:
                            self.wfile.write(step)
                            self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler

    def close(self) -> None:
        self.closing.set()
        super().close()


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> Iterator[StreamingPlatform]:
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    fake = StreamingPlatform()
    yield fake
    fake.close()


def sse(event: str, payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"event: {event}\ndata: {data}\n\n".encode()


def _mention(social_data: Path) -> dict[str, Any]:
    return jsonc(social_data / "mastodon/Notification_mention.jsonc")


def _channel(platform: FakePlatform, **options: Any) -> Channel:
    return services.add_channel(
        actor=None, kind="mastodon", base_url=platform.url, token="s3cret-token", options=dict(options)
    )


# -- the parser ------------------------------------------------------------------------------------
def test_parser_events_in_any_chunking_heartbeats_and_a_cut_off_event() -> None:
    stream = (
        b': thump\r\nevent: update\r\ndata: {"a":\r\ndata: 1}\r\n\r\n'
        b":thump\nevent: delete\ndata: 42\n\nevent: upd"
    )
    for size in (1, 2, 3, 7, len(stream)):
        parser = Parser()
        found = [e for i in range(0, len(stream), size) for e in parser.feed(stream[i : i + size])]
        assert [(e.event, e.data) for e in found] == [("update", '{"a":\n1}'), ("delete", "42")]
        assert parser.heartbeats == 2 and parser.partial  # the cut-off "upd…" event is never dispatched


def test_parser_bounds_an_event_that_never_ends() -> None:
    parser = Parser(limit=1000)
    parser.feed(b"event: update\n")
    with pytest.raises(ValueError, match="larger than 1,000 bytes"):
        for _ in range(20):
            parser.feed(b"data: " + b"x" * 100 + b"\n")


# -- the stream against the fake server ------------------------------------------------------------
def test_mentions_arrive_by_stream_and_repeats_are_stored_once(
    streaming: StreamingPlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    mention = _mention(social_data)
    status = json.loads((social_data / "mastodon/Status.json").read_text())
    streaming.route("/api/v1/notifications", Reply(200, []))
    streaming.route("/api/v1/conversations", Reply(200, []))
    body = json.dumps(mention).encode()
    half = len(body) // 2
    streaming.stream(
        "/api/v1/streaming/user",
        [
            b":thump\n\n",
            0.05,
            b"event: notification\ndata: " + body[:half],  # one event split over two writes
            0.05,
            body[half:] + b"\n\n",
            sse("update", status),  # the home timeline: not followed
            sse("notification", mention),  # the same notification again
            sse("filters_changed", "null"),
            b":thump\n",
            sse("notification", {**mention, "id": "999", "status": {**mention["status"], "id": "1001"}}),
            5.0,
        ],
    )
    channel = _channel(streaming)
    report = stream_channel(actor=None, channel=channel, max_events=3, timeout=10, sleep=no_sleep)
    assert report.events == 3 and report.ignored == 2 and report.heartbeats >= 1, report.errors
    assert report.recorded.created == 2 and report.recorded.unchanged == 1
    assert report.connections == 1 and report.drops == 0 and report.catch_ups == 1
    first = Message.objects.get(channel=channel, external_id=mention["status"]["id"])
    assert first.kind == "reply" and first.in_reply_to_external_id == mention["status"]["in_reply_to_id"]
    assert Message.objects.filter(channel=channel).count() == 2
    seen = streaming.seen("/api/v1/streaming/user")[0]
    assert seen.headers["Authorization"] == "Bearer s3cret-token"
    assert seen.headers["Accept"] == "text/event-stream"


def test_a_drop_in_the_middle_of_an_event_loses_nothing_and_doubles_nothing(
    streaming: StreamingPlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    mention = _mention(social_data)
    whole = sse("notification", mention)
    # First connection: a heartbeat, then half the event and the server goes away. The notification is
    # on the REST API for the catch-up after reconnecting; the second connection delivers it once more.
    streaming.stream(
        "/api/v1/streaming/user",
        [b":thump\n", whole[: len(whole) // 2]],
        [b":thump\n", whole, 5.0],
    )
    streaming.route("/api/v1/notifications", Reply(200, []), Reply(200, [mention]))
    streaming.route("/api/v1/conversations", Reply(200, []))
    channel = _channel(streaming)
    report = stream_channel(actor=None, channel=channel, max_events=1, timeout=10, sleep=no_sleep)
    assert report.connections == 2 and report.drops == 1 and report.catch_ups == 2, report.errors
    assert "middle of an event" in " ".join(report.errors)
    assert no_sleep.waits[:1] == [1.0]  # the first backoff
    assert report.recorded.created == 1 and report.recorded.unchanged == 1  # catch-up, then the stream
    assert Message.objects.filter(channel=channel).count() == 1
    channel.refresh_from_db()
    assert channel.cursor["notifications"] == str(mention["id"])  # the catch-up moved the REST cursor
    later = [s for s in streaming.seen("/api/v1/notifications")]
    assert ("min_id", str(mention["id"])) not in later[0].query


def test_backoff_grows_while_the_stream_is_refused_then_resets(
    streaming: StreamingPlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    mention = _mention(social_data)
    streaming.route("/api/v1/streaming/user", Reply(502, b"bad gateway"))
    streaming.route("/api/v1/notifications", Reply(200, []))
    streaming.route("/api/v1/conversations", Reply(200, []))
    channel = _channel(streaming)

    def interrupt_after_five(seconds: float) -> None:  # Ctrl-C during the fifth wait
        no_sleep(seconds)
        if len(no_sleep.waits) == 5:
            raise KeyboardInterrupt

    report = stream_channel(
        actor=None, channel=channel, timeout=30, sleep=interrupt_after_five, max_backoff=8
    )
    assert report.events == 0 and report.catch_ups == 0 and "HTTP 502" in report.errors[0]
    assert no_sleep.waits == [1.0, 2.0, 4.0, 8.0, 8.0] and report.stopped == "interrupted"
    assert report.connections == 5
    # A 429 waits its Retry-After.
    streaming.route("/api/v1/streaming/user", Reply(429, b"", {"Retry-After": "7"}))
    waits: list[float] = []

    def interrupt(seconds: float) -> None:
        waits.append(seconds)
        raise KeyboardInterrupt

    stream_channel(actor=None, channel=channel, timeout=30, sleep=interrupt)
    assert len(waits) == 1 and 5.0 <= waits[0] <= 7.0
    # Once the stream opens, the events flow.
    streaming.stream("/api/v1/streaming/user", [sse("notification", mention), 5.0])
    report = stream_channel(actor=None, channel=channel, max_events=1, timeout=10, sleep=NoSleep())
    assert report.recorded.created == 1


def test_hashtag_stream_edits_and_deletions_keep_the_earlier_versions(
    streaming: StreamingPlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    status = json.loads((social_data / "mastodon/Status.json").read_text())
    edited = {**status, "content": "<p>Corrected text</p>", "edited_at": "2024-01-01T10:00:00.000Z"}
    streaming.route("/api/v1/timelines/tag/afval", Reply(200, []))
    streaming.stream(
        "/api/v1/streaming/hashtag",
        [
            sse("update", status),
            sse("status.update", edited),
            sse("delete", "123456789"),  # a status never seen: nothing to delete
            sse("update", "{not json"),
            sse("delete", status["id"]),
            5.0,
        ],
    )
    channel = services.add_channel(
        actor=None, kind="mastodon", base_url=streaming.url, options={"hashtags": ["#afval"]}
    )
    report = stream_channel(actor=None, channel=channel, max_events=4, timeout=10, sleep=no_sleep)
    assert report.malformed == 1 and "not JSON" in report.errors[-1]
    assert (report.recorded.created, report.recorded.updated, report.recorded.deleted) == (1, 1, 1)
    message = Message.objects.get(channel=channel)
    assert message.text == "Corrected text" and message.deleted_at is not None
    assert [r.reason for r in MessageRevision.objects.filter(message=message)] == ["edited", "deleted"]
    assert ("tag", "afval") in streaming.seen("/api/v1/streaming/hashtag")[0].query
    assert "Authorization" not in streaming.seen("/api/v1/streaming/hashtag")[0].headers


def test_channels_without_a_streaming_api_are_refused(streaming: StreamingPlatform) -> None:
    feed = services.add_channel(actor=None, kind="rss", base_url=f"{streaming.url}/feed.xml")
    with pytest.raises(ValueError, match="no streaming API"):
        stream_channel(actor=None, channel=feed, timeout=1)


def test_cli_streams_until_max_events(
    streaming: StreamingPlatform, social_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mention = _mention(social_data)
    streaming.route("/api/v1/notifications", Reply(200, []))
    streaming.route("/api/v1/conversations", Reply(200, []))
    streaming.stream("/api/v1/streaming/user", [b":thump\n", sse("notification", mention), 5.0])
    channel = _channel(streaming)
    assert main(["social", "stream", str(channel.pk), "--max-events", "1", "--timeout", "10"]) == 0
    out = capsys.readouterr().out
    assert "notification: 1 new" in out and "1 events" in out and "stopped: 1 events" in out
    assert main(["social", "stream", str(channel.pk), "--max-events", "0"]) != 0
