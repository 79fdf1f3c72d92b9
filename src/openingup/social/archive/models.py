"""The archive's rows. An :class:`ArchiveEntry` is written once and never changed: its ``hash`` is the
SHA-256 of a canonical JSON of the entry including the previous entry's hash, so a changed, removed or
inserted row breaks the chain. Retention removes only the oldest entries and records an
:class:`ArchiveCheckpoint` (the last removed hash) that verification starts from."""

from __future__ import annotations

from typing import Any

from django.db import models


class ArchiveIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an archive entry outside retention."""


class ArchiveQuerySet(models.QuerySet["ArchiveEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise ArchiveIsAppendOnly("archive entries are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ArchiveIsAppendOnly("archive entries are removed only by retention")

    def _retention_delete(self) -> int:
        return super().delete()[0]


class ArchiveEntry(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = "received"
        SENT = "sent"
        EDITED = "edited"
        DELETED = "deleted"
        PUBLISHED = "published"

    id = models.BigAutoField(primary_key=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    channel = models.ForeignKey(
        "social.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="archive_entries"
    )
    channel_name = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField()
    content = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        db_table = "social_archive_entry"
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.external_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ArchiveIsAppendOnly("archive entries are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ArchiveIsAppendOnly("archive entries are removed only by retention")


class ArchiveCheckpoint(models.Model):
    """Retention removed every entry up to ``sequence``; ``hash`` was the last one's hash."""

    id = models.BigAutoField(primary_key=True)
    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    removed = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "social_archive_checkpoint"
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.sequence}"
