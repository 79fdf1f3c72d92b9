"""Public holidays: business hours and working-day service levels skip them (OPENINGUP_HOLIDAYS)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from openingup.core import holidays
from openingup.core.errors import InvalidInput
from openingup.organisations.models import Organisation
from openingup.reports import servicelevels
from openingup.social import hours
from openingup.social.inbox import services as inbox
from openingup.social.inbox import timing

AMS = ZoneInfo("Europe/Amsterdam")
BERLIN = ZoneInfo("Europe/Berlin")


def ams(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)  # type: ignore[misc]


def test_calendars_by_country_and_subdivision() -> None:
    assert holidays.is_holiday(date(2026, 4, 27), "NL")  # King's Day
    assert holidays.name(date(2026, 4, 27), "nl") == "King's Day"
    assert not holidays.is_holiday(date(2026, 4, 28), "NL")
    assert holidays.is_holiday(date(2026, 12, 25), "DE-NI") and holidays.is_holiday(date(2026, 12, 25), "BE")
    # Reformation Day is a holiday in Lower Saxony, not in Bavaria; Kingsday is Dutch only.
    assert holidays.is_holiday(date(2026, 10, 31), "DE-NI")
    assert not holidays.is_holiday(date(2026, 10, 31), "DE-BY")
    assert not holidays.is_holiday(date(2026, 4, 27), "DE")
    assert not holidays.is_holiday(date(2026, 12, 25), "") and not holidays.is_holiday(
        date(2026, 12, 25), "none"
    )


def test_unknown_calendars_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="'XX' is not a country"):
        holidays.normalise("XX")
    with pytest.raises(ValueError, match="'ZZ' is not a subdivision of DE"):
        holidays.normalise("DE-ZZ")
    with pytest.raises(ValueError, match="'XX' is not a country"):
        hours.parse("mon-fri 09:00-17:00", "Europe/Amsterdam", "XX")


def test_the_setting_names_the_instance_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "NL")
    assert holidays.is_holiday(date(2026, 4, 27))
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "")
    assert not holidays.is_holiday(date(2026, 4, 27))
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "Atlantis")
    with pytest.raises(ValueError, match="OPENINGUP_HOLIDAYS"):
        holidays.is_holiday(date(2026, 4, 27))


def test_business_hours_skip_kings_day_and_christmas() -> None:
    dutch = hours.parse("mon-fri 09:00-17:00", "Europe/Amsterdam", "NL")
    plain = hours.parse("mon-fri 09:00-17:00")
    # Friday 24 April 16:00 to Tuesday 28 April 10:00: Monday 27 April is King's Day.
    assert hours.business_seconds(ams(2026, 4, 24, 16), ams(2026, 4, 28, 10), dutch) == 2 * 3600
    assert hours.business_seconds(ams(2026, 4, 24, 16), ams(2026, 4, 28, 10), plain) == 10 * 3600
    # Christmas 2026: Friday 25 and Saturday 26 December; Thursday 16:00 to Monday 10:00.
    assert hours.business_seconds(ams(2026, 12, 24, 16), ams(2026, 12, 28, 10), dutch) == 2 * 3600
    # A 4-hour target set at Thursday 24 December 15:00 falls due on Monday 28 December at 11:00.
    assert hours.add_business_hours(ams(2026, 12, 24, 15), 4, dutch) == ams(2026, 12, 28, 11)
    assert hours.add_business_hours(ams(2026, 12, 24, 15), 4, plain) == ams(2026, 12, 25, 11)


def test_the_default_schedule_takes_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "NL")
    assert hours.default_schedule().holiday_calendar == "NL"
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "")
    assert hours.default_schedule().holiday_calendar == ""


@pytest.mark.django_db
def test_an_organisation_names_its_own_country(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "NL")
    town = Organisation.objects.create(slug="oldenburg", kind="municipality", name={"en": "Oldenburg"})
    quarter = Organisation.objects.create(slug="quarter", name={"en": "Quarter"}, parent=town)
    inbox.set_business_hours(
        actor=None,
        organisation=town,
        spec="mon-fri 08:00-16:00",
        time_zone="Europe/Berlin",
        holiday_calendar="de-ni",
    )
    schedule = timing.schedule_for(quarter)  # inherited from the parent, with its calendar
    assert schedule.holiday_calendar == "DE-NI"
    # Reformation Day, Friday 31 October 2025, is a holiday in Lower Saxony.
    assert (
        hours.business_seconds(
            datetime(2025, 10, 31, 8, tzinfo=BERLIN), datetime(2025, 10, 31, 16, tzinfo=BERLIN), schedule
        )
        == 0
    )
    assert (
        hours.business_seconds(
            datetime(2026, 4, 27, 8, tzinfo=BERLIN), datetime(2026, 4, 27, 16, tzinfo=BERLIN), schedule
        )
        == 8 * 3600
    )  # King's Day is worked in Lower Saxony
    # Hours set without a calendar follow the setting; "none" works every weekday.
    inbox.set_business_hours(actor=None, organisation=town, spec="mon-fri 09:00-17:00", holiday_calendar="")
    assert timing.schedule_for(town).holiday_calendar == "NL"
    inbox.set_business_hours(
        actor=None, organisation=town, spec="mon-fri 09:00-17:00", holiday_calendar="none"
    )
    assert timing.schedule_for(town).holiday_calendar == ""
    with pytest.raises(InvalidInput) as problem:
        inbox.set_business_hours(
            actor=None, organisation=town, spec="mon-fri 09:00-17:00", holiday_calendar="XX"
        )
    assert problem.value.problems[0].field == "holidays"


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (ams(2026, 4, 24, 9), 1, ams(2026, 4, 28, 9)),  # Fri → Tue: Monday 27 April is King's Day
        (ams(2026, 12, 24, 9), 1, ams(2026, 12, 28, 9)),  # Thu → Mon: Christmas Friday
        (ams(2026, 12, 25, 9), 0, ams(2026, 12, 28, 9)),  # filed on Christmas Day: counts from Monday
        (ams(2026, 5, 13, 9), 2, ams(2026, 5, 18, 9)),  # Ascension Day Thursday 14 May skipped
        (ams(2026, 12, 3, 9), 2, ams(2026, 12, 7, 9)),  # no holiday: Thu → Mon as before
    ],
)
def test_working_days_skip_public_holidays(
    monkeypatch: pytest.MonkeyPatch, start: datetime, days: int, due: datetime
) -> None:
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "NL")
    assert servicelevels.add_working_days(start, days) == due


def test_working_days_without_holidays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_HOLIDAYS", "")
    assert servicelevels.add_working_days(ams(2026, 4, 24, 9), 1) == ams(2026, 4, 27, 9)
    assert servicelevels.add_working_days(ams(2026, 4, 24, 9), 1, "DE") == ams(2026, 4, 27, 9)
    assert servicelevels.add_working_days(ams(2026, 12, 24, 9), 1, "DE-NI") == ams(2026, 12, 28, 9)
