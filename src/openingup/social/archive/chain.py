"""Appending to the archive and verifying its hash chain.

An entry's hash is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of its sequence,
kind, channel, external id, times, content and the previous entry's hash. The first entry's previous
hash is 64 zeros; after retention the oldest remaining entry's previous hash is the checkpoint's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry
from openingup.social.models import Channel, Message

GENESIS = "0" * 64
ATTEMPTS = 5


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


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
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _append(kind, channel, external_id, occurred_at, stored)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _append(
    kind: str, channel: Channel | None, external_id: str, occurred_at: datetime, stored: dict[str, Any]
) -> ArchiveEntry:
    last = ArchiveEntry.objects.select_for_update().order_by("-sequence").first()
    if last is None:
        checkpoint = ArchiveCheckpoint.objects.order_by("-sequence").first()
        sequence = checkpoint.sequence + 1 if checkpoint else 1
        previous = checkpoint.hash if checkpoint else GENESIS
    else:
        sequence, previous = last.sequence + 1, last.hash
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


def message_content(message: Message) -> dict[str, Any]:
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


def record_messages(kind: str, messages: list[Message]) -> int:
    """Archive many newly stored messages at once (an import): the same entries :func:`record_message`
    writes one by one, chained in the order given, in one insert. Retried like :func:`append`."""
    if not messages:
        return 0
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _append_many(kind, messages)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _append_many(kind: str, messages: list[Message]) -> int:
    last = ArchiveEntry.objects.select_for_update().order_by("-sequence").first()
    if last is None:
        checkpoint = ArchiveCheckpoint.objects.order_by("-sequence").first()
        sequence = checkpoint.sequence + 1 if checkpoint else 1
        previous = checkpoint.hash if checkpoint else GENESIS
    else:
        sequence, previous = last.sequence + 1, last.hash
    recorded = timezone.now().replace(microsecond=0)
    entries = []
    for message in messages:
        entry = ArchiveEntry(
            sequence=sequence,
            kind=kind,
            channel=message.channel,
            channel_name=str(message.channel),
            external_id=message.external_id[:500],
            occurred_at=message.created_at.replace(microsecond=0),
            recorded_at=recorded,
            content=json.loads(canonical(message_content(message))),
            previous_hash=previous,
        )
        entry.hash = entry_hash(entry)
        entries.append(entry)
        sequence, previous = sequence + 1, entry.hash
    ArchiveEntry.objects.bulk_create(entries)
    return len(entries)


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
