"""Counting use: a dataset page seen or a file downloaded adds one to that dataset's row of the day.

Nothing about the visitor is kept (no address, no cookie), so the counts are open data and need no
consent. One upsert per count; a failure to count never fails the page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openingup.engagement.models import DailyUsage

log = logging.getLogger(__name__)


def _count(dataset_id: Any, field: str) -> None:
    day = timezone.localdate()
    try:
        with transaction.atomic():
            updated = DailyUsage.objects.filter(dataset_id=dataset_id, day=day).update(
                **{field: F(field) + 1}
            )
            if not updated:
                try:
                    with transaction.atomic():
                        DailyUsage.objects.create(dataset_id=dataset_id, day=day, **{field: 1})
                except IntegrityError:  # another request created the row first
                    DailyUsage.objects.filter(dataset_id=dataset_id, day=day).update(**{field: F(field) + 1})
    except Exception:  # counting is never worth a failed page
        log.exception("could not count a %s of dataset %s", field, dataset_id)


def record_view(*, dataset_id: Any) -> None:
    _count(dataset_id, "views")


def record_download(*, dataset_id: Any) -> None:
    _count(dataset_id, "downloads")
