"""Retention: how many years each kind of archive entry is kept (``OPENINGUP_SOCIAL_ARCHIVE_RETENTION``).

Only the oldest entries can go, so the chain stays verifiable: the longest run of entries from the start
that are all past their retention is removed, and a checkpoint records the hash of the last one removed.
A past-retention entry after one that must stay is kept (and reported) until the entries before it go.
Kinds without a retention are kept for ever.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry

SETTING = "OPENINGUP_SOCIAL_ARCHIVE_RETENTION"


def parse(spec: str) -> dict[str, int]:
    """``received=7, sent=10`` → {"received": 7, "sent": 10}; ValueError naming the bad part."""
    years: dict[str, int] = {}
    kinds = set(ArchiveEntry.Kind.values)
    for part in filter(None, (p.strip() for p in spec.replace(";", ",").split(","))):
        kind, _, value = part.partition("=")
        kind = kind.strip()
        if kind not in kinds:
            raise ValueError(f"{SETTING}: unknown kind {kind!r} (known: {', '.join(sorted(kinds))})")
        try:
            years[kind] = int(value)
        except ValueError:
            raise ValueError(f"{SETTING}: {part!r} does not give whole years") from None
        if years[kind] < 1:
            raise ValueError(f"{SETTING}: {part!r} must keep entries at least a year")
    return years


def _cutoff(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def past_retention(entry: ArchiveEntry, rules: dict[str, int], now: datetime) -> bool:
    years = rules.get(entry.kind)
    return years is not None and entry.occurred_at < _cutoff(now, years)


@dataclass
class RetentionReport:
    removable: Counter[str] = field(default_factory=Counter)
    held_back: int = 0
    removed: int = 0
    checkpoint: ArchiveCheckpoint | None = None

    def in_words(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.removable.items())) or "nothing"
        done = f"removed {self.removed}" if self.removed else "nothing removed"
        return f"past retention: {kinds}; kept because older entries stay: {self.held_back}; {done}"


def apply(
    *, remove: bool = False, rules: dict[str, int] | None = None, now: datetime | None = None
) -> RetentionReport:
    """Report what is past retention; with ``remove``, remove it and record a checkpoint."""
    rules = parse(config.get(SETTING)) if rules is None else rules
    now = now or timezone.now()
    report = RetentionReport()
    if not rules:
        return report
    last_removable: ArchiveEntry | None = None
    prefix = True
    for entry in ArchiveEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if past_retention(entry, rules, now):
            if prefix:
                report.removable[entry.kind] += 1
                last_removable = entry
            else:
                report.held_back += 1
        else:
            prefix = False
    if remove and last_removable is not None:
        with transaction.atomic():
            report.removed = ArchiveEntry.objects.filter(
                sequence__lte=last_removable.sequence
            )._retention_delete()
            report.checkpoint = ArchiveCheckpoint.objects.create(
                sequence=last_removable.sequence, hash=last_removable.hash, removed=report.removed
            )
    return report
