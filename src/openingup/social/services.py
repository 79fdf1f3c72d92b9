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
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import IO, Any

import httpx
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.social import bulk, crypto, events, permissions
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
from openingup.social.enrich.batch import FIELDS as ENRICHED
from openingup.social.enrich.batch import Enricher, row_of
from openingup.social.enrich.batch import Row as EnrichedRow
from openingup.social.enrich.places import gazetteer
from openingup.social.imports import ImportProblem, iter_export
from openingup.social.inbox import services as inbox
from openingup.social.models import Channel, Conversation, Message, MessageRevision

IMPORT_KINDS = {"twitter": "https://x.com", "facebook": "https://www.facebook.com"}
SUBJECT_CHARS = 300
IMPORT_BATCH = 2000


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
    return _hash_canonical(bulk.dumps(raw))


def _hash_canonical(canonical: str) -> str:
    """The content hash of a raw payload already written as canonical JSON (:func:`bulk.dumps`)."""
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
    found = enrich(message.text, message.declared_language, gazetteer())
    for name, value in zip(ENRICHED, row_of(found), strict=True):
        setattr(message, name, value)
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


def _fields(item: Any, *, digest: str = "") -> dict[str, Any]:
    """The fields of a new Message that come from a normalised item, cut to their columns' lengths
    (``digest``: the raw payload's content hash when the caller has it already)."""
    return {
        "external_id": item.external_id[:500],
        "in_reply_to_external_id": item.in_reply_to[:500],
        "kind": item.kind,
        "direction": item.direction,
        "author_handle": item.author_handle[:300],
        "author_name": item.author_name[:300],
        "author_url": item.author_url[:500],
        "text": item.text,
        "html": item.html,
        "declared_language": item.declared_language[:12],
        "media": item.media,
        "url": item.url[:1000],
        "created_at": item.created_at,
        "edited_at": item.edited_at,
        "deleted_at": timezone.now() if item.deleted else None,
        "scheduled_at": item.scheduled_at,
        "raw": item.raw,
        "content_hash": digest or content_hash(item.raw),
    }


def _new_message(channel: Channel, item: Any, conversation: Conversation, **reply: Any) -> Message:
    """An unsaved Message of a normalised item (``reply``: ``in_reply_to`` or ``in_reply_to_id``)."""
    return Message(channel=channel, conversation=conversation, **_fields(item), **reply)


def _same(text: str, html: str, media: Any, edited_at: datetime | None, item: Item) -> bool:
    """Whether an item says what its stored message says. An item without an edit time (an export, or a
    platform that does not say) matches any: an edit stored without one got the time it was noticed."""
    return (text, html, media) == (item.text, item.html, item.media) and (
        item.edited_at is None or item.edited_at == edited_at
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
        if _same(existing.text, existing.html, existing.media, existing.edited_at, item):
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
    workers: int = 1,
    progress: Callable[[int, Recorded], None] | None = None,
) -> tuple[Channel, Recorded]:
    """Store a platform export (``twitter`` or ``facebook``; bytes or a binary file, read as a stream)
    whole, on ``channel`` or on the organisation's archive channel of that platform (created when
    missing). A problem anywhere in the file stores nothing (InvalidInput names it).

    The file is read and stored in batches of ``IMPORT_BATCH`` (:class:`_Importer`); each batch is
    enriched in ``workers`` processes (:mod:`openingup.social.enrich.batch`) while the batch before it is
    stored. ``progress(items read, recorded so far)`` is called after each stored batch."""
    handle = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        items = iter_export(fmt, handle)
        with transaction.atomic(), Enricher(workers) as enricher:
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
            importer = _Importer(channel, enricher)
            recorded, read = Recorded(), 0
            waiting: deque[_Batch] = deque()  # read and handed to the enricher, not yet stored
            for batch in _batches(items, IMPORT_BATCH):
                waiting.append(importer.prepare(batch))
                read += len(batch)
                if len(waiting) > 1:
                    recorded.add(importer.store(waiting.popleft()))
                    if progress:
                        progress(read - len(waiting[0].items), recorded)
            while waiting:
                recorded.add(importer.store(waiting.popleft()))
            _link_replies(channel)
            if progress:
                progress(read, recorded)
    except ImportProblem as exc:
        raise InvalidInput(
            f"The {fmt} export cannot be read: {exc}", [FieldProblem("file", str(exc))]
        ) from exc
    return channel, recorded


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Batch:
    items: list[Item]
    fresh: list[Item]  # not stored yet: inserted in bulk
    again: list[Item]  # stored before, or repeated in the file: compared, edits go through _record_one
    fresh_ids: set[str]
    enriched: Callable[[], list[EnrichedRow]]


class _Thread:
    """A conversation as a batch changes it: stored (``pk``) or new, with its count and times."""

    __slots__ = ("count", "key", "last", "pk", "started", "subject")

    def __init__(self, pk: int | None, key: str, subject: str, count: int, started: datetime, last: datetime):
        self.pk, self.key, self.subject, self.count, self.started, self.last = (
            pk,
            key,
            subject,
            count,
            started,
            last,
        )

    def add(self, moment: datetime) -> None:
        self.count += 1
        self.last = max(self.last, moment)
        self.started = min(self.started, moment)


def _as_is(value: Any) -> Any:
    return value


MESSAGE_COLUMNS = (
    "channel",
    "external_id",
    "conversation",
    "in_reply_to_external_id",
    "in_reply_to",
    "kind",
    "direction",
    "author_handle",
    "author_name",
    "author_url",
    "text",
    "html",
    "declared_language",
    "media",
    "url",
    "created_at",
    "edited_at",
    "deleted_at",
    "received_at",
    "scheduled_at",
    "raw",
    "content_hash",
    *ENRICHED,
    "enriched_at",
)
CONVERSATION_COLUMNS = ("channel", "key", "subject", "started_at", "last_message_at", "message_count")


class _Importer:
    """Stores an export's batches with a few statements each: the same messages, conversations and
    archive entries as :func:`_record_one` stores one by one (no inbox items and no event per message: an
    archive is history; one ``MESSAGES_IMPORTED`` event per batch). Whether an item is stored already is
    one query per batch; the items of a batch not yet stored are checked against those read before them."""

    def __init__(self, channel: Channel, enricher: Enricher) -> None:
        self.channel, self.enricher = channel, enricher
        self.adapt = bulk.Adapt()
        self.channel_key = self.adapt.uuid(channel.pk)
        self.waiting: set[str] = set()  # ids of items prepared as fresh and not stored yet
        self.messages = bulk.Table(Message, MESSAGE_COLUMNS)
        self.columns = [(name, self._converter(name)) for name in MESSAGE_COLUMNS]
        self.conversations = bulk.Table(Conversation, CONVERSATION_COLUMNS)

    def _converter(self, name: str) -> Callable[[Any], Any]:
        """How a Message field's value becomes its column's database value (the raw payload comes as
        its canonical JSON text already)."""
        field = Message._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            return self.adapt.when
        if isinstance(field, models.JSONField) and name != "raw":
            return bulk.dumps
        return _as_is

    def prepare(self, items: list[Item]) -> _Batch:
        ids = [item.external_id[:500] for item in items]
        stored = {row[0] for row in self._select(["external_id"], set(ids))}
        fresh: list[Item] = []
        again: list[Item] = []
        taken: set[str] = set()
        for item, external_id in zip(items, ids, strict=True):
            if external_id in stored or external_id in taken or external_id in self.waiting:
                again.append(item)
            else:
                fresh.append(item)
                taken.add(external_id)
        self.waiting |= taken
        enriched = self.enricher.submit([(item.text, item.declared_language) for item in fresh])
        return _Batch(items, fresh, again, taken, enriched)

    def _select(self, columns: list[str], external_ids: Collection[str]) -> list[tuple[Any, ...]]:
        """Columns of this channel's messages with these external ids."""
        return bulk.select_in(Message, columns, {"channel": self.channel_key}, "external_id", external_ids)

    def store(self, batch: _Batch) -> Recorded:
        result = Recorded()
        if batch.fresh:
            result.created = self._insert(batch.fresh, batch.enriched())
        self.waiting -= batch.fresh_ids
        if batch.again:
            self._compare(batch.again, result)
        if result.created:
            publish(events.MESSAGES_IMPORTED, channel_id=str(self.channel.pk), count=result.created)
        return result

    def _threads(self, fresh: list[Item]) -> tuple[dict[str, _Thread], dict[str, int | None]]:
        """Each item's conversation, as _conversation decides it: a parent stored before (earlier in the
        file or an earlier import) lends its conversation, one earlier in this batch its key; and the
        stored parent's id of each item that has one."""
        channel = self.channel
        parents = {
            external_id: (pk, conversation_id)
            for external_id, pk, conversation_id in self._select(
                ["external_id", "id", "conversation"], {i.in_reply_to[:500] for i in fresh if i.in_reply_to}
            )
        }
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
        fields = ("pk", "key", "subject", "message_count", "started_at", "last_message_at")
        found = [
            _Thread(*row)
            for row in Conversation.objects.filter(channel=channel, key__in=set(keys.values()))
            .order_by()
            .values_list(*fields)
        ]
        missing = set(joined.values()) - {thread.pk for thread in found}
        found += [
            _Thread(*row)
            for row in Conversation.objects.filter(pk__in=missing).order_by().values_list(*fields)
        ]
        by_key = {thread.key: thread for thread in found}
        by_pk = {thread.pk: thread for thread in found}
        threads: dict[str, _Thread] = {}
        created: list[_Thread] = []
        for item in fresh:
            key = keys.get(item.external_id)
            if key is None:
                thread = by_pk[joined[item.external_id]]
            else:
                thread = by_key.get(key)  # type: ignore[assignment]
                if thread is None:
                    subject = item.text.strip().split("\n")[0][:SUBJECT_CHARS]
                    thread = _Thread(None, key, subject, 0, item.created_at, item.created_at)
                    by_key[key] = thread
                    created.append(thread)
            thread.add(item.created_at)
            threads[item.external_id] = thread
        when = self.adapt.when
        self.conversations.insert(
            (self.channel_key, t.key, t.subject, when(t.started), when(t.last), t.count) for t in created
        )
        if created:
            numbers = dict(
                Conversation.objects.filter(channel=channel, key__in=[t.key for t in created])
                .order_by()
                .values_list("key", "pk")
            )
            for thread in created:
                thread.pk = numbers[thread.key]
        for thread in found:  # stored before this batch, each used by an item: counted above
            Conversation.objects.filter(pk=thread.pk or 0).update(
                message_count=thread.count, last_message_at=thread.last, started_at=thread.started
            )
        return threads, {eid: pk for eid, (pk, _) in parents.items()}

    def _insert(self, fresh: list[Item], enriched: list[EnrichedRow]) -> int:
        threads, parents = self._threads(fresh)
        now = timezone.now()
        rows = []
        stored = []  # each message's fields, for its archive entry
        for item, enrichment in zip(fresh, enriched, strict=True):
            raw = bulk.dumps(item.raw)
            fields = _fields(item, digest=_hash_canonical(raw))
            reply = fields["in_reply_to_external_id"]
            values = {
                **fields,
                "channel": self.channel_key,
                "conversation": threads[item.external_id].pk,
                "in_reply_to": parents.get(reply) if reply else None,
                "received_at": now,
                "raw": raw,
                **dict(zip(ENRICHED, enrichment, strict=True)),
                "enriched_at": now,
            }
            rows.append(tuple(convert(values[name]) for name, convert in self.columns))
            stored.append(SimpleNamespace(**fields, language=values["language"]))
        self.messages.insert(rows)
        numbers = dict(self._select(["external_id", "id"], [m.external_id for m in stored]))
        sent, received = archive.ArchiveEntry.Kind.SENT, archive.ArchiveEntry.Kind.RECEIVED
        records = []
        for message in stored:
            message.pk = numbers[message.external_id]
            kind = sent if message.direction == "out" else received
            records.append((kind, message.external_id, message.created_at, archive.message_content(message)))
        archive.record_messages(self.channel, records)
        return len(rows)

    def _compare(self, items: list[Item], result: Recorded) -> None:
        """Items stored before: unchanged ones are counted from one query; edits and deletions (and any
        later repeat of an item changed here) go through :func:`_record_one`."""
        known = {
            external_id: rest
            for external_id, *rest in Message.objects.filter(
                channel=self.channel, external_id__in={i.external_id[:500] for i in items}
            )
            .order_by()  # unordered: with the model's ordering SQLite walks the channel's time index
            .values_list("external_id", "text", "html", "media", "edited_at", "deleted_at")
        }
        for item in items:
            external_id = item.external_id[:500]
            stored = known.get(external_id)
            if stored is not None:
                text, html, media, edited_at, deleted_at = stored
                if item.deleted and deleted_at is not None:
                    result.unchanged += 1
                    continue
                if not item.deleted and _same(text, html, media, edited_at, item):
                    result.unchanged += 1
                    continue
            known.pop(external_id, None)
            outcome = _record_one(self.channel, item, announce=False)
            setattr(result, outcome, getattr(result, outcome) + 1)


def _link_replies(channel: Channel) -> None:
    """Point each reply of the channel at its parent when the parent is stored (imported after it)."""
    parent = Message.objects.filter(
        channel=channel, external_id=OuterRef("in_reply_to_external_id")
    ).order_by()  # by its unique index, not in the model's order
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
