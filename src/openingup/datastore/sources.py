"""Where a distribution's data comes from (its uploaded file or its URL) and what kind of file it is."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from openingup.core import http
from openingup.datastore.readers import kind_for as _reader_kind

TRANSPORT: httpx.BaseTransport | None = None  # tests inject an httpx.MockTransport here
_TEXT_TYPES = {"text/csv": "csv", "text/tab-separated-values": "tsv", "application/csv": "csv"}


@dataclass(frozen=True)
class Source:
    path: Path
    name: str
    kind: str
    size: int
    sha256: str


def kind_for(name: str, media_type: str = "", fmt: str = "") -> str | None:
    """csv, tsv, xlsx, ods, json, ndjson, geojson or parquet — from the name, media type or EU file type."""
    lowered = name.lower().split("?", 1)[0]
    for ext, kind in ((".csv", "csv"), (".tsv", "tsv"), (".tab", "tsv"), (".txt", "csv")):
        if lowered.endswith(ext):
            return kind
    media = media_type.rsplit("/media-types/", 1)[-1].lower()
    if media in _TEXT_TYPES:
        return _TEXT_TYPES[media]
    if fmt.upper().endswith(("/CSV", "/TSV")):
        return fmt.upper().rsplit("/", 1)[-1].lower()
    return _reader_kind(lowered, media_type)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def materialise(distribution: object) -> Iterator[Source | None]:
    """The distribution's data as a local file (fetched safely for URLs); None when it is not tabular.

    Raises ``http.UnsafeURL`` for private addresses and ValueError for HTTP errors or oversize bodies.
    """
    file = getattr(distribution, "file", None)
    media, fmt = getattr(distribution, "media_type", ""), getattr(distribution, "format", "")
    if file:
        path = Path(file.path)
        kind = kind_for(path.name, media, fmt)
        yield Source(path, path.name, kind, path.stat().st_size, digest(path)) if kind else None
        return
    urls = list(getattr(distribution, "download_url", []) or []) + list(
        getattr(distribution, "access_url", []) or []
    )
    if not urls:
        yield None
        return
    url = urls[0]
    kind = kind_for(url, media, fmt)
    if kind is None:
        yield None
        return
    fetched = http.fetch(url, transport=TRANSPORT)
    fd, tmp = tempfile.mkstemp(suffix="." + kind)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(fetched.content)
        path = Path(tmp)
        yield Source(path, url, kind, len(fetched.content), hashlib.sha256(fetched.content).hexdigest())
    finally:
        Path(tmp).unlink(missing_ok=True)
