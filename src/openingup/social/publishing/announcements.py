"""Automatic announcements: a dataset published, a report resolved → a post per language of each enabled
rule, on the rule's channels. Posts await a second person's approval unless the rule auto-approves;
approved ones go out with the next :func:`~openingup.social.publishing.services.publish_due`.

Placeholders (``$name``): ``$title`` and ``$url`` for a dataset; ``$id``, ``$service``, ``$address`` and
``$url`` (the tracking page) for a report. A value that makes the text too long for a channel is shortened
with "…" until it fits. An event is announced once per rule and language.
"""

from __future__ import annotations

import logging
from string import Template
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from openingup import config
from openingup.catalogue import events as catalogue_events
from openingup.core.events import Event, publish, subscribe
from openingup.reports import events as reports_events
from openingup.social import events
from openingup.social.publishing import limits
from openingup.social.publishing.models import AnnouncementRule, Post, PostTarget

log = logging.getLogger(__name__)
RESOLVED = "done"


def fill(template: str, values: dict[str, str], kinds: list[str]) -> str:
    """The template with its placeholders filled, the longest value shortened until every platform in
    ``kinds`` accepts the text (or the value is gone)."""
    values = dict(values)
    while True:
        text = Template(template).safe_substitute(values).strip()
        if not any(limits.problem(kind, text) for kind in kinds):
            return text
        shortenable = [k for k in values if k != "url" and len(values[k]) > 1]
        if not shortenable:
            return text
        longest = max(shortenable, key=lambda k: len(values[k]))
        values[longest] = values[longest][: max(1, len(values[longest]) - 10)].rstrip() + "…"
        if values[longest] == "…":
            values[longest] = ""


def announce(event: str, key: str, values_in: Any, organisation_id: Any = None) -> list[Post]:
    """Create the posts of every enabled rule for ``event``; ``values_in(language)`` gives the
    placeholders' values in a language."""
    created = []
    for rule in AnnouncementRule.objects.filter(event=event, enabled=True).prefetch_related("channels"):
        if rule.organisation_id and organisation_id and rule.organisation_id != organisation_id:
            continue
        channels = [c for c in rule.channels.all() if c.active]
        if not channels:
            continue
        for language, template in sorted((rule.texts or {}).items()):
            if not str(template).strip():
                continue
            text = fill(str(template), values_in(language), [c.kind for c in channels])
            try:
                with transaction.atomic():
                    post = Post.objects.create(
                        organisation_id=rule.organisation_id,
                        text=text,
                        language=language,
                        rule=rule,
                        event_key=key,
                        status=Post.Status.APPROVED if rule.auto_approve else Post.Status.AWAITING,
                        approved_at=timezone.now() if rule.auto_approve else None,
                    )
                    for channel in channels:
                        PostTarget.objects.create(post=post, channel=channel)
                    publish(
                        events.POST_APPROVED if rule.auto_approve else events.POST_SUBMITTED, post_id=post.pk
                    )
            except IntegrityError:
                continue  # this event was announced already
            created.append(post)
    return created


def _any_rule(event: str) -> bool:
    return AnnouncementRule.objects.filter(event=event, enabled=True).exists()


def _base() -> str:
    return config.get("OPENINGUP_BASE_URL").rstrip("/")


@subscribe(catalogue_events.DATASET_PUBLISHED)
def dataset_published(event: Event) -> None:
    from openingup.catalogue.models import Dataset

    if not _any_rule(AnnouncementRule.Event.DATASET_PUBLISHED):
        return
    dataset_id = event.payload.get("dataset_id")
    dataset = Dataset.objects.filter(pk=str(dataset_id)).first() if dataset_id else None
    if dataset is None:
        return
    url = _base() + reverse("web:dataset", kwargs={"slug": dataset.slug})
    announce(
        AnnouncementRule.Event.DATASET_PUBLISHED,
        f"dataset:{dataset.pk}",
        lambda lang: {"title": dataset.text("title", lang), "url": url},
        getattr(dataset, "organisation_id", None),
    )


@subscribe(reports_events.REQUEST_STATUS_CHANGED)
def report_resolved(event: Event) -> None:
    if event.payload.get("status") != RESOLVED or not _any_rule(AnnouncementRule.Event.REPORT_RESOLVED):
        return
    from openingup.reports.models import ServiceRequest
    from openingup.social.inbox.replies import tracking_url

    request_id = event.payload.get("request_id")
    request = (
        ServiceRequest.objects.select_related("service").filter(pk=int(request_id)).first()
        if request_id
        else None
    )
    if request is None:
        return
    names = request.service.name if isinstance(request.service.name, dict) else {}

    def values(lang: str) -> dict[str, str]:
        service = names.get(lang) or names.get("en") or next(iter(names.values()), "")
        return {
            "id": str(request.pk),
            "service": str(service),
            "address": request.address_string,
            "url": tracking_url(request),
        }

    announce(
        AnnouncementRule.Event.REPORT_RESOLVED,
        f"report:{request.pk}:{event.payload.get('update_id', '')}",
        values,
        getattr(request.service, "organisation_id", None),
    )
