"""How much each dataset is used: page views and downloads per day (no visitor is recorded)."""

from __future__ import annotations

from django.db import models


class DailyUsage(models.Model):
    dataset_id = models.UUIDField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "engagement_daily_usage"
        constraints = [models.UniqueConstraint(fields=["dataset_id", "day"], name="engagement_usage_per_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day}: {self.views} views, {self.downloads} downloads"
