"""Shared setup of the webcare tests: an organisation with a department and a team, a Mastodon channel
whose platform is an ``httpx.MockTransport``, a reports service, and the street names places match."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from openingup.organisations.models import Membership, Organisation
from openingup.reports import services as reports
from openingup.social import services
from openingup.social.models import Channel
from tests.conftest import PASSWORD

# Tuesday 1 December 2026, 10:30 in Amsterdam (UTC+1): inside working hours.
MENTION_AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
MENTION_TEXT = "@gemeente Er zit een diep gat in de weg op de Marktstraat, gevaarlijk voor fietsers!"


def status(
    status_id: str, text: str, at: datetime, *, acct: str = "anna@social.example", reply_to: str = ""
) -> dict[str, Any]:
    return {
        "id": status_id,
        "created_at": at.isoformat().replace("+00:00", "Z"),
        "in_reply_to_id": reply_to or None,
        "visibility": "public",
        "language": "nl",
        "content": f"<p>{html.escape(text)}</p>",
        "url": f"https://social.example/@anna/{status_id}",
        "media_attachments": [],
        "account": {
            "acct": acct,
            "display_name": "Anna",
            "url": f"https://social.example/@{acct.split('@')[0]}",
        },
    }


@dataclass
class FakeMastodon:
    """Serves waiting mentions once each, and answers posts with a status created at ``reply_at``."""

    waiting: list[dict[str, Any]] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)
    reply_at: datetime = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    fail_posts: bool = False
    notes: int = 0

    def mention(self, status_id: str, text: str, at: datetime, **kwargs: Any) -> None:
        self.notes += 1
        note = {"id": str(1000 + self.notes), "type": "mention", "created_at": at.isoformat()}
        self.waiting.append({**note, "status": status(status_id, text, at, **kwargs)})

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/notifications":
            page, self.waiting = self.waiting, []
            return httpx.Response(200, json=page)
        if path == "/api/v1/conversations":
            return httpx.Response(200, json=[])
        if path == "/api/v1/statuses" and request.method == "POST":
            if self.fail_posts:
                return httpx.Response(422, json={"error": "Validation failed: Text is too long"})
            body = json.loads(request.content)
            self.posted.append(body)
            sent = status(
                f"9{len(self.posted):03d}",
                body["status"],
                self.reply_at,
                acct="gemeente",
                reply_to=body.get("in_reply_to_id", ""),
            )
            return httpx.Response(200, json=sent)
        return httpx.Response(404, json={"error": "no route"})


@pytest.fixture
def mastodon(monkeypatch: pytest.MonkeyPatch) -> FakeMastodon:
    """The platform every channel talks to in the test (the connector is faked, not the services)."""
    fake = FakeMastodon()
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    original = services.channel_config

    def config(channel: Channel, *, transport: Any = None, sleep: Any = None) -> Any:
        return original(channel, transport=httpx.MockTransport(fake.handler), sleep=sleep)

    monkeypatch.setattr(services, "channel_config", config)
    return fake


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "places.csv"
    path.write_text("name,kind,latitude,longitude\nMarktstraat,street,50.8275,3.2650\n", "utf-8")
    monkeypatch.setenv("OPENINGUP_SOCIAL_PLACES", str(path))
    return path


@dataclass
class Team:
    municipality: Organisation
    department: Organisation
    editor: Any
    viewer: Any
    outsider: Any
    channel: Channel


def _person(django_user_model: Any, name: str) -> Any:
    return django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)


@pytest.fixture
def team(db: None, django_user_model: Any, places: Path) -> Team:
    municipality = Organisation.objects.create(slug="gemeente", kind="municipality", name={"en": "Gemeente"})
    department = Organisation.objects.create(
        slug="public-works", kind="department", name={"en": "Public works"}, parent=municipality
    )
    editor, viewer, outsider = (_person(django_user_model, n) for n in ("webcare", "reader", "outsider"))
    Membership.objects.create(user=editor, organisation=municipality, role=Membership.Role.EDITOR)
    Membership.objects.create(user=viewer, organisation=municipality, role=Membership.Role.VIEWER)
    channel = services.add_channel(
        actor=None,
        kind="mastodon",
        base_url="http://127.0.0.1:9",
        handle="gemeente",
        token="secret-token",
        name="Gemeente on Mastodon",
        organisation=municipality,
    )
    reports.create_service(
        actor=None, code="pothole", name={"en": "Pothole", "nl": "Gat in de weg"}, organisation=municipality
    )
    return Team(municipality, department, editor, viewer, outsider, channel)
