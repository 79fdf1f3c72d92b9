"""The organisation's own RSS feed as a channel: scheduled client-side like Bluesky, served as RSS 2.0."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from openingup.core.errors import InvalidInput
from openingup.social import services as social
from openingup.social.publishing import services
from openingup.social.publishing.models import Post, PostTarget
from tests.social.publishing_fakes import Desk, Platforms, desk, platforms

__all__ = ["desk", "platforms"]


def test_a_scheduled_post_enters_the_feed_at_its_time(desk: Desk, platforms: Platforms) -> None:
    feed = social.add_channel(
        actor=None,
        kind="feed",
        base_url="https://gemeente.example/nieuws",
        name="Nieuws",
        organisation=desk.organisation,
    )
    now = timezone.now()
    at = now + timedelta(hours=3)
    text = "Raadsvergadering <morgen> & overmorgen\nMeer op de website."
    post = services.compose(
        actor=desk.author, channels=[feed, desk.bluesky], text=text[:250], scheduled_at=at, submit=True
    )
    post = services.approve(actor=desk.approver, post=post, now=now)
    assert post.status == Post.Status.SCHEDULED
    assert post.targets.get(channel=feed).status == PostTarget.Status.PENDING
    client = Client()
    url = f"/social/feeds/{feed.pk}/rss.xml"
    assert ElementTree.fromstring(client.get(url).content).findall("./channel/item") == []

    [done] = services.publish_due(now=at + timedelta(seconds=1))
    assert done.status == Post.Status.PUBLISHED
    target = done.targets.get(channel=feed)
    assert target.url.startswith("https://gemeente.example/nieuws#")
    answer = client.get(url)
    assert answer["Content-Type"].startswith("application/rss+xml")
    [item] = ElementTree.fromstring(answer.content).findall("./channel/item")
    assert item.findtext("title") == "Raadsvergadering <morgen> & overmorgen"
    assert item.findtext("description") == text[:250]
    assert item.findtext("guid") == target.external_id
    assert b"&lt;morgen&gt; &amp;" in answer.content
    assert client.get(f"/social/feeds/{desk.mastodon.pk}/rss.xml").status_code == 404


def test_a_feed_item_longer_than_the_limit_is_refused(desk: Desk) -> None:
    feed = social.add_channel(
        actor=None, kind="feed", base_url="https://gemeente.example/nieuws", organisation=desk.organisation
    )
    with pytest.raises(InvalidInput) as caught:
        services.compose(actor=desk.author, channels=[feed], text="x" * 5001)
    assert "RSS" in caught.value.problems[0].problem
