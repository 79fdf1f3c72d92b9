"""Rows as CSV, JSON, GeoJSON, Parquet and XLSX — streamed, without a row cap."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openingup.datastore.models import Table

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORTS = tuple(MEDIA_TYPES)


def csv_lines(columns: Sequence[str], batches: Iterable[list[list[Any]]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for batch in batches:
        for row in batch:
            writer.writerow(["" if v is None else v for v in row[: len(columns)]])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_lines(columns: Sequence[str], batches: Iterable[list[list[Any]]]) -> Iterator[str]:
    yield '{"fields": ' + json.dumps(list(columns)) + ', "rows": ['
    first = True
    for batch in batches:
        parts = [json.dumps(dict(zip(columns, row, strict=False)), ensure_ascii=False) for row in batch]
        if parts:
            yield ("" if first else ",") + ",".join(parts)
            first = False
    yield "]}"


def geometry_of(table: Table, columns: Sequence[str], row: Sequence[Any], extra: Sequence[str]) -> Any:
    g = table.geometry
    values = dict(zip([*columns, *extra], row, strict=False))
    if g.get("kind") == "latlon":
        lat, lon = values.get(g["lat"]), values.get(g["lon"])
        if lat is None or lon is None:
            return None
        return {"type": "Point", "coordinates": [float(lon), float(lat)]}
    if g.get("kind") == "bbox":
        source = values.get(g.get("field") or "")
        if isinstance(source, str) and source.lstrip().startswith("{"):
            try:
                return json.loads(source)
            except ValueError:
                return None
        x, y = values.get("__minx"), values.get("__miny")
        if x is not None and y is not None:
            return {"type": "Point", "coordinates": [float(x), float(y)]}
    return None


def features(
    table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]], extra: Sequence[str]
) -> Iterator[dict[str, Any]]:
    skip = {table.geometry.get("field")} if table.geometry.get("kind") == "bbox" else set()
    for row in rows:
        props = {c: v for c, v in zip(columns, row, strict=False) if c not in skip}
        yield {
            "type": "Feature",
            "id": props.get("_id"),
            "geometry": geometry_of(table, columns, row, extra),
            "properties": props,
        }


def geojson_lines(
    table: Table, columns: Sequence[str], batches: Iterable[list[list[Any]]], extra: Sequence[str]
) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for batch in batches:
        parts = [json.dumps(f, ensure_ascii=False) for f in features(table, columns, batch, extra)]
        if parts:
            yield ("" if first else ",") + ",".join(parts)
            first = False
    yield "]}"


def _spool(write: Any, suffix: str) -> Iterator[bytes]:
    fd, name = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    path = Path(name)
    try:
        write(path)
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                yield chunk
    finally:
        path.unlink(missing_ok=True)


def parquet_bytes(columns: Sequence[str], batches: Iterable[list[list[Any]]]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(path: Path) -> None:
        writer = None
        try:
            for batch in batches:
                if writer is None:
                    arrays = [pa.array([r[i] for r in batch]) for i in range(len(columns))]
                    arrays = [a.cast(pa.string()) if pa.types.is_null(a.type) else a for a in arrays]
                    chunk = pa.Table.from_arrays(arrays, names=list(columns))
                    writer = pq.ParquetWriter(str(path), chunk.schema)
                else:
                    schema = writer.schema
                    arrays = [
                        pa.array([r[i] for r in batch], type=schema.field(i).type)
                        for i in range(len(columns))
                    ]
                    chunk = pa.Table.from_arrays(arrays, schema=schema)
                writer.write_table(chunk)
            if writer is None:
                pq.write_table(pa.table({c: pa.array([], pa.string()) for c in columns}), str(path))
        finally:
            if writer is not None:
                writer.close()

    return _spool(write, ".parquet")


def xlsx_bytes(columns: Sequence[str], batches: Iterable[list[list[Any]]]) -> Iterator[bytes]:
    import xlsxwriter

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
        )
        sheet = book.add_worksheet("data")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, list(columns), bold)
        r = 1
        for batch in batches:
            for row in batch:
                sheet.write_row(r, 0, ["" if v is None else v for v in row[: len(columns)]])
                r += 1
                if r >= 1_048_576:
                    book.close()
                    return
        book.close()

    return _spool(write, ".xlsx")
