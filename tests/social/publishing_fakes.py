"""Fake Mastodon and Bluesky for the publishing tests, behind one ``httpx.MockTransport`` (by host), and
an organisation with two editors (an author and a second person) and a channel on each platform."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.utils import translation

from openingup.organisations.models import Membership, Organisation
from openingup.social import services
from openingup.social.models import Channel
from tests.conftest import PASSWORD

MASTODON = "http://127.0.0.1:9"
BLUESKY = "http://127.0.0.1:8"
DID = "did:plc:gemeente"


@dataclass
class Platforms:
    statuses: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    fail_bluesky: bool = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        port, path = request.url.port, request.url.path
        if port == 9 and path == "/api/v1/statuses":
            body = json.loads(request.content)
            self.statuses.append(body)
            n = len(self.statuses)
            if body.get("scheduled_at"):
                return httpx.Response(
                    200,
                    json={
                        "id": f"s{n}",
                        "scheduled_at": body["scheduled_at"],
                        "params": {"text": body["status"]},
                    },
                )
            return httpx.Response(
                200,
                json={
                    "id": f"10{n}",
                    "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                    "visibility": "public",
                    "content": f"<p>{body['status']}</p>",
                    "url": f"https://mastodon.test/@gemeente/10{n}",
                    "account": {
                        "acct": "gemeente",
                        "display_name": "Gemeente",
                        "url": "https://mastodon.test/@gemeente",
                    },
                    "media_attachments": [],
                },
            )
        if port == 8 and path == "/xrpc/com.atproto.server.createSession":
            return httpx.Response(
                200, json={"accessJwt": "a", "refreshJwt": "r", "did": DID, "handle": "gemeente.bsky.social"}
            )
        if port == 8 and path == "/xrpc/com.atproto.identity.resolveHandle":
            return httpx.Response(200, json={"did": "did:plc:" + request.url.params["handle"].split(".")[0]})
        if port == 8 and path == "/xrpc/com.atproto.repo.createRecord":
            if self.fail_bluesky:
                return httpx.Response(400, json={"error": "InvalidRequest", "message": "Record is invalid"})
            body = json.loads(request.content)
            self.records.append(body["record"])
            return httpx.Response(
                200, json={"uri": f"at://{DID}/app.bsky.feed.post/rk{len(self.records)}", "cid": "bafy"}
            )
        return httpx.Response(404, json={"error": "no route"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)


@dataclass
class Desk:
    organisation: Organisation
    author: Any
    approver: Any
    viewer: Any
    mastodon: Channel
    bluesky: Channel


def person(django_user_model: Any, name: str) -> Any:
    return django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch) -> Platforms:
    """The fake platforms; every channel talks to them, also when no transport is passed (pages)."""
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    fake = Platforms()
    original = services.channel_config

    def config(channel: Channel, *, transport: Any = None, sleep: Any = None) -> Any:
        return original(channel, transport=transport or fake.transport, sleep=sleep)

    monkeypatch.setattr(services, "channel_config", config)
    return fake


@pytest.fixture
def desk(db: None, django_user_model: Any) -> Iterator[Desk]:
    """The organisation, its people and channels; messages in English whatever an earlier test left."""
    with translation.override("en"):
        yield _desk(django_user_model)


def _desk(django_user_model: Any) -> Desk:
    organisation = Organisation.objects.create(slug="gemeente", kind="municipality", name={"en": "Gemeente"})
    author, approver, viewer = (person(django_user_model, n) for n in ("author", "approver", "viewer"))
    for user, role in ((author, "editor"), (approver, "editor"), (viewer, "viewer")):
        Membership.objects.create(user=user, organisation=organisation, role=role)
    mastodon = services.add_channel(
        actor=None, kind="mastodon", base_url=MASTODON, token="t", name="Mastodon", organisation=organisation
    )
    bluesky = services.add_channel(
        actor=None,
        kind="bluesky",
        base_url=BLUESKY,
        handle="gemeente.bsky.social",
        token="app-password",
        name="Bluesky",
        organisation=organisation,
    )
    return Desk(organisation, author, approver, viewer, mastodon, bluesky)
