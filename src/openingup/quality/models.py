"""Metadata quality: one score per dataset (MQA points with reasons) and the last check of each link.

Scores are derived data: :mod:`openingup.quality.services` recomputes them from the catalogue, so a
row can always be rebuilt (``openingup quality score --all``).
"""

from __future__ import annotations

from django.db import models

from openingup.catalogue.models import Dataset


class Band(models.TextChoices):
    EXCELLENT = "excellent"
    GOOD = "good"
    SUFFICIENT = "sufficient"
    BAD = "bad"


class QualityScore(models.Model):
    """The MQA score of one dataset, per dimension and per indicator (``measurements``).

    ``measurements`` is a list of ``{"key", "points", "max", "passed", "reason", "args"}`` in the order of
    :data:`openingup.quality.indicators.INDICATORS`; ``distribution_id`` is the best distribution the
    distribution indicators were taken from (None when the dataset has none).
    """

    id = models.BigAutoField(primary_key=True)
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="quality_score")
    total = models.PositiveSmallIntegerField(db_index=True)
    band = models.CharField(max_length=12, choices=Band.choices, db_index=True)
    findability = models.PositiveSmallIntegerField()
    accessibility = models.PositiveSmallIntegerField()
    interoperability = models.PositiveSmallIntegerField()
    reusability = models.PositiveSmallIntegerField()
    contextuality = models.PositiveSmallIntegerField()
    measurements = models.JSONField(default=list)
    distribution_id = models.UUIDField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "quality_score"
        ordering = ["total", "dataset_id"]

    def __str__(self) -> str:
        return f"{self.total} ({self.band})"


class LinkCheck(models.Model):
    """The last check of one access or download URL (``status_code`` None when no answer came)."""

    id = models.BigAutoField(primary_key=True)
    url = models.CharField(max_length=2000, unique=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    checked_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "quality_link_check"
        ordering = ["url"]

    def __str__(self) -> str:
        return f"{self.url}: {self.status_code or self.error}"


class PendingScore(models.Model):
    """A dataset whose score must be recomputed (the catalogue changed it); the background task takes it."""

    dataset_id = models.UUIDField(primary_key=True)
    queued_at = models.DateTimeField()

    class Meta:
        db_table = "quality_pending"
        ordering = ["queued_at"]

    def __str__(self) -> str:
        return str(self.dataset_id)
