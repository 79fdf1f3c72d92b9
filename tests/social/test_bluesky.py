"""Bluesky connector against a fake PDS replaying real XRPC answers and the docs' records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openingup.social import crypto, services
from openingup.social.connectors import Draft
from openingup.social.connectors.facets import detect, graphemes
from openingup.social.models import Channel, Message
from tests.social.conftest import FakePlatform, NoSleep, Reply

pytestmark = [pytest.mark.django_db, pytest.mark.conformance]
SESSION = {
    "accessJwt": "access-1",
    "refreshJwt": "refresh-1",
    "did": "did:plc:town",
    "handle": "town.bsky.social",
}


def _load(social_data: Path, name: str) -> dict:
    return json.loads((social_data / "bluesky" / name).read_text())


def _channel(platform: FakePlatform) -> Channel:
    return services.add_channel(
        actor=None, kind="bluesky", base_url=platform.url, handle="town.bsky.social", token="app-pass-word"
    )


def _notifications(social_data: Path) -> dict:
    """listNotifications built from the real posts of getPosts (a reply and a mention)."""
    posts = _load(social_data, "app.bsky.feed.getPosts.json")["posts"]
    return {
        "notifications": [
            {
                "uri": post["uri"],
                "cid": post["cid"],
                "author": post["author"],
                "reason": "reply" if post["record"].get("reply") else "mention",
                "record": post["record"],
                "isRead": False,
                "indexedAt": post["indexedAt"],
                "labels": [],
            }
            for post in posts
        ],
        "cursor": "",
    }


def test_facets_match_the_documentation_example(social_data: Path) -> None:
    record = _load(social_data, "records/post-facets.json")
    assert detect(record["text"], lambda handle: "did:plc:ewvi7nxzyoun6zhxrhs64oiz") == record["facets"]
    assert graphemes("👨\u200d❤️\u200d👨 é") == 3


def test_notifications_and_author_feed_without_doubles(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep
) -> None:
    feed = _load(social_data, "app.bsky.feed.getAuthorFeed.json")
    notes = _notifications(social_data)
    platform.route("/xrpc/com.atproto.server.createSession", Reply(200, SESSION))
    platform.route("/xrpc/app.bsky.notification.listNotifications", Reply(200, notes))
    platform.route("/xrpc/app.bsky.feed.getAuthorFeed", Reply(200, feed))
    channel = _channel(platform)

    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert report.error == "", report.error
    own_posts = [entry for entry in feed["feed"] if not entry.get("reason")]
    stored = Message.objects.filter(channel=channel)
    uris = {n["uri"] for n in notes["notifications"]} | {e["post"]["uri"] for e in own_posts}
    assert set(stored.values_list("external_id", flat=True)) == uris
    replying = [n for n in notes["notifications"] if n["reason"] == "reply"]
    if replying:
        reply = stored.get(external_id=replying[0]["uri"])
        assert (
            reply.kind == "reply"
            and reply.in_reply_to_external_id == replying[0]["record"]["reply"]["parent"]["uri"]
        )
        assert reply.conversation.key == replying[0]["record"]["reply"]["root"]["uri"]
    assert (
        platform.seen("/xrpc/app.bsky.notification.listNotifications")[0].headers["Authorization"]
        == "Bearer access-1"
    )

    channel.refresh_from_db()
    creds = crypto.decrypt(channel.credentials)
    assert creds["accessJwt"] == "access-1" and "access-1" not in channel.credentials
    assert channel.cursor["notifications"] and channel.cursor["author"]

    again = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert again.error == "" and again.recorded.created == 0
    assert stored.count() == len(uris)
    assert len(platform.seen("/xrpc/com.atproto.server.createSession")) == 1  # the session was kept


def test_expired_session_is_refreshed(platform: FakePlatform, social_data: Path, no_sleep: NoSleep) -> None:
    platform.route("/xrpc/com.atproto.server.createSession", Reply(200, SESSION))
    platform.route(
        "/xrpc/com.atproto.server.refreshSession", Reply(200, {**SESSION, "accessJwt": "access-2"})
    )
    platform.route(
        "/xrpc/app.bsky.notification.listNotifications",
        Reply(400, {"error": "ExpiredToken", "message": "Token has expired"}),
        Reply(200, {"notifications": []}),
    )
    platform.route("/xrpc/app.bsky.feed.getAuthorFeed", Reply(200, {"feed": []}))
    channel = _channel(platform)
    assert services.poll_channel(actor=None, channel=channel, sleep=no_sleep).error == ""
    channel.refresh_from_db()
    assert crypto.decrypt(channel.credentials)["accessJwt"] == "access-2"


def test_reply_with_facets_and_reply_refs(platform: FakePlatform, social_data: Path) -> None:
    parent = _load(social_data, "app.bsky.feed.getPosts.json")["posts"][0]
    platform.route("/xrpc/com.atproto.server.createSession", Reply(200, SESSION))
    platform.route("/xrpc/app.bsky.feed.getPosts", Reply(200, {"posts": [parent]}))
    platform.route(
        "/xrpc/com.atproto.identity.resolveHandle", Reply(200, {"did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz"})
    )
    platform.route(
        "/xrpc/com.atproto.repo.createRecord",
        Reply(200, _load(social_data, "records/createRecord-response.json")),
    )
    message = services.send_message(
        actor=None,
        channel=_channel(platform),
        draft=Draft("Thanks @atproto.com — see https://example.org/werk #wegen", in_reply_to=parent["uri"]),
    )
    body = json.loads(platform.seen("/xrpc/com.atproto.repo.createRecord")[0].body)
    record = body["record"]
    assert body["repo"] == "did:plc:town" and body["collection"] == "app.bsky.feed.post"
    kinds = [f["features"][0]["$type"].rsplit("#", 1)[1] for f in record["facets"]]
    assert kinds == ["mention", "link", "tag"]
    text = record["text"].encode()
    assert (
        text[record["facets"][0]["index"]["byteStart"] : record["facets"][0]["index"]["byteEnd"]]
        == b"@atproto.com"
    )
    assert record["reply"]["parent"] == {"uri": parent["uri"], "cid": parent["cid"]}
    assert message.direction == "out" and message.kind == "reply"


def test_more_than_300_graphemes_is_refused(platform: FakePlatform) -> None:
    from openingup.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="300"):
        services.send_message(actor=None, channel=_channel(platform), draft=Draft("é" * 301))
