"""Privacy of reporters: contact data anonymised after a while, whole reports deleted after the retention.

:func:`anonymise_due` runs over the requests closed more than ``OPENINGUP_REPORTS_ANONYMISE_DAYS`` ago
(closure is read from ``updated_datetime`` of a request in a closed state, so a later note only delays
it): the :class:`~.models.Reporter` row is blanked and stamped, followers (only an e-mail address and a
language) are deleted, e-mails already sent or given up on lose their address, body and error, and
e-mail addresses, phone numbers and the reporter's own names are cut out of satisfaction comments and
internal notes (where a comment is copied). The
public record (service, place, description, status, updates) stays. Photos stay too: their EXIF data was
already removed when they were stored (:mod:`.photos`).

:func:`purge_expired` deletes the requests filed more than ``OPENINGUP_REPORTS_RETENTION_YEARS`` ago
with their updates, followers, answers, e-mails and stored photos.

Both are idempotent, work in batches of one transaction each, and with ``dry_run`` only count.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.reports import photos, workflow
from openingup.reports.models import (
    Follower,
    OutboxMessage,
    Reporter,
    RequestUpdate,
    Satisfaction,
    ServiceRequest,
)

BATCH = 500
REMOVED = "[…]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d")


def anonymise_after() -> timedelta:
    days = config.get_int("OPENINGUP_REPORTS_ANONYMISE_DAYS")
    if days < 0:
        raise ValueError(f"OPENINGUP_REPORTS_ANONYMISE_DAYS must be 0 or more, got {days}")
    return timedelta(days=days)


def retention() -> timedelta:
    years = config.get_int("OPENINGUP_REPORTS_RETENTION_YEARS")
    if years < 1:
        raise ValueError(f"OPENINGUP_REPORTS_RETENTION_YEARS must be at least 1, got {years}")
    return timedelta(days=round(years * 365.25))


def scrub(text: str, known: list[str]) -> str:
    """``text`` without e-mail addresses, phone numbers and the given personal values."""
    text = _EMAIL.sub(REMOVED, text)
    text = _PHONE.sub(REMOVED, text)
    for value in sorted({k.strip() for k in known if len(k.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REMOVED, text, flags=re.IGNORECASE)
    return text


def _batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# ------------------------------------------------------------------------------------- anonymising


def due_for_anonymising(now: datetime) -> list[int]:
    """Ids of the requests closed before the anonymisation period that still hold personal data."""
    closed = workflow.keys_with_open311_status("closed")
    due = ServiceRequest.objects.filter(status__in=closed, updated_datetime__lt=now - anonymise_after())
    ids: set[int] = set()
    ids.update(due.filter(reporter__anonymised_at__isnull=True).values_list("pk", flat=True))
    ids.update(due.filter(followers__isnull=False).values_list("pk", flat=True))
    ids.update(due.filter(satisfactions__comment__gt="").values_list("pk", flat=True))
    ids.update(due.filter(updates__internal=True).values_list("pk", flat=True))
    mails = OutboxMessage.objects.exclude(status=OutboxMessage.Status.QUEUED).exclude(to="", body_text="")
    ids.update(due.filter(pk__in=mails.values("request_id")).values_list("pk", flat=True))
    return sorted(ids)


def _anonymise_batch(ids: list[int], now: datetime, write: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    changed: set[int] = set()
    known: dict[int, list[str]] = {
        r.request_id: [r.email, r.first_name, r.last_name, r.phone, f"{r.first_name} {r.last_name}"]
        for r in Reporter.objects.filter(request_id__in=ids)
    }
    for f in Follower.objects.filter(request_id__in=ids).only("request_id", "email"):
        known.setdefault(f.request_id, []).append(f.email)
    texts: list[tuple[str, Any, str]] = [
        ("comments", a, "comment")
        for a in Satisfaction.objects.filter(request_id__in=ids).exclude(comment="")
    ]
    texts += [
        ("notes", u, "description")
        for u in RequestUpdate.objects.filter(request_id__in=ids, internal=True).exclude(description="")
    ]
    for name, row, field in texts:
        clean = scrub(getattr(row, field), known.get(row.request_id, []))
        if clean != getattr(row, field):
            counts[name] += 1
            changed.add(row.request_id)
            if write:
                type(row).objects.filter(pk=row.pk).update(**{field: clean})
    reporters = Reporter.objects.filter(request_id__in=ids, anonymised_at__isnull=True)
    followers = Follower.objects.filter(request_id__in=ids)
    mails = (
        OutboxMessage.objects.filter(request_id__in=ids)
        .exclude(status=OutboxMessage.Status.QUEUED)
        .exclude(to="", body_text="")
    )
    for name, rows in (("reporters", reporters), ("followers", followers), ("mails", mails)):
        owners = list(rows.values_list("request_id", flat=True))
        counts[name] += len(owners)
        changed.update(owners)
    counts["requests"] += len(changed)
    if write:
        reporters.update(
            email="", device_id="", account_id="", first_name="", last_name="", phone="", anonymised_at=now
        )
        followers.delete()
        mails.update(to="", body_text="", body_html="", last_error="")
    return counts


def anonymise_due(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = BATCH
) -> dict[str, int]:
    """Remove the contact data of requests closed longer ago than the anonymisation period.

    Returns what was (with ``dry_run``: would be) changed: ``requests``, ``reporters``, ``followers``,
    ``mails``, ``comments`` and ``notes``. Each batch is one transaction; running it again changes nothing."""
    now = now or timezone.now()
    ids = due_for_anonymising(now)
    counts: Counter[str] = Counter()
    for batch in _batches(ids, batch_size):
        with transaction.atomic():
            counts += _anonymise_batch(batch, now, write=not dry_run)
    return {key: counts[key] for key in ("requests", "reporters", "followers", "mails", "comments", "notes")}


# ---------------------------------------------------------------------------------------- retention


def expired(now: datetime) -> list[int]:
    """Ids of the requests filed before the retention period."""
    cutoff = now - retention()
    old = ServiceRequest.objects.filter(requested_datetime__lt=cutoff).order_by("pk")
    return list(old.values_list("pk", flat=True))


def _photo_names(ids: list[int]) -> set[str]:
    urls = list(ServiceRequest.objects.filter(pk__in=ids).values_list("media_url", flat=True))
    urls += RequestUpdate.objects.filter(request_id__in=ids).values_list("media_url", flat=True)
    names = {url.rsplit("/", 1)[-1] for url in urls if "/report/photos/" in url}
    return {name for name in names if photos.is_photo_name(name)}


def _delete_photos(names: list[str]) -> None:
    for name in names:
        default_storage.delete(f"{photos.FOLDER}/{name}")


def _purge_batch(ids: list[int], write: bool) -> Counter[str]:
    names = _photo_names(ids)
    stored = [n for n in names if default_storage.exists(f"{photos.FOLDER}/{n}")]
    counts: Counter[str] = Counter(
        requests=len(ids),
        updates=RequestUpdate.objects.filter(request_id__in=ids).count(),
        photos=len(stored),
        mails=OutboxMessage.objects.filter(request_id__in=ids).count(),
    )
    if write:
        OutboxMessage.objects.filter(request_id__in=ids).delete()
        ServiceRequest.objects.filter(pk__in=ids).delete()
        # Files go only once the rows are gone for good: a rollback keeps both.
        transaction.on_commit(lambda: _delete_photos(stored))
    return counts


def purge_expired(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = BATCH
) -> dict[str, int]:
    """Delete the requests older than the retention period with their updates, e-mails and photos.

    Returns what was (with ``dry_run``: would be) deleted: ``requests``, ``updates``, ``photos``,
    ``mails``. Each batch is one transaction."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    for batch in _batches(expired(now), batch_size):
        with transaction.atomic():
            counts += _purge_batch(batch, write=not dry_run)
    return {key: counts[key] for key in ("requests", "updates", "photos", "mails")}
