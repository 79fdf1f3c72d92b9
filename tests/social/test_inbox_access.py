"""Who may see and work the inbox, and message text shown escaped on every page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.social import services
from openingup.social.connectors import Item
from openingup.social.inbox import replies
from openingup.social.inbox import services as inbox
from openingup.social.inbox.models import InboxItem
from tests.social.webcare import FakeMastodon, Team, mastodon, places, team

__all__ = ["mastodon", "places", "team"]

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> afval'
EVIL_NAME = "<b>Mallory</b>"


@pytest.fixture
def item(team: Team) -> InboxItem:
    services.record_items(
        channel=team.channel,
        items=[
            Item(
                "666",
                "mention",
                datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                text=EVIL,
                author_handle="mallory<i>",
                author_name=EVIL_NAME,
            )
        ],
    )
    return InboxItem.objects.get()


def test_outsiders_see_nothing_and_may_do_nothing(client: Any, team: Team, item: InboxItem) -> None:
    client.force_login(team.outsider)
    assert "afval" not in client.get("/social/inbox/").content.decode()
    assert client.get(f"/social/inbox/{item.pk}/").status_code == 404
    assert client.post(f"/social/inbox/{item.pk}/", {"action": "close"}).status_code == 404
    assert client.get("/social/inbox/", {"channel": str(team.channel.pk)}).status_code == 404
    assert client.get("/social/dashboard/", {"channel": str(team.channel.pk)}).status_code == 404
    figures = json.loads(client.get("/social/dashboard/", {"format": "json"}).content)
    assert figures["volume"] == [] and figures["response_times"]["overall"]["conversations"] == 0
    item.refresh_from_db()
    assert item.state == "new"


def test_viewers_read_but_may_not_act(client: Any, team: Team, item: InboxItem) -> None:
    client.force_login(team.viewer)
    page = client.get(f"/social/inbox/{item.pk}/")
    assert page.status_code == 200 and "Send reply" not in page.content.decode()
    for form in ({"action": "close"}, {"action": "note", "note": "hi"}, {"action": "assign", "assignee": ""}):
        assert client.post(f"/social/inbox/{item.pk}/", form).status_code == 403
    item.refresh_from_db()
    assert item.state == "new" and not item.notes.exists()


def test_anonymous_people_are_sent_to_log_in(client: Any, item: InboxItem) -> None:
    for path in ("/social/inbox/", f"/social/inbox/{item.pk}/", "/social/dashboard/", "/social/library/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_services_check_permissions_too(team: Team, item: InboxItem, mastodon: FakeMastodon) -> None:
    with pytest.raises(PermissionDenied):
        inbox.assign(actor=team.viewer, item=item, assignee=team.editor)
    with pytest.raises(PermissionDenied):
        replies.reply(actor=team.outsider, item=item, text="hello")
    with pytest.raises(PermissionDenied):
        replies.convert_to_service_request(actor=team.viewer, item=item, service_code="pothole", text="")
    with pytest.raises(PermissionDenied):
        inbox.save_canned_reply(
            actor=team.viewer, organisation=team.municipality, title="t", texts={"en": "x"}
        )
    assert not mastodon.posted


def test_only_the_channels_team_may_hold_a_conversation(team: Team, item: InboxItem) -> None:
    with pytest.raises(InvalidInput, match="not assigned") as refused:
        inbox.assign(actor=team.editor, item=item, assignee=team.outsider)
    assert refused.value.problems[0].field == "assignee"
    from openingup.organisations.models import Organisation

    stranger = Organisation.objects.create(slug="elsewhere", name={"en": "Elsewhere"})
    with pytest.raises(InvalidInput):
        inbox.assign(actor=team.editor, item=item, team=stranger)
    assigned = inbox.assign(actor=team.editor, item=item, team=team.department, assignee=team.viewer)
    assert assigned.state == "assigned"
    assert inbox.assign(actor=team.editor, item=item).state == "new"


def test_closed_conversations_cannot_be_answered_until_reopened(team: Team, item: InboxItem) -> None:
    inbox.close(actor=team.editor, item=item)
    with pytest.raises(InvalidInput, match="Reopen"):
        replies.reply(actor=team.editor, item=item, text="late")
    with pytest.raises(InvalidInput, match="does not allow"):
        inbox.close(actor=team.editor, item=item)
    assert inbox.reopen(actor=team.editor, item=item).state == "new"


def test_message_text_is_escaped_everywhere(client: Any, team: Team, item: InboxItem) -> None:
    inbox.add_note(actor=team.editor, item=item, text="<script>note()</script>")
    inbox.save_canned_reply(
        actor=team.editor, organisation=team.municipality, title="<i>title</i>", texts={"en": "<u>{name}</u>"}
    )
    client.force_login(team.editor)
    pages = {
        "inbox": client.get("/social/inbox/", {"text": "<script>"}),
        "conversation": client.get(f"/social/inbox/{item.pk}/"),
        "preview": client.post(
            f"/social/inbox/{item.pk}/", {"action": "preview", "text": "{name} <em>x</em>"}
        ),
        "messages": client.get("/social/messages/"),
        "library": client.get("/social/library/"),
    }
    for name, answer in pages.items():
        html = answer.content.decode()
        assert answer.status_code == 200, name
        for raw in (
            "<script>alert",
            "<img src=x",
            "<b>Mallory",
            "<script>note",
            "<i>title",
            "<u>",
            "<em>x",
            "mallory<i>",
        ):
            assert raw not in html, f"{raw} unescaped on {name}"
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages["conversation"].content.decode()
    assert "&lt;b&gt;Mallory&lt;/b&gt; &lt;em&gt;x&lt;/em&gt;" in pages["preview"].content.decode()


def test_the_pages_speak_dutch(client: Any, team: Team, item: InboxItem) -> None:
    client.force_login(team.editor)
    pages = {
        "/social/inbox/": "Webcare-inbox",
        f"/social/inbox/{item.pk}/": "Interne notities",
        "/social/dashboard/": "Reactietijden",
        "/social/library/": "Standaardantwoorden en normen",
    }
    for path, text in pages.items():
        assert text in client.get(path, HTTP_ACCEPT_LANGUAGE="nl").content.decode(), path
