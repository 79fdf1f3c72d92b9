"""Automatic announcements: a dataset published and a report resolved become posts on the rule's
channels, per language; a switched-off rule announces nothing; auto-approved ones go out when due."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue import events as catalogue_events
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.core.events import publish
from openingup.reports import services as reports
from openingup.social.publishing import announcements, services
from openingup.social.publishing.models import AnnouncementRule, Post
from tests.social.publishing_fakes import Desk, Platforms, desk, platforms

__all__ = ["desk", "platforms"]


def rule(desk: Desk, event: str, texts: dict[str, str], **kwargs: Any) -> AnnouncementRule:
    made = AnnouncementRule.objects.create(organisation=desk.organisation, event=event, texts=texts, **kwargs)
    made.channels.set([desk.mastodon, desk.bluesky])
    return made


def publish_dataset(desk: Desk, capture: Any, title: dict[str, str]) -> Dataset:
    dataset = catalogue.create_dataset(
        actor=None, publisher=desk.organisation, data={"title": title, "description": {"nl": "x"}}
    )
    with capture(execute=True):
        Dataset.objects.filter(pk=dataset.pk).update(status="published")
        publish(catalogue_events.DATASET_PUBLISHED, dataset_id=dataset.pk)
    return dataset


def test_a_published_dataset_is_announced_per_language_for_approval(
    desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    announcing = rule(
        desk,
        AnnouncementRule.Event.DATASET_PUBLISHED,
        {"nl": "Nieuwe dataset: $title $url", "en": "New dataset: $title $url"},
    )
    dataset = publish_dataset(
        desk, django_capture_on_commit_callbacks, {"nl": "Fietspaden", "en": "Cycle paths"}
    )
    posts = {p.language: p for p in Post.objects.all()}
    assert set(posts) == {"en", "nl"}
    assert posts["nl"].text.startswith("Nieuwe dataset: Fietspaden ") and posts["nl"].text.endswith(
        f"/datasets/{dataset.slug}/"
    )
    assert posts["en"].text.startswith("New dataset: Cycle paths ")
    assert all(p.status == Post.Status.AWAITING and p.rule == announcing for p in posts.values())
    assert all(p.targets.count() == 2 for p in posts.values())
    # The same event again (a redelivery) is not announced twice.
    with django_capture_on_commit_callbacks(execute=True):
        publish(catalogue_events.DATASET_PUBLISHED, dataset_id=dataset.pk)
    assert Post.objects.count() == 2


def test_a_switched_off_rule_announces_nothing(desk: Desk, django_capture_on_commit_callbacks: Any) -> None:
    rule(desk, AnnouncementRule.Event.DATASET_PUBLISHED, {"nl": "Nieuw: $title"}, enabled=False)
    publish_dataset(desk, django_capture_on_commit_callbacks, {"nl": "Bomen"})
    assert not Post.objects.exists()


def test_a_resolved_report_is_announced_and_auto_approved_posts_go_out(
    desk: Desk, platforms: Platforms, django_capture_on_commit_callbacks: Any
) -> None:
    rule(
        desk,
        AnnouncementRule.Event.REPORT_RESOLVED,
        {"nl": "Melding $id ($service, $address) is opgelost."},
        auto_approve=True,
    )
    reports.create_service(
        actor=None, code="pothole", name={"nl": "Gat in de weg"}, organisation=desk.organisation
    )
    request = reports.file_request(
        actor=None,
        filing=reports.Filing(service_code="pothole", location=reports.Location(address_string="Markt 1")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        reports.change_status(actor=None, request=request, status="in_progress")
    assert not Post.objects.exists()  # only a resolution is announced
    with django_capture_on_commit_callbacks(execute=True):
        reports.change_status(actor=None, request=request, status="done")
    post = Post.objects.get()
    assert post.text == f"Melding {request.pk} (Gat in de weg, Markt 1) is opgelost."
    assert post.status == Post.Status.APPROVED and post.author is None
    [sent] = services.publish_due(transport=platforms.transport)
    assert sent.status == Post.Status.PUBLISHED
    assert platforms.statuses[0]["status"] == post.text and platforms.records[0]["text"] == post.text


def test_announcements_are_shortened_to_fit_every_channel() -> None:
    text = announcements.fill(
        "Nieuw: $title $url", {"title": "Lange titel " * 40, "url": "https://x.example/d"}, ["bluesky"]
    )
    assert text.endswith("… https://x.example/d")
    from openingup.social.publishing import limits

    assert limits.problem("bluesky", text) == ""


@pytest.mark.parametrize("status", ["cancelled", "duplicate"])
def test_other_endings_are_not_resolutions(
    status: str, desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    rule(desk, AnnouncementRule.Event.REPORT_RESOLVED, {"nl": "Opgelost: $id"})
    reports.create_service(actor=None, code="pothole", name={"nl": "Gat"}, organisation=desk.organisation)
    request = reports.file_request(
        actor=None,
        filing=reports.Filing(service_code="pothole", location=reports.Location(address_string="Markt 1")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        reports.change_status(actor=None, request=request, status=status)
    assert not Post.objects.exists()
