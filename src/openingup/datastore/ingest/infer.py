"""Type inference over whole columns: a guess from a sample, then proof over every value in SQL.

A column's guess comes from up to ``SAMPLE_ROWS`` non-empty values (Python regexes, cheap). The guess is
then checked against the whole column in one DuckDB pass; a column whose proof fails stays text. Types are
Table Schema's: integer, number, boolean, date, datetime, geopoint, string. Local formats are understood:
decimal comma (``1.234,56``), thousands separators (``1,234.56``), day-first dates (``31-12-2024``,
``31/12/2024``, ``31.12.2024``), month-first only when a value proves it, Dutch/German/Nordic booleans.
Leading-zero codes (``0101``) stay text: they are identifiers, not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb

SAMPLE_ROWS = 20_000
# Text columns whose sampled values are mostly distinct (free text, identifiers) are stored without
# compression: DuckDB's dictionary + FSST analysis of such a column costs about as much as reading the
# whole file (0.45 s of the 1M-row bench file's 1.05 s write) for a file 30% smaller, and scans and row
# fetches of the uncompressed column are no slower. Columns with repeats keep DuckDB's choice.
DISTINCT_SHARE = 0.5
MIN_DISTINCT = 1000  # half the sampled values, at least: small samples keep DuckDB's choice
NULL_TOKENS = ("na", "n/a", "null", "none", "nan", "-", "n.v.t.", "#n/a")
TRUE_WORDS = frozenset({"true", "yes", "ja", "oui", "wahr", "sand", "j", "y", "t"})
FALSE_WORDS = frozenset({"false", "no", "nee", "non", "nein", "falsch", "falsk", "nej", "n", "f"})

_INT = re.compile(r"^[+-]?(0|[1-9]\d{0,17})$")
_DOT = re.compile(r"^[+-]?(\d+)?\.(\d+)$|^[+-]?(0|[1-9]\d{0,17})$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.(\d+))?$")
_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,(\d+))?$")
_DATE = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_ISO_DT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_LOCAL_DT = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})[ T](\d{1,2}):(\d{2})(:(\d{2}))?$")
_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?\d+(\.\d+)?)\s+(-?\d+(\.\d+)?)\s*\)\s*$", re.I)


@dataclass(frozen=True)
class Column:
    """A column's decided type and the SQL that converts its text to it (``{c}`` = the quoted column)."""

    name: str
    type: str  # Table Schema type
    sql_type: str  # DuckDB storage type
    convert: str = "{c}"  # DuckDB expression producing the value (errors impossible once proven)
    attempt: str = "{c}"  # the same with TRY_ functions, NULL where a value does not fit
    format: str = ""  # Table Schema format (e.g. "%d/%m/%Y"), when not the default
    compression: str = ""  # DuckDB's storage compression for the column ("" = DuckDB chooses)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _nullable(c: str) -> str:
    tokens = ", ".join(f"'{t}'" for t in NULL_TOKENS)
    return f"CASE WHEN lower(trim({c})) IN ({tokens}) OR trim({c}) = '' THEN NULL ELSE trim({c}) END"


def _date_format(values: Sequence[str]) -> str | None:
    """strptime format for dates like 31-12-2024, 2024/12/31 or 12/31/2024 (only when a value proves it)."""
    seps, year_first, firsts, seconds = set(), None, [], []
    for v in values:
        m = _DATE.match(v)
        if not m:
            return None
        a, sep, b, c = m.group(1), m.group(2), m.group(3), m.group(4)
        seps.add(sep)
        yf = len(a) == 4
        if year_first is None:
            year_first = yf
        if yf != year_first or (not yf and len(c) != 4):
            return None
        firsts.append(int(b) if yf else int(a))
        seconds.append(int(c) if yf else int(b))
    if len(seps) != 1 or year_first is None:
        return None
    sep = seps.pop()
    if year_first:
        if max(firsts) > 12 or max(seconds) > 31:
            return None
        return f"%Y{sep}%m{sep}%d"
    if max(firsts) > 31 or max(seconds) > 31 or (max(firsts) > 12 and max(seconds) > 12):
        return None
    if max(seconds) > 12:
        return f"%m{sep}%d{sep}%Y"
    return f"%d{sep}%m{sep}%Y"


def guess(name: str, values: Sequence[str]) -> Column:
    """The narrowest type every sampled value fits (values are stripped, non-null texts)."""
    text = Column(name, "string", "VARCHAR")
    if not values:
        return text
    # Conversions read the raw text: null tokens ("NA", "-") fail the TRY_ casts and become NULL, and
    # the proof has shown that every other value converts.
    n = "{c}"
    if all(_INT.match(v) for v in values):
        # A leading-zero code later in the column must fail the proof (the cast would drop the zeros).
        zeros = "({c} LIKE '0_%' OR {c} LIKE '-0_%' OR {c} LIKE '+%')"
        check = f"CASE WHEN NOT {zeros} THEN TRY_CAST({n} AS BIGINT) END"
        return Column(name, "integer", "BIGINT", check, check)
    if all(_DOT.match(v) for v in values):
        return _number(name, n, max((len(v.split(".", 1)[1]) if "." in v else 0) for v in values))
    if all(_THOUSANDS_COMMA.match(v) or _DOT.match(v) for v in values):
        scale = max((len(v.split(".", 1)[1]) if "." in v else 0) for v in values)
        return _number(name, f"replace({n}, ',', '')", scale)
    if any("," in v for v in values) and all(_COMMA.match(v) for v in values):
        scale = max((len(v.split(",", 1)[1]) if "," in v else 0) for v in values)
        return _number(name, f"replace(replace({n}, '.', ''), ',', '.')", scale, fmt="decimalChar=,")
    lowered = {v.lower() for v in values}
    if lowered <= TRUE_WORDS | FALSE_WORDS and lowered & TRUE_WORDS and lowered & FALSE_WORDS:
        trues = ", ".join(f"'{w}'" for w in sorted(TRUE_WORDS))
        falses = ", ".join(f"'{w}'" for w in sorted(FALSE_WORDS))
        low = f"lower(trim({n}))"
        expr = f"CASE WHEN {low} IN ({trues}) THEN TRUE WHEN {low} IN ({falses}) THEN FALSE END"
        return Column(name, "boolean", "BOOLEAN", expr, expr)
    fmt = _date_format(values)
    if fmt == "%Y-%m-%d":
        return Column(name, "date", "DATE", f"TRY_CAST({n} AS DATE)", f"TRY_CAST({n} AS DATE)")
    if fmt:
        return Column(
            name,
            "date",
            "DATE",
            f"CAST(try_strptime({n}, '{fmt}') AS DATE)",
            f"CAST(try_strptime({n}, '{fmt}') AS DATE)",
            fmt,
        )
    if all(_ISO_DT.match(v) for v in values):
        zoned = any(v.endswith("Z") or re.search(r"[+-]\d{2}:?\d{2}$", v) for v in values)
        sql_type = "TIMESTAMPTZ" if zoned else "TIMESTAMP"
        return Column(
            name, "datetime", sql_type, f"TRY_CAST({n} AS {sql_type})", f"TRY_CAST({n} AS {sql_type})"
        )
    if all(_LOCAL_DT.match(v) for v in values):
        date_part = _date_format([v.split()[0].split("T")[0] for v in values])
        if date_part and not date_part.startswith("%Y"):
            seconds = all(_LOCAL_DT.match(v).group(7) for v in values)  # type: ignore[union-attr]
            fmt = date_part + (" %H:%M:%S" if seconds else " %H:%M")
            return Column(
                name,
                "datetime",
                "TIMESTAMP",
                f"try_strptime({n}, '{fmt}')",
                f"try_strptime({n}, '{fmt}')",
                fmt,
            )
    if all(_POINT.match(v) for v in values):
        return Column(
            name,
            "geopoint",
            "VARCHAR",
            f"CASE WHEN regexp_full_match({n}, '{_POINT.pattern[1:-1]}', 'i') THEN {n} END",
            f"CASE WHEN regexp_full_match({n}, '{_POINT.pattern[1:-1]}', 'i') THEN {n} END",
        )
    return text


def _number(name: str, expr: str, scale: int, fmt: str = "") -> Column:
    # Money-like columns (≤ 4 decimals) keep exact decimals; measurements (coordinates …) are doubles.
    sql_type = f"DECIMAL(18,{scale})" if scale <= 4 else "DOUBLE"
    convert = f"TRY_CAST({expr} AS {sql_type})"
    attempt = convert
    if scale <= 4:
        # A value with more decimals than the sample showed would be rounded: make it fail the proof.
        dot = f"strpos({expr}, '.')"
        attempt = f"CASE WHEN {dot} = 0 OR length({expr}) - {dot} <= {scale} THEN {convert} END"
    return Column(name, "number", sql_type, attempt, attempt, fmt)


def infer(con: duckdb.DuckDBPyConnection, table: str, names: Sequence[str]) -> list[Column]:
    """Guess the type of every VARCHAR column of ``table`` from a sample; other columns keep their type.

    The guesses are proven afterwards with :func:`unproven`, over the written table: every conversion
    turns a value that does not fit into NULL, so a column is proven when it lost no values.
    """
    described = {r[0]: r[1] for r in con.execute(f"DESCRIBE {quote(table)}").fetchall()}
    sample_sql = ", ".join(_nullable(quote(n)) if described[n] == "VARCHAR" else "NULL" for n in names)
    sample = (
        con.execute(f"SELECT {sample_sql} FROM {quote(table)} LIMIT {SAMPLE_ROWS}").fetchall()
        if names
        else []
    )
    columns: list[Column] = []
    for i, name in enumerate(names):
        if described[name] != "VARCHAR":
            columns.append(_native(name, described[name]))
            continue
        # Distinct values only: the patterns are the same for repeats, and codes repeat a lot.
        present = [row[i] for row in sample if row[i] is not None]
        values = list(dict.fromkeys(present))
        column = guess(name, values)
        mostly_distinct = len(values) > DISTINCT_SHARE * len(present) >= MIN_DISTINCT
        if column.type == "string" and mostly_distinct:
            column = replace(column, compression="uncompressed")
        columns.append(column)
    return columns


def unproven(con: duckdb.DuckDBPyConnection, raw: str, typed: str, columns: Sequence[Column]) -> set[str]:
    """Names of converted columns that lost a value between ``raw`` (text) and ``typed``.

    Counting non-NULL values is nearly free in DuckDB; only when counts differ are the null tokens
    ("NA", "-" …) of the raw column counted, since those are meant to become NULL.
    """
    checked = [c for c in columns if c.attempt != "{c}"]
    if not checked:
        return set()
    counts = ", ".join(f"count({quote(c.name)})" for c in checked)
    before = con.execute(f"SELECT {counts} FROM {raw}").fetchone() or ()
    after = con.execute(f"SELECT {counts} FROM {typed}").fetchone() or ()
    differ = [(c, b - a) for c, b, a in zip(checked, before, after, strict=True) if b != a]
    if not differ:
        return set()
    tokens = ", ".join(f"'{t}'" for t in NULL_TOKENS)
    parts = ", ".join(
        f"count(*) FILTER (WHERE trim({quote(c.name)}) = '' OR lower(trim({quote(c.name)})) IN ({tokens}))"
        for c, _ in differ
    )
    nulls = con.execute(f"SELECT {parts} FROM {raw}").fetchone() or ()
    return {c.name for (c, lost), n in zip(differ, nulls, strict=True) if lost > n}


def _native(name: str, sql_type: str) -> Column:
    kind = {
        "BIGINT": "integer",
        "INTEGER": "integer",
        "SMALLINT": "integer",
        "TINYINT": "integer",
        "HUGEINT": "integer",
        "UBIGINT": "integer",
        "UINTEGER": "integer",
        "DOUBLE": "number",
        "FLOAT": "number",
        "BOOLEAN": "boolean",
        "DATE": "date",
        "TIMESTAMP": "datetime",
        "TIMESTAMP WITH TIME ZONE": "datetime",
        "TIME": "time",
    }.get(sql_type, "number" if sql_type.startswith("DECIMAL") else "string")
    if kind == "string" and sql_type != "VARCHAR":
        return Column(name, "string", "VARCHAR", "CAST({c} AS VARCHAR)")
    return Column(name, kind, sql_type)


def select_list(columns: Sequence[Column]) -> str:
    """The SELECT list converting the raw table to the typed one."""
    return ", ".join(f"{c.convert.format(c=quote(c.name))} AS {quote(c.name)}" for c in columns)


UNPROVEN = "openingup: a value does not fit the type guessed for its column"


def guarded_select_list(columns: Sequence[Column]) -> str:
    """:func:`select_list` with the proof built in, for reading the source once: a value that is not
    empty, not a null token and does not convert stops the query with an error naming ``UNPROVEN``
    (the caller then takes the two-pass route, where such columns stay text)."""
    tokens = ", ".join(f"'{t}'" for t in NULL_TOKENS)
    items = []
    for c in columns:
        q = quote(c.name)
        value = c.convert.format(c=q)
        if c.attempt != "{c}":
            value = (
                f"CASE WHEN ({value}) IS NULL AND {q} IS NOT NULL AND trim({q}) <> '' "
                f"AND lower(trim({q})) NOT IN ({tokens}) THEN error('{UNPROVEN}') ELSE {value} END"
            )
        items.append(f"{value} AS {q}")
    return ", ".join(items)


def field_of(column: Column) -> dict[str, Any]:
    """The Table Schema field of a column."""
    field: dict[str, Any] = {"name": column.name, "type": column.type}
    if column.format and not column.format.startswith("decimalChar"):
        field["format"] = column.format
    if column.format == "decimalChar=,":
        field["decimalChar"] = ","
    return field
