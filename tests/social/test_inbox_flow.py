"""The webcare inbox end to end through the web pages: a mention arrives, is assigned, answered through
the (faked) Mastodon connector, turned into a service request, closed, and reopened by a new message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from openingup.reports.models import Reporter, ServiceRequest
from openingup.social import services
from openingup.social.inbox import services as inbox
from openingup.social.inbox.models import CannedReply, InboxAction, InboxItem
from openingup.social.inbox.replies import tracking_url
from openingup.social.models import Message
from tests.social.webcare import MENTION_AT, MENTION_TEXT, FakeMastodon, Team, mastodon, places, team

__all__ = ["mastodon", "places", "team"]

pytestmark = pytest.mark.django_db


def poll(team: Team) -> None:
    report = services.poll_channel(actor=None, channel=team.channel)
    assert report.error == ""


def arrive(team: Team, mastodon: FakeMastodon) -> InboxItem:
    mastodon.mention("111", MENTION_TEXT, MENTION_AT)
    poll(team)
    return InboxItem.objects.get(conversation__messages__external_id="111")


def test_a_mention_goes_from_new_to_closed_and_reopens(
    client: Any, team: Team, mastodon: FakeMastodon
) -> None:
    item = arrive(team, mastodon)
    assert item.state == "new" and item.language == "nl" and item.author_handle == "anna@social.example"
    client.force_login(team.editor)
    listed = client.get("/social/inbox/").content.decode()
    assert "diep gat in de weg" in listed and f"/social/inbox/{item.pk}/" in listed

    # assigned to the department and a person
    answer = client.post(
        f"/social/inbox/{item.pk}/",
        {"action": "assign", "team": str(team.department.pk), "assignee": str(team.editor.pk)},
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.team, item.assignee) == ("assigned", team.department, team.editor)
    mine = client.get("/social/inbox/", {"assignee": "me"}).content.decode()
    assert "diep gat in de weg" in mine

    # a canned reply previewed with its placeholders filled, then sent through the connector
    canned = inbox.save_canned_reply(
        actor=team.editor,
        organisation=team.municipality,
        title="Thanks",
        texts={"nl": "Dag {name}, bedankt voor je melding aan {organisation}!", "en": "Hi {name}!"},
    )
    preview = client.post(f"/social/inbox/{item.pk}/", {"action": "preview", "canned": str(canned.pk)})
    assert preview.status_code == 200
    assert "Dag Anna, bedankt voor je melding aan Gemeente!" in preview.content.decode()
    sent = client.post(
        f"/social/inbox/{item.pk}/", {"action": "reply", "text": "Dag Anna, we kijken ernaar."}
    )
    assert sent.status_code == 302
    assert mastodon.posted[-1]["status"] == "Dag Anna, we kijken ernaar."
    assert mastodon.posted[-1]["in_reply_to_id"] == "111"
    item.refresh_from_db()
    assert item.state == "answered"
    # 10:30 to 12:00 Amsterdam time on a Tuesday: an hour and a half of business time
    assert item.first_response_seconds == 5400
    outgoing = Message.objects.get(direction="out", conversation_id=item.pk)
    assert outgoing.text == "Dag Anna, we kijken ernaar."

    # converted into a service request: located by the matched street, reply carries the tracking link
    converted = client.post(f"/social/inbox/{item.pk}/", {"action": "convert", "service_code": "pothole"})
    assert converted.status_code == 302, converted.content.decode()
    request = ServiceRequest.objects.get()
    assert request.service.code == "pothole"
    assert (request.lat, request.long, request.address_string) == (50.8275, 3.2650, "Marktstraat")
    assert request.description == MENTION_TEXT
    reporter = Reporter.objects.get(request=request)
    assert reporter.account_id == "mastodon:anna@social.example"
    assert (reporter.email, reporter.first_name, reporter.last_name, reporter.phone) == ("", "", "", "")
    assert tracking_url(request) in mastodon.posted[-1]["status"]
    assert tracking_url(request).endswith(f"/report/track/{request.token}/")
    assert client.get(urlsplit(tracking_url(request)).path).status_code == 200  # the citizen's page
    item.refresh_from_db()
    assert item.service_request == request and item.state == "answered"
    assert item.first_response_seconds == 5400  # the first answer stays the first

    # a note, then closed
    assert (
        client.post(
            f"/social/inbox/{item.pk}/", {"action": "note", "note": "Doorgezet naar wegen."}
        ).status_code
        == 302
    )
    assert client.post(f"/social/inbox/{item.pk}/", {"action": "close"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "closed" and item.resolution_seconds is not None
    assert f"/social/inbox/{item.pk}/" not in client.get("/social/inbox/").content.decode()  # not closed ones
    assert f"/social/inbox/{item.pk}/" in client.get("/social/inbox/", {"state": "closed"}).content.decode()

    # Anna answers our reply: the same conversation reopens, still assigned
    mastodon.mention(
        "112",
        "@gemeente Het gat is nog steeds niet gemaakt!",
        datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
        reply_to="9001",
    )
    poll(team)
    item.refresh_from_db()
    assert item.state == "assigned" and item.closed_at is None and item.resolution_seconds is None
    assert item.last_incoming.external_id == "112"

    kinds = list(InboxAction.objects.filter(item=item).values_list("kind", "actor__username"))
    assert kinds == [
        ("received", None),
        ("assigned", "webcare"),
        ("answered", "webcare"),
        ("converted", "webcare"),
        ("noted", "webcare"),
        ("closed", "webcare"),
        ("received", None),
        ("reopened", None),
    ]
    page = client.get(f"/social/inbox/{item.pk}/").content.decode()
    assert "Doorgezet naar wegen." in page and "nog steeds niet gemaakt" in page
    assert CannedReply.objects.count() == 1


def test_a_refused_reply_files_no_request_and_changes_nothing(
    client: Any, team: Team, mastodon: FakeMastodon
) -> None:
    item = arrive(team, mastodon)
    client.force_login(team.editor)
    mastodon.fail_posts = True

    answer = client.post(f"/social/inbox/{item.pk}/", {"action": "convert", "service_code": "pothole"})

    assert answer.status_code == 400
    assert "Text is too long" in answer.content.decode()
    assert not ServiceRequest.objects.exists()
    item.refresh_from_db()
    assert item.state == "new" and item.first_response_at is None and item.service_request is None
    assert not Message.objects.filter(direction="out").exists()


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"action": "reply", "text": "   "}, "write the reply"),
        ({"action": "reply", "text": "See {tracking_url}"}, "{tracking_url}"),
        ({"action": "convert", "service_code": "unicorns"}, "service_code"),
        ({"action": "note", "note": ""}, "note"),
        ({"action": "fly"}, "is not an action"),
        ({"action": "assign", "team": "00000000-0000-0000-0000-000000000000"}, "team"),
    ],
)
def test_bad_input_is_named_and_stores_nothing(
    client: Any, team: Team, mastodon: FakeMastodon, form: dict[str, str], problem: str
) -> None:
    item = arrive(team, mastodon)
    client.force_login(team.editor)

    answer = client.post(f"/social/inbox/{item.pk}/", form)

    assert answer.status_code == 400
    assert problem in answer.content.decode()
    item.refresh_from_db()
    assert item.state == "new" and not mastodon.posted and not ServiceRequest.objects.exists()


def test_a_message_without_a_known_place_needs_an_address(
    client: Any, team: Team, mastodon: FakeMastodon
) -> None:
    mastodon.mention("120", "@gemeente De lantaarn bij mij voor de deur is stuk.", MENTION_AT)
    poll(team)
    item = InboxItem.objects.get()
    client.force_login(team.editor)

    refused = client.post(f"/social/inbox/{item.pk}/", {"action": "convert", "service_code": "pothole"})
    assert refused.status_code == 400 and "address" in refused.content.decode()

    given = {
        "action": "convert",
        "service_code": "pothole",
        "address": "Grote Markt 1",
        "text": "{name}, zie {tracking_url}",
    }
    assert client.post(f"/social/inbox/{item.pk}/", given).status_code == 302
    request = ServiceRequest.objects.get()
    assert request.address_string == "Grote Markt 1" and request.lat is None
    assert mastodon.posted[-1]["status"] == f"Anna, zie {tracking_url(request)}"


def test_saved_views_are_per_person(
    client: Any, team: Team, mastodon: FakeMastodon, django_user_model: Any
) -> None:
    arrive(team, mastodon)
    client.force_login(team.editor)
    saved = client.post("/social/inbox/", {"name": "Negatief NL", "language": "nl", "state": "new"})
    assert saved.status_code == 302 and "language=nl" in saved["Location"]
    assert "Negatief NL" in client.get("/social/inbox/").content.decode()
    client.force_login(team.viewer)
    assert "Negatief NL" not in client.get("/social/inbox/").content.decode()
    view = team.editor.social_saved_views.get()
    assert client.post(f"/social/inbox/views/{view.pk}/delete/").status_code == 404
    client.force_login(team.editor)
    assert client.post(f"/social/inbox/views/{view.pk}/delete/").status_code == 302
    assert not team.editor.social_saved_views.exists()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"language": "nl"}, True),
        ({"language": "fr"}, False),
        ({"text": "marktstraat"}, True),
        ({"text": "anna@social"}, True),
        ({"text": "zwembad"}, False),
        ({"min_score": "0"}, True),
        ({"state": "closed"}, False),
        ({"state": ""}, True),
        ({"assignee": "none"}, True),
        ({"assignee": "me"}, False),
    ],
)
def test_inbox_filters(
    client: Any, team: Team, mastodon: FakeMastodon, query: dict[str, str], shown: bool
) -> None:
    arrive(team, mastodon)
    client.force_login(team.editor)
    answer = client.get("/social/inbox/", {"channel": str(team.channel.pk), **query})
    assert answer.status_code == 200
    assert ("diep gat in de weg" in answer.content.decode()) is shown


def test_bad_filters_are_named(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    answer = client.get("/social/inbox/", {"min_score": "lots", "state": "sleeping"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "min_score" in page and "sleeping" in page


def test_an_edit_updates_what_the_inbox_filters_on(team: Team) -> None:
    from openingup.social.connectors import Item

    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    services.record_items(
        channel=team.channel, items=[Item("e1", "mention", when, text="Bedankt, alles is prima!")]
    )
    assert InboxItem.objects.get().sentiment == "positive"
    edited = Item("e1", "mention", when, text="Het afval ligt er nog, slecht en vies!", edited_at=when)
    services.record_items(channel=team.channel, items=[edited])
    assert InboxItem.objects.get().sentiment == "negative"


def test_imports_of_history_do_not_fill_the_inbox(team: Team) -> None:
    from openingup.social.connectors import Item

    services.record_items(
        channel=team.channel,
        items=[Item("h1", "mention", datetime(2020, 1, 1, tzinfo=UTC), text="old")],
        announce=False,
    )
    assert not InboxItem.objects.exists()


def test_the_tracking_link_can_point_elsewhere(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    from openingup.reports import services as reports

    request = reports.file_request(
        actor=None,
        filing=reports.Filing(service_code="pothole", location=reports.Location(address_string="Markt 1")),
    )
    monkeypatch.setenv("OPENINGUP_SOCIAL_TRACKING_URL", "https://meldingen.example/{id}?t={token}")
    assert tracking_url(request) == f"https://meldingen.example/{request.pk}?t={request.token}"
