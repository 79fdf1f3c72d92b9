"""The compose page, a post's page (approval by a second person), the calendar and the archive export."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from openingup.social.archive.models import ArchiveEntry
from openingup.social.publishing import services
from openingup.social.publishing.models import Post
from tests.social.publishing_fakes import Desk, Platforms, desk, platforms

__all__ = ["desk", "platforms"]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_compose_names_the_channel_that_is_too_long(desk: Desk) -> None:
    page = client_for(desk.author).post(
        "/social/posts/new/",
        {"text": "y" * 350, "channel": [str(desk.mastodon.pk), str(desk.bluesky.pk)], "action": "submit"},
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "channel Bluesky" in body and "50 over the 300" in body
    assert "350 of 500 characters" in body
    assert not Post.objects.exists()


def test_compose_approve_and_publish_through_the_pages(desk: Desk, platforms: Platforms) -> None:
    author = client_for(desk.author)
    page = author.post(
        "/social/posts/new/",
        {
            "text": "Open data: #fietsen 🚲",
            "channel": [str(desk.mastodon.pk), str(desk.bluesky.pk)],
            "action": "submit",
        },
    )
    post = Post.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/social/posts/{post.pk}/"
    own = author.get(f"/social/posts/{post.pk}/").content.decode()
    assert "you cannot approve your own" in own and 'value="approve"' not in own
    assert author.post(f"/social/posts/{post.pk}/", {"action": "approve"}).status_code == 403
    approver = client_for(desk.approver)
    review = approver.get(f"/social/posts/{post.pk}/").content.decode()
    assert 'value="approve"' in review and "#fietsen" in review
    assert approver.post(f"/social/posts/{post.pk}/", {"action": "approve"}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert platforms.statuses[0]["status"] == "Open data: #fietsen 🚲"
    assert platforms.records[0]["facets"][0]["features"][0]["tag"] == "fietsen"
    calendar = approver.get("/social/calendar/", {"month": timezone.localdate().strftime("%Y-%m")})
    assert calendar.status_code == 200 and f"/social/posts/{post.pk}/" in calendar.content.decode()


def test_the_calendar_shows_scheduled_posts_in_their_month(desk: Desk) -> None:
    at = timezone.now() + timedelta(days=40)
    post = services.compose(
        actor=desk.author, channels=[desk.bluesky], text="Later <b>bold</b>", scheduled_at=at
    )
    client = client_for(desk.viewer)
    body = client.get("/social/calendar/", {"month": at.strftime("%Y-%m")}).content.decode()
    assert f"/social/posts/{post.pk}/" in body and "Later &lt;b&gt;bold&lt;/b&gt;" in body
    assert "<caption>" in body
    assert at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M") in body
    page = client.get(f"/social/posts/{post.pk}/").content.decode()
    assert "(Europe/Amsterdam)" in page and "Later &lt;b&gt;bold&lt;/b&gt;" in page
    assert (
        f"/social/posts/{post.pk}/"
        not in client.get("/social/calendar/", {"month": "1999-01"}).content.decode()
    )
    assert client.get("/social/calendar/", {"month": "garbage"}).status_code == 200


def test_archive_export_for_editors_only(desk: Desk, platforms: Platforms) -> None:
    post = services.compose(actor=desk.author, channels=[desk.mastodon], text="Archief <script>", submit=True)
    services.approve(actor=desk.approver, post=post)
    assert ArchiveEntry.objects.count() == 2
    assert client_for(desk.viewer).get("/social/archive/").status_code == 403
    editor = client_for(desk.author)
    assert editor.get("/social/archive/").status_code == 200
    today = timezone.now().date().isoformat()
    answer = editor.get("/social/archive/", {"from": today, "to": today})
    assert answer["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    assert len(archive.read("entries.jsonl").splitlines()) == 2
    assert "Archief &lt;script&gt;" in archive.read("index.html").decode()
    assert json.loads(archive.read("entries/00000002.json"))["kind"] == "published"
    bad = editor.get("/social/archive/", {"from": today, "to": "2000-01-01"})
    assert bad.status_code == 400 and "before the first" in bad.content.decode()
    checked = editor.post("/social/archive/").content.decode()
    assert "2 entries checked: the chain is intact." in checked


def test_announcement_rules_are_made_and_switched_on_the_page(desk: Desk) -> None:
    from openingup.social.publishing.models import AnnouncementRule

    editor = client_for(desk.author)
    refused = editor.post(
        "/social/announcements/", {"event": "dataset.published", "text_nl": "Nieuw: $title"}
    )
    assert refused.status_code == 400 and "Choose at least one channel." in refused.content.decode()
    saved = editor.post(
        "/social/announcements/",
        {"event": "dataset.published", "channel": [str(desk.bluesky.pk)], "text_nl": "Nieuw: $title $url"},
    )
    assert saved.status_code == 302
    rule = AnnouncementRule.objects.get()
    assert (rule.texts, rule.enabled, rule.auto_approve) == ({"nl": "Nieuw: $title $url"}, True, False)
    assert "Nieuw: $title $url" in editor.get("/social/announcements/").content.decode()
    assert editor.post(f"/social/announcements/{rule.pk}/toggle/").status_code == 302
    rule.refresh_from_db()
    assert rule.enabled is False
    assert client_for(desk.viewer).post(f"/social/announcements/{rule.pk}/toggle/").status_code == 404


def test_a_sent_back_draft_is_changed_and_resubmitted(desk: Desk) -> None:
    post = services.compose(
        actor=desk.author, channels=[desk.mastodon, desk.bluesky], text="Eerst", submit=True
    )
    services.reject(actor=desk.approver, post=post, note="Te kort")
    author = client_for(desk.author)
    page = author.get(f"/social/posts/{post.pk}/").content.decode()
    assert "Te kort" in page and 'value="edit"' in page
    too_long = author.post(f"/social/posts/{post.pk}/", {"action": "edit", "text": "z" * 301})
    assert too_long.status_code == 400 and "1 over the 300" in too_long.content.decode()
    post.refresh_from_db()
    assert post.text == "Eerst"
    variant = {f"variant_{desk.mastodon.pk}": "Langer voor Mastodon"}
    changed = author.post(f"/social/posts/{post.pk}/", {"action": "edit", "text": "Beter", **variant})
    assert changed.status_code == 302
    post.refresh_from_db()
    assert post.text == "Beter"
    assert post.targets.get(channel=desk.mastodon).variant == "Langer voor Mastodon"
    assert author.post(f"/social/posts/{post.pk}/", {"action": "submit"}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.AWAITING
    assert author.post(f"/social/posts/{post.pk}/", {"action": "edit", "text": "Stiekem"}).status_code == 400
