"""Mastodon connector against a fake instance replaying the Mastodon documentation's payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from openingup.social import crypto, services
from openingup.social.connectors import Draft
from openingup.social.models import Channel, Message, MessageRevision
from tests.social.conftest import FakePlatform, NoSleep, Reply, jsonc

pytestmark = [pytest.mark.django_db, pytest.mark.conformance]


def _channel(platform: FakePlatform, **options: object) -> Channel:
    return services.add_channel(
        actor=None, kind="mastodon", base_url=platform.url, token="s3cret-token", options=dict(options)
    )


def test_token_is_stored_encrypted() -> None:
    channel = services.add_channel(
        actor=None, kind="mastodon", base_url="https://m.test", token="s3cret-token"
    )
    stored = Channel.objects.get(pk=channel.pk).credentials
    assert "s3cret" not in stored and stored.startswith("gAAAA")
    assert crypto.decrypt(stored) == {"token": "s3cret-token"}


def test_mentions_are_read_and_a_second_delivery_adds_nothing(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    notifications = jsonc(social_data / "mastodon/GET_api_v1_notifications_200.jsonc")
    platform.route("/api/v1/notifications", Reply(200, notifications))
    platform.route("/api/v1/conversations", Reply(200, []))
    channel = _channel(platform)

    first = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert first.error == "" and first.recorded.created == 1  # the favourite is not a message
    message = Message.objects.get(channel=channel)
    assert message.external_id == "103186126728896492"
    assert message.text == "@trwnh sup!" and message.kind == "reply" and message.author_handle == "zsc"
    assert message.in_reply_to_external_id == "103186038209478945"
    assert message.language and message.sentiment
    seen = platform.seen("/api/v1/notifications")[0]
    assert ("types[]", "mention") in seen.query and seen.headers["Authorization"] == "Bearer s3cret-token"
    channel.refresh_from_db()
    assert channel.cursor["notifications"] == "34975861"

    # The same notification again (a redelivery), then an empty newer page through the Link header.
    platform.route(
        "/api/v1/notifications",
        Reply(200, notifications, {"Link": '<{base}/api/v1/notifications?min_id=34975861>; rel="prev"'}),
        Reply(200, []),
    )
    second = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert second.error == "" and second.recorded.created == 0 and second.recorded.unchanged == 1
    assert Message.objects.filter(channel=channel).count() == 1
    later = platform.seen("/api/v1/notifications")
    assert ("min_id", "34975861") in later[1].query and ("min_id", "34975861") in later[2].query


def test_hashtag_timeline_media_and_an_edit_keeps_the_old_version(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    status = json.loads((social_data / "mastodon/Status.json").read_text())
    platform.route("/api/v1/timelines/tag/afval", Reply(200, [status]))
    channel = services.add_channel(
        actor=None, kind="mastodon", base_url=platform.url, options={"hashtags": ["#afval"]}
    )
    assert services.poll_channel(actor=None, channel=channel, sleep=no_sleep).recorded.created == 1
    message = Message.objects.get(channel=channel, external_id=status["id"])
    assert message.kind in {"post", "reply"} and message.url == status["url"]
    assert len(message.media) == len(status["media_attachments"])

    edited = {**status, "content": "<p>Corrected text</p>", "edited_at": "2024-01-01T10:00:00.000Z"}
    platform.route("/api/v1/timelines/tag/afval", Reply(200, [edited]), Reply(200, []))
    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert report.recorded.updated == 1
    message.refresh_from_db()
    assert message.text == "Corrected text"
    revision = MessageRevision.objects.get(message=message)
    assert revision.reason == "edited" and revision.html == status["content"]


def test_429_with_a_short_retry_after_waits_and_goes_on(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    notifications = jsonc(social_data / "mastodon/GET_api_v1_notifications_200.jsonc")
    platform.route(
        "/api/v1/notifications",
        Reply(429, {"error": "Too many requests"}, {"Retry-After": "2"}),
        Reply(200, notifications),
    )
    platform.route("/api/v1/conversations", Reply(200, []))
    report = services.poll_channel(actor=None, channel=_channel(platform), sleep=no_sleep)
    assert report.error == "" and report.recorded.created == 1
    assert no_sleep.waits and 1 <= no_sleep.waits[0] <= 2


def test_429_with_a_long_retry_after_stops_keeps_the_cursor_and_moves_the_next_poll(
    platform: FakePlatform, no_sleep: NoSleep
) -> None:
    platform.route(
        "/api/v1/notifications", Reply(429, {"error": "Too many requests"}, {"Retry-After": "3600"})
    )
    channel = _channel(platform)
    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert "try again after" in report.error and report.not_before is not None
    assert report.not_before > datetime.now(UTC) + timedelta(minutes=55)
    channel.refresh_from_db()
    assert channel.cursor == {} and channel.not_before is not None
    skipped = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert "rate limited" in skipped.error and len(platform.seen("/api/v1/notifications")) == 1


def test_an_exhausted_rate_limit_header_waits_before_the_next_call(
    platform: FakePlatform, no_sleep: NoSleep
) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=5)).isoformat()
    platform.route(
        "/api/v1/notifications", Reply(200, [], {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    )
    platform.route("/api/v1/conversations", Reply(200, []))
    assert services.poll_channel(actor=None, channel=_channel(platform), sleep=no_sleep).error == ""
    assert no_sleep.waits and 3 <= no_sleep.waits[0] <= 5


def test_malformed_payload_is_reported_and_stores_nothing_of_that_stream(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    notifications = jsonc(social_data / "mastodon/GET_api_v1_notifications_200.jsonc")
    platform.route("/api/v1/notifications", Reply(200, notifications))
    platform.route("/api/v1/conversations", Reply(200, b'[{"id": "1", "last_status": {"id": '))
    channel = _channel(platform)
    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert "malformed JSON" in report.error
    assert report.streams == ["notifications"] and Message.objects.filter(channel=channel).count() == 1
    channel.refresh_from_db()
    assert "conversations" not in channel.cursor and "malformed" in channel.last_error


def test_401_is_reported_with_the_platform_error(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    error = json.loads((social_data / "mastodon/GET_api_v1_notifications_401.json").read_text())
    platform.route("/api/v1/notifications", Reply(401, error))
    report = services.poll_channel(actor=None, channel=_channel(platform), sleep=no_sleep)
    assert "HTTP 401" in report.error and error["error"] in report.error


def test_scheduled_reply_is_sent_with_idempotency_key(platform: FakePlatform, social_data: Path) -> None:
    status = json.loads((social_data / "mastodon/Status.json").read_text())
    platform.route("/api/v1/statuses", Reply(200, status))
    channel = _channel(platform)
    when = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    message = services.send_message(
        actor=None,
        channel=channel,
        draft=Draft(
            "We fix it today.", in_reply_to="103186126728896492", scheduled_at=when, idempotency_key="k1"
        ),
    )
    sent = platform.seen("/api/v1/statuses")[0]
    body = json.loads(sent.body)
    assert body["in_reply_to_id"] == "103186126728896492" and body["scheduled_at"] == "2030-01-01T09:00:00Z"
    assert sent.headers["Idempotency-Key"] == "k1"
    assert message.direction == "out" and message.kind == "reply" and message.external_id == status["id"]


def test_text_over_500_characters_is_refused_before_sending(platform: FakePlatform) -> None:
    from openingup.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="500"):
        services.send_message(actor=None, channel=_channel(platform), draft=Draft("x" * 501))
    assert platform.requests == []
