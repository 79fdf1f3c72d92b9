"""GeoJSON: one row per feature — its properties, ``geometry`` as compact GeoJSON text and the hidden
``__minx, __miny, __maxx, __maxy`` bounding box (lon/lat) the map and bbox queries use.

Rows are numbered as a table's would be: the header is row 1, the first feature row 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from openingup.datastore.names import clean_headers
from openingup.datastore.readers._base import (
    Limits,
    Progress,
    TableWriter,
    check_width,
    column_type,
    json_error,
    scan_kinds,
    tick,
)
from openingup.datastore.report import IngestError, Report

GEOMETRY = "geometry"
BBOX = ("__minx", "__miny", "__maxx", "__maxy")
# How deep a geometry type nests its positions.
DEPTHS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
NOT_GEOJSON = "not GeoJSON: expected a FeatureCollection, Feature or geometry"
WGS84 = ("CRS84", "EPSG::4326", "EPSG:4326", "EPSG/0/4326", "OGC/1.3/CRS84")


def is_geojson(document: Any) -> bool:
    """Whether a parsed JSON document is GeoJSON: a FeatureCollection, a Feature, a geometry, or any
    object with a ``features`` list."""
    if not isinstance(document, dict):
        return False
    kind = document.get("type")
    return (
        kind in ("FeatureCollection", "Feature", "GeometryCollection")
        or (kind in DEPTHS and "coordinates" in document)
        or isinstance(document.get("features"), list)
    )


def _check_crs(document: dict[str, Any], report: Report) -> None:
    """GeoJSON is WGS84 lon/lat (RFC 7946); the old ``crs`` member may say otherwise."""
    crs = document.get("crs")
    if not isinstance(crs, dict):
        return
    props = crs.get("properties")
    props = props if isinstance(props, dict) else {}
    name = str(props.get("name") or props.get("href") or json.dumps(crs))
    if not any(name.upper().replace("URN:OGC:DEF:CRS:", "").endswith(w) for w in WGS84):
        raise IngestError(
            "format-error", f"coordinates are in {name}; only WGS84 lon/lat is supported", report
        )


def _positions(geometry: Any, depth: int = 0) -> Iterator[tuple[float, float]]:
    """Every (x, y) of a geometry; ValueError when it is not valid GeoJSON."""
    if not isinstance(geometry, dict):
        raise ValueError("not an object")
    kind = geometry.get("type")
    if kind == "GeometryCollection" and depth < 8:
        for part in geometry.get("geometries") or []:
            yield from _positions(part, depth + 1)
        return
    if kind not in DEPTHS:
        raise ValueError(f"unknown type {kind!r}")
    stack = [(geometry.get("coordinates"), DEPTHS[kind])]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, list):
            raise ValueError("coordinates are not arrays")
        if level:
            stack.extend((child, level - 1) for child in node)
            continue
        if len(node) < 2 or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in node):
            raise ValueError("a position is not two or three numbers")
        yield float(node[0]), float(node[1])


def _features(document: dict[str, Any], report: Report) -> list[Any]:
    if isinstance(document.get("features"), list):
        return list(document["features"])
    if document.get("type") == "Feature":
        return [document]
    if document.get("type") in DEPTHS or document.get("type") == "GeometryCollection":
        return [{"type": "Feature", "geometry": document, "properties": None}]
    raise IngestError("format-error", NOT_GEOJSON, report)


def _bbox(feature: int, geometry: Any, report: Report) -> list[float | None]:
    row = feature + 1
    try:
        points = list(_positions(geometry))
    except ValueError as exc:
        message = f"Feature {feature} has an invalid geometry ({exc})."
        report.add("constraint-error", message, row=row, field=GEOMETRY)
        return [None] * 4
    if not points:
        return [None] * 4
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box: list[float | None] = [min(xs), min(ys), max(xs), max(ys)]
    if min(xs) < -180 or max(xs) > 180 or min(ys) < -90 or max(ys) > 90:
        report.add(
            "constraint-error",
            f"Feature {feature} lies outside WGS84 lon/lat (x {min(xs):g}…{max(xs):g}, "
            f"y {min(ys):g}…{max(ys):g}); are the coordinates projected or swapped?",
            row=row,
            field=GEOMETRY,
        )
    return box


def load_document(
    document: dict[str, Any],
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load a parsed GeoJSON document into ``table`` (see ``readers.load_into``).

    Columns: ``id`` first when features have one and no property is called id, the union of property
    keys in first-seen order, ``geometry`` (VARCHAR, NULL for a null geometry) and the hidden bbox. A
    property called geometry is renamed (``geometry_2``). A feature that is not an object is skipped
    (format-error problem); an invalid or out-of-range geometry is kept with a constraint-error problem.
    """
    _check_crs(document, report)
    features = _features(document, report)
    keys: dict[str, None] = {}
    has_id = False
    for feature in features:
        if isinstance(feature, dict):
            has_id = has_id or feature.get("id") is not None
            if isinstance(feature.get("properties"), dict):
                keys.update(dict.fromkeys(feature["properties"]))
    with_id = has_id and not any(k.strip().lower() == "id" for k in keys)
    labels = (["id"] if with_id else []) + list(keys) + [GEOMETRY]
    check_width(len(labels), limits, report)
    names, problems = clean_headers(labels)
    report.extend(problems)
    if names[-1] != GEOMETRY:  # a property took the name: it gets the suffixed one
        clash = next(i for i, n in enumerate(names) if n.lower() == GEOMETRY)
        names[clash], names[-1] = names[-1], GEOMETRY

    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            report.add("format-error", f"Feature {number} is not an object; skipped.", row=number + 1)
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        geometry = feature.get("geometry")
        text = None if geometry is None else json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))
        box = [None] * 4 if geometry is None else _bbox(number, geometry, report)
        values = ([feature.get("id")] if with_id else []) + [props.get(k) for k in keys]
        rows.append([*values, text, *box])
        if number % 10_000 == 0:
            tick(progress, 0.5 * number / len(features))
    kinds = scan_kinds(rows, len(names) + len(BBOX))[: len(names) - 1]
    types = [column_type(k) for k in kinds] + ["VARCHAR"] + ["DOUBLE"] * 4
    writer = TableWriter(con, table, [*names, *BBOX], types)
    writer.write(rows, lambda n: tick(progress, 0.5 + 0.5 * n / max(len(rows), 1)))


def load_geojson(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Read a GeoJSON file whole (up to ``limits.max_uncompressed_bytes``) and load it."""
    size = path.stat().st_size
    if size > limits.max_uncompressed_bytes:
        raise IngestError(
            "format-error",
            f"the GeoJSON file has {size:,} bytes; the limit is {limits.max_uncompressed_bytes:,}",
            report,
        )
    try:
        document = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError) as exc:
        raise json_error(exc, report) from None
    if not is_geojson(document):
        raise IngestError("format-error", NOT_GEOJSON, report)
    load_document(document, con, table, report, limits, progress)
