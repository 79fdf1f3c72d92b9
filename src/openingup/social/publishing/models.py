"""Posts composed once for several channels, and the rules that announce platform events.

A :class:`Post` goes draft → awaiting approval → approved → scheduled / published / failed; a second
person approves it (never its author). Each target channel has a :class:`PostTarget` with its own text
variant, state, and the external id and address the platform gave it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_note = models.TextField(blank=True)
    rule = models.ForeignKey(
        "social.AnnouncementRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    event_key = models.CharField(max_length=200, blank=True, help_text="The announced event, once per rule.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "social_post"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "event_key", "language"],
                condition=~models.Q(event_key=""),
                name="social_one_announcement_per_event",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PostTarget(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    channel = models.ForeignKey("social.Channel", on_delete=models.PROTECT, related_name="post_targets")
    variant = models.TextField(blank=True, help_text="This channel's own text; empty: the post's text.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    external_id = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "social_post_target"
        ordering = ["post", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="social_one_target_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.channel_id}"

    @property
    def text(self) -> str:
        return self.variant or self.post.text


class AnnouncementRule(models.Model):
    """Announce a platform event on channels with a text per language; switchable, optionally approved
    without a second person."""

    class Event(models.TextChoices):
        DATASET_PUBLISHED = "dataset.published", _("A dataset is published")
        REPORT_RESOLVED = "report.resolved", _("A report is resolved")

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    texts = models.JSONField(default=dict, help_text="Template text per language code; $placeholders.")
    channels = models.ManyToManyField("social.Channel", related_name="announcement_rules")
    enabled = models.BooleanField(default=True)
    auto_approve = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "social_announcement_rule"
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.event} ({'on' if self.enabled else 'off'})"
