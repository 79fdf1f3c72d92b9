"""Parquet: DuckDB's ``read_parquet`` with the file's own types; only the column names are cleaned."""

from __future__ import annotations

from pathlib import Path

import duckdb

from openingup.datastore.names import clean_headers
from openingup.datastore.readers._base import Limits, Progress, check_width, literal, quote, tick
from openingup.datastore.report import IngestError, Report


def load_parquet(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load a Parquet file into ``table`` (see ``readers.load_into``); IngestError (format-error) when it
    is not Parquet or is corrupt."""
    source = f"read_parquet({literal(str(path))})"
    try:
        raw = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        check_width(len(raw), limits, report)
        names, problems = clean_headers(raw)
        report.extend(problems)
        tick(progress, 0.1)
        select = ", ".join(f"{quote(r)} AS {quote(n)}" for r, n in zip(raw, names, strict=True))
        con.execute(f"CREATE TABLE {quote(table)} AS SELECT {select} FROM {source}")
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError("format-error", f"not a valid Parquet file: {message}", report) from exc
