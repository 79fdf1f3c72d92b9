"""The only writers of the social context: channels, recording messages, polling, imports, sending.

Guarantees: a message is stored once per ``(channel, external_id)``; a changed text, HTML, media or
edit time keeps the earlier version as a revision; a deletion keeps the message and its last version;
each poll stream's items and cursor are stored in one transaction, so an error stores nothing of that
stream and the next poll resumes there; an import is stored whole or not at all (read as a stream and
stored in batches of ``IMPORT_BATCH`` inside one transaction, so its memory does not grow with the file).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import httpx
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.social import crypto, events, permissions
from openingup.social.archive import chain as archive
from openingup.social.connectors import (
    ChannelConfig,
    ConnectorError,
    Draft,
    Item,
    RateLimited,
    connector_for,
)
from openingup.social.enrich import enrich
from openingup.social.enrich.places import gazetteer
from openingup.social.imports import ImportProblem, iter_export
from openingup.social.inbox import services as inbox
from openingup.social.models import Channel, Conversation, Message, MessageRevision

IMPORT_KINDS = {"twitter": "https://x.com", "facebook": "https://www.facebook.com"}
SUBJECT_CHARS = 300
IMPORT_BATCH = 1000


@dataclass
class Recorded:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def add(self, other: Recorded) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged

    def in_words(self) -> str:
        return (
            f"{self.created} new, {self.updated} edited, {self.deleted} deleted, "
            f"{self.unchanged} already known"
        )


@dataclass
class PollReport:
    channel_id: str
    recorded: Recorded = field(default_factory=Recorded)
    streams: list[str] = field(default_factory=list)
    error: str = ""
    not_before: datetime | None = None


def content_hash(raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _actor_may(actor: Any, allowed: bool) -> None:
    # None is the system (CLI, scheduled polls); a person needs the permission.
    if actor is not None and not allowed:
        raise PermissionDenied("You may not manage this organisation's social channels.")


# -- channels -------------------------------------------------------------------------------------
def _credentials(kind: str, handle: str, token: str) -> dict[str, Any]:
    if not token:
        return {}
    if kind == "bluesky":
        return {"identifier": handle, "password": token}
    return {"token": token}


def add_channel(
    *,
    actor: Any,
    kind: str,
    base_url: str,
    handle: str = "",
    token: str = "",
    name: str = "",
    organisation: Organisation | None = None,
    options: dict[str, Any] | None = None,
) -> Channel:
    """Create a channel; its token is stored encrypted. InvalidInput names each bad field."""
    _actor_may(actor, permissions.can_add_channel(actor, organisation))
    problems = []
    if kind not in IMPORT_KINDS:
        try:
            connector = connector_for(kind)
        except ValueError as exc:
            problems.append(FieldProblem("type", str(exc)))
            connector = None
    else:
        connector = None
    try:
        URLValidator(schemes=["http", "https"])(base_url)
    except ValidationError:
        problems.append(FieldProblem("base_url", "is not an http(s) URL"))
    if connector is not None and not problems:
        config = ChannelConfig(base_url, handle, _credentials(kind, handle, token), options or {})
        try:
            connector.check(config)
        except (ValueError, ConnectorError) as exc:
            problems.append(
                FieldProblem("token" if "token" in str(exc) or "password" in str(exc) else "type", str(exc))
            )
    if problems:
        raise InvalidInput("The channel cannot be added.", problems)
    with transaction.atomic():
        channel = Channel.objects.create(
            kind=kind,
            base_url=base_url,
            handle=handle.strip(),
            name=name.strip()[:200],
            organisation=organisation,
            options=options or {},
            credentials=crypto.encrypt(_credentials(kind, handle, token)),
        )
        publish(events.CHANNEL_ADDED, channel_id=str(channel.pk))
    return channel


def channel_config(
    channel: Channel, *, transport: httpx.BaseTransport | None = None, sleep: Any = None
) -> ChannelConfig:
    return ChannelConfig(
        base_url=channel.base_url,
        handle=channel.handle,
        credentials=crypto.decrypt(channel.credentials),
        options=dict(channel.options or {}),
        transport=transport,
        sleep=sleep,
    )


# -- recording ------------------------------------------------------------------------------------
def _conversation(channel: Channel, item: Item, parent: Message | None) -> Conversation:
    if item.thread_key:
        key = item.thread_key
    elif parent is not None and parent.conversation_id is not None:
        return parent.conversation  # type: ignore[return-value]
    else:
        key = item.in_reply_to or item.external_id
    conversation, _ = Conversation.objects.get_or_create(
        channel=channel,
        key=key[:500],
        defaults={
            "subject": item.text.strip().split("\n")[0][:SUBJECT_CHARS],
            "started_at": item.created_at,
            "last_message_at": item.created_at,
        },
    )
    return conversation


def _enrich(message: Message) -> None:
    result = enrich(message.text, message.declared_language, gazetteer())
    message.language = result.language
    message.sentiment_score = result.sentiment_score
    message.sentiment = result.sentiment
    message.keywords = result.keywords
    message.topics = result.topics
    message.service_request_score = result.service_request_score
    message.place = result.place.name if result.place else ""
    message.latitude = result.place.latitude if result.place else None
    message.longitude = result.place.longitude if result.place else None
    message.enriched_at = timezone.now()


def _keep_revision(message: Message, reason: str) -> None:
    MessageRevision.objects.create(
        message=message,
        reason=reason,
        text=message.text,
        html=message.html,
        media=message.media,
        edited_at=message.edited_at,
        raw=message.raw,
        content_hash=message.content_hash,
    )


def _new_message(channel: Channel, item: Any, conversation: Conversation, **reply: Any) -> Message:
    """An unsaved Message of a normalised item (``reply``: ``in_reply_to`` or ``in_reply_to_id``)."""
    return Message(
        channel=channel,
        external_id=item.external_id[:500],
        conversation=conversation,
        in_reply_to_external_id=item.in_reply_to[:500],
        kind=item.kind,
        direction=item.direction,
        author_handle=item.author_handle[:300],
        author_name=item.author_name[:300],
        author_url=item.author_url[:500],
        text=item.text,
        html=item.html,
        declared_language=item.declared_language[:12],
        media=item.media,
        url=item.url[:1000],
        created_at=item.created_at,
        edited_at=item.edited_at,
        deleted_at=timezone.now() if item.deleted else None,
        scheduled_at=item.scheduled_at,
        raw=item.raw,
        content_hash=content_hash(item.raw),
        **reply,
    )


def _record_one(channel: Channel, item: Item, announce: bool) -> str:
    existing = Message.objects.filter(channel=channel, external_id=item.external_id[:500]).first()
    if existing is not None:
        if item.deleted:
            if existing.deleted_at is not None:
                return "unchanged"
            _keep_revision(existing, MessageRevision.Reason.DELETED)
            existing.deleted_at = timezone.now()
            existing.save(update_fields=["deleted_at"])
            archive.record_message(archive.ArchiveEntry.Kind.DELETED, existing)
            publish(events.MESSAGE_DELETED, channel_id=str(channel.pk), message_id=existing.pk)
            return "deleted"
        same = (existing.text, existing.html, existing.media, existing.edited_at) == (
            item.text,
            item.html,
            item.media,
            item.edited_at,
        )
        if same:
            return "unchanged"
        _keep_revision(existing, MessageRevision.Reason.EDITED)
        existing.text, existing.html, existing.media = item.text, item.html, item.media
        existing.edited_at = item.edited_at or timezone.now()
        existing.raw, existing.content_hash = item.raw, content_hash(item.raw)
        _enrich(existing)
        existing.save()
        archive.record_message(archive.ArchiveEntry.Kind.EDITED, existing)
        inbox.note_edited(message=existing)
        publish(events.MESSAGE_EDITED, channel_id=str(channel.pk), message_id=existing.pk)
        return "updated"
    parent = (
        Message.objects.filter(channel=channel, external_id=item.in_reply_to).first()
        if item.in_reply_to
        else None
    )
    conversation = _conversation(channel, item, parent)
    message = _new_message(channel, item, conversation, in_reply_to=parent)
    _enrich(message)
    message.save()
    archive.record_message(
        archive.ArchiveEntry.Kind.SENT if message.direction == "out" else archive.ArchiveEntry.Kind.RECEIVED,
        message,
    )
    Message.objects.filter(
        channel=channel, in_reply_to_external_id=message.external_id, in_reply_to=None
    ).update(in_reply_to=message)
    conversation.message_count += 1
    conversation.last_message_at = max(conversation.last_message_at, item.created_at)
    conversation.started_at = min(conversation.started_at, item.created_at)
    conversation.save(update_fields=["message_count", "last_message_at", "started_at"])
    if announce:
        inbox.note_incoming(message=message)
        publish(events.MESSAGE_RECEIVED, channel_id=str(channel.pk), message_id=message.pk)
    return "created"


def record_items(*, channel: Channel, items: list[Item], announce: bool = True) -> Recorded:
    """Store items on a channel in one transaction; repeated deliveries are counted as unchanged."""
    result = Recorded()
    with transaction.atomic():
        for item in items:
            outcome = _record_one(channel, item, announce)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# -- polling ---------------------------------------------------------------------------------------
def poll_channel(
    *,
    actor: Any,
    channel: Channel,
    transport: httpx.BaseTransport | None = None,
    sleep: Any = None,
    force: bool = False,
) -> PollReport:
    """Fetch what is new on the channel. Never raises for platform trouble: the report's ``error`` says
    what went wrong, streams stored before it stay stored, and a rate limit sets ``not_before``."""
    _actor_may(actor, permissions.can_poll_channel(actor, channel))
    report = PollReport(str(channel.pk))
    now = timezone.now()
    if channel.not_before and channel.not_before > now and not force:
        report.error = f"rate limited until {channel.not_before:%Y-%m-%d %H:%M:%S} UTC"
        report.not_before = channel.not_before
        return report
    try:
        connector = connector_for(channel.kind)
        config = channel_config(channel, transport=transport, sleep=sleep)
        for batch in connector.poll(config, dict(channel.cursor or {})):
            with transaction.atomic():
                report.recorded.add(record_items(channel=channel, items=batch.items))
                cursor = dict(Channel.objects.select_for_update().get(pk=channel.pk).cursor or {})
                cursor[batch.stream] = batch.cursor
                Channel.objects.filter(pk=channel.pk).update(cursor=cursor)
                channel.cursor = cursor
            report.streams.append(batch.stream)
    except RateLimited as exc:
        report.error, report.not_before = str(exc), exc.retry_at
    except (ConnectorError, ValueError) as exc:
        report.error = str(exc)
    fields: dict[str, Any] = {
        "last_polled_at": timezone.now(),
        "last_error": report.error[:2000],
        "not_before": report.not_before,
    }
    if "config" in locals() and config.credentials_changed:
        fields["credentials"] = crypto.encrypt(config.credentials)
    Channel.objects.filter(pk=channel.pk).update(**fields)
    publish(events.CHANNEL_POLLED, channel_id=str(channel.pk), error=report.error)
    return report


# -- imports and sending ---------------------------------------------------------------------------
def import_export(
    *,
    actor: Any,
    fmt: str,
    content: bytes | IO[bytes],
    channel: Channel | None = None,
    organisation: Organisation | None = None,
) -> tuple[Channel, Recorded]:
    """Store a platform export (``twitter`` or ``facebook``; bytes or a binary file, read as a stream)
    whole, on ``channel`` or on the organisation's archive channel of that platform (created when
    missing). A problem anywhere in the file stores nothing (InvalidInput names it)."""
    handle = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        items = iter_export(fmt, handle)
        with transaction.atomic():
            if channel is None:
                _actor_may(actor, permissions.can_add_channel(actor, organisation))
                channel = Channel.objects.filter(kind=fmt, organisation=organisation).first() or add_channel(
                    actor=actor,
                    kind=fmt,
                    base_url=IMPORT_KINDS[fmt],
                    organisation=organisation,
                    name=f"{fmt} archive",
                )
            else:
                _actor_may(actor, permissions.can_poll_channel(actor, channel))
            recorded = Recorded()
            batch: list[Item] = []
            for item in items:
                batch.append(item)
                if len(batch) >= IMPORT_BATCH:
                    recorded.add(_import_batch(channel, batch))
                    batch = []
            recorded.add(_import_batch(channel, batch))
            _link_replies(channel)
    except ImportProblem as exc:
        raise InvalidInput(
            f"The {fmt} export cannot be read: {exc}", [FieldProblem("file", str(exc))]
        ) from exc
    return channel, recorded


def _import_batch(channel: Channel, items: list[Item]) -> Recorded:
    """Store a batch of imported items with a few bulk statements: the same rows, enrichment and archive
    entries as :func:`_record_one` (without inbox items or events: an archive is history). Items already
    stored, or repeated within the batch, go through :func:`_record_one` (edits, deletions, repeats)."""
    result = Recorded()
    if not items:
        return result
    ids = [item.external_id[:500] for item in items]
    stored = set(
        Message.objects.filter(channel=channel, external_id__in=ids).values_list("external_id", flat=True)
    )
    fresh: list[Item] = []
    again: list[Item] = []
    taken: set[str] = set()
    for item, external_id in zip(items, ids, strict=True):
        (again if external_id in stored or external_id in taken else fresh).append(item)
        taken.add(external_id)
    parents = {
        external_id: (pk, conversation_id)
        for external_id, pk, conversation_id in Message.objects.filter(
            channel=channel, external_id__in={i.in_reply_to[:500] for i in fresh if i.in_reply_to}
        ).values_list("external_id", "pk", "conversation_id")
    }
    # The conversation of each item, as _conversation decides it: a parent stored before (earlier in the
    # file or an earlier import) lends its conversation; one earlier in this batch its key.
    keys: dict[str, str] = {}
    joined: dict[str, int] = {}
    for item in fresh:
        parent = parents.get(item.in_reply_to[:500]) if item.in_reply_to else None
        if item.thread_key:
            keys[item.external_id] = item.thread_key[:500]
        elif parent is not None and parent[1] is not None:
            joined[item.external_id] = parent[1]
        elif item.in_reply_to and item.in_reply_to in joined:
            joined[item.external_id] = joined[item.in_reply_to]
        elif item.in_reply_to and item.in_reply_to in keys:
            keys[item.external_id] = keys[item.in_reply_to]
        else:
            keys[item.external_id] = (item.in_reply_to or item.external_id)[:500]
    conversations = {
        c.key: c for c in Conversation.objects.filter(channel=channel, key__in=set(keys.values()))
    }
    by_id = {c.pk: c for c in Conversation.objects.filter(pk__in=set(joined.values()))}
    created: list[Conversation] = []
    for item in fresh:  # new conversations are inserted with their final counts and times
        key = keys.get(item.external_id)
        if key is None:
            continue
        conversation = conversations.get(key)
        if conversation is None:
            conversation = Conversation(
                channel=channel,
                key=key,
                subject=item.text.strip().split("\n")[0][:SUBJECT_CHARS],
                started_at=item.created_at,
                last_message_at=item.created_at,
                message_count=0,
            )
            conversations[key] = conversation
            created.append(conversation)
        if conversation.pk is None:
            conversation.message_count += 1
            conversation.last_message_at = max(conversation.last_message_at, item.created_at)
            conversation.started_at = min(conversation.started_at, item.created_at)
    Conversation.objects.bulk_create(created)
    if any(c.pk is None for c in created):  # a database that does not return ids from bulk inserts
        conversations.update(
            {c.key: c for c in Conversation.objects.filter(channel=channel, key__in=[c.key for c in created])}
        )
    new = {c.pk for c in created}
    touched: dict[int, Conversation] = {}
    messages = []
    for item in fresh:
        key = keys.get(item.external_id)
        conversation = conversations[key] if key is not None else by_id[joined[item.external_id]]
        parent = parents.get(item.in_reply_to[:500]) if item.in_reply_to else None
        message = _new_message(channel, item, conversation, in_reply_to_id=parent[0] if parent else None)
        _enrich(message)
        messages.append(message)
        if conversation.pk not in new:  # stored before this batch: counted here, updated below
            conversation.message_count += 1
            conversation.last_message_at = max(conversation.last_message_at, item.created_at)
            conversation.started_at = min(conversation.started_at, item.created_at)
            touched[conversation.pk] = conversation
    Message.objects.bulk_create(messages)
    for conversation in touched.values():
        Conversation.objects.filter(pk=conversation.pk).update(
            message_count=conversation.message_count,
            last_message_at=conversation.last_message_at,
            started_at=conversation.started_at,
        )
    for kind in (archive.ArchiveEntry.Kind.SENT, archive.ArchiveEntry.Kind.RECEIVED):
        outgoing = kind == archive.ArchiveEntry.Kind.SENT
        archive.record_messages(kind, [m for m in messages if (m.direction == "out") == outgoing])
    result.created = len(messages)
    for item in again:
        outcome = _record_one(channel, item, announce=False)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _link_replies(channel: Channel) -> None:
    """Point each reply of the channel at its parent when the parent is stored (imported after it)."""
    parent = Message.objects.filter(channel=channel, external_id=OuterRef("in_reply_to_external_id"))
    Message.objects.filter(channel=channel, in_reply_to=None).exclude(in_reply_to_external_id="").update(
        in_reply_to=Subquery(parent.values("pk")[:1])
    )


def send_message(
    *, actor: Any, channel: Channel, draft: Draft, transport: httpx.BaseTransport | None = None
) -> Message:
    """Post (or schedule) a message on the channel's platform and record it as outgoing."""
    _actor_may(actor, permissions.can_poll_channel(actor, channel))
    connector = connector_for(channel.kind)
    config = channel_config(channel, transport=transport)
    try:
        item = connector.post(config, draft)
    except (ConnectorError, ValueError) as exc:
        raise InvalidInput(f"The message was not sent: {exc}", [FieldProblem("text", str(exc))]) from exc
    if config.credentials_changed:
        Channel.objects.filter(pk=channel.pk).update(credentials=crypto.encrypt(config.credentials))
    item.created_at = item.created_at or datetime.now(UTC)
    item.in_reply_to = item.in_reply_to or draft.in_reply_to
    record_items(channel=channel, items=[item], announce=False)
    message = Message.objects.get(channel=channel, external_id=item.external_id[:500])
    publish(events.MESSAGE_SENT, channel_id=str(channel.pk), message_id=message.pk)
    return message
