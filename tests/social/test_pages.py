"""The channel and message pages: who may see and add, filters, translations."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.organisations.models import Membership, Organisation
from openingup.social import services
from openingup.social.connectors import Item
from openingup.social.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel() -> Channel:
    from datetime import UTC, datetime

    org = Organisation.objects.create(slug="kortrijk", kind="municipality", name={"en": "Kortrijk"})
    channel = services.add_channel(
        actor=None, kind="rss", base_url="https://news.test/feed", organisation=org
    )
    services.record_items(
        channel=channel,
        items=[
            Item("a", "feed-item", datetime(2024, 1, 1, tzinfo=UTC), text="Bedankt, het park is prachtig!"),
            Item(
                "b",
                "feed-item",
                datetime(2024, 1, 2, tzinfo=UTC),
                text="The bins were not emptied, disgusting.",
            ),
        ],
    )
    return channel


def test_messages_are_filtered_by_language_and_sentiment(
    client: Any, admin_user_: Any, channel: Channel
) -> None:
    client.force_login(admin_user_)
    page = client.get("/social/messages/", {"language": "nl"}).content.decode()
    assert "park is prachtig" in page and "bins were not" not in page
    page = client.get(
        "/social/messages/", {"sentiment": "negative", "channel": str(channel.pk)}
    ).content.decode()
    assert "bins were not" in page and "park is prachtig" not in page


def test_people_outside_the_organisation_see_no_messages(user_client: Any, channel: Channel) -> None:
    assert "park is prachtig" not in user_client.get("/social/messages/").content.decode()
    assert user_client.get(f"/social/messages/?channel={channel.pk}").status_code == 404


def test_an_editor_adds_a_channel_and_a_viewer_may_not(client: Any, user: Any, channel: Channel) -> None:
    org = channel.organisation
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.EDITOR)
    client.force_login(user)
    response = client.post(
        "/social/channels/",
        {"kind": "mastodon", "base_url": "https://m.test", "token": "tok-9", "organisation": str(org.pk)},
    )
    assert response.status_code == 302
    added = Channel.objects.get(kind="mastodon")
    assert added.organisation == org and "tok-9" not in added.credentials
    bad = client.post(
        "/social/channels/", {"kind": "mastodon", "base_url": "nope", "organisation": str(org.pk)}
    )
    assert bad.status_code == 400 and "base_url" in bad.content.decode()
    Membership.objects.filter(user=user).update(role=Membership.Role.VIEWER)
    page = client.get("/social/channels/").content.decode()
    assert "Add a channel" not in page and str(channel) in page


def test_pages_speak_dutch(client: Any, admin_user_: Any, channel: Channel) -> None:
    client.force_login(admin_user_)
    page = client.get("/social/channels/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Socialemediakanalen" in page and "Een kanaal toevoegen" in page
