"""The datastore's own models: one ``Table`` row per version of a distribution's data."""

from __future__ import annotations

import uuid

from django.db import models


class Table(models.Model):
    """A version of the queryable table behind a tabular distribution.

    The newest ``ready`` version is the one the API answers from; older ready versions stay queryable
    (``?version=N``) until ``expires_at``. A ``failed`` version keeps its report and never replaces
    anything.
    """

    class Status(models.TextChoices):
        LOADING = "loading"
        READY = "ready"
        FAILED = "failed"
        EXPIRED = "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # SET_NULL, not CASCADE: the rows outlive a deleted distribution just long enough for the
    # subscriber to remove their stored data (see services.drop_orphans).
    distribution = models.ForeignKey(
        "catalogue.Distribution", null=True, on_delete=models.SET_NULL, related_name="datastore_tables"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LOADING, db_index=True)
    backend = models.CharField(max_length=20)
    location = models.CharField(max_length=500, blank=True, help_text="Backend's name for the stored table.")
    source_name = models.CharField(max_length=300, blank=True)
    source_kind = models.CharField(max_length=20, blank=True)
    source_bytes = models.BigIntegerField(null=True, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    fields = models.JSONField(
        default=list, blank=True, help_text="Table Schema fields (the data dictionary)."
    )
    geometry = models.JSONField(default=dict, blank=True)
    profile = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    dialect = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    text_index = models.BooleanField(default=False, help_text="Full-text index built.")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["distribution", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "version"], name="datastore_table_version"),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} v{self.version} ({self.status})"

    @property
    def visible_names(self) -> list[str]:
        return [f["name"] for f in self.fields]
