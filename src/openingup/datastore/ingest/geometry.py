"""Where a table's rows are on the map: a lat/lon column pair, a WKT point column or GeoJSON geometries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from openingup.datastore.ingest.infer import quote

LAT_NAMES = ("lat", "latitude", "breedtegraad", "breitengrad", "latitud", "y_wgs84", "lat_wgs84", "wgs84_lat")
LON_NAMES = (
    "lon",
    "lng",
    "long",
    "longitude",
    "lengtegraad",
    "längengrad",
    "x_wgs84",
    "lon_wgs84",
    "wgs84_lon",
)
HIDDEN = ("__minx", "__miny", "__maxx", "__maxy")
_POINT_X = r"(?i)^\s*POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*$"


def _pick(fields: Sequence[dict[str, Any]], names: Sequence[str]) -> str | None:
    wanted = {n.lower() for n in names}
    for f in fields:
        if f["name"].lower() in wanted and f["type"] == "number":
            return str(f["name"])
    return None


def detect(con: duckdb.DuckDBPyConnection, table: str, fields: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The geometry of a typed table: ``{"kind": "latlon", "lat", "lon"}``, ``{"kind": "bbox", "field"}``
    (hidden __minx… columns exist) or ``{}``. Lat/lon pairs only count when every value is in range."""
    names = {f["name"] for f in fields}
    if set(HIDDEN) <= {r[0] for r in con.execute(f"DESCRIBE {quote(table)}").fetchall()}:
        source = next((f["name"] for f in fields if f["type"] in {"geojson", "geopoint"}), "")
        return {"kind": "bbox", "field": source}
    lat, lon = _pick(fields, LAT_NAMES), _pick(fields, LON_NAMES)
    if lat and lon and lat in names and lon in names:
        ok = con.execute(
            f"SELECT count(*) FILTER (WHERE {quote(lat)} NOT BETWEEN -90 AND 90 "
            f"OR {quote(lon)} NOT BETWEEN -180 AND 180) FROM {quote(table)}"
        ).fetchone()
        if ok and ok[0] == 0:
            return {"kind": "latlon", "lat": lat, "lon": lon}
    return {}


def point_columns(field: str) -> str:
    """SELECT-list items deriving the hidden bbox columns from a WKT POINT column."""
    q = quote(field)
    x = f"TRY_CAST(regexp_extract({q}, '{_POINT_X}', 1) AS DOUBLE)"
    y = f"TRY_CAST(regexp_extract({q}, '{_POINT_X}', 2) AS DOUBLE)"
    return f"{x} AS __minx, {y} AS __miny, {x} AS __maxx, {y} AS __maxy"
