"""Business-hours arithmetic: weekends, evenings, lunch breaks, time zones and daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from openingup.social import hours

AMS = ZoneInfo("Europe/Amsterdam")
OFFICE = hours.parse("mon-fri 09:00-17:00")


def ams(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end", "expected_hours"),
    [
        (ams(2026, 12, 1, 10, 0), ams(2026, 12, 1, 11, 30), 1.5),  # within one Tuesday
        (ams(2026, 12, 1, 16, 0), ams(2026, 12, 2, 10, 0), 2),  # the evening does not count
        (ams(2026, 12, 1, 20, 0), ams(2026, 12, 1, 23, 0), 0),  # all evening
        (ams(2026, 12, 4, 16, 0), ams(2026, 12, 7, 10, 0), 2),  # Friday to Monday: weekend skipped
        (ams(2026, 12, 5, 10, 0), ams(2026, 12, 6, 18, 0), 0),  # all weekend
        (ams(2026, 12, 1, 7, 0), ams(2026, 12, 1, 8, 0), 0),  # before opening
        (ams(2026, 11, 30, 9, 0), ams(2026, 12, 7, 9, 0), 40),  # a whole week
        (ams(2026, 12, 1, 12, 0), ams(2026, 12, 1, 11, 0), 0),  # end before start
    ],
)
def test_business_seconds(start: datetime, end: datetime, expected_hours: float) -> None:
    assert hours.business_seconds(start, end, OFFICE) == expected_hours * 3600


def test_moments_in_other_zones_are_placed_in_the_schedules_zone() -> None:
    # 08:30 UTC is 09:30 in Amsterdam in winter; 16:30 UTC is 17:30, after closing.
    start = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    end = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert hours.business_seconds(start, end, OFFICE) == 7.5 * 3600
    new_york = hours.parse("mon-fri 09:00-17:00", "America/New_York")
    # the same UTC span is 03:30 to 11:30 in New York: two and a half hours of work there
    assert hours.business_seconds(start, end, new_york) == 2.5 * 3600


def test_daylight_saving_does_not_change_working_days() -> None:
    around_the_clock = hours.parse("mon-sun 00:00-24:00")
    # Sunday 29 March 2026 has 23 hours in Amsterdam; Sunday 25 October 2026 has 25.
    assert (
        hours.business_seconds(ams(2026, 3, 29, 0, 0), ams(2026, 3, 30, 0, 0), around_the_clock) == 23 * 3600
    )
    assert (
        hours.business_seconds(ams(2026, 10, 25, 0, 0), ams(2026, 10, 26, 0, 0), around_the_clock)
        == 25 * 3600
    )
    # office hours on the Monday after the change are still eight hours
    assert hours.business_seconds(ams(2026, 3, 30, 0, 0), ams(2026, 3, 31, 0, 0), OFFICE) == 8 * 3600


def test_split_days_and_saturdays() -> None:
    schedule = hours.parse("mon-fri 09:00-12:00,13:00-17:00; sat 10:00-12:00")
    assert schedule.weekly_hours == 37
    assert hours.business_seconds(ams(2026, 12, 1, 11, 0), ams(2026, 12, 1, 14, 0), schedule) == 2 * 3600
    assert hours.business_seconds(ams(2026, 12, 4, 16, 0), ams(2026, 12, 7, 9, 30), schedule) == 3.5 * 3600


@pytest.mark.parametrize(
    ("start", "add", "expected"),
    [
        (ams(2026, 12, 1, 10, 0), 4, ams(2026, 12, 1, 14, 0)),
        (ams(2026, 12, 1, 15, 0), 4, ams(2026, 12, 2, 11, 0)),
        (ams(2026, 12, 4, 15, 0), 4, ams(2026, 12, 7, 11, 0)),  # over the weekend
        (ams(2026, 12, 5, 23, 0), 1, ams(2026, 12, 7, 10, 0)),  # from Saturday night
        (ams(2026, 12, 1, 18, 0), 0, ams(2026, 12, 2, 9, 0)),  # due at the next opening
    ],
)
def test_add_business_hours(start: datetime, add: float, expected: datetime) -> None:
    due = hours.add_business_hours(start, add, OFFICE)
    assert due == expected
    assert hours.business_seconds(start, due, OFFICE) == add * 3600


@pytest.mark.parametrize(
    ("spec", "zone", "problem"),
    [
        ("mon-fri 9-17", "Europe/Amsterdam", "is not a range of hours"),
        ("weekdays 09:00-17:00", "Europe/Amsterdam", "is not 'days hh:mm-hh:mm'"),
        ("fri-mon 09:00-17:00", "Europe/Amsterdam", "runs backwards"),
        ("mon 17:00-09:00", "Europe/Amsterdam", "ends before it starts"),
        ("mon 09:00-12:00,11:00-13:00", "Europe/Amsterdam", "overlap"),
        ("mon 25:00-26:00", "Europe/Amsterdam", "is not a time of day"),
        ("", "Europe/Amsterdam", "no working hours"),
        ("mon-fri 09:00-17:00", "Europe/Atlantis", "not a known time zone"),
    ],
)
def test_bad_schedules_are_named(spec: str, zone: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        hours.parse(spec, zone)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        hours.business_seconds(datetime(2026, 1, 1), datetime(2026, 1, 2), OFFICE)


def test_the_default_schedule_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_SOCIAL_BUSINESS_HOURS", "sat 10:00-11:00")
    assert hours.default_schedule().weekly_hours == 1
    monkeypatch.setenv("OPENINGUP_SOCIAL_BUSINESS_HOURS", "never")
    with pytest.raises(ValueError, match="OPENINGUP_SOCIAL_BUSINESS_HOURS"):
        hours.default_schedule()


def test_a_long_span_is_counted_week_by_week() -> None:
    start = ams(2026, 1, 5, 9, 0)  # a Monday
    assert hours.business_seconds(start, start + timedelta(weeks=52), OFFICE) == 52 * 40 * 3600
