"""Public holidays, the one place they come from: the ``holidays`` package (offline, from PyPI).

A calendar is named by a country code with an optional subdivision, ``"NL"``, ``"DE-NI"`` (Lower Saxony),
``"GB-SCT"``, or ``"none"``; the instance's calendar is the setting ``OPENINGUP_HOLIDAYS`` (empty: no
holidays). Business hours (:mod:`openingup.social.hours`) and working-day service levels
(:func:`openingup.reports.servicelevels.add_working_days`) skip the days it names.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays as holiday_data

from openingup import config

NONE = {"", "NONE", "-"}  # names of "no public holidays"


@cache
def _known(spec: str) -> holiday_data.HolidayBase:
    country, _, subdivision = spec.partition("-")
    try:
        return holiday_data.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        supported = holiday_data.list_supported_countries()
        if country not in supported:
            raise ValueError(
                f"{spec!r}: {country!r} is not a country with known public holidays "
                "(an ISO 3166 code such as NL, DE, BE)"
            ) from None
        choices = ", ".join(supported[country]) or "none"
        raise ValueError(f"{spec!r}: {subdivision!r} is not a subdivision of {country} ({choices})") from None


def normalise(spec: str) -> str:
    """The calendar's canonical name (``"de-ni"`` → ``"DE-NI"``), ``""`` for none; ValueError when unknown."""
    spec = (spec or "").strip().upper().replace("_", "-")
    if spec in NONE:
        return ""
    if spec:
        _known(spec)
    return spec


def instance_calendar() -> str:
    """The instance's calendar from ``OPENINGUP_HOLIDAYS``; ValueError naming the setting when unknown."""
    try:
        return normalise(config.get("OPENINGUP_HOLIDAYS"))
    except ValueError as exc:
        raise ValueError(f"OPENINGUP_HOLIDAYS: {exc}") from None


def is_holiday(day: date, calendar: str | None = None) -> bool:
    """Whether ``day`` is a public holiday in ``calendar`` (default: the instance's; ``""``: never)."""
    spec = instance_calendar() if calendar is None else normalise(calendar)
    return bool(spec) and day in _known(spec)


def name(day: date, calendar: str | None = None) -> str:
    """The holiday's name on ``day`` (``""`` for a normal day)."""
    spec = instance_calendar() if calendar is None else normalise(calendar)
    return str(_known(spec).get(day) or "") if spec else ""
