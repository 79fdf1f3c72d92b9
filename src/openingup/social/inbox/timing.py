"""Which working hours and targets apply to a channel, and the business time between two moments."""

from __future__ import annotations

from datetime import datetime

from openingup import config
from openingup.core import holidays
from openingup.organisations.models import Organisation
from openingup.social import hours
from openingup.social.inbox.models import BusinessHours, ResponseTarget
from openingup.social.models import Channel


def schedule_for(organisation: Organisation | None) -> hours.Schedule:
    """The organisation's own hours, else those of its nearest parent that has some, else the setting; the
    public holidays are the hours' own calendar, else the instance's (``OPENINGUP_HOLIDAYS``)."""
    seen: set[object] = set()
    while organisation is not None and organisation.pk not in seen:
        seen.add(organisation.pk)
        own = BusinessHours.objects.filter(organisation=organisation).first()
        if own is not None:
            calendar = own.holidays if own.holidays else holidays.instance_calendar()
            return hours.parse(own.hours, own.time_zone, calendar)
        organisation = organisation.parent
    return hours.default_schedule()


def targets(channel: Channel) -> tuple[float, float]:
    """The channel's (first response, resolution) targets in business hours."""
    own = ResponseTarget.objects.filter(channel=channel).first()
    if own is not None:
        return own.first_response_hours, own.resolution_hours
    return (
        float(config.get("OPENINGUP_SOCIAL_FIRST_RESPONSE_HOURS")),
        float(config.get("OPENINGUP_SOCIAL_RESOLUTION_HOURS")),
    )


def business_seconds(channel: Channel, start: datetime, end: datetime) -> float:
    return hours.business_seconds(start, end, schedule_for(channel.organisation))


def first_response_due(channel: Channel, opened_at: datetime) -> datetime:
    return hours.add_business_hours(opened_at, targets(channel)[0], schedule_for(channel.organisation))
