"""Reading posts: the ones a person may see, one post, and a month of them for the calendar."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from openingup import config
from openingup.core.errors import NotFound
from openingup.social.publishing.models import Post
from openingup.social.queries import channels_for


def visible_posts(user: Any) -> QuerySet[Post]:
    channels = channels_for(user).values("pk")
    return (
        Post.objects.filter(targets__channel__in=channels)
        .distinct()
        .select_related("author", "approver")
        .prefetch_related("targets__channel")
    )


def postable_channels(user: Any) -> list[Any]:
    from openingup.social.publishing import limits, permissions

    return [
        c
        for c in channels_for(user).filter(active=True, kind__in=list(limits.LIMITS))
        if permissions.can_compose_on(user, c)
    ]


def post(user: Any, pk: int) -> Post:
    found = visible_posts(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such post.")
    return found


def awaiting_approval(user: Any) -> list[Post]:
    return list(visible_posts(user).filter(status=Post.Status.AWAITING).order_by("created_at"))


@dataclass
class Day:
    day: date
    in_month: bool
    posts: list[Post] = field(default_factory=list)


def month(user: Any, year: int, number: int) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the posts scheduled or published on it (in the
    webcare time zone)."""
    zone = ZoneInfo(config.get("OPENINGUP_SOCIAL_TIME_ZONE"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, number)
    first, last = weeks[0][0], weeks[-1][-1]
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    found = visible_posts(user).filter(
        Q(published_at__gte=start, published_at__lt=end)
        | Q(published_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
    )
    by_day: dict[date, list[Post]] = {}
    dated = [(item.published_at or item.scheduled_at, item) for item in found]
    for moment, item in sorted(((m, i) for m, i in dated if m is not None), key=lambda pair: pair[0]):
        by_day.setdefault(moment.astimezone(zone).date(), []).append(item)
    return [[Day(d, d.month == number, by_day.get(d, [])) for d in week] for week in weeks]
