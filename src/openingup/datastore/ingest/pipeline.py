"""The ingest pipeline: read → infer (or enforce a Table Schema) → write a typed DuckDB file → profile.

The output is a new DuckDB file holding one table ``data`` in source order (``rowid`` + 1 is the row's
``_id``) with the visible columns followed by hidden ``__`` columns (bounding boxes for the map). Nothing
else is touched: the caller decides whether the file becomes the queryable version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from openingup.datastore.ingest import geometry, infer, profile, schema
from openingup.datastore.ingest.csvload import load_csv
from openingup.datastore.report import IngestError, Report

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
TEXT_KINDS = {"csv": None, "tsv": "\t"}


@dataclass
class Staged:
    path: Path
    fields: list[dict[str, Any]]
    geometry: dict[str, Any]
    profile: dict[str, Any]
    report: Report
    dialect: dict[str, Any]
    row_count: int
    timings: dict[str, float] = field(default_factory=dict)


def connect(memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for staging, bounded in memory (it spills to a temp folder beyond)."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": True})
    return con


def stage(
    source: Path,
    kind: str,
    out: Path,
    *,
    table_schema: dict[str, Any] | None = None,
    max_columns: int = 2000,
    progress: Progress | None = None,
) -> Staged:
    """Ingest ``source`` (of ``kind``: csv, tsv, xlsx, ods, json, ndjson, geojson, parquet) into ``out``.

    Raises IngestError with the report for files that cannot be loaded or break their Table Schema;
    ``out`` is then removed.
    """
    report = Report()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    say = progress or (lambda fraction, message: None)
    con = connect()

    def read(lazy: bool) -> tuple[dict[str, Any], list[infer.Column], list[str]]:
        """Read the source as ``raw`` (a view on the file when ``lazy`` and the file allows it) and
        guess its columns' types (or take the Table Schema's)."""
        say(0.02, "reading")
        if kind in TEXT_KINDS:
            dialect = load_csv(
                source, con, "raw", report, delimiter=TEXT_KINDS[kind], max_columns=max_columns,
                progress=lambda f: say(0.02 + 0.4 * f, "reading"), lazy=lazy,
            )  # fmt: skip
        else:
            from openingup.datastore import readers

            readers.load_into(source, kind, con, "raw", report, readers.Limits(max_columns=max_columns))
            dialect = {"route": kind}
        timings["read"] = time.perf_counter() - started
        say(0.45, "inferring types")
        described = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
        visible = [n for n in described if not n.startswith("__")]
        hidden = [n for n in described if n.startswith("__")]
        columns = infer.infer(con, "raw", visible)
        if hidden:  # readers give GeoJSON shapes as text in "geometry" with their bounding boxes hidden
            columns = [
                infer.Column(c.name, "geojson", "VARCHAR") if c.name == "geometry" else c for c in columns
            ]
        if table_schema is not None:
            columns = schema.enforce(con, "raw", columns, table_schema, report)
        timings["infer"] = time.perf_counter() - started
        return dialect, columns, hidden

    try:
        # A large clean CSV without a Table Schema is read once: the typed table is written straight
        # from DuckDB's reader with the whole-column proof built into the conversion. A value that
        # breaks its column's guess (or a row the reader refuses) stops that; the file is then read
        # into memory as text and the two-pass route below decides, as for every other file.
        out.unlink(missing_ok=True)
        con.execute("ATTACH ? AS target", [str(out)])
        single_pass = False
        if table_schema is None and kind in TEXT_KINDS:
            try:
                dialect, columns, hidden = read(lazy=True)
                if dialect.pop("lazy", False):
                    say(0.55, "reading and writing")
                    _write(con, columns, hidden, guarded=True)
                    single_pass = True
                    # Reading is part of the typed write here ("read" was only the dialect's sniffing).
                    timings.pop("read", None)
                    timings["read_write"] = time.perf_counter() - started
            except duckdb.Error as exc:  # a genuinely unreadable file fails the same way again below
                log.info("one-pass read of %s fell back to two passes: %s", source.name, exc)
                con.execute("DROP TABLE IF EXISTS target.data")
                _drop_raw(con)
                report = Report()
                dialect, columns, hidden = read(lazy=False)
        else:
            dialect, columns, hidden = read(lazy=False)
        if not single_pass:
            say(0.55, "writing")
            _write(con, columns, hidden)
            if table_schema is None:
                failed = infer.unproven(con, "raw", "target.data", columns)
                if failed:  # a value later in the file does not fit the sample's type: keep those as text
                    columns = [
                        infer.Column(c.name, "string", "VARCHAR") if c.name in failed else c for c in columns
                    ]
                    con.execute("DROP TABLE target.data")
                    _write(con, columns, hidden)
            timings["write"] = time.perf_counter() - started
        _drop_raw(con)
        say(0.8, "profiling")
        fields = [infer.field_of(c) for c in columns]
        con.execute("USE target")
        geo = geometry.detect(con, "data", fields)
        prof = profile.profile(con, "data", fields) if fields else {"rows": 0, "fields": {}}
        con.execute("USE memory")
        con.execute("DETACH target")
        timings["profile"] = time.perf_counter() - started
    except IngestError:
        out.unlink(missing_ok=True)
        raise
    except duckdb.Error as exc:
        out.unlink(missing_ok=True)
        raise IngestError(
            "source-error", f"the data could not be read: {str(exc).splitlines()[0]}", report
        ) from exc
    finally:
        con.close()
    return Staged(out, fields, geo, prof, report, dialect, int(str(prof["rows"])), timings)


def _drop_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging ``raw``: a view on the file (one-pass route) or a table."""
    found = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = 'memory' "
        "AND table_name = 'raw'"
    ).fetchone()
    if found:
        con.execute("DROP VIEW raw" if found[0] == "VIEW" else "DROP TABLE raw")


def _write(
    con: duckdb.DuckDBPyConnection, columns: list[infer.Column], hidden: list[str], guarded: bool = False
) -> None:
    """Create ``target.data`` from ``raw``: declared first (types as the conversions give them, and a
    column's storage compression where inference chose one), then filled in source order."""
    select = infer.guarded_select_list(columns) if guarded else infer.select_list(columns)
    select += "".join(f", {infer.quote(h)}" for h in hidden)
    points = [c.name for c in columns if c.type == "geopoint"]
    if points and not hidden:
        select += ", " + geometry.point_columns(points[0])
    query = f"SELECT {select} FROM raw"
    compression = {c.name: c.compression for c in columns if c.compression}
    declared = ", ".join(
        f"{infer.quote(name)} {sql_type}"
        + (f" USING COMPRESSION {compression[name]}" if name in compression else "")
        for name, sql_type, *_ in con.execute(f"DESCRIBE {query}").fetchall()
    )
    con.execute(f"CREATE TABLE target.data ({declared})")
    con.execute(f"INSERT INTO target.data {query}")
