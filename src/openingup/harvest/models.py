"""Harvest sources, their jobs, and one record per remote item (CKAN's gather → fetch → import shape).

A :class:`HarvestRecord` ties a remote item (by the identifier the source gives it) to the dataset it
became, with the hash of what was imported last, so an unchanged item is skipped and an item that has
gone from the source is withdrawn.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openingup.organisations.models import Organisation


class SourceType(models.TextChoices):
    CKAN = "ckan", "CKAN API"
    DCAT = "dcat", "DCAT-AP RDF"
    CSW = "csw", "CSW 2.0.2 (ISO 19139)"
    OPENINGUP = "openingup", "Opening Up"
    OPEN311 = "open311", "Open311 GeoReport v2"


class Frequency(models.TextChoices):
    MANUAL = "manual"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class HarvestSource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=20, choices=SourceType.choices)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harvest_sources",
        help_text="Publishes the harvested datasets that name no publisher of their own.",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MANUAL)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title or self.url


class HarvestJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True, help_text="What the job is doing now.")
    error = models.TextField(blank=True, help_text="Why the job failed as a whole.")
    report = models.JSONField(
        default=dict, blank=True, help_text="failures (id, reason), withdrawn ids and warnings."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class HarvestRecord(models.Model):
    class Status(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        UNCHANGED = "unchanged"
        FAILED = "failed"
        WITHDRAWN = "withdrawn"

    id = models.BigAutoField(primary_key=True)
    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="records")
    remote_id = models.CharField(max_length=500)
    remote_url = models.CharField(max_length=2000, blank=True, help_text="Where the item was read.")
    dataset_id = models.UUIDField(null=True, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    last_job = models.ForeignKey(
        HarvestJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "remote_id"], name="harvest_record_unique")]

    def __str__(self) -> str:
        return f"{self.remote_id} ({self.status})"
