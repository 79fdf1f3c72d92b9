"""What kind of CSV a file is: encoding, delimiter, quote, preamble lines, header — from a sample.

DuckDB's own sniffer gives up on real municipal files (one short row, noise bytes, comment preambles), so
the dialect is decided here and handed to the loader explicitly.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openingup.datastore.report import IngestError

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_NUMBERISH = re.compile(r"^[\s+\-]?[\d.,:/\- ]+%?$")
_LATIN = frozenset(
    {"ascii", "latin_1", "iso8859_1", "iso8859_15", "iso8859_2", "cp1250", "cp1252", "cp850", "mac_roman"}
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


@dataclass
class Dialect:
    encoding: str = "utf-8"
    delimiter: str = ","
    quote: str = '"'
    preamble: int = 0  # physical lines before the first table row (header or data)
    header: bool = True
    labels: list[str] = field(default_factory=list)
    width: int = 0
    bom: bool = False


def _is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (streamed; ~1 s per GB)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _sample_is_utf8(sample: bytes) -> bool:
    """Whether the sample decodes as UTF-8 (a character cut at its end is fine)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, sample: bytes, *, whole_file: bool = True) -> tuple[str, bool]:
    """The file's encoding and whether it starts with a BOM; raises IngestError for binary files.

    ``whole_file=False`` takes UTF-8 from the sample alone, for a reader that checks every byte
    itself (DuckDB's refuses invalid UTF-8) and a caller that then asks again with the whole file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    control = sum(1 for b in sample[:65536] if b < 9 or 13 < b < 32)
    if b"\x00" in sample[:65536] or control > max(8, len(sample[:65536]) // 200):
        raise IngestError("format-error", "this is a binary file, not delimited text (CSV/TSV)")
    if _is_utf8(path) if whole_file else _sample_is_utf8(sample):
        return "utf-8", False
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:262144]).best()
    encoding = (best.encoding if best else "cp1252") or "cp1252"
    # Single-byte Latin code pages are indistinguishable on short samples (cp1250 vs cp1252 differ in
    # a few letters); the North Sea region writes Western European text, so cp1252 wins among them.
    if encoding.lower().replace("-", "_") in _LATIN:
        encoding = "cp1252"
    return encoding, False


def _lines(text: str, limit: int = 400) -> list[str]:
    return text.splitlines()[:limit]


def _row_widths(lines: list[str], delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        return [len(r) for r in reader]
    except csv.Error:
        return []


def _choose_delimiter(lines: list[str], hint: str | None) -> str:
    if hint:
        return hint
    best, score = ",", -1.0
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    for d in DELIMITERS:
        widths = _row_widths(body[:200], d)
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        s = count / len(widths) * min(width, 50) ** 0.5
        if s > score:
            best, score = d, s
    return best


def _looks_like_data(cell: str) -> bool:
    cell = cell.strip()
    return bool(cell) and (bool(_NUMBERISH.match(cell)) or bool(_EMAIL.match(cell)))


def sniff(path: Path, *, delimiter: str | None = None, whole_file: bool = True) -> Dialect:
    """Decide the dialect from the first MB; ``delimiter`` forces one (TSV files pass a tab).
    ``whole_file``: see :func:`detect_encoding`."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip():
        raise IngestError("source-error", "the file is empty")
    encoding, bom = detect_encoding(path, sample, whole_file=whole_file)
    text = sample.decode(encoding, errors="replace")
    if len(sample) == SAMPLE_BYTES:
        text = text.rsplit("\n", 1)[0]
    lines = _lines(text.lstrip("\ufeff"))
    d = _choose_delimiter(lines, delimiter)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=d))
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    if not widths:
        raise IngestError("source-error", "the file has no rows")
    # The table's width: the most common row width among multi-cell rows (wider wins a tie), so title
    # lines and notes above the table do not count.
    wide = [w for w in widths if w > 1] or widths
    counts = Counter(wide)
    width = max(counts, key=lambda w: (counts[w], w))
    # Preamble: leading comment lines or lines narrower than the table (titles, notes, blank lines).
    preamble = 0
    physical = 0
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=d)
    first: list[str] = []
    for row in reader:
        consumed = reader.line_num - physical
        joined = d.join(row).strip()
        if not joined or joined.startswith("#") or (len(row) < max(2, width) // 2 + 1 and width > 1):
            preamble += consumed
            physical = reader.line_num
            continue
        first = row
        break
    if not first:
        raise IngestError("source-error", "no table found in the file (only comments or blank lines)")
    header = not any(_looks_like_data(c) for c in first)
    labels = list(first) if header else []
    return Dialect(encoding, d, '"', preamble, header, labels, max(width, len(first)), bom)


def describe(d: Dialect) -> dict[str, Any]:
    """The dialect as Frictionless writes it (stored with the table version)."""
    return {
        "encoding": d.encoding,
        "delimiter": d.delimiter,
        "quoteChar": d.quote,
        "header": d.header,
        "headerRows": [d.preamble + 1] if d.header else [],
        "commentRows": list(range(1, d.preamble + 1)),
    }
