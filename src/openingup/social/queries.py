"""Read side of the social context: channels a person may see, message lists with filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from openingup.core.errors import NotFound
from openingup.organisations.permissions import is_admin, visible_organisation_ids
from openingup.social.models import Channel, Message

PAGE = 50


def channels_for(user: Any) -> QuerySet[Channel]:
    """Every channel for administrators and the system (``None``); else those of the person's
    organisations."""
    channels = Channel.objects.select_related("organisation")
    if user is None or is_admin(user):
        return channels
    return channels.filter(organisation_id__in=visible_organisation_ids(user))


def find_channel(user: Any, ref: str) -> Channel:
    """A channel by id, or by name or handle when that is unique; NotFound otherwise."""
    channels = channels_for(user)
    found = None
    try:
        found = channels.filter(pk=ref).first()
    except Exception:  # not a UUID: look by name
        found = None
    if found is None:
        matches = list(channels.filter(Q(name=ref) | Q(handle=ref))[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise NotFound(f"No channel {ref!r}.")
    return found


@dataclass(frozen=True)
class MessageFilter:
    channel: Channel | None = None
    language: str = ""
    sentiment: str = ""
    direction: str = ""


def messages(user: Any, criteria: MessageFilter, *, limit: int = PAGE, offset: int = 0) -> list[Message]:
    """Messages newest first, of channels the person may see, narrowed by ``criteria``."""
    rows = Message.objects.select_related("channel").filter(channel__in=channels_for(user))
    if criteria.channel is not None:
        rows = rows.filter(channel=criteria.channel)
    if criteria.language:
        rows = rows.filter(language=criteria.language)
    if criteria.sentiment:
        rows = rows.filter(sentiment=criteria.sentiment)
    if criteria.direction:
        rows = rows.filter(direction=criteria.direction)
    return list(rows.order_by("-created_at", "-id")[offset : offset + limit])


def as_record(message: Message) -> dict[str, Any]:
    """A message as plain JSON-ready data (the CLI's ``--format json`` and the web's twin)."""
    return {
        "id": message.pk,
        "channel": str(message.channel_id),
        "external_id": message.external_id,
        "conversation": message.conversation_id,
        "in_reply_to": message.in_reply_to_external_id or None,
        "kind": message.kind,
        "direction": message.direction,
        "author": {"handle": message.author_handle, "name": message.author_name, "url": message.author_url},
        "text": message.text,
        "url": message.url,
        "media": message.media,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
        "language": message.language,
        "sentiment": {"label": message.sentiment, "score": message.sentiment_score},
        "keywords": message.keywords,
        "topics": message.topics,
        "service_request_score": message.service_request_score,
        "place": (
            {"name": message.place, "latitude": message.latitude, "longitude": message.longitude}
            if message.place
            else None
        ),
    }


def readiness_evidence(organisation: Any, **options: Any) -> dict[str, Any]:
    """The hub's figures for the readiness assessment (share answered within target, median
    first-response time, channels in use, each with source and date); see
    :func:`openingup.social.analytics.readiness_evidence`."""
    from openingup.social import analytics  # imported here: analytics reads this module's queries

    return analytics.readiness_evidence(organisation, **options)
