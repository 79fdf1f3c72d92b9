"""The made-up town the demo files describe, the tables generators return, and how tables are written."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class District:
    code: str
    name: str
    neighbourhoods: tuple[str, ...]
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class Town:
    """The made-up town the files describe: a bounding box split into a grid of districts, its streets,
    and named lists (garages, museums, report categories …) that generators draw from."""

    name: str
    code: str
    prefix: str
    bbox: tuple[float, float, float, float]
    districts: tuple[District, ...]
    streets: tuple[str, ...]
    inhabitants: int
    lists: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Town:
        """The town from its data file (``town.json``)."""
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in data["bbox"])
        columns = int(data["grid_columns"])
        rows = -(-len(data["districts"]) // columns)
        width, height = (max_lon - min_lon) / columns, (max_lat - min_lat) / rows
        districts = []
        for i, item in enumerate(data["districts"]):
            row, col = divmod(i, columns)
            box = (
                min_lon + col * width,
                max_lat - (row + 1) * height,
                min_lon + (col + 1) * width,
                max_lat - row * height,
            )
            districts.append(District(item["code"], item["name"], tuple(item["neighbourhoods"]), box))
        return cls(
            name=data["name"],
            code=data["code"],
            prefix=data["prefix"],
            bbox=(min_lon, min_lat, max_lon, max_lat),
            districts=tuple(districts),
            streets=tuple(data["streets"]),
            inhabitants=int(data["inhabitants"]),
            lists=dict(data.get("lists", {})),
        )

    def point(
        self, rng: random.Random, district: District | None = None, margin: float = 0.0015
    ) -> tuple[float, float]:
        """A random (lon, lat) inside the town or one district, away from the edges."""
        min_lon, min_lat, max_lon, max_lat = district.bbox if district else self.bbox
        lon = rng.uniform(min_lon + margin, max_lon - margin)
        lat = rng.uniform(min_lat + margin, max_lat - margin)
        return round(lon, 6), round(lat, 6)

    def district_of(self, lon: float, lat: float) -> District:
        for district in self.districts:
            min_lon, min_lat, max_lon, max_lat = district.bbox
            if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat:
                return district
        return self.districts[0]

    def neighbourhoods(self) -> list[tuple[District, int, str, tuple[float, float, float, float]]]:
        """(district, number, name, bbox) of every neighbourhood: each district split in a 2 × 2 grid."""
        out = []
        for district in self.districts:
            min_lon, min_lat, max_lon, max_lat = district.bbox
            mid_lon, mid_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
            boxes = [
                (min_lon, mid_lat, mid_lon, max_lat),
                (mid_lon, mid_lat, max_lon, max_lat),
                (min_lon, min_lat, mid_lon, mid_lat),
                (mid_lon, min_lat, max_lon, mid_lat),
            ]
            for n, (name, box) in enumerate(zip(district.neighbourhoods, boxes, strict=False), start=1):
                out.append((district, n, name, box))
        return out


@dataclass
class Table:
    """Rows with the same columns; ``_geometry`` (a GeoJSON geometry) or longitude/latitude place them."""

    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    name: str = ""


# --------------------------------------------------------------------------- writers


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _wkt(geometry: dict[str, Any]) -> str:
    def pair(c: list[float]) -> str:
        return f"{c[0]} {c[1]}"

    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return f"POINT ({pair(coords)})"
    if kind == "LineString":
        return "LINESTRING (" + ", ".join(pair(c) for c in coords) + ")"
    if kind == "Polygon":
        return "POLYGON (" + ", ".join("(" + ", ".join(pair(c) for c in ring) + ")" for ring in coords) + ")"
    raise ValueError(f"no WKT for {kind}")


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return _csv(table)
    if fmt == "geojson":
        return _geojson(table)
    if fmt == "json":
        return _json(table)
    raise ValueError(f"unknown demo file format {fmt!r}")


def _csv(table: Table) -> bytes:
    has_shape = any("_geometry" in row for row in table.rows)
    columns = [*table.columns, *(["geometry_wkt"] if has_shape else [])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in table.rows:
        cells = [_cell(row.get(c)) for c in table.columns]
        if has_shape:
            cells.append(_wkt(row["_geometry"]) if "_geometry" in row else "")
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _geojson(table: Table) -> bytes:
    features = []
    for row in table.rows:
        geometry = row.get("_geometry")
        if geometry is None and row.get("longitude") is not None:
            geometry = {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
        properties = {c: row.get(c) for c in table.columns if c not in ("longitude", "latitude")}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    document = {"type": "FeatureCollection", "name": table.name, "features": features}
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _json(table: Table) -> bytes:
    records = [{c: row.get(c) for c in table.columns} for row in table.rows]
    document = {"name": table.name, "count": len(records), "records": records}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
