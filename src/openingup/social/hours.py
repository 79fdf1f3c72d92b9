"""Business hours: when the webcare team is at work, and how much of that time lies between two moments.

A schedule is written as text, one group per weekday range: ``"mon-fri 09:00-17:00; sat 10:00-12:30"``
(days ``mon``…``sun``, several ranges per day separated by commas: ``"mon-fri 09:00-12:00,13:00-17:00"``),
in a time zone (``Europe/Amsterdam`` by default). The instance-wide schedule comes from the settings
``OPENINGUP_SOCIAL_BUSINESS_HOURS`` and ``OPENINGUP_SOCIAL_TIME_ZONE``; an organisation may have its own
(:class:`openingup.social.models.BusinessHours`).

Times are wall-clock times in the schedule's zone, so a working day keeps its hours across daylight saving
changes; moments are aware datetimes in any zone. Public holidays are days off: a schedule names its
holiday calendar (:mod:`openingup.core.holidays`, ``"NL"``, ``"DE-NI"``; the instance's comes from
``OPENINGUP_HOLIDAYS``, an organisation's own hours may name another), and no working period falls on them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openingup import config
from openingup.core import holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_GROUP = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<ranges>.+)$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
MAX_DAYS = 3660  # a span longer than ten years is cut there: no conversation stays open that long


@dataclass(frozen=True)
class Schedule:
    """Working periods per weekday (0 = Monday), as ``(start, end)`` wall-clock times, in ``zone``."""

    zone: ZoneInfo
    periods: tuple[tuple[tuple[time, time], ...], ...]
    holiday_calendar: str = ""  # the public-holiday calendar ("NL", "DE-NI"); "" for none

    @property
    def weekly_hours(self) -> float:
        return sum(_minutes(s, e) for day in self.periods for s, e in day) / 60


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _time(hours: str, minutes: str, spec: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time.max
    if h > 23 or m > 59:
        raise ValueError(f"{hours}:{minutes} is not a time of day (in {spec!r})")
    return time(h, m)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError naming it when unknown."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known time zone (such as Europe/Amsterdam)") from None


def parse(spec: str, zone_name: str = "Europe/Amsterdam", holiday_calendar: str = "") -> Schedule:
    """A schedule from its text; ValueError naming the part that cannot be read. Overlapping ranges on
    one day, ranges that end before they start and a schedule without any hours are refused. Days of
    ``holiday_calendar`` (``"NL"``, ``"DE-NI"``; ValueError when unknown) are not worked."""
    calendar = holidays.normalise(holiday_calendar)
    days: list[list[tuple[time, time]]] = [[] for _ in DAYS]
    for group in filter(None, (g.strip().lower() for g in spec.split(";"))):
        found = _GROUP.match(group)
        if not found:
            raise ValueError(f"{group!r} is not 'days hh:mm-hh:mm' (such as 'mon-fri 09:00-17:00')")
        first, _, last = found["days"].partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{found['days']!r} is not a day or range of days (mon … sun)")
        span = range(DAYS.index(first), DAYS.index(last or first) + 1)
        if not span:
            raise ValueError(f"{found['days']!r} runs backwards; write the earlier day first")
        for part in found["ranges"].split(","):
            hours = _RANGE.match(part.strip())
            if not hours:
                raise ValueError(f"{part.strip()!r} is not a range of hours such as 09:00-17:00")
            start, end = _time(hours[1], hours[2], spec), _time(hours[3], hours[4], spec)
            if end <= start:
                raise ValueError(f"{part.strip()!r} ends before it starts")
            for day in span:
                days[day].append((start, end))
    for number, periods in enumerate(days):
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            if start < end:
                raise ValueError(f"the hours of {DAYS[number]} overlap")
    if not any(days):
        raise ValueError("the schedule has no working hours")
    return Schedule(zone(zone_name), tuple(tuple(p) for p in days), calendar)


def default_schedule() -> Schedule:
    """The instance's schedule from the settings (its public holidays: ``OPENINGUP_HOLIDAYS``); ValueError
    naming the setting when it is wrong."""
    calendar = holidays.instance_calendar()
    try:
        return parse(
            config.get("OPENINGUP_SOCIAL_BUSINESS_HOURS"), config.get("OPENINGUP_SOCIAL_TIME_ZONE"), calendar
        )
    except ValueError as exc:
        raise ValueError(f"OPENINGUP_SOCIAL_BUSINESS_HOURS / _TIME_ZONE: {exc}") from None


def _moment(day: date, clock: time, schedule: Schedule) -> datetime:
    if clock == time.max:
        return datetime.combine(day + timedelta(days=1), time.min, schedule.zone)
    return datetime.combine(day, clock, schedule.zone)


def _windows(first: date, last: date, schedule: Schedule) -> list[tuple[datetime, datetime]]:
    found = []
    day = first
    while day <= last:
        if schedule.holiday_calendar and holidays.is_holiday(day, schedule.holiday_calendar):
            day += timedelta(days=1)
            continue
        for start, end in schedule.periods[day.weekday()]:
            # In UTC: arithmetic between two moments of one ZoneInfo zone ignores daylight saving.
            found.append(
                (_moment(day, start, schedule).astimezone(UTC), _moment(day, end, schedule).astimezone(UTC))
            )
        day += timedelta(days=1)
    return found


def business_seconds(start: datetime, end: datetime, schedule: Schedule) -> float:
    """Seconds of working time between two aware moments (0 when ``end`` is not after ``start``)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("business_seconds needs aware datetimes")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0.0
    first = start.astimezone(schedule.zone).date()
    last = min(end.astimezone(schedule.zone).date(), first + timedelta(days=MAX_DAYS))
    total = 0.0
    for open_at, close_at in _windows(first, last, schedule):
        overlap = (min(close_at, end) - max(open_at, start)).total_seconds()
        if overlap > 0:
            total += overlap
    return total


def add_business_hours(start: datetime, hours: float, schedule: Schedule) -> datetime:
    """The moment at which ``hours`` of working time have passed since ``start`` (a due time)."""
    if start.tzinfo is None:
        raise ValueError("add_business_hours needs an aware datetime")
    left = hours * 3600
    start = start.astimezone(UTC)
    day = start.astimezone(schedule.zone).date()
    for _ in range(MAX_DAYS):
        for open_at, close_at in _windows(day, day, schedule):
            begin = max(open_at, start)
            available = (close_at - begin).total_seconds()
            if available <= 0:
                continue
            if left <= available:
                return begin + timedelta(seconds=left)
            left -= available
        day += timedelta(days=1)
    raise ValueError(f"{hours} business hours do not fit in ten years of this schedule")
