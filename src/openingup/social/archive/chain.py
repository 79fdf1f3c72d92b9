"""Appending to the archive and verifying its hash chain.

An entry's hash is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of its sequence,
kind, channel, external id, times, content and the previous entry's hash. The first entry's previous
hash is 64 zeros; after retention the oldest remaining entry's previous hash is the checkpoint's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from openingup.social import bulk
from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry
from openingup.social.models import Channel, Message

GENESIS = "0" * 64
ATTEMPTS = 5
Record = tuple[str, str, datetime, dict[str, Any]]  # kind, external id, occurred at, content
T = TypeVar("T")


def canonical(value: Any) -> bytes:
    return bulk.dumps(value).encode()


def hashed_fields(entry: ArchiveEntry) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "kind": entry.kind,
        "channel": str(entry.channel_id) if entry.channel_id else "",
        "channel_name": entry.channel_name,
        "external_id": entry.external_id,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
        "recorded_at": entry.recorded_at.astimezone(UTC).isoformat(),
        "content": entry.content,
        "previous_hash": entry.previous_hash,
    }


def entry_hash(entry: ArchiveEntry) -> str:
    return hashlib.sha256(canonical(hashed_fields(entry))).hexdigest()


def append(
    *, kind: str, channel: Channel | None, external_id: str, occurred_at: datetime, content: dict[str, Any]
) -> ArchiveEntry:
    """Add one entry at the end of the chain (inside the caller's transaction, if any). Two writers
    racing for the same sequence number: the loser's savepoint rolls back and it tries again."""
    # Round-trip the content through JSON so what is hashed is exactly what is stored.
    stored = json.loads(canonical(content))
    return _retrying(lambda: _append(kind, channel, external_id, occurred_at, stored))


def _retrying(write: Callable[[], T]) -> T:
    """Run ``write`` in a savepoint, again when another writer took the same sequence number first."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _head() -> tuple[int, str]:
    """The next sequence number and the hash it chains to (the last entry locked, or the checkpoint
    left by retention, or the genesis)."""
    last = ArchiveEntry.objects.select_for_update().order_by("-sequence").first()
    if last is not None:
        return last.sequence + 1, last.hash
    checkpoint = ArchiveCheckpoint.objects.order_by("-sequence").first()
    return (checkpoint.sequence + 1, checkpoint.hash) if checkpoint else (1, GENESIS)


def _append(
    kind: str, channel: Channel | None, external_id: str, occurred_at: datetime, stored: dict[str, Any]
) -> ArchiveEntry:
    sequence, previous = _head()
    entry = ArchiveEntry(
        sequence=sequence,
        kind=kind,
        channel=channel,
        channel_name=str(channel) if channel else "",
        external_id=external_id[:500],
        occurred_at=occurred_at.replace(microsecond=0),
        recorded_at=timezone.now().replace(microsecond=0),
        content=stored,
        previous_hash=previous,
    )
    entry.hash = entry_hash(entry)
    entry.save()
    return entry


def message_content(message: Message | Any) -> dict[str, Any]:
    """What the archive keeps of a message (a Message, or any object with its attributes)."""
    return {
        "message_id": message.pk,
        "kind": message.kind,
        "direction": message.direction,
        "author_handle": message.author_handle,
        "author_name": message.author_name,
        "text": message.text,
        "html": message.html,
        "media": message.media,
        "url": message.url,
        "language": message.declared_language or message.language,
        "in_reply_to": message.in_reply_to_external_id,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
        "scheduled_at": message.scheduled_at.isoformat() if message.scheduled_at else None,
        "raw_sha256": message.content_hash,
    }


def record_message(kind: str, message: Message) -> ArchiveEntry:
    """Archive a message as it is now: received, sent, edited or deleted."""
    moment = message.created_at
    if kind == ArchiveEntry.Kind.EDITED and message.edited_at:
        moment = message.edited_at
    elif kind == ArchiveEntry.Kind.DELETED and message.deleted_at:
        moment = message.deleted_at
    return append(
        kind=kind,
        channel=message.channel,
        external_id=message.external_id,
        occurred_at=moment,
        content=message_content(message),
    )


def record_messages(channel: Channel, records: Sequence[Record]) -> int:
    """Archive many newly stored messages of one channel at once (an import): the entries
    :func:`record_message` writes one by one, chained in the order given, in one statement. Each record is
    ``(kind, external id, occurred at, content)``, the content as :func:`message_content` makes it.
    Retried like :func:`append`."""
    if not records:
        return 0
    return _retrying(lambda: _append_many(channel, records))


_text = json.encoder.encode_basestring  # json.dumps of a str with ensure_ascii=False


def chained_hash(
    *,
    sequence: int,
    kind: str,
    channel: str,
    channel_name: str,
    external_id: str,
    occurred_at: str,
    recorded_at: str,
    content: str,
    previous_hash: str,
) -> str:
    """:func:`entry_hash` from the values as text (``content`` already canonical JSON): the same canonical
    JSON written out key by key in sorted order, without encoding the content a second time."""
    document = (
        f'{{"channel":{_text(channel)},"channel_name":{_text(channel_name)},"content":{content},'
        f'"external_id":{_text(external_id)},"kind":{_text(kind)},"occurred_at":{_text(occurred_at)},'
        f'"previous_hash":{_text(previous_hash)},"recorded_at":{_text(recorded_at)},"sequence":{sequence}}}'
    )
    return hashlib.sha256(document.encode()).hexdigest()


def _append_many(channel: Channel, records: Sequence[Record]) -> int:
    sequence, previous = _head()
    recorded = timezone.now().replace(microsecond=0)
    recorded_text = recorded.astimezone(UTC).isoformat()
    adapt = bulk.Adapt()
    channel_key, channel_text, channel_name = adapt.uuid(channel.pk), str(channel.pk), str(channel)
    recorded_value = adapt.when(recorded)
    rows = []
    for kind, external_id, occurred_at, content in records:
        external_id = external_id[:500]
        occurred = occurred_at.replace(microsecond=0)
        stored = bulk.dumps(content)  # canonical(content), as text
        digest = chained_hash(
            sequence=sequence,
            kind=kind,
            channel=channel_text,
            channel_name=channel_name,
            external_id=external_id,
            occurred_at=occurred.astimezone(UTC).isoformat(),
            recorded_at=recorded_text,
            content=stored,
            previous_hash=previous,
        )
        rows.append(
            (
                sequence,
                kind,
                channel_key,
                channel_name,
                external_id,
                adapt.when(occurred),
                recorded_value,
                stored,
                previous,
                digest,
            )
        )
        sequence, previous = sequence + 1, digest
    _entries().insert(rows)
    return len(rows)


@cache
def _entries_for(vendor: str) -> bulk.Table:
    return bulk.Table(
        ArchiveEntry,
        [
            "sequence",
            "kind",
            "channel",
            "channel_name",
            "external_id",
            "occurred_at",
            "recorded_at",
            "content",
            "previous_hash",
            "hash",
        ],
    )


def _entries() -> bulk.Table:
    return _entries_for(connection.vendor)


@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    start: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, batch: int = 2000) -> Verification:
    """Recompute every hash in order; each problem names the entry's sequence number."""
    checkpoint = ArchiveCheckpoint.objects.order_by("-sequence").first()
    result = Verification(start=checkpoint.hash if checkpoint else GENESIS)
    expected_previous = result.start
    expected_sequence = checkpoint.sequence + 1 if checkpoint else 1
    after = 0
    while True:
        rows = list(ArchiveEntry.objects.filter(sequence__gt=after).order_by("sequence")[:batch])
        if not rows:
            break
        for entry in rows:
            result.checked += 1
            if entry.sequence != expected_sequence:
                result.problems.append(
                    f"entry {expected_sequence} is missing (next is {entry.sequence})"
                    if entry.sequence > expected_sequence
                    else f"entry {entry.sequence} is out of order"
                )
            if entry.previous_hash != expected_previous:
                result.problems.append(f"entry {entry.sequence} does not follow the entry before it")
            if entry_hash(entry) != entry.hash:
                result.problems.append(f"entry {entry.sequence} was changed after it was written")
            expected_previous, expected_sequence = entry.hash, entry.sequence + 1
            after = entry.sequence
    return result
