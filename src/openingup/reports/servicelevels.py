"""Service levels: when a request should be handled, from its service's number of (working) days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from openingup.core import holidays
from openingup.reports.models import Service


def is_working_day(day: date, calendar: str | None = None) -> bool:
    """Monday to Friday and not a public holiday of ``calendar`` (default: ``OPENINGUP_HOLIDAYS``)."""
    return day.weekday() < 5 and not holidays.is_holiday(day, calendar)


def add_working_days(start: datetime, days: int, calendar: str | None = None) -> datetime:
    """``start`` moved ``days`` working days (Monday to Friday, public holidays of ``calendar`` skipped;
    default: the instance's ``OPENINGUP_HOLIDAYS``) on, in its own time zone; a start on a weekend or
    holiday counts from the next working day."""
    calendar = holidays.instance_calendar() if calendar is None else holidays.normalise(calendar)
    moment = start
    while not is_working_day(moment.date(), calendar):
        moment += timedelta(days=1)
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if is_working_day(moment.date(), calendar):
            left -= 1
    return moment


def expected_datetime(service: Service, requested: datetime) -> datetime | None:
    """When a request to ``service`` filed at ``requested`` is due; None without a service level."""
    if service.due_days is None:
        return None
    local = timezone.localtime(requested)
    if service.due_working_days:
        return add_working_days(local, service.due_days)
    return local + timedelta(days=service.due_days)
