"""The publishing calendar: a month grid of scheduled and published posts, as a table."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.views.decorators.http import require_GET

from openingup import config
from openingup.social.publishing import queries
from openingup.web.views.common import service_errors

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str) -> tuple[int, int]:
    match = _MONTH.match(value or "")
    if match and 1 <= int(match.group(2)) <= 12 and 1900 < int(match.group(1)) < 3000:
        return int(match.group(1)), int(match.group(2))
    today = timezone.localdate()
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + (month - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
@require_GET
@service_errors
def calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month(request.GET.get("month", ""))
    context = {
        "weeks": queries.month(request.user, year, month),
        "title_month": MONTHS[month],
        "year": year,
        "weekdays": [WEEKDAYS[i] for i in range(7)],
        "previous": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "today": timezone.localdate(),
        "first": date(year, month, 1),
        "zone": config.get("OPENINGUP_SOCIAL_TIME_ZONE"),
    }
    return render(request, "web/social/calendar.html", context)
