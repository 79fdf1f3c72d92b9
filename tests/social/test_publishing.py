"""Compose once for Mastodon and Bluesky, approval by a second person, publishing now and at its time."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.core.errors import Conflict, InvalidInput, PermissionDenied
from openingup.social.archive.models import ArchiveEntry
from openingup.social.models import Message
from openingup.social.publishing import services
from openingup.social.publishing.models import Post, PostTarget
from tests.social.publishing_fakes import DID, Desk, Platforms, desk, platforms

__all__ = ["desk", "platforms"]


def test_each_channel_names_its_own_length_problem(desk: Desk) -> None:
    text = "x" * 400  # fits Mastodon, not Bluesky
    with pytest.raises(InvalidInput) as caught:
        services.compose(actor=desk.author, channels=[desk.mastodon, desk.bluesky], text=text)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["channel Bluesky"]
    assert "100 over the 300" in caught.value.problems[0].problem
    assert not Post.objects.exists()
    # A shorter variant for Bluesky makes it acceptable.
    post = services.compose(
        actor=desk.author,
        channels=[desk.mastodon, desk.bluesky],
        text=text,
        variants={str(desk.bluesky.pk): "Short for Bluesky"},
    )
    assert {t.channel.kind: t.text for t in post.targets.all()} == {
        "mastodon": text,
        "bluesky": "Short for Bluesky",
    }


def test_the_author_cannot_approve_and_a_second_person_publishes(desk: Desk, platforms: Platforms) -> None:
    text = "Nieuwe open data over fietspaden 🚲 https://data.example.org/fiets #opendata @anna.bsky.social"
    post = services.compose(actor=desk.author, channels=[desk.mastodon, desk.bluesky], text=text, submit=True)
    assert post.status == Post.Status.AWAITING
    with pytest.raises(PermissionDenied, match="second person"):
        services.approve(actor=desk.author, post=post, transport=platforms.transport)
    with pytest.raises(PermissionDenied):
        services.approve(actor=desk.viewer, post=post, transport=platforms.transport)
    assert Post.objects.get(pk=post.pk).status == Post.Status.AWAITING
    assert platforms.statuses == [] and platforms.records == []

    post = services.approve(actor=desk.approver, post=post, transport=platforms.transport)
    assert post.status == Post.Status.PUBLISHED and post.approver == desk.approver
    assert platforms.statuses[0]["status"] == text and "scheduled_at" not in platforms.statuses[0]
    record = platforms.records[0]
    assert record["text"] == text
    features = [f["features"][0] for f in record["facets"]]
    assert [f["$type"].rsplit("#", 1)[1] for f in features] == ["link", "tag", "mention"]
    assert features[2]["did"] == "did:plc:anna"
    targets = {t.channel.kind: t for t in post.targets.all()}
    assert targets["mastodon"].url == "https://mastodon.test/@gemeente/101"
    assert targets["bluesky"].external_id == f"at://{DID}/app.bsky.feed.post/rk1"
    assert targets["bluesky"].url.startswith("https://bsky.app/profile/")
    assert Message.objects.filter(direction="out").count() == 2
    kinds = list(ArchiveEntry.objects.values_list("kind", flat=True))
    assert kinds.count("sent") == 2 and kinds.count("published") == 2
    with pytest.raises(Conflict):
        services.approve(actor=desk.approver, post=post, transport=platforms.transport)


def test_rejected_posts_go_back_to_their_author(desk: Desk) -> None:
    post = services.compose(actor=desk.author, channels=[desk.mastodon], text="Hallo", submit=True)
    with pytest.raises(InvalidInput):
        services.reject(actor=desk.approver, post=post, note=" ")
    post = services.reject(actor=desk.approver, post=post, note="Spelling")
    assert (post.status, post.rejection_note) == (Post.Status.DRAFT, "Spelling")
    assert services.submit(actor=desk.author, post=post).status == Post.Status.AWAITING


def test_scheduling_mastodon_on_the_platform_and_bluesky_client_side(
    desk: Desk, platforms: Platforms
) -> None:
    now = timezone.now()
    at = now + timedelta(hours=2)
    post = services.compose(
        actor=desk.author,
        channels=[desk.mastodon, desk.bluesky],
        text="Morgen: inspraak",
        scheduled_at=at,
        submit=True,
    )
    post = services.approve(actor=desk.approver, post=post, transport=platforms.transport, now=now)
    assert post.status == Post.Status.SCHEDULED
    assert platforms.statuses[0]["scheduled_at"] == at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    targets = {t.channel.kind: t for t in post.targets.all()}
    assert targets["mastodon"].status == PostTarget.Status.SCHEDULED
    assert targets["mastodon"].external_id == "scheduled:s1"
    assert targets["bluesky"].status == PostTarget.Status.PENDING
    assert platforms.records == []

    # Not due yet: nothing is sent.
    services.publish_due(now=now + timedelta(hours=1), transport=platforms.transport)
    assert platforms.records == []
    # Due: Bluesky is sent once; a second run sends nothing again.
    [done] = services.publish_due(now=at + timedelta(minutes=1), transport=platforms.transport)
    assert done.status == Post.Status.PUBLISHED
    assert len(platforms.records) == 1 and len(platforms.statuses) == 1
    assert services.publish_due(now=at + timedelta(minutes=2), transport=platforms.transport) == []
    assert len(platforms.records) == 1
    # Both are archived as published; Mastodon's at the time it was scheduled for.
    published = ArchiveEntry.objects.filter(kind="published")
    assert {e.channel_id for e in published} == {desk.mastodon.pk, desk.bluesky.pk}
    assert published.get(channel=desk.mastodon).occurred_at == at.replace(microsecond=0)


def test_too_close_to_schedule_on_mastodon_it_is_sent_at_its_time(desk: Desk, platforms: Platforms) -> None:
    now = timezone.now()
    at = now + timedelta(minutes=3)
    post = services.compose(actor=desk.author, channels=[desk.mastodon], text="Zo meteen", scheduled_at=at)
    post = services.submit(actor=desk.author, post=post)
    post = services.approve(actor=desk.approver, post=post, transport=platforms.transport, now=now)
    assert post.status == Post.Status.SCHEDULED and platforms.statuses == []
    [done] = services.publish_due(now=at, transport=platforms.transport)
    assert done.status == Post.Status.PUBLISHED
    assert "scheduled_at" not in platforms.statuses[0]


def test_a_failing_channel_is_reported_and_retried(desk: Desk, platforms: Platforms) -> None:
    platforms.fail_bluesky = True
    post = services.compose(
        actor=desk.author, channels=[desk.mastodon, desk.bluesky], text="Hallo", submit=True
    )
    post = services.approve(actor=desk.approver, post=post, transport=platforms.transport)
    assert post.status == Post.Status.FAILED
    failed = post.targets.get(channel=desk.bluesky)
    assert failed.status == PostTarget.Status.FAILED and "Record is invalid" in failed.error
    assert post.targets.get(channel=desk.mastodon).status == PostTarget.Status.PUBLISHED
    platforms.fail_bluesky = False
    post = services.retry(actor=desk.author, post=post, transport=platforms.transport)
    assert post.status == Post.Status.PUBLISHED
    assert len(platforms.statuses) == 1  # Mastodon was not sent twice


def test_a_time_in_the_past_and_no_channels_are_refused(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.compose(
            actor=desk.author, channels=[], text="x", scheduled_at=timezone.now() - timedelta(minutes=1)
        )
    assert {p.field for p in caught.value.problems} == {"channels", "scheduled_at"}


def test_the_publish_due_command_and_task(desk: Desk, platforms: Platforms, capsys: Any) -> None:
    from openingup.cli.main import main
    from openingup.core.tasks import registered

    post = services.compose(actor=desk.author, channels=[desk.bluesky], text="Nu", submit=True)
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.APPROVED,
        approver=desk.approver,
        scheduled_at=timezone.now() - timedelta(minutes=1),
    )
    assert main(["social", "publish-due"]) == 0
    out = capsys.readouterr().out
    assert f"post {post.pk}: published" in out and "1 posts due" in out
    assert len(platforms.records) == 1
    assert "social.publish_due" in registered()
