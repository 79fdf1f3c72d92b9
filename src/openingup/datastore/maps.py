"""Offline, server-rendered SVG maps of GeoJSON geometries (no JavaScript): the datastore's map preview,
the search page's extent map and the reports back office's map.

Contract:

* ``svg_map`` returns one inline ``<svg>`` element (see ``charts.svg_element``: ``role="img"``, ``<title>``
  and ``<desc>``, a ``viewBox``, no fixed size). The ``<desc>`` counts what is drawn and names its extent,
  unless the caller gives its own ``description``. When a drawn feature is a link the root is
  ``role="group"`` instead (named by the title, described by the description), since the content of an
  image is hidden from assistive technology and its links could not be reached.
* Geometries are GeoJSON (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon) in WGS84
  lon/lat. Anything else (other types, bad coordinates, latitude beyond ±90, NaN) is skipped, not fatal.
* Web Mercator, fitted to ``bbox`` (or the features' bounds) with a 16-unit margin on every side; a single
  point, or a cluster smaller than ``MIN_SPAN`` degrees, is shown in a ``MIN_SPAN``-wide box around it.
* Points are circles (r=4, or ``point_radius``) or squares of that half-side, with their label as
  ``<title>``, drawn in the order given (the last on top); lines and polygons are paths (polygons
  even-odd, so holes stay open). Path coordinates are rounded to one decimal. Each ``Feature`` may set
  its shape, colour, CSS class, a dashed stroke and, for areas, no fill (a boundary).
* Features with an ``href`` are wrapped in ``<a href>`` named by ``aria_label`` (or the label); only
  http(s), mailto and relative links are kept.
* More than ``max_points`` points are thinned deterministically (every k-th) and the ``<desc>`` says so.
* With ``tile_url`` (``https://…/{z}/{x}/{y}.png``, ``{s}`` becomes a subdomain a, b or c) the covering
  XYZ tiles (at most 16, or ``max_tiles``) are ``<image>`` elements under the features; without it there
  is a light background and a graticule. A scale bar in metres or kilometres is always drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openingup.datastore.charts import (
    PALETTE,
    TEXT_COLOUR,
    _plural,
    chart_id,
    escape,
    format_number,
    num,
    svg_element,
)

EARTH_RADIUS = 6378137.0  # metres, the Web Mercator sphere
MAX_LAT = 85.0511287798  # Web Mercator stops here
MIN_SPAN = 0.01  # degrees: the smallest box a map shows
MAX_TILES = 16
PAD = 16
_Pos = tuple[float, float]
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SHAPES = ("circle", "square")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]+")
_CLASSES = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?: [A-Za-z_][A-Za-z0-9_-]*)*")


@dataclass(frozen=True)
class Feature:
    """One GeoJSON geometry (a dict with ``type`` and ``coordinates``), an optional label and link, and
    how to draw it:

    * ``shape``: a point's marker, ``"circle"`` or ``"square"``;
    * ``colour``: the fill of points and areas and the stroke of lines and area edges (``#rgb``,
      ``#rrggbb``, ``#rrggbbaa`` or a colour name; empty: the palette's first colour);
    * ``css_class``: the ``class`` of the feature's link, or of its shape when it has none;
    * ``aria_label``: the accessible name of its link (empty: the label);
    * ``dashed``: a dashed line or area edge; ``filled=False``: an area's edge only (a boundary).

    Raises ``ValueError`` for an unknown shape, colour or class name.
    """

    geometry: dict[str, Any]
    label: str = ""
    href: str = ""
    shape: str = "circle"
    colour: str = ""
    css_class: str = ""
    aria_label: str = ""
    dashed: bool = False
    filled: bool = True

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}; got {self.shape!r}")
        if self.colour and not _COLOUR.fullmatch(self.colour):
            raise ValueError(f"colour must be #rgb, #rrggbb, #rrggbbaa or a colour name; got {self.colour!r}")
        if self.css_class and not _CLASSES.fullmatch(self.css_class):
            raise ValueError(
                f"css_class must be class names separated by single spaces; got {self.css_class!r}"
            )


def _position(p: Any) -> _Pos | None:
    if not isinstance(p, list | tuple) or len(p) < 2:
        return None
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in p[:2]):
        return None
    lon, lat = float(p[0]), float(p[1])
    ok = math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90
    return (lon, lat) if ok else None


def _positions(coords: Any, minimum: int) -> list[_Pos] | None:
    if not isinstance(coords, list | tuple) or len(coords) < minimum:
        return None
    out = [_position(p) for p in coords]
    return [p for p in out if p is not None] if all(out) else None


def _rings(coords: Any, minimum: int) -> list[list[_Pos]] | None:
    if not isinstance(coords, list | tuple) or not coords:
        return None
    rings = [_positions(r, minimum) for r in coords]
    return [r for r in rings if r is not None] if all(rings) else None


def _parse(geometry: Any) -> tuple[str, list[list[_Pos]]] | None:
    """``("point" | "line" | "area", parts)``, or ``None`` for anything this module cannot draw."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        point = _position(coords)
        return ("point", [[point]]) if point else None
    if kind in ("MultiPoint", "LineString"):
        line = _positions(coords, 1 if kind == "MultiPoint" else 2)
        return ("point" if kind == "MultiPoint" else "line", [line]) if line else None
    if kind in ("MultiLineString", "Polygon"):
        rings = _rings(coords, 2 if kind == "MultiLineString" else 3)
        return ("line" if kind == "MultiLineString" else "area", rings) if rings else None
    if kind == "MultiPolygon" and isinstance(coords, list | tuple) and coords:
        polygons = [_rings(p, 3) for p in coords]
        return ("area", [ring for p in polygons if p for ring in p]) if all(polygons) else None
    return None


def bounds(features: Iterable[Feature]) -> tuple[float, float, float, float] | None:
    """``(minlon, minlat, maxlon, maxlat)`` of every valid geometry, or ``None`` when there is none."""
    positions = [p for f in features if (g := _parse(f.geometry)) for part in g[1] for p in part]
    if not positions:
        return None
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    return min(lons), min(lats), max(lons), max(lats)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Read ``"minlon,minlat,maxlon,maxlat"``; raise ``ValueError`` saying what is wrong."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs four numbers, minlon,minlat,maxlon,maxlat; got {len(parts)} value(s)")
    numbers = []
    for name, part in zip(("minlon", "minlat", "maxlon", "maxlat"), parts, strict=True):
        try:
            numbers.append(float(part))
        except ValueError:
            raise ValueError(f"bbox {name} is not a number: {part!r}") from None
    return _check_bbox((numbers[0], numbers[1], numbers[2], numbers[3]))


def _check_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    minlon, minlat, maxlon, maxlat = bbox
    if not all(math.isfinite(v) for v in bbox):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise ValueError("bbox longitudes must lie between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ValueError("bbox latitudes must lie between -90 and 90")
    if minlon > maxlon or minlat > maxlat:
        raise ValueError("bbox minimum must not exceed its maximum (minlon ≤ maxlon, minlat ≤ maxlat)")
    return bbox


def _merc(lon: float, lat: float) -> _Pos:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def _safe_href(href: str) -> str:
    """The link when it is http(s), mailto or relative; ``""`` for ``javascript:`` and the like."""
    href = href.strip()
    if not href or any(ord(ch) < 33 for ch in href):
        return ""
    scheme = _SCHEME.match(href)
    return href if not scheme or scheme.group(1).lower() in ("http", "https", "mailto") else ""


def _nice_length(metres: float) -> float:
    exp = 10 ** math.floor(math.log10(metres))
    return max(m * exp for m in (1, 2, 5) if m * exp <= metres)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _where(minlon: float, minlat: float, maxlon: float, maxlat: float) -> str:
    def one(lon: float, lat: float) -> str:
        return f"{abs(lat):.2f}°{'S' if lat < 0 else 'N'} {abs(lon):.2f}°{'W' if lon < 0 else 'E'}"

    south_west, north_east = one(minlon, minlat), one(maxlon, maxlat)
    return f"at {south_west}" if south_west == north_east else f"between {south_west} and {north_east}"


def _projected(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The Web Mercator ``(x0, y0, x1, y1)`` a map of ``bbox`` shows (at least ``MIN_SPAN`` wide)."""
    minlon, minlat, maxlon, maxlat = bbox
    if maxlon - minlon < MIN_SPAN and maxlat - minlat < MIN_SPAN:  # a point or a tiny cluster
        clon, clat = (minlon + maxlon) / 2, (minlat + maxlat) / 2
        minlon, maxlon = clon - MIN_SPAN / 2, clon + MIN_SPAN / 2
        minlat, maxlat = max(-90, clat - MIN_SPAN / 2), min(90, clat + MIN_SPAN / 2)
    (x0, y0), (x1, y1) = _merc(minlon, minlat), _merc(maxlon, maxlat)
    return x0, y0, x1, y1


def fitted_height(
    bbox: tuple[float, float, float, float], width: int, *, smallest: int = 160, largest: int = 0
) -> int:
    """The height at which ``bbox`` just fills a map ``width`` wide (margins included), kept between
    ``smallest`` and ``largest`` (default: twice the width). Raises ``ValueError`` for an invalid bbox."""
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox)
    x0, y0, x1, y1 = _projected(_check_bbox((minlon, minlat, maxlon, maxlat)))
    largest = largest or 2 * width
    if x1 <= x0:
        return largest
    return max(smallest, min(largest, round((width - 2 * PAD) * (y1 - y0) / (x1 - x0)) + 2 * PAD))


class _View:
    """Web Mercator fitted into ``width`` × ``height`` around a bbox; ``xy`` gives SVG coordinates."""

    def __init__(self, bbox: tuple[float, float, float, float], width: int, height: int) -> None:
        x0, y0, x1, y1 = _projected(bbox)
        sx = (width - 2 * PAD) / (x1 - x0) if x1 > x0 else math.inf
        sy = (height - 2 * PAD) / (y1 - y0) if y1 > y0 else math.inf
        self.scale, self.cx, self.cy = min(sx, sy), (x0 + x1) / 2, (y0 + y1) / 2
        self.width, self.height = width, height

    def xy(self, p: _Pos) -> _Pos:
        x, y = _merc(*p)
        return self.width / 2 + (x - self.cx) * self.scale, self.height / 2 - (y - self.cy) * self.scale

    def extent(self) -> tuple[float, float, float, float]:
        """The projected (x0, ytop, x1, ybottom) that the whole SVG shows."""
        hw, hh = self.width / 2 / self.scale, self.height / 2 / self.scale
        return self.cx - hw, self.cy + hh, self.cx + hw, self.cy - hh


def _path(parts: list[list[_Pos]], view: _View, close: bool) -> str:
    d = []
    for part in parts:
        coords: list[str] = []
        for p in part:
            x, y = view.xy(p)
            text = f"{num(x)} {num(y)}"
            if not coords or coords[-1] != text:  # rounding makes neighbours coincide: keep one
                coords.append(text)
        d.append("M" + "L".join(coords) + ("Z" if close else ""))
    return "".join(d)


def _clamp(tile: float, n: int) -> int:
    return max(0, min(n - 1, math.floor(tile)))


def _tiles(tile_url: str, view: _View, max_tiles: int) -> list[str]:
    """``<image>`` elements for the XYZ tiles covering the view, at the most detailed zoom (no finer than
    the view's scale) with at most ``max_tiles`` tiles."""
    x0, ytop, x1, ybottom = view.extent()
    zoom = max(0, min(19, round(math.log2(view.scale * 2 * math.pi / 256))))
    while True:
        n, unit = 2**zoom, 2 * math.pi / 2**zoom
        tx = range(_clamp((x0 + math.pi) / unit, n), _clamp((x1 + math.pi) / unit - 1e-9, n) + 1)
        ty = range(_clamp((math.pi - ytop) / unit, n), _clamp((math.pi - ybottom) / unit - 1e-9, n) + 1)
        if len(tx) * len(ty) <= max_tiles or zoom == 0:
            break
        zoom -= 1
    size = unit * view.scale
    out = []
    for y in ty:
        for x in tx:
            left = view.width / 2 + (x * unit - math.pi - view.cx) * view.scale
            top = view.height / 2 - (math.pi - y * unit - view.cy) * view.scale
            url = tile_url.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
            url = url.replace("{s}", "abc"[(x + y) % 3])
            out.append(
                f'<image href="{escape(url)}" x="{num(left)}" y="{num(top)}" width="{num(size + 0.5)}" '
                f'height="{num(size + 0.5)}" preserveAspectRatio="none" aria-hidden="true"/>'
            )
    return out


def _graticule(view: _View) -> str:
    x0, ytop, x1, ybottom = view.extent()
    west, east, south, north = math.degrees(x0), math.degrees(x1), _lat(ybottom), _lat(ytop)
    steps = [m * 10.0**e for e in range(-3, 2) for m in (1, 2, 5)] + [15, 30, 45]
    step = next((s for s in steps if (east - west) / s <= 6), 90.0)
    d = []
    for i in range(math.ceil(west / step), math.floor(east / step) + 1):
        d.append(f"M{num(view.xy((i * step, 0))[0])} 0V{view.height}")
    for i in range(math.ceil(max(-MAX_LAT, south) / step), math.floor(min(MAX_LAT, north) / step) + 1):
        d.append(f"M0 {num(view.xy((0, i * step))[1])}H{view.width}")
    return f'<path class="graticule" d="{"".join(d)}" stroke="#c9d3dc" stroke-width="0.75" fill="none"/>'


def _scale_bar(view: _View) -> str:
    metres_per_unit = EARTH_RADIUS * math.cos(math.radians(_lat(view.cy))) / view.scale
    metres = _nice_length(metres_per_unit * view.width / 5)
    length, label = metres / metres_per_unit, f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = 12, view.height - 12
    return (
        f'<g class="scale"><rect x="{x - 4}" y="{y - 18}" width="{num(length + 8)}" height="24" fill="#fff" '
        f'fill-opacity="0.8"/><path d="M{x} {y - 5}V{y}H{num(x + length)}V{y - 5}" stroke="{TEXT_COLOUR}" '
        f'stroke-width="1.5" fill="none"/><text x="{x}" y="{y - 8}" font-size="11">{label}</text></g>'
    )


def _wrap(element: str, feature: Feature) -> str:
    """The feature's shape inside its link (with its class and accessible name), if it has a safe one."""
    href = _safe_href(feature.href)
    if not href:
        return element
    css = f' class="{feature.css_class}"' if feature.css_class else ""
    name = feature.aria_label or feature.label
    named = f' aria-label="{escape(name)}"' if name else ""
    return f'<a href="{escape(href)}"{css}{named}>{element}</a>'


def _own_class(feature: Feature) -> str:
    """The class attribute for the shape itself: only when there is no link to carry it."""
    return f' class="{feature.css_class}"' if feature.css_class and not _safe_href(feature.href) else ""


def _stroke(feature: Feature, colour: str, width: float) -> str:
    dash = f' stroke-dasharray="{num(width * 3)} {num(width * 2)}"' if feature.dashed else ""
    return f'stroke="{colour}" stroke-width="{num(width)}"{dash}'


def _point(feature: Feature, x: float, y: float, radius: float, colour: str) -> str:
    tip = f"<title>{escape(feature.label)}</title>" if feature.label else ""
    paint = f'{_own_class(feature)} fill="{feature.colour or colour}" stroke="#fff"'
    if feature.shape == "square":
        at, side = f'x="{num(x - radius)}" y="{num(y - radius)}"', num(2 * radius)
        return f'<rect {at} width="{side}" height="{side}"{paint}>{tip}</rect>'
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(radius)}"{paint}>{tip}</circle>'


def svg_map(
    features: Sequence[Feature],
    *,
    title: str,
    width: int = 720,
    height: int = 480,
    bbox: tuple[float, float, float, float] | None = None,
    tile_url: str = "",
    max_points: int = 5000,
    attribution: str = "",
    point_radius: float = 4,
    description: str = "",
    max_tiles: int = MAX_TILES,
) -> str:
    """The features on a Web Mercator map; ``attribution`` (say, "© OpenStreetMap") is shown bottom right.

    ``description`` replaces the generated ``<desc>`` (say, a translated one); ``point_radius`` sets the
    size of the point markers (a bigger target for links); ``max_tiles`` caps the tiles a big map loads
    (fewer tiles means a coarser zoom, stretched).

    Raises ``ValueError`` for an invalid ``bbox``, a ``tile_url`` without ``{z}``, ``{x}`` and ``{y}`` or
    with a scheme other than http(s), ``max_points`` < 1, ``point_radius`` outside 1–50 and ``max_tiles``
    outside 1–64.
    """
    if bbox is not None:
        minlon, minlat, maxlon, maxlat = (float(v) for v in bbox)
        bbox = _check_bbox((minlon, minlat, maxlon, maxlat))
    if tile_url and (
        not all(k in tile_url for k in ("{z}", "{x}", "{y}")) or not re.match(r"^(https?://|/)", tile_url)
    ):
        raise ValueError("tile_url must be an http(s) or site-relative URL with {z}, {x} and {y}")
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    if not 1 <= point_radius <= 50:
        raise ValueError("point_radius must lie between 1 and 50")
    if not 1 <= max_tiles <= 64:
        raise ValueError("max_tiles must lie between 1 and 64")
    parsed = [(f, _parse(f.geometry)) for f in features]
    valid = [(f, g) for f, g in parsed if g is not None]
    points = [(f, p) for f, (kind, parts) in valid if kind == "point" for p in parts[0]]
    every = max(1, math.ceil(len(points) / max_points))
    lines, areas = (
        [(f, g[1]) for f, g in valid if g[0] == "line"],
        [(f, g[1]) for f, g in valid if g[0] == "area"],
    )
    extent = bounds(f for f, _ in valid)
    view = _View(bbox or extent or (-180.0, -MAX_LAT, 180.0, MAX_LAT), width, height)

    counts = [_plural(len(points), "point"), _plural(len(lines), "line"), _plural(len(areas), "area")]
    shown = [c for c in counts if not c.startswith("0 ")]
    what = (", ".join(shown[:-1]) + " and " + shown[-1]) if len(shown) > 1 else "".join(shown)
    desc = f"Map of {what} {_where(*extent)}" if extent else "Map with no features"
    if not extent and bbox:
        desc += f" of the area {_where(*bbox)}"
    if every > 1:
        desc += f"; showing every {_ordinal(every)} point ({format_number(len(points[::every]))})"
    if len(parsed) > len(valid):
        desc += f"; {_plural(len(parsed) - len(valid), 'invalid geometry', 'invalid geometries')} skipped"
    drawn_points = points[::every]
    linked = any(_safe_href(f.href) for f, _ in [*areas, *lines, *drawn_points])

    out = [f'<rect class="background" width="{width}" height="{height}" fill="#f2f5f7"/>']
    out.extend(_tiles(tile_url, view, max_tiles) if tile_url else [_graticule(view)])
    colour = PALETTE[0]
    out.append('<g class="areas">')
    for f, parts in areas:
        tip = f"<title>{escape(f.label)}</title>" if f.label else ""
        paint = f.colour or colour
        fill = f'fill="{paint}" fill-opacity="0.25" fill-rule="evenodd"' if f.filled else 'fill="none"'
        d = _path(parts, view, True)
        path = f'<path d="{d}"{_own_class(f)} {fill} {_stroke(f, paint, 1.5)}>{tip}</path>'
        out.append(_wrap(path, f))
    out.append('</g><g class="lines">')
    for f, parts in lines:
        tip = f"<title>{escape(f.label)}</title>" if f.label else ""
        d = _path(parts, view, False)
        path = f'<path d="{d}"{_own_class(f)} fill="none" {_stroke(f, f.colour or colour, 2)}>{tip}</path>'
        out.append(_wrap(path, f))
    out.append('</g><g class="points">')
    for f, p in drawn_points:
        out.append(_wrap(_point(f, *view.xy(p), point_radius, colour), f))
    out.append("</g>" + _scale_bar(view))
    if attribution:
        wide = len(attribution) * 5.6 + 8  # about 5.6 units a character at font size 10
        out.append(
            f'<g class="attribution"><rect x="{num(width - wide)}" y="{height - 16}" width="{num(wide)}" '
            f'height="16" fill="#fff" fill-opacity="0.8"/><text class="attribution" x="{width - 4}" '
            f'y="{height - 4}" text-anchor="end" font-size="10">{escape(attribution)}</text></g>'
        )
    uid = chart_id(
        "map", list(features), title, width, height, bbox, tile_url, attribution, point_radius, max_tiles
    )
    role = "group" if linked else "img"
    return svg_element(uid, width, height, title, description or desc, "".join(out), role=role)
