"""JSON and NDJSON: records are normalised in Python, then typed by DuckDB's ``read_json`` detection.

Python reads the records (a top-level array streams item by item; an object is parsed whole), reports
what is not an object, and writes them to a temporary NDJSON file under positional keys ``c0``, ``c1`` …
(first-seen order), so keys differing only in case cannot collide in DuckDB. DuckDB then detects each
column's type over every record; dates and timestamps only in ISO 8601 (other date texts stay VARCHAR for
the pipeline's own inference). Nested objects and arrays, and columns mixing kinds, become VARCHAR
holding the JSON text (strings without their quotes).

Row numbers in problems: NDJSON gives the line number; a JSON array gives the item's number + 1 (the
header counts as row 1, as in Frictionless), e.g. ``row=2`` for the first item.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import duckdb

from openingup.datastore.names import clean_headers
from openingup.datastore.readers import _geojson
from openingup.datastore.readers._base import (
    Limits,
    Progress,
    check_width,
    json_error,
    literal,
    quote,
    tick,
)
from openingup.datastore.report import IngestError, Report

CHUNK = 1 << 20
SEARCH_DEPTH = 3
# Keys under which APIs commonly wrap their records (CKAN, Solr, OData, Elasticsearch, JSON:API …).
RECORD_KEYS = frozenset(
    {"records", "data", "results", "result", "items", "docs", "rows", "entries", "value", "hits", "objects"}
)
KEPT_TYPES = frozenset(
    {"BIGINT", "UBIGINT", "HUGEINT", "DOUBLE", "BOOLEAN", "VARCHAR", "DATE", "TIMESTAMP", "TIME"}
    | {"TIMESTAMP WITH TIME ZONE"}
)
_NON_WS = re.compile(r"[^ \t\r\n]")
_BOM = b"\xef\xbb\xbf"


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=lambda _: None)


def _invalid(report: Report, message: str, line: int, column: int) -> IngestError:
    return IngestError("format-error", f"invalid JSON at line {line} column {column}: {message}", report)


class _Stream:
    """A JSON text read in chunks: whitespace skipping and value decoding with line/column tracking."""

    def __init__(self, fh: IO[str], report: Report) -> None:
        self.fh, self.report = fh, report
        self.buf, self.pos, self.eof = "", 0, False
        self.lines = self.column = self.dropped = 0  # for the text already dropped from ``buf``

    def more(self, size: int = 0) -> bool:
        if self.eof or not (data := self.fh.read(size or CHUNK)):
            self.eof = True
            return False
        gone = self.buf[: self.pos]
        newline = gone.rfind("\n")
        self.lines += gone.count("\n")
        self.column = self.column + len(gone) if newline < 0 else len(gone) - newline - 1
        self.dropped += len(gone)
        self.buf, self.pos = self.buf[self.pos :] + data, 0
        return True

    def error(self, message: str, at: int) -> IngestError:
        newline = self.buf.rfind("\n", 0, at)
        column = self.column + at + 1 if newline < 0 else at - newline
        return _invalid(self.report, message, self.lines + self.buf.count("\n", 0, at) + 1, column)

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end), positioned on it."""
        while not (match := _NON_WS.search(self.buf, self.pos)):
            self.pos = len(self.buf)
            if not self.more():
                return ""
        self.pos = match.start()
        return self.buf[self.pos]

    def value(self) -> Any:
        if not self.peek():
            raise self.error("Expecting value", self.pos)
        size = CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - 8 or exc.msg.startswith("Unterminated string")
                if cut and self.more(size):
                    size *= 2
                    continue
                raise self.error(exc.msg, exc.pos) from None
            if end == len(self.buf) and self.more(size):  # a number may go on in the next chunk
                size *= 2
                continue
            self.pos = end
            return value

    def items(self) -> Iterator[Any]:
        """The items of the top-level array, one at a time; then nothing but whitespace may follow."""
        self.peek()
        self.pos += 1  # the caller saw '['
        if self.peek() == "]":
            self.pos += 1
        else:
            while True:
                yield self.value()
                sign = self.peek()
                self.pos += 1
                if sign == "]":
                    break
                if sign != ",":
                    raise self.error("Expecting ',' delimiter", self.pos - 1)
        if self.peek():
            raise self.error("Extra data", self.pos)


def _kind_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def find_records(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The list of objects an API response wraps, searched up to SEARCH_DEPTH levels down: the longest one
    under a usual key (``records``, ``docs``, any list in HAL's ``_embedded`` …), else the longest one."""
    found: list[tuple[bool, int, list[dict[str, Any]]]] = []

    def visit(node: dict[str, Any], parent: str, depth: int) -> None:
        for key, value in node.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                usual = key.lower() in RECORD_KEYS or parent == "_embedded"
                found.append((usual, len(value), value))
            elif isinstance(value, dict) and depth < SEARCH_DEPTH:
                visit(value, key, depth + 1)

    visit(document, "", 1)
    if not found:
        return None
    return max(found, key=lambda f: (f[0], f[1]))[2]


def _normalise(
    records: Iterable[tuple[int, Any, str]], out: Path, report: Report, limits: Limits
) -> tuple[list[str], int, int]:
    """Write the object records to ``out`` as NDJSON under positional keys; report the others.

    Returns (raw keys in first-seen order, records written, longest line in bytes). Past the column
    limit keys are still counted, for the error message, but nothing more is written.
    """
    keys: dict[str, str] = {}
    written = longest = 0
    with out.open("w", encoding="utf-8", errors="replace") as fh:
        for row, value, where in records:
            if not isinstance(value, dict):
                message = f"{where} is {_kind_name(value)}, not an object; skipped."
                report.add("format-error", message, row=row)
                continue
            line = {keys.setdefault(k, f"c{len(keys)}"): v for k, v in value.items()}
            if len(keys) > limits.max_columns:
                continue
            text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
            fh.write(text + "\n")
            written += 1
            longest = max(longest, len(text))
    return list(keys), written, longest * 4


def _create(con: duckdb.DuckDBPyConnection, table: str, source: Path, names: list[str], longest: int) -> None:
    """CREATE ``table`` from the positional NDJSON at ``source`` with DuckDB's detected types."""
    options = (
        "format='newline_delimited', records=true, dateformat='iso', timestampformat='iso', "
        f"maximum_object_size={max(16 * 1024**2, longest + 1024)}"
    )
    detect = f"{options}, sample_size=-1, maximum_depth=2, map_inference_threshold=-1"
    described = con.execute(f"DESCRIBE SELECT * FROM read_json({literal(str(source))}, {detect})").fetchall()
    detected = {str(r[0]): str(r[1]) for r in described}
    types = [detected.get(f"c{i}", "JSON") for i in range(len(names))]
    types = [t if t in KEPT_TYPES else "JSON" for t in types]
    columns = ", ".join(f"c{i}: {literal(t)}" for i, t in enumerate(types))
    select = ", ".join(
        f"CASE json_type(c{i}) WHEN 'VARCHAR' THEN c{i} ->> '$' ELSE CAST(c{i} AS VARCHAR) END AS {quote(n)}"
        if t == "JSON"
        else f"c{i} AS {quote(n)}"
        for i, (n, t) in enumerate(zip(names, types, strict=True))
    )
    con.execute(
        f"CREATE TABLE {quote(table)} AS SELECT {select} "
        f"FROM read_json({literal(str(source))}, columns={{{columns}}}, {options})"
    )


def _load_records(
    records: Iterable[tuple[int, Any, str]],
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    with tempfile.TemporaryDirectory(prefix="openingup-json-") as workdir:
        staged = Path(workdir) / "records.ndjson"
        keys, written, longest = _normalise(records, staged, report, limits)
        check_width(len(keys), limits, report)
        if not written:
            raise IngestError("format-error", "the file holds no JSON objects to make rows of", report)
        if not keys:
            raise IngestError("format-error", "the JSON objects have no fields to make columns of", report)
        names, problems = clean_headers(keys)
        report.extend(problems)
        tick(progress, 0.6)
        _create(con, table, staged, names, longest)


def load_json(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load a JSON document (see ``readers.load_into``): an array of objects; an object wrapping one
    (CKAN ``result.records``, Solr ``response.docs``, HAL ``_embedded.*``, ``data`` …); GeoJSON (by
    ``type`` or a ``features`` list); else the object itself as one row."""
    size = max(path.stat().st_size, 1)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            stream = _Stream(fh, report)
            first = stream.peek()
            if first == "[":

                def items() -> Iterator[tuple[int, Any, str]]:
                    for number, item in enumerate(stream.items(), start=1):
                        if number % 10_000 == 0:
                            tick(progress, 0.6 * stream.dropped / size)
                        yield number + 1, item, f"Array item {number}"

                _load_records(items(), con, table, report, limits, progress)
                return
            if first != "{":
                if not first:
                    raise IngestError("format-error", "the file is empty", report)
                value = stream.value()
                raise IngestError("format-error", f"the JSON holds {_kind_name(value)}, not objects", report)
            if size > limits.max_uncompressed_bytes:
                raise IngestError(
                    "format-error",
                    f"a JSON object of {size:,} bytes is too large to read (the limit is "
                    f"{limits.max_uncompressed_bytes:,}); an array of objects or NDJSON can be larger",
                    report,
                )
            fh.seek(0)
            document = _DECODER.decode(fh.read())
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise json_error(exc, report) from None
    if _geojson.is_geojson(document):
        _geojson.load_document(document, con, table, report, limits, progress)
        return
    records = find_records(document) or [document]
    numbered = ((n + 1, r, f"Record {n}") for n, r in enumerate(records, start=1))
    _load_records(numbered, con, table, report, limits, progress)


def load_ndjson(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load newline-delimited JSON: one object a line. A line that is not valid JSON, or not an object, is
    skipped with a ``format-error`` problem carrying its line number; if no line is an object, IngestError.
    Blank lines are skipped silently."""
    size = max(path.stat().st_size, 1)

    def lines() -> Iterator[tuple[int, Any, str]]:
        with path.open("rb") as fh:
            done = 0
            for number, raw in enumerate(fh, start=1):
                done += len(raw)
                if number % 10_000 == 0:
                    tick(progress, 0.6 * done / size)
                raw = raw.removeprefix(_BOM) if number == 1 else raw
                if not raw.strip():
                    continue
                try:
                    value = _DECODER.decode(raw.decode("utf-8"))
                except json.JSONDecodeError as exc:
                    reason = f"{exc.msg} at column {exc.colno}"
                except UnicodeDecodeError:
                    reason = "not UTF-8 text"
                except RecursionError:
                    reason = "nested too deeply"
                else:
                    yield number, value, f"Line {number}"
                    continue
                message = f"Line {number} is not valid JSON ({reason}); skipped."
                report.add("format-error", message, row=number)

    _load_records(lines(), con, table, report, limits, progress)
