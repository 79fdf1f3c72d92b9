"""Delimited text → a raw all-text DuckDB table, with the structural problems of a Frictionless report.

Two routes, one result. Large clean UTF-8 files go straight to DuckDB's parallel reader. Everything else
(other encodings, preambles, rows of the wrong width, anything the fast route refuses) is first rewritten
by Python's csv module into clean UTF-8 — row by row, so memory stays flat — reporting ``missing-cell``,
``extra-cell`` and ``blank-row`` with their row numbers.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from openingup.datastore.ingest.infer import quote
from openingup.datastore.ingest.sniff import Dialect, sniff
from openingup.datastore.names import clean_headers
from openingup.datastore.report import IngestError, Report

FAST_ROUTE_BYTES = 64 << 20
MAX_FIELD_BYTES = 16 << 20
Progress = Callable[[float], None]


def _read_sql(
    path: Path, delimiter: str, names: list[str], *, skip: int, header: bool, padding: bool = True
) -> str:
    """DuckDB's parallel reader; ``padding`` fills short rows with NULLs, which that reader cannot do in
    a file with quoted newlines (the normalised file needs none: every row has every cell)."""
    cols = ", ".join(f"{quote(n)}: 'VARCHAR'" for n in names)
    src = str(path).replace("'", "''")
    delim = delimiter.replace("'", "''")
    return (
        f"SELECT * FROM read_csv('{src}', delim='{delim}', quote='\"', escape='\"', "
        f"header={str(header).lower()}, skip={skip}, columns={{{cols}}}, "
        f"null_padding={str(padding).lower()}, auto_detect=false, "
        f"max_line_size={MAX_FIELD_BYTES}, parallel=true)"
    )


def _normalise(
    path: Path, d: Dialect, names: list[str], report: Report, out: Path, progress: Progress | None
) -> int:
    """Rewrite the table part of ``path`` as clean UTF-8 CSV without header; returns the data row count."""
    csv.field_size_limit(MAX_FIELD_BYTES)
    width = len(names)
    size = max(path.stat().st_size, 1)
    rows = 0
    with (
        path.open("r", encoding=d.encoding, errors="strict", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        for _ in range(d.preamble):
            src.readline()
        reader = csv.reader(src, delimiter=d.delimiter, quotechar=d.quote)
        writer = csv.writer(dst, lineterminator="\n")
        first_line = d.preamble + 1
        try:
            if d.header:
                next(reader, None)
            for row in reader:
                line = first_line + reader.line_num
                if not any(cell.strip() for cell in row):
                    report.add("blank-row", "The row is empty; it was left out.", row=line)
                    continue
                if len(row) < width:
                    missing = names[len(row)]
                    report.add(
                        "missing-cell",
                        f"The row has {len(row)} of {width} cells; the rest are empty.",
                        row=line,
                        field=missing,
                    )
                    row = row + [""] * (width - len(row))
                elif len(row) > width:
                    extra = [c for c in row[width:] if c.strip()]
                    if extra:
                        report.add(
                            "extra-cell",
                            f"The row has {len(row)} cells, {width} expected; "
                            f"the extra values {extra[:3]!r} were left out.",
                            row=line,
                        )
                    row = row[:width]
                writer.writerow(row)
                rows += 1
                if progress and rows % 50_000 == 0:
                    done = src.buffer.tell() / size  # type: ignore[attr-defined]
                    progress(min(0.95, done))
        except UnicodeDecodeError as exc:
            raise IngestError(
                "encoding-error",
                f"the file is not valid {d.encoding}: {exc.reason} near row {first_line + reader.line_num}",
                report,
            ) from exc
        except csv.Error as exc:
            raise IngestError(
                "format-error", f"unreadable CSV near row {first_line + reader.line_num}: {exc}", report
            ) from exc
    return rows


def load_csv(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    *,
    delimiter: str | None = None,
    max_columns: int = 2000,
    progress: Progress | None = None,
    lazy: bool = False,
) -> dict[str, object]:
    """Create ``table`` (all VARCHAR) from a delimited text file; returns the dialect found.

    With ``lazy``, a file for the fast route becomes a *view* on DuckDB's reader instead (the dialect
    then says ``"lazy": True``): the caller reads it once, typed, and must fall back to a call without
    ``lazy`` when that read fails (a row the padded reader refuses shows only then).
    Raises IngestError for files that are not delimited text, too wide, or undecodable.
    """
    # The one-pass reader checks every byte is UTF-8 itself (its caller asks again without ``lazy``
    # when it fails), so a large file is not decoded here once more to find out.
    d = sniff(path, delimiter=delimiter, whole_file=not (lazy and path.stat().st_size > FAST_ROUTE_BYTES))
    if d.width > max_columns:
        raise IngestError(
            "format-error", f"the file has {d.width:,} columns; the limit is {max_columns:,}", report
        )
    labels = d.labels if d.header else []
    labels = labels + [""] * (d.width - len(labels)) if len(labels) < d.width else labels
    if not d.header:
        report.add(
            "missing-label",
            f"The file has no header row; columns are named column_1 … column_{d.width}.",
            row=d.preamble + 1,
        )
    names, problems = (
        clean_headers(labels) if d.header else ([f"column_{i}" for i in range(1, d.width + 1)], [])
    )
    report.extend(problems)
    if d.preamble:
        report.add("preamble", f"{d.preamble} line(s) before the table were skipped.", row=1)
    fast = d.encoding == "utf-8" and path.stat().st_size > FAST_ROUTE_BYTES and len(names) == d.width
    if fast and lazy:
        con.execute(
            f"CREATE VIEW {quote(table)} AS "
            + _read_sql(path, d.delimiter, names, skip=d.preamble, header=d.header, padding=True)
        )
        return {"route": "direct", "encoding": d.encoding, "delimiter": d.delimiter, "lazy": True}
    if fast:
        # Padded first (short rows are common); a file with quoted newlines needs the unpadded reader.
        for padding in (True, False):
            try:
                con.execute(
                    f"CREATE TABLE {quote(table)} AS "
                    + _read_sql(path, d.delimiter, names, skip=d.preamble, header=d.header, padding=padding)
                )
                return {"route": "direct", "encoding": d.encoding, "delimiter": d.delimiter}
            except duckdb.Error:
                con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
    fd, tmp = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    clean = Path(tmp)
    try:
        _normalise(path, d, names, report, clean, progress)
        con.execute(
            f"CREATE TABLE {quote(table)} AS "
            + _read_sql(clean, ",", names, skip=0, header=False, padding=False)
        )
    finally:
        clean.unlink(missing_ok=True)
    return {"route": "normalised", "encoding": d.encoding, "delimiter": d.delimiter}
