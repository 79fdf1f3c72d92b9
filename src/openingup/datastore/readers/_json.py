"""JSON and NDJSON, typed by DuckDB's ``read_json`` detection over every record.

Three routes, the fastest that works:

* a top-level array DuckDB can read as it is (only objects, keys it takes as they are) is read by
  DuckDB straight from the file;
* NDJSON lines are checked in Python (broken ones reported and left out), the object lines copied for
  DuckDB to read;
* otherwise — an object wrapping the records, an array holding non-objects or invalid JSON, keys equal
  but for case, duplicate keys — Python parses the records (an array streams item by item with line and
  column tracking, an object is parsed whole) and writes them under positional keys ``c0``, ``c1`` …
  (first-seen order) for DuckDB; NaN and infinities become null on this route.

Dates are typed only in ISO 8601, timestamps in the ISO forms DuckDB detects (other date texts stay
VARCHAR for the pipeline's own inference). Nested objects and arrays, and columns mixing kinds, become
VARCHAR holding the JSON text (strings without their quotes).

Row numbers in problems: NDJSON gives the line number; a JSON array gives the item's number + 1 (the
header counts as row 1, as in Frictionless), e.g. ``row=2`` for the first item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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
    scratch,
    tick,
)
from openingup.datastore.readers._jsonstream import DECODER, Stream
from openingup.datastore.report import IngestError, Report

SEARCH_DEPTH = 3
# Keys under which APIs commonly wrap their records (CKAN, Solr, OData, Elasticsearch, JSON:API …).
RECORD_KEYS = frozenset(
    {"records", "data", "results", "result", "items", "docs", "rows", "entries", "value", "hits", "objects"}
)
KEPT_TYPES = frozenset(
    {"BIGINT", "UBIGINT", "HUGEINT", "DOUBLE", "BOOLEAN", "VARCHAR", "DATE", "TIMESTAMP", "TIME"}
    | {"TIMESTAMP WITH TIME ZONE"}
)
_BOM = b"\xef\xbb\xbf"
_RENAMED = re.compile(r"(.*)_\d+")


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


def _risky(keys: list[str]) -> bool:
    """Keys DuckDB cannot take as they are: empty ones, and ones equal but for case (DuckDB renames the
    second ``A_1``, which then reads as a missing key — so a ``name_N`` next to ``name`` counts too)."""
    lowered = [k.lower() for k in keys]
    seen = set(lowered)
    if len(seen) != len(keys) or not all(keys):
        return True
    return any((m := _RENAMED.fullmatch(k)) is not None and m.group(1) in seen for k in lowered)


def _check_records(keys: list[str], written: int, limits: Limits, report: Report) -> None:
    check_width(len(keys), limits, report)
    if not written:
        raise IngestError("format-error", "the file holds no JSON objects to make rows of", report)
    if not keys:
        raise IngestError("format-error", "the JSON objects have no fields to make columns of", report)


def _normalise(
    records: Iterable[tuple[int, Any, str]], out: Path, report: Report, limits: Limits
) -> tuple[list[str], int, int]:
    """Write the object records to ``out`` as NDJSON under positional keys; report the others.

    Returns (raw keys in first-seen order, records written, longest line in bytes). Past the column
    limit keys are still counted, for the error message, but nothing more is written.
    """
    keys: dict[str, str] = {}
    layouts: dict[tuple[str, ...], list[str]] = {}  # records mostly share their keys' order
    written = longest = 0
    with out.open("w", encoding="utf-8", errors="replace") as fh:
        for row, value, where in records:
            if not isinstance(value, dict):
                message = f"{where} is {_kind_name(value)}, not an object; skipped."
                report.add("format-error", message, row=row)
                continue
            layout = tuple(value)
            if (positions := layouts.get(layout)) is None:
                positions = [keys.setdefault(k, f"c{len(keys)}") for k in layout]
                if len(layouts) < 10_000:
                    layouts[layout] = positions
            if len(keys) > limits.max_columns:
                continue
            line = dict(zip(positions, value.values(), strict=True))
            text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
            fh.write(text + "\n")
            written += 1
            longest = max(longest, len(text))
    return list(keys), written, longest * 4


def _create(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: Path,
    fmt: str,
    keys: list[str],
    names: list[str],
    longest: int = 0,
) -> None:
    """CREATE ``table`` from the JSON records at ``source`` (``fmt``: array or newline_delimited) holding
    ``keys``, as columns ``names``, with the types DuckDB detects over every record.

    Timestamp columns are read as text and converted afterwards, only when every value casts: DuckDB's
    detection accepts formats its later ISO-only read would reject, and a plain cast drops UTC offsets.
    """
    options = (
        f"format={literal(fmt)}, records=true, dateformat='iso', "
        f"maximum_object_size={max(16 * 1024**2, longest + 1024)}"
    )
    detect = f"{options}, sample_size=-1, maximum_depth=2, map_inference_threshold=-1"
    described = con.execute(f"DESCRIBE SELECT * FROM read_json({literal(str(source))}, {detect})").fetchall()
    detected = {str(r[0]): str(r[1]) for r in described}
    types = [detected.get(k, "JSON") for k in keys]
    types = [t if t in KEPT_TYPES else "JSON" for t in types]
    read = ["VARCHAR" if t.startswith("TIMESTAMP") else t for t in types]
    columns = ", ".join(f"{literal(k)}: {literal(t)}" for k, t in zip(keys, read, strict=True))
    select = ", ".join(
        f"CASE json_type({quote(k)}) WHEN 'VARCHAR' THEN {quote(k)} ->> '$' "
        f"ELSE CAST({quote(k)} AS VARCHAR) END AS {quote(n)}"
        if t == "JSON"
        else f"{quote(k)} AS {quote(n)}"
        for k, n, t in zip(keys, names, read, strict=True)
    )
    con.execute(
        f"CREATE TABLE {quote(table)} AS SELECT {select} "
        f"FROM read_json({literal(str(source))}, columns={{{columns}}}, {options})"
    ).fetchall()
    stamps = [(quote(n), t) for n, t in zip(names, types, strict=True) if t.startswith("TIMESTAMP")]
    if not stamps:
        return
    checks = ", ".join(
        f"count(*) FILTER (WHERE {c} IS NOT NULL AND TRY_CAST({c} AS {t}) IS NULL)" for c, t in stamps
    )
    failures = con.execute(f"SELECT {checks} FROM {quote(table)}").fetchall()[0]
    for (column, sql_type), failed in zip(stamps, failures, strict=True):
        if not failed:
            using = f"USING CAST({column} AS {sql_type})"
            con.execute(f"ALTER TABLE {quote(table)} ALTER {column} TYPE {sql_type} {using}").fetchall()


def _try_create(con: duckdb.DuckDBPyConnection, table: str, *args: Any) -> bool:
    """``_create``, or False (and no table) when DuckDB refuses the text as it is."""
    try:
        _create(con, table, *args)
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        return False
    return True


def _load_records(
    records: Iterable[tuple[int, Any, str]],
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load records parsed in Python, through a positional NDJSON file."""
    with scratch("openingup-json-") as workdir:
        staged = Path(workdir) / "records.ndjson"
        keys, written, longest = _normalise(records, staged, report, limits)
        _check_records(keys, written, limits, report)
        names, problems = clean_headers(keys)
        report.extend(problems)
        tick(progress, 0.6)
        positional = [f"c{i}" for i in range(len(keys))]
        _create(con, table, staged, "newline_delimited", positional, names, longest)


def _load_array(
    path: Path, con: duckdb.DuckDBPyConnection, table: str, report: Report, limits: Limits
) -> bool:
    """The fast path for a top-level array: DuckDB reads the file itself. False (nothing done) when it
    cannot — items that are not objects, invalid JSON, risky keys — and Python must read it instead."""
    detect = "format='array', records=true, dateformat='iso', sample_size=-1, maximum_depth=2"
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_json({literal(str(path))}, {detect}, map_inference_threshold=-1)"
        ).fetchall()
    except duckdb.Error:
        return False
    keys = [str(r[0]) for r in described]
    if not keys or _risky(keys):
        return False
    check_width(len(keys), limits, report)
    names, problems = clean_headers(keys)
    if not _try_create(con, table, path, "array", keys, names):
        return False
    report.extend(problems)
    return True


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
    ``type`` or a ``features`` list); else the object itself as one row.

    An array DuckDB can read as it is loads directly (null items then become empty rows); otherwise it
    streams through Python, which reports items that are not objects and pinpoints invalid JSON.
    """
    size = max(path.stat().st_size, 1)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            stream = Stream(fh, report)
            first = stream.peek()
            if first == "[":
                if _load_array(path, con, table, report, limits):
                    return

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
            document = DECODER.decode(fh.read())
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise json_error(exc, report) from None
    if _geojson.is_geojson(document):
        _geojson.load_document(document, con, table, report, limits, progress)
        return
    records = find_records(document) or [document]
    numbered = ((n + 1, r, f"Record {n}") for n, r in enumerate(records, start=1))
    _load_records(numbered, con, table, report, limits, progress)


def _copy_lines(
    path: Path, out: Path, report: Report, limits: Limits, progress: Progress
) -> tuple[list[str], int, int]:
    """Check every line of an NDJSON file, copying the object lines to ``out`` as they are; report the
    others. Returns (keys in first-seen order, lines copied, longest line in bytes)."""
    keys: dict[str, None] = {}
    written = longest = done = 0
    size = max(path.stat().st_size, 1)
    with path.open("rb") as fh, out.open("wb") as copy:
        for number, raw in enumerate(fh, start=1):
            done += len(raw)
            if number % 10_000 == 0:
                tick(progress, 0.6 * done / size)
            line = (raw.removeprefix(_BOM) if number == 1 else raw).rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                value = DECODER.decode(line.decode("utf-8"))
            except json.JSONDecodeError as exc:
                reason = f"{exc.msg} at column {exc.colno}"
            except UnicodeDecodeError:
                reason = "not UTF-8 text"
            except RecursionError:
                reason = "nested too deeply"
            else:
                if not isinstance(value, dict):
                    message = f"Line {number} is {_kind_name(value)}, not an object; skipped."
                    report.add("format-error", message, row=number)
                    continue
                keys.update(dict.fromkeys(value))
                if len(keys) <= limits.max_columns:
                    copy.write(line + b"\n")
                    written += 1
                    longest = max(longest, len(line))
                continue
            report.add("format-error", f"Line {number} is not valid JSON ({reason}); skipped.", row=number)
    return list(keys), written, longest


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
    Blank lines are skipped silently.

    The object lines are copied as they are for DuckDB to read; only when it cannot (keys equal but for
    case, duplicate keys, NaN …) are they re-encoded under positional keys.
    """
    with scratch("openingup-ndjson-") as workdir:
        lines = Path(workdir) / "lines.ndjson"
        keys, written, longest = _copy_lines(path, lines, report, limits, progress)
        _check_records(keys, written, limits, report)
        names, problems = clean_headers(keys)
        report.extend(problems)
        tick(progress, 0.6)
        if not _risky(keys) and _try_create(con, table, lines, "newline_delimited", keys, names, longest):
            return
        with lines.open("rb") as fh:
            records = ((0, DECODER.decode(line.decode("utf-8")), "") for line in fh)
            staged = Path(workdir) / "records.ndjson"
            _, _, longest = _normalise(records, staged, report, limits)
        positional = [f"c{i}" for i in range(len(keys))]
        _create(con, table, staged, "newline_delimited", positional, names, longest)
