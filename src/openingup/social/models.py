"""Channels, the normalised messages that arrive on them or leave through them, and conversations.

Nothing is lost: a message that is edited or deleted on its platform keeps every earlier version as a
:class:`MessageRevision`, and a deleted message keeps its row with ``deleted_at`` set. A message is known
by ``(channel, external_id)``; the same delivery twice is one row.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    """One account or feed on one platform; its credentials are encrypted at rest (see ``crypto``)."""

    class Kind(models.TextChoices):
        MASTODON = "mastodon"
        BLUESKY = "bluesky"
        RSS = "rss"
        FEED = "feed"  # the organisation's own outgoing RSS feed
        TWITTER = "twitter"
        FACEBOOK = "facebook"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_channels",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, blank=True)
    base_url = models.URLField(max_length=500)
    handle = models.CharField(max_length=300, blank=True, help_text="The account's handle on its platform.")
    credentials = models.TextField(blank=True, help_text="Fernet token of the JSON credentials; never plain.")
    options = models.JSONField(default=dict, blank=True, help_text="Hashtags, searches and other settings.")
    cursor = models.JSONField(default=dict, blank=True, help_text="Where each stream's next poll resumes.")
    not_before = models.DateTimeField(null=True, blank=True, help_text="Rate limited: no poll before this.")
    active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "social_channel"
        ordering = ["kind", "name", "created_at"]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.handle or self.base_url}"


class Conversation(models.Model):
    """A thread: the messages that answer one another, or a platform's own conversation (Mastodon DMs)."""

    id = models.BigAutoField(primary_key=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    key = models.CharField(max_length=500, help_text="The thread root's external id, or the platform's id.")
    subject = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "social_conversation"
        ordering = ["-last_message_at"]
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="social_one_conversation_key")]

    def __str__(self) -> str:
        return self.subject or self.key


class Message(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention"
        REPLY = "reply"
        DM = "dm"
        POST = "post"
        FEED_ITEM = "feed-item"

    class Direction(models.TextChoices):
        IN = "in"
        OUT = "out"

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    id = models.BigAutoField(primary_key=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="messages")
    external_id = models.CharField(max_length=500)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    in_reply_to_external_id = models.CharField(max_length=500, blank=True, db_index=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    author_handle = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="Plain text (HTML stripped).")
    html = models.TextField(blank=True, help_text="The platform's HTML, when it has one; never rendered raw.")
    declared_language = models.CharField(max_length=12, blank=True, help_text="As the platform says.")
    media = models.JSONField(default=list, blank=True, help_text="[{type, url, description}]")
    url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, help_text="Outgoing: when it will be posted.")
    raw = models.JSONField(default=dict, blank=True, help_text="The payload as received.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical raw payload.")
    # Enrichment (offline, see ``openingup.social.enrich``).
    language = models.CharField(max_length=8, blank=True, db_index=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True, db_index=True)
    keywords = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    service_request_score = models.FloatField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    enriched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "social_message"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="social_one_message_per_id")
        ]
        indexes = [models.Index(fields=["channel", "-created_at"], name="social_msg_channel_time")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id}"


class MessageRevision(models.Model):
    """An earlier version of a message, kept when it was edited or deleted on its platform."""

    class Reason(models.TextChoices):
        EDITED = "edited"
        DELETED = "deleted"

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="revisions")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    media = models.JSONField(default=list, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        db_table = "social_message_revision"
        ordering = ["message", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.reason} {self.recorded_at:%Y-%m-%d %H:%M}"


# The webcare inbox's models live in their own module; imported here so Django registers them.
from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry  # noqa: E402, F401
from openingup.social.inbox.models import (  # noqa: E402, F401
    BusinessHours,
    CannedReply,
    InboxAction,
    InboxItem,
    InboxNote,
    ResponseTarget,
    SavedView,
)
from openingup.social.publishing.models import AnnouncementRule, Post, PostTarget  # noqa: E402, F401
