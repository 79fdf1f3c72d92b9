"""Answering a Bluesky mention from the inbox: the reply carries the AT Protocol reply references."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from openingup.social import services
from openingup.social.connectors import Item
from openingup.social.inbox import replies
from openingup.social.inbox.models import InboxItem
from openingup.social.models import Message
from tests.social.webcare import Team, places, team

__all__ = ["places", "team"]

pytestmark = pytest.mark.django_db
MENTION = "at://did:plc:anna/app.bsky.feed.post/3kabc"
ROOT = "at://did:plc:bob/app.bsky.feed.post/3kroot"


class FakeBluesky:
    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/xrpc/com.atproto.server.createSession":
            session = {
                "accessJwt": "a",
                "refreshJwt": "r",
                "did": "did:plc:gemeente",
                "handle": "gemeente.bsky.social",
            }
            return httpx.Response(200, json=session)
        if path == "/xrpc/app.bsky.feed.getPosts":
            assert request.url.params["uris"] == MENTION
            record = {
                "text": "gat",
                "reply": {
                    "root": {"uri": ROOT, "cid": "bafyroot"},
                    "parent": {"uri": ROOT, "cid": "bafyroot"},
                },
            }
            return httpx.Response(
                200, json={"posts": [{"uri": MENTION, "cid": "bafymention", "record": record}]}
            )
        if path == "/xrpc/com.atproto.repo.createRecord":
            body = json.loads(request.content)
            self.created.append(body)
            return httpx.Response(
                200, json={"uri": "at://did:plc:gemeente/app.bsky.feed.post/3kreply", "cid": "bafyreply"}
            )
        return httpx.Response(404, json={"error": "NotFound"})


def test_a_bluesky_mention_is_answered_in_its_thread(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeBluesky()
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    channel = services.add_channel(
        actor=None,
        kind="bluesky",
        base_url="http://127.0.0.1:9",
        handle="gemeente.bsky.social",
        token="app-password",
        organisation=team.municipality,
    )
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    mention = Item(
        MENTION,
        "mention",
        when,
        text="@gemeente.bsky.social gat in de weg",
        in_reply_to=ROOT,
        thread_key=ROOT,
    )
    services.record_items(channel=channel, items=[mention])
    item = InboxItem.objects.get(channel=channel)

    sent = replies.reply(
        actor=team.editor, item=item, text="We komen kijken.", transport=httpx.MockTransport(fake.handler)
    )

    record = fake.created[0]["record"]
    assert record["text"] == "We komen kijken."
    assert record["reply"] == {
        "root": {"uri": ROOT, "cid": "bafyroot"},
        "parent": {"uri": MENTION, "cid": "bafymention"},
    }
    assert sent.direction == "out" and sent.conversation_id == item.pk
    thread = Message.objects.filter(conversation_id=item.pk).order_by("created_at")
    assert list(thread.values_list("direction", flat=True)) == ["in", "out"]
    item.refresh_from_db()
    assert item.state == "answered" and item.first_response_at is not None
