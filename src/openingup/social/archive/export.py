"""Export for a records request: a ZIP, streamed, with the entries as JSON Lines, one JSON file per entry,
a manifest and a readable HTML index. Nothing is held in memory beyond one batch of entries."""

from __future__ import annotations

import html
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openingup.social.archive.chain import canonical, hashed_fields
from openingup.social.archive.models import ArchiveEntry

BATCH = 500


@dataclass
class ExportRequest:
    start: date
    end: date  # inclusive
    channels: list[str] = field(default_factory=list)  # channel ids; empty: all

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the end date {self.end} is before the start date {self.start}")


def entries(request: ExportRequest) -> QuerySet[ArchiveEntry]:
    start = datetime.combine(request.start, time.min, tzinfo=UTC)
    end = datetime.combine(request.end + timedelta(days=1), time.min, tzinfo=UTC)
    found = ArchiveEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if request.channels:
        found = found.filter(channel_id__in=request.channels)
    return found.order_by("sequence")


def as_record(entry: ArchiveEntry) -> dict[str, Any]:
    return {**hashed_fields(entry), "hash": entry.hash}


class _Sink:
    """A write-only file that hands out what was written since the last ``take``."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _iterate(found: QuerySet[ArchiveEntry]) -> Iterator[ArchiveEntry]:
    after = 0
    while True:
        rows = list(found.filter(sequence__gt=after)[:BATCH])
        if not rows:
            return
        yield from rows
        after = rows[-1].sequence


def _row(entry: ArchiveEntry) -> str:
    text = str(entry.content.get("text") or entry.content.get("texts") or "")
    cells = [
        str(entry.sequence),
        entry.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        entry.get_kind_display(),
        entry.channel_name,
        str(entry.content.get("author_handle") or ""),
        text,
    ]
    link = f'<a href="entries/{entry.sequence:08d}.json">{html.escape(entry.hash[:16])}…</a>'
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + f"<td>{link}</td></tr>\n"


def _html_head(request: ExportRequest) -> str:
    title = _("Social media archive, %(start)s to %(end)s") % {"start": request.start, "end": request.end}
    headers = [_("Number"), _("When"), _("Kind"), _("Channel"), _("Author"), _("Text"), _("Hash")]
    return (
        '<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}"
        "td,th{{border:1px solid #555;padding:.3em;vertical-align:top;text-align:left}}</style>"
        "</head><body><main><h1>{title}</h1><p>{note}</p><table><thead><tr>{headers}</tr></thead><tbody>\n"
    ).format(
        lang=html.escape(get_language() or "en"),
        title=html.escape(title),
        note=html.escape(
            _(
                "Every entry carries the SHA-256 hash of its content and of the entry before it; "
                "entries.jsonl holds them all, entries/ one file each."
            )
        ),
        headers="".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers),
    )


def _member(name: str) -> zipfile.ZipInfo:
    """A member written in pieces: dated now (not 1980) and compressed."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def stream_zip(request: ExportRequest) -> Iterator[bytes]:
    """The ZIP's bytes, piece by piece: ``entries/NNNNNNNN.json`` per entry, ``entries.jsonl``,
    ``index.html`` and ``manifest.json``. Each part reads the entries again, in batches."""
    sink = _Sink()
    found = entries(request)
    count = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for entry in _iterate(found):
            count += 1
            body = json.dumps(as_record(entry), ensure_ascii=False, indent=2, sort_keys=True)
            archive.writestr(f"entries/{entry.sequence:08d}.json", body)
            if count % 100 == 0:
                yield sink.take()
        with archive.open(_member("entries.jsonl"), "w", force_zip64=True) as lines:
            for n, entry in enumerate(_iterate(found), start=1):
                lines.write(canonical(as_record(entry)) + b"\n")
                if n % BATCH == 0:
                    yield sink.take()
        yield sink.take()
        with archive.open(_member("index.html"), "w", force_zip64=True) as page:
            page.write(_html_head(request).encode())
            for n, entry in enumerate(_iterate(found), start=1):
                page.write(_row(entry).encode())
                if n % BATCH == 0:
                    yield sink.take()
            page.write(b"</tbody></table></main></body></html>\n")
        yield sink.take()
        manifest = {
            "from": request.start.isoformat(),
            "to": request.end.isoformat(),
            "channels": request.channels,
            "entries": count,
            "exported_at": timezone.now().isoformat(),
            "hash": "sha256 of the canonical JSON (sorted keys, no spaces) of each entry without 'hash'",
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    yield sink.take()


def filename(request: ExportRequest) -> str:
    return f"social-archive-{request.start}-{request.end}.zip"
