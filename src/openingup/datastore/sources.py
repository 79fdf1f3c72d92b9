"""Where a distribution's data comes from (its uploaded file or its URL) and what kind of file it is."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from openingup.core import http
from openingup.datastore.readers import kind_for as _reader_kind

TRANSPORT: httpx.BaseTransport | None = None  # tests inject an httpx.MockTransport here
_TEXT_TYPES = {"text/csv": "csv", "text/tab-separated-values": "tsv", "application/csv": "csv"}


class Digest:
    """A file's SHA-256, taken when first asked for, or in the background from :meth:`start` on
    (hashing releases the GIL, so a load reading the same file goes on meanwhile)."""

    def __init__(self, path: Path | None = None, value: str = "") -> None:
        self._path, self._value = path, value
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None and not self._value:
                self._thread = threading.Thread(target=self._take, name="openingup-digest", daemon=True)
                self._thread.start()

    def _take(self) -> None:
        assert self._path is not None, "a digest without a value has a file to take it from"
        try:
            self._value = digest(self._path)
        except BaseException as exc:  # raised again to whoever asks for the value
            self._error = exc

    def value(self) -> str:
        self.start()
        assert self._thread is not None or self._value
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


@dataclass(frozen=True)
class Source:
    path: Path
    name: str
    kind: str
    size: int
    digest: Digest

    @property
    def sha256(self) -> str:
        return self.digest.value()


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
        yield Source(path, path.name, kind, path.stat().st_size, Digest(path)) if kind else None
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
        sha256 = hashlib.sha256(fetched.content).hexdigest()
        yield Source(path, url, kind, len(fetched.content), Digest(value=sha256))
    finally:
        Path(tmp).unlink(missing_ok=True)
