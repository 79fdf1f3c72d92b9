"""Service levels: when a request should be handled, from its service's number of (working) days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from openingup.reports.models import Service


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` moved ``days`` working days (Monday to Friday) on, in its own time zone; a start in a
    weekend counts from the Monday after it."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
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
