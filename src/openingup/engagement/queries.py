"""Read side of usage: popularity over a recent window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Sum
from django.utils import timezone

from openingup.engagement.models import DailyUsage

WINDOW_DAYS = 90
DOWNLOAD_WEIGHT = 5  # a download says more about use than a page view


def popularity(days: int = WINDOW_DAYS) -> dict[str, int]:
    """Dataset id (text) → views plus weighted downloads over the last ``days`` days."""
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = (
        DailyUsage.objects.filter(day__gt=since)
        .values("dataset_id")
        .annotate(score=Sum(F("views") + DOWNLOAD_WEIGHT * F("downloads")))
    )
    return {str(row["dataset_id"]).replace("-", ""): int(row["score"] or 0) for row in rows}


def usage_of(dataset_id: Any, days: int = WINDOW_DAYS) -> dict[str, int]:
    since = timezone.localdate() - dt.timedelta(days=days)
    totals = DailyUsage.objects.filter(dataset_id=dataset_id, day__gt=since).aggregate(
        views=Sum("views"), downloads=Sum("downloads")
    )
    return {"views": int(totals["views"] or 0), "downloads": int(totals["downloads"] or 0), "days": days}
