"""Readers for the non-CSV distributions: each turns one file into a typed DuckDB table.

``load_into`` creates one table holding the file's rows in file order, columns in file order named by
``names.clean_headers`` (its problems go to the report), no ``_id`` column. Native types are kept where
the format has them:

* XLSX/ODS (python-calamine, first non-empty sheet): numbers → BIGINT when all integral, else DOUBLE;
  dates → DATE, date-times → TIMESTAMP, times → TIME, booleans → BOOLEAN, text → VARCHAR; a column mixing
  kinds → VARCHAR of the values' text forms (ISO dates, ``3`` not ``3.0``, ``true``). Problems:
  ``blank-row``, ``extra-cell``, ``preamble`` (single-cell title rows above the header), with sheet rows.
* JSON/NDJSON: DuckDB ``read_json`` detection (ISO dates and timestamps); nested values → VARCHAR of JSON
  text, as are columns mixing kinds (strings without quotes).
* GeoJSON: properties + ``geometry`` (VARCHAR GeoJSON text) + hidden ``__minx, __miny, __maxx, __maxy``.
* Parquet: the file's own types.

Fatal problems raise ``IngestError`` (code ``format-error``): not the format, corrupt, a zip bomb, more
columns than ``Limits.max_columns`` (checked before rows load). If loading fails the table is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import duckdb

from openingup.datastore.readers._base import DEFAULT_LIMITS, Limits, quote, tick
from openingup.datastore.readers._geojson import load_geojson
from openingup.datastore.readers._json import load_json, load_ndjson
from openingup.datastore.readers._parquet import load_parquet
from openingup.datastore.readers._sheets import load_sheet
from openingup.datastore.report import Report

__all__ = ["DEFAULT_LIMITS", "KINDS", "Limits", "kind_for", "load_into"]

KINDS = ("xlsx", "ods", "json", "ndjson", "geojson", "parquet")

EXTENSIONS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".geojson": "geojson",
    ".parquet": "parquet",
}
MEDIA_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/json": "json",
    "text/json": "json",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/x-jsonlines": "ndjson",
    "application/geo+json": "geojson",
    "application/vnd.geo+json": "geojson",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}
TEXT_EXTENSIONS = frozenset({".csv", ".tsv"})  # read by the CSV path
# Format names: the EU file-type authority's (http://publications.europa.eu/resource/authority/file-type/XLSX)
# that DCAT-AP uses, and CKAN's plain ``format`` field (``XLSX``, ``GeoJSON``).
FORMATS = {
    "XLSX": "xlsx",
    "XLSM": "xlsx",
    "ODS": "ods",
    "JSON": "json",
    "GEOJSON": "geojson",
    "PARQUET": "parquet",
}
FORMATS |= {"NDJSON": "ndjson", "JSONL": "ndjson", "JSON_LINES": "ndjson"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def kind_for(filename: str, media_type: str = "") -> str | None:
    """The reader kind for a file name (or URL) and/or media type, or None (CSV/TSV and anything else).

    The extension decides when it is known, CSV/TSV included (catalogue media types are often generic or
    wrong); else the media type, which may carry parameters (``; charset=utf-8``) or be an IANA URI
    (``https://www.iana.org/assignments/media-types/application/json``), an EU file-type URI or a plain
    format name (``XLSX``, ``GeoJSON``).
    """
    name = urlsplit(filename).path if "://" in filename else filename
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix in EXTENSIONS or suffix in TEXT_EXTENSIONS:
        return EXTENSIONS.get(suffix)
    media = media_type.split(";")[0].strip()
    if "/file-type/" in media or "/" not in media:
        return FORMATS.get(media.rstrip("/").rsplit("/", 1)[-1].upper())
    if "/media-types/" in media:
        media = media.split("/media-types/", 1)[1]
    return MEDIA_TYPES.get(media.strip("/").lower())


def load_into(
    path: Path,
    kind: str,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Create ``table`` in ``con`` from the file at ``path`` read as ``kind`` (one of KINDS).

    ``table`` must be a plain identifier that does not exist yet (ValueError otherwise, as for an unknown
    kind). Non-fatal problems are added to ``report``; fatal ones raise ``IngestError`` carrying it, and
    the table is then not left behind. ``progress`` gets fractions 0..1 now and then, 1.0 at the end.
    """
    loaders = {
        "xlsx": lambda: load_sheet(path, "xlsx", con, table, report, limits, progress),
        "ods": lambda: load_sheet(path, "ods", con, table, report, limits, progress),
        "json": lambda: load_json(path, con, table, report, limits, progress),
        "ndjson": lambda: load_ndjson(path, con, table, report, limits, progress),
        "geojson": lambda: load_geojson(path, con, table, report, limits, progress),
        "parquet": lambda: load_parquet(path, con, table, report, limits, progress),
    }
    if kind not in loaders:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not _IDENTIFIER.fullmatch(table):
        raise ValueError(f"table must be a plain identifier, not {table!r}")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = current_schema() "
        "AND database_name = current_database()",
        [table],
    ).fetchall()
    if exists[0][0]:
        raise ValueError(f"table {table!r} already exists")
    try:
        loaders[kind]()
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        raise
    tick(progress, 1.0)
