"""What every reader shares: limits, SQL quoting, the cell typing of spreadsheets and GeoJSON properties,
and the chunked pyarrow → DuckDB writer."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import duckdb

from openingup.datastore.report import IngestError, Report

if TYPE_CHECKING:
    import pyarrow as pa

Progress = Callable[[float], None] | None
CHUNK_ROWS = 50_000
_INT64 = 2**63


@dataclass(frozen=True)
class Limits:
    """Guards against files that would exhaust the server: width, and zip bombs (XLSX/ODS are zips).

    ``max_uncompressed_bytes`` also caps JSON documents that must be parsed whole (objects, GeoJSON).
    """

    max_columns: int = 2000
    max_uncompressed_bytes: int = 2 * 1024**3
    max_ratio: int = 200


DEFAULT_LIMITS = Limits()


def quote(name: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def scratch(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for intermediate files, in the system temp folder."""
    return tempfile.TemporaryDirectory(prefix=prefix, dir=None)


def tick(progress: Progress, fraction: float) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)))


def check_width(count: int, limits: Limits, report: Report) -> None:
    """Raise IngestError (format-error) when a file has more columns than allowed."""
    if count > limits.max_columns:
        raise IngestError(
            "format-error", f"the file has {count:,} columns; the limit is {limits.max_columns:,}", report
        )


def json_error(exc: ValueError | RecursionError, report: Report) -> IngestError:
    """The fatal error for a JSON document Python cannot parse (syntax, encoding, nesting)."""
    if isinstance(exc, json.JSONDecodeError):
        message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    elif isinstance(exc, UnicodeDecodeError):
        message = f"invalid JSON: the file is not UTF-8 text ({exc.reason})"
    elif isinstance(exc, RecursionError):
        message = "invalid JSON: it is nested too deeply"
    else:
        message = f"invalid JSON: {exc}"
    return IngestError("format-error", message, report)


def kind_of(value: Any) -> str | None:
    """The kind of a cell value (None when empty): int, float, bool, date, datetime, time, json or str.

    Integral floats count as int (spreadsheets store every number as a float); integers beyond BIGINT are
    str so that they keep every digit.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -_INT64 <= value < _INT64 else "str"
    if isinstance(value, float):
        return "int" if value.is_integer() and -_INT64 <= value < _INT64 else "float"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dict | list):
        return "json"
    return "str"


def column_type(kinds: set[str]) -> str:
    """The DuckDB type of a column holding values of ``kinds``; mixed kinds give VARCHAR."""
    if not kinds:
        return "VARCHAR"
    if kinds == {"int"}:
        return "BIGINT"
    if kinds <= {"int", "float"}:
        return "DOUBLE"
    if kinds == {"bool"}:
        return "BOOLEAN"
    if kinds == {"date"}:
        return "DATE"
    if kinds <= {"date", "datetime"}:
        return "TIMESTAMP"
    if kinds == {"time"}:
        return "TIME"
    return "VARCHAR"


def text_of(value: Any) -> str | None:
    """A value's text form: ISO dates, ``true``/``false``, integral floats without ``.0``, compact JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


@cache
def _arrow() -> dict[str, tuple[pa.DataType, Callable[[Any], Any]]]:
    """The pyarrow type and value conversion of each column type (pyarrow is imported on first use:
    it costs a tenth of a second, and CSV loads and command start-up need none of it)."""
    import pyarrow as pa

    return {
        "BIGINT": (pa.int64(), lambda v: None if v is None else int(v)),
        "DOUBLE": (pa.float64(), lambda v: None if v is None else float(v)),
        "BOOLEAN": (pa.bool_(), lambda v: v),
        "DATE": (pa.date32(), lambda v: v),
        "TIMESTAMP": (pa.timestamp("us"), _timestamp),
        "TIME": (pa.time64("us"), lambda v: v),
        "VARCHAR": (pa.string(), text_of),
    }


_KINDS = {bool: "bool", str: "str", dt.datetime: "datetime", dt.date: "date", dt.time: "time"}
_KINDS |= {dict: "json", list: "json"}


def _array(values: Sequence[Any], sql_type: str) -> pa.Array:
    """A pyarrow array of ``values`` as ``sql_type``: pyarrow's own conversion when the values already
    fit (integral floats into int64, str into string …), else value by value."""
    import pyarrow as pa

    arrow_type, convert = _arrow()[sql_type]
    try:
        return pa.array(values, type=arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([convert(v) for v in values], type=arrow_type)


def scan_kinds(
    rows: Iterable[Sequence[Any]], width: int, progress: Callable[[int], None] | None = None
) -> list[set[str]]:
    """The kinds (see ``kind_of``) each of ``width`` columns holds over ``rows``, a chunk at a time:
    types are gathered in bulk and only numbers are looked at one by one."""
    kinds: list[set[str]] = [set() for _ in range(width)]
    iterator, total = iter(rows), 0
    while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
        for column, values in zip(kinds, zip(*chunk, strict=True), strict=True):
            for value_type in set(map(type, values)) - {type(None)}:
                same: list[Any] = [v for v in values if type(v) is value_type]
                if value_type is float or value_type is int:
                    column.update(kind_of(v) or "str" for v in (min(same), max(same)))
                    if value_type is float and not all(v.is_integer() for v in same):
                        column.add("float")
                else:
                    column.add(_KINDS.get(value_type) or kind_of(same[0]) or "str")
        total += len(chunk)
        if progress is not None:
            progress(total)
    return kinds


class TableWriter:
    """Creates ``table`` with the given column names and types (keys of ``_arrow()``), then appends rows
    chunk by chunk through a registered pyarrow Table, so memory stays bounded by ``CHUNK_ROWS``."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, table: str, names: Sequence[str], types: Sequence[str]
    ) -> None:
        self.con, self.table, self.types = con, table, list(types)
        columns = ", ".join(f"{quote(n)} {t}" for n, t in zip(names, types, strict=True))
        con.execute(f"CREATE TABLE {quote(table)} ({columns})")

    def write(self, rows: Iterable[Sequence[Any]], progress: Callable[[int], None] | None = None) -> int:
        """Append ``rows`` (sequences as wide as the table); returns how many were written."""
        import pyarrow as pa

        total = 0
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
            columns = zip(*chunk, strict=True)
            arrays = [_array(values, t) for values, t in zip(columns, self.types, strict=True)]
            batch = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))])
            view = f"__openingup_chunk_{id(batch)}"
            self.con.register(view, batch)
            try:
                self.con.execute(f"INSERT INTO {quote(self.table)} SELECT * FROM {quote(view)}")
            finally:
                self.con.unregister(view)
            total += len(chunk)
            if progress is not None:
                progress(total)
        return total
