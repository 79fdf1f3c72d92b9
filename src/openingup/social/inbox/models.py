"""The webcare inbox: a conversation as the team works it, who did what, notes, canned replies, saved
views, and the targets and working hours that response times are measured against.

An :class:`InboxItem` exists for every conversation that received an incoming message while listening
(imports of history do not fill the inbox). It carries copies of its latest incoming message's language,
sentiment and author, and the highest "service request?" score, so the inbox list filters and sorts on
one table; the services keep those copies up to date in the same transaction as the message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxItem(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    conversation = models.OneToOneField(
        "social.Conversation", primary_key=True, on_delete=models.PROTECT, related_name="inbox"
    )
    channel = models.ForeignKey(
        "social.Channel", on_delete=models.PROTECT, related_name="inbox_items", db_index=False
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    team = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="social_inbox_items",
        help_text="The department (or organisation) the conversation is assigned to.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="social_inbox_items",
    )
    last_incoming = models.ForeignKey(
        "social.Message", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_incoming_at = models.DateTimeField()
    author_handle = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, blank=True)
    service_request_score = models.FloatField(null=True, blank=True, help_text="The highest of its messages.")
    opened_at = models.DateTimeField(help_text="The first incoming message: response times count from here.")
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.FloatField(null=True, blank=True, help_text="In business hours.")
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution_seconds = models.FloatField(null=True, blank=True, help_text="In business hours.")
    service_request = models.ForeignKey(
        "reports.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "social_inbox_item"
        ordering = ["-last_incoming_at", "-conversation_id"]
        # The list reads one index in its order for each filter: recent (no filter or filters without an
        # index of their own), one state, one channel, one person, one team; analytics by opening time.
        indexes = [
            models.Index(fields=["-last_incoming_at", "-conversation"], name="social_inbox_recent"),
            models.Index(fields=["state", "-last_incoming_at"], name="social_inbox_state"),
            models.Index(fields=["channel", "-last_incoming_at"], name="social_inbox_channel"),
            models.Index(fields=["assignee", "-last_incoming_at"], name="social_inbox_assignee"),
            models.Index(fields=["team", "-last_incoming_at"], name="social_inbox_team"),
            models.Index(fields=["opened_at"], name="social_inbox_opened"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} ({self.state})"


class InboxAction(models.Model):
    """One thing that happened to an inbox item, by whom (None: the system) and when."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Message received")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CONVERTED = "converted", _("Turned into a service request")
        NOTED = "noted", _("Note added")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    id = models.BigAutoField(primary_key=True)
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=InboxItem.State.choices, help_text="The item's state after the action."
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "social_inbox_action"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.item_id} at {self.at:%Y-%m-%d %H:%M}"


class InboxNote(models.Model):
    """An internal note on a conversation; never sent to the platform."""

    id = models.BigAutoField(primary_key=True)
    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "social_inbox_note"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.item_id}"


class CannedReply(models.Model):
    """A ready answer of an organisation: its text per language code, with placeholders (see
    :mod:`openingup.social.inbox.canned`)."""

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="social_canned_replies"
    )
    title = models.CharField(max_length=200)
    texts = models.JSONField(default=dict, help_text="Text per language code.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "social_canned_reply"
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="social_one_canned_title")
        ]

    def __str__(self) -> str:
        return self.title


class SavedView(models.Model):
    """A person's named set of inbox filters."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_saved_views"
    )
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "social_saved_view"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="social_one_view_name")]

    def __str__(self) -> str:
        return self.name


class ResponseTarget(models.Model):
    """A channel's response-time targets in business hours (the settings' defaults when absent)."""

    channel = models.OneToOneField(
        "social.Channel", primary_key=True, on_delete=models.CASCADE, related_name="response_target"
    )
    first_response_hours = models.FloatField()
    resolution_hours = models.FloatField()

    class Meta:
        db_table = "social_response_target"

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.first_response_hours}h / {self.resolution_hours}h"


class BusinessHours(models.Model):
    """An organisation's own working hours (see :mod:`openingup.social.hours` for the syntax)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="social_business_hours",
    )
    hours = models.CharField(max_length=300)
    time_zone = models.CharField(max_length=64, default="Europe/Amsterdam")
    holidays = models.CharField(
        max_length=20,
        blank=True,
        help_text="Public holidays not worked ('NL', 'DE-NI', 'none'); empty: OPENINGUP_HOLIDAYS.",
    )

    class Meta:
        db_table = "social_business_hours"

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.hours} ({self.time_zone})"
