"""Figures of the social media hub: volume, sentiment and topics over time, and response times against
the channels' targets; and the evidence the readiness assessment takes from them.

Counting rules (so that a hand count agrees): a message counts on the day it was created, in the
webcare time zone (``OPENINGUP_SOCIAL_TIME_ZONE``); days fall in buckets of a day, an ISO week (named by
its Monday) or a calendar month. Sentiment and topics count incoming messages only. Response times count
the conversations opened (first incoming message) in the period: first-response and resolution times are
business hours as stored when the conversation was answered and closed; "answered within target" divides
the conversations answered within their channel's first-response target by all conversations opened, so
an unanswered conversation counts against the share. Medians are over answered (closed) ones only.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from openingup import config
from openingup.organisations.models import Organisation
from openingup.social.inbox.models import InboxItem
from openingup.social.inbox.queries import organisation_tree
from openingup.social.inbox.timing import targets
from openingup.social.models import Channel, Message

MAX_DAYS = 731
SOURCE = "Opening Up social media hub (webcare inbox, business hours)"
TOP_TOPICS = 10


def webcare_zone() -> ZoneInfo:
    return ZoneInfo(config.get("OPENINGUP_SOCIAL_TIME_ZONE"))


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end`` (both included) in buckets of ``bucket``."""

    start: date
    end: date
    bucket: str  # day | week | month

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValueError(f"the period is longer than {MAX_DAYS} days")
        if self.bucket not in ("day", "week", "month"):
            raise ValueError(f"{self.bucket!r} is not day, week or month")

    @classmethod
    def ending(cls, end: date, days: int = 30) -> Period:
        return cls(end - timedelta(days=days - 1), end, "day" if days <= 62 else "week")

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware moments: from the start day's midnight to the day after the end."""
        zone = webcare_zone()
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )

    def key(self, day: date) -> date:
        if self.bucket == "week":
            return day - timedelta(days=day.weekday())
        if self.bucket == "month":
            return day.replace(day=1)
        return day

    def buckets(self) -> list[date]:
        found, day = [], self.start
        while day <= self.end:
            found.append(self.key(day))
            day += timedelta(days=1)
        return list(dict.fromkeys(found))

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "bucket": self.bucket}


def _messages(channels: list[Channel], period: Period) -> QuerySet[Message]:
    start, end = period.bounds()
    return Message.objects.filter(channel__in=channels, created_at__gte=start, created_at__lt=end)


def _per_day(rows: QuerySet[Message], *group: str) -> QuerySet[Any]:
    day = TruncDate("created_at", tzinfo=webcare_zone())
    return rows.annotate(day=day).values("day", *group).annotate(n=Count("id")).order_by()


def volume(channels: list[Channel], period: Period) -> list[dict[str, Any]]:
    """Per channel and direction: the message count in each bucket."""
    counts: dict[tuple[str, str], Counter[date]] = defaultdict(Counter)
    for row in _per_day(_messages(channels, period), "channel_id", "direction"):
        counts[(str(row["channel_id"]), row["direction"])][period.key(row["day"])] += row["n"]
    return [
        {
            "channel": str(c.pk),
            "name": str(c),
            "direction": direction,
            "counts": [counts[(str(c.pk), direction)][b] for b in period.buckets()],
        }
        for c in channels
        for direction in (Message.Direction.IN, Message.Direction.OUT)
    ]


def sentiment(channels: list[Channel], period: Period) -> dict[str, list[int]]:
    """Incoming messages per sentiment label in each bucket (unenriched ones left out)."""
    rows = _messages(channels, period).filter(direction=Message.Direction.IN).exclude(sentiment="")
    counts: dict[str, Counter[date]] = defaultdict(Counter)
    for row in _per_day(rows, "sentiment"):
        counts[row["sentiment"]][period.key(row["day"])] += row["n"]
    return {label: [counts[label][b] for b in period.buckets()] for label in Message.Sentiment.values}


def topics(channels: list[Channel], period: Period, top: int = TOP_TOPICS) -> list[tuple[str, int]]:
    """The most frequent topics of incoming messages, with the number of messages on each."""
    found: Counter[str] = Counter()
    rows = _messages(channels, period).filter(direction=Message.Direction.IN).exclude(topics=[])
    for listed in rows.values_list("topics", flat=True).iterator(chunk_size=2000):
        found.update(set(listed or []))
    return sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))[:top]


def _hours(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds) / 3600, 2) if seconds else None


def _figures(
    rows: list[tuple[float | None, float | None]], first_target: float, resolution_target: float
) -> dict[str, Any]:
    answered = [first for first, _ in rows if first is not None]
    closed = [resolved for _, resolved in rows if resolved is not None]
    within = sum(1 for s in answered if s <= first_target * 3600)
    resolved_within = sum(1 for s in closed if s <= resolution_target * 3600)
    return {
        "conversations": len(rows),
        "answered": len(answered),
        "answered_within_target": within,
        "share_answered_within_target": round(within / len(rows), 4) if rows else None,
        "median_first_response_hours": _hours(answered),
        "closed": len(closed),
        "closed_within_target": resolved_within,
        "median_resolution_hours": _hours(closed),
        "first_response_target_hours": first_target,
        "resolution_target_hours": resolution_target,
    }


def response_times(channels: list[Channel], period: Period) -> dict[str, Any]:
    """Per channel and over all: conversations opened in the period and how fast they were answered
    and closed (business hours), against each channel's targets."""
    start, end = period.bounds()
    opened = InboxItem.objects.filter(channel__in=channels, opened_at__gte=start, opened_at__lt=end)
    rows: dict[Any, list[tuple[float | None, float | None]]] = defaultdict(list)
    for channel_id, first, resolved in opened.values_list(
        "channel_id", "first_response_seconds", "resolution_seconds"
    ):
        rows[channel_id].append((first, resolved))
    per_channel, within, total, answered, closed = [], 0, 0, [], []
    for channel in channels:
        first_target, resolution_target = targets(channel)
        figures = _figures(rows[channel.pk], first_target, resolution_target)
        per_channel.append({"channel": str(channel.pk), "name": str(channel), **figures})
        within += figures["answered_within_target"]
        total += figures["conversations"]
        answered += [f for f, _ in rows[channel.pk] if f is not None]
        closed += [r for _, r in rows[channel.pk] if r is not None]
    overall = {
        "conversations": total,
        "answered_within_target": within,
        "share_answered_within_target": round(within / total, 4) if total else None,
        "median_first_response_hours": _hours(answered),
        "median_resolution_hours": _hours(closed),
    }
    return {"channels": per_channel, "overall": overall}


def dashboard(channels: list[Channel], period: Period) -> dict[str, Any]:
    """Every figure of the dashboard, JSON-ready (the page's ``?format=json`` twin)."""
    return {
        "period": period.as_json(),
        "time_zone": config.get("OPENINGUP_SOCIAL_TIME_ZONE"),
        "buckets": [b.isoformat() for b in period.buckets()],
        "volume": volume(channels, period),
        "sentiment": sentiment(channels, period),
        "topics": [{"topic": t, "messages": n} for t, n in topics(channels, period)],
        "response_times": response_times(channels, period),
    }


def organisation_channels(organisation: Organisation) -> list[Channel]:
    """The channels of the organisation and of its departments, archive imports left out."""
    tree = organisation_tree(organisation.pk)
    return list(Channel.objects.filter(organisation_id__in=tree).exclude(kind__in=["twitter", "facebook"]))


def readiness_evidence(
    organisation: Organisation, *, today: date | None = None, days: int = 90
) -> dict[str, Any]:
    """What the readiness assessment uses of the hub, measured over the last ``days`` days: the share of
    conversations answered within target, the median first-response time in business hours, and the
    channels in use (active, with a message in the period). Each figure carries its source and date."""
    today = today or timezone.localdate(timezone.now(), webcare_zone())
    period = Period.ending(today, days)
    channels = organisation_channels(organisation)
    times = response_times(channels, period)["overall"]
    start, end = period.bounds()
    recent = Message.objects.filter(created_at__gte=start, created_at__lt=end)
    in_use = [c for c in channels if c.active and recent.filter(channel=c).exists()]
    used = sorted({c.kind for c in in_use})

    def figure(value: Any, unit: str) -> dict[str, Any]:
        return {
            "value": value,
            "unit": unit,
            "source": SOURCE,
            "date": today.isoformat(),
            "period": period.as_json(),
        }

    return {
        "organisation": organisation.slug,
        "share_answered_within_target": figure(times["share_answered_within_target"], "share"),
        "median_first_response_hours": figure(times["median_first_response_hours"], "business hours"),
        "channels_in_use": {**figure(len(in_use), "channels"), "kinds": used},
        "conversations": figure(times["conversations"], "conversations"),
    }
