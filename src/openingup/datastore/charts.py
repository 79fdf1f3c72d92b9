"""Accessible, dependency-free SVG charts for datastore previews (rendered on the server, no JavaScript).

Contract: ``bar_chart``, ``line_chart`` and ``pie_chart`` return one complete inline ``<svg>`` (no XML
declaration) with ``role="img"``, ``aria-labelledby`` naming its ``<title>`` and ``<desc>`` (which sums up the
data: count and extremes; the caller renders the data table), a ``viewBox`` and no ``width``/``height`` (it
fills its container up to its nominal size). All text is XML-escaped; output is deterministic (ids hash the
input). ``PALETTE`` colours reach 3:1 against white, text is ``TEXT_COLOUR``, and colour is never the only
cue: bars and slices get a pattern each, lines a dash and a marker shape, values are labelled directly
where they fit. Ticks are compact (1.2k, 3.4M), labels use thousands separators. ``None`` and NaN are
missing values (no bar, a gap in the line); pies reject them, and negative values, with ``ValueError``.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PALETTE = ("#1f5fa8", "#c2410c", "#2e7d32", "#7b3fa0", "#b0205a", "#00778a", "#8a6d00", "#5b6770")
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d4d4d4"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Overlays drawn in white on the series colour, one per series (the first is plain).
_PATTERNS: tuple[str, ...] = ("", "M0 8L8 0M-2 2L2-2M6 10L10 6", "M2 4h.1M6 0h.1M6 8h.1", "M0 4H8", "M4 0V8")
_PATTERNS += ("M0 0L8 8M-2 6L2 10M6-2L10 2", "M0 4H8M4 0V8", "M0 8L8 0M0 0L8 8")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "12 4", "4 2 1 2", "1 2", "10 2 2 2")
MARKERS: tuple[str, ...] = ("M-3.5 0a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0", "M-3-3h6v6h-6Z", "M0-4L4 3H-4Z")
MARKERS += ("M0-4.5L4.5 0L0 4.5L-4.5 0Z", "M-4 3L0-4L4 3M0 4V-4", "M-3.5-3.5L3.5 3.5M-3.5 3.5L3.5-3.5")
_MIDDLE, _HEADING = ' text-anchor="middle"', ' text-anchor="middle" font-size="15" font-weight="bold"'
_OVERLAY = 'stroke="#fff" stroke-width="2" stroke-linecap="round"'
_CHAR_PX = 6.6  # rough width of one 12px character, for fitting labels
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One named data series, one value per category; ``None`` marks a missing value."""

    label: str
    values: list[float | None]


def escape(text: object) -> str:
    """XML-escape for element content and double-quoted attributes, dropping characters XML forbids."""
    s = _FORBIDDEN.sub("", str(text))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def num(x: float) -> str:
    """A coordinate with at most one decimal (``-0`` becomes ``0``)."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def format_number(value: float) -> str:
    """Thousands separators, two decimals at most (more for tiny values), no trailing zeros: ``83,412``."""
    digits = 2 if value == 0 or abs(value) >= 1 else min(8, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def format_compact(value: float, decimals: int = 1) -> str:
    """Short text for ticks: 1200 → ``1.2k``, 3_400_000 → ``3.4M``, 2e9 → ``2B``, 0.25 → ``0.25``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size * (1 - 0.5 * 10**-decimals / 1000):
            text = f"{value / size:.{decimals}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + suffix
    return format_number(value)


def nice_ticks(lo: float | None, hi: float | None, n: int = 5) -> list[float]:
    """About ``n`` round ticks (step 1, 2 or 5 × 10^k) with the first ≤ ``lo`` and the last ≥ ``hi``.

    ``lo > hi`` is swapped; ``lo == hi`` widens the range around the value; a missing or non-finite bound
    (say, an all-None series) gives ticks for 0..1.
    """
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo <= max(abs(lo), abs(hi)) * 1e-12 or hi - lo < 1e-100:  # equal, or too close to tell apart
        pad = abs(lo) * 0.1 if abs(lo) > 1e-100 else 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(1, n - 1)
    if not math.isfinite(raw):
        return [lo, hi]
    exp = math.floor(math.log10(raw))
    f = raw / 10**exp
    step = (1 if f < 1.5 else 2 if f < 3 else 5 if f < 7 else 10) * 10.0**exp
    decimals = max(0, -math.floor(math.log10(step)))
    start, stop = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)  # as 0.3 / 0.1 is 2.99…
    start -= round(start * step, decimals) > lo  # yet the ticks must cover the range
    stop += round(stop * step, decimals) < hi
    return [round(i * step, decimals) + 0.0 for i in range(start, stop + 1)]


def _tick_labels(ticks: Sequence[float]) -> list[str]:
    for decimals in (1, 2, 3):
        labels = [format_compact(t, decimals) for t in ticks]
        if len(set(labels)) == len(labels):
            break
    return labels


def chart_id(*parts: object) -> str:
    return "c" + hashlib.blake2s(repr(parts).encode(), digest_size=5).hexdigest()


def svg_element(
    uid: str, width: int, height: int, title: str, desc: str, body: str, *, role: str = "img"
) -> str:
    """The root element shared by charts and maps: viewBox, no fixed size, named by ``<title>``/``<desc>``.

    ``role="img"`` (the default) makes the whole drawing one image named by its title and description.
    ``role="group"`` is for drawings with links inside (an image's content is hidden from assistive
    technology): the group is named by the title and described by the description.
    """
    if width < 160 or height < 120:
        raise ValueError(f"a chart or map needs at least 160×120 units, got {width}×{height}")
    if role not in ("img", "group"):
        raise ValueError(f"role must be 'img' or 'group', got {role!r}")
    named = (
        f'aria-labelledby="{uid}-t {uid}-d"'
        if role == "img"
        else f'aria-labelledby="{uid}-t" aria-describedby="{uid}-d"'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="{role}" '
        f'{named} style="max-width:{width}px;height:auto" '
        f'font-family="{FONT}" font-size="12" fill="{TEXT_COLOUR}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>{body}</svg>'
    )


def _text(x: float, y: float, text: str, max_chars: int = 0, extra: str = "") -> str:
    """A ``<text>``, truncated with an ellipsis past ``max_chars`` (the full text kept in a ``<title>``)."""
    short = text if not max_chars or len(text) <= max_chars else text[: max(1, max_chars - 1)].rstrip() + "…"
    tip = f"<title>{escape(text)}</title>" if short != text else ""
    return f'<text x="{num(x)}" y="{num(y)}"{extra}>{escape(short)}{tip}</text>'


def _patterns(uid: str, count: int) -> str:
    """One ``<pattern>`` per series or slice: the palette colour with its own white overlay."""
    body = "".join(
        f'<pattern id="{uid}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" '
        f'height="8" fill="{PALETTE[i % 8]}"/><path d="{_PATTERNS[i % 8]}" {_OVERLAY}/></pattern>'
        for i in range(count)
    )
    return f"<defs>{body}</defs>"


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{format_number(count)} {word if count == 1 else plural or word + 's'}"


def _marker(i: int, x: float, y: float, tip: str = "") -> str:
    shape, colour = MARKERS[i % len(MARKERS)], PALETTE[i % len(PALETTE)]
    at = f"{num(x)} {num(y)}"
    return f'<path transform="translate({at})" d="{shape}" fill="{colour}" stroke="{colour}">{tip}</path>'


def _legend(uid: str, labels: Sequence[str], width: int, line: bool) -> tuple[str, int]:
    """Legend rows under the title (only for several series); returns the markup and its height."""
    if len(labels) < 2:
        return "", 0
    items, x, y = [], 16.0, 40.0
    for i, label in enumerate(labels):
        text_w, colour, dash = min(len(label), 24) * _CHAR_PX, PALETTE[i % 8], DASHES[i % len(DASHES)]
        if x > 16 and x + 22 + text_w > width - 16:
            x, y = 16.0, y + 18
        if line:
            items.append(f'<path d="M{num(x)} {num(y)}h16" stroke="{colour}" stroke-dasharray="{dash}"/>')
            items.append(_marker(i, x + 8, y))
        else:
            items.append(f'<rect x="{num(x)}" y="{num(y - 6)}" width="16" height="12" ')
            items.append(f'fill="url(#{uid}-p{i})" stroke="{colour}"/>')
        items.append(_text(x + 21, y + 4, label, 24))
        x += 38 + text_w
    return f'<g class="legend">{"".join(items)}</g>', int(y - 16)


@dataclass(frozen=True)
class _Plot:
    """What the bar and line painters need: the cleaned data and the scales of the plot area."""

    uid: str
    categories: list[str]
    series: list[Series]
    data: list[list[float | None]]
    x0: float
    band: float
    y: Callable[[float], float]

    def tip(self, j: int, i: int, value: float) -> str:
        label = f", {self.series[i].label}" if len(self.series) > 1 else ""
        return f"<title>{escape(f'{self.categories[j]}{label}: {format_number(value)}')}</title>"


def _describe(kind: str, categories: list[str], series: list[Series], data: list[list[float | None]]) -> str:
    cells = [(v, j, i) for i, vals in enumerate(data) for j, v in enumerate(vals) if v is not None]
    multi = len(series) > 1
    desc = f"{kind} chart of {_plural(len(categories), 'category', 'categories')}"
    desc += f" in {len(series)} series" if multi else ""
    if not cells:
        return desc + "; no values"
    hi, lo = max(cells, key=lambda c: (c[0], -c[1], -c[2])), min(cells)

    def where(c: tuple[float, int, int]) -> str:
        return categories[c[1]] + (f" ({series[c[2]].label})" if multi else "") + f" {format_number(c[0])}"

    missing = len(categories) * len(series) - len(cells)
    desc += f"; highest {where(hi)}, lowest {where(lo)}"
    return desc + (f"; {_plural(missing, 'value')} missing" if missing else "")


def _cartesian(
    kind: str, categories: list[str], series: list[Series], *labels: str, width: int, height: int
) -> str:
    title, x_label, y_label = labels
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs exactly one value per category")
    uid = chart_id(kind, categories, [(s.label, s.values) for s in series], labels, width, height)
    data = [[v if v is not None and math.isfinite(v) else None for v in s.values] for s in series]
    values = [v for vals in data for v in vals if v is not None]
    if kind == "Bar":
        lo, hi = min([0.0, *values]), max([0.0, *values])
        ticks = nice_ticks(lo, hi if hi > lo else 1.0)
    else:
        ticks = nice_ticks(min(values, default=None), max(values, default=None))
    legend, legend_h = _legend(uid, [s.label for s in series], width, kind == "Line")
    n, rotate = len(categories), len(categories) > 20
    x0, x1, y0 = 58 + (18 if y_label else 0) + (14 if rotate else 0), width - 20, 34 + legend_h
    y1 = height - (92 if rotate else 30) - (20 if x_label else 0)
    if x1 - x0 < 40 or y1 - y0 < 40:
        raise ValueError(f"{width}×{height} is too small for this chart")
    band = (x1 - x0) / max(n, 1)

    def y(v: float) -> float:
        return y1 - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (y1 - y0)

    head = _text(width / 2, 20, title, int(width / 7.5), _HEADING)
    out = [_patterns(uid, len(series)) if kind == "Bar" else "", head, legend, '<g class="y-axis">']
    for t, label in zip(ticks, _tick_labels(ticks), strict=True):
        out.append(f'<path d="M{x0} {num(y(t))}H{x1}" stroke="{GRID_COLOUR}"/>')
        out.append(_text(x0 - 6, y(t) + 4, label, extra=' text-anchor="end"'))
    out.append("</g>")
    if y_label:
        rotated = f'{_MIDDLE} transform="rotate(-90 14 {num((y0 + y1) / 2)})"'
        out.append(_text(14, (y0 + y1) / 2, y_label, int((y1 - y0) / _CHAR_PX), rotated))
    if x_label:
        out.append(_text((x0 + x1) / 2, height - 8, x_label, int((x1 - x0) / _CHAR_PX), _MIDDLE))
    every = max(1, math.ceil(n / max(1, (x1 - x0) // (14 if rotate else 48))))
    out.append('<g class="x-axis">')
    for j in range(0, n, every):
        cx = x0 + (j + 0.5) * band
        if rotate:  # many categories: slanted labels, cut at 14 characters
            slant = f' text-anchor="end" transform="rotate(-45 {num(cx)} {num(y1 + 14)})"'
            out.append(_text(cx, y1 + 14, categories[j], 14, slant))
        else:
            out.append(_text(cx, y1 + 16, categories[j], max(3, int(band * every / _CHAR_PX)), _MIDDLE))
    base = y(0) if ticks[0] <= 0 <= ticks[-1] else y1
    out.append(f'</g><path class="axis" d="M{x0} {num(base)}H{x1}" stroke="{TEXT_COLOUR}"/>')
    plot = _Plot(uid, categories, series, data, x0, band, y)
    out.append(_bars(plot) if kind == "Bar" else _lines(plot))
    return svg_element(uid, width, height, title, _describe(kind, categories, series, data), "".join(out))


def _bars(p: _Plot) -> str:
    bw = p.band * 0.8 / max(1, len(p.series))
    widest = max((len(format_number(v)) for vals in p.data for v in vals if v is not None), default=0)
    labelled = bw >= widest * _CHAR_PX * 0.85 + 2  # value labels on every bar, or on none
    out = ['<g class="bars">']
    for i, vals in enumerate(p.data):
        for j, v in ((j, v) for j, v in enumerate(vals) if v is not None):
            x, top, zero, shown = p.x0 + j * p.band + p.band * 0.1 + i * bw, p.y(v), p.y(0), format_number(v)
            out.append(
                f'<rect x="{num(x)}" y="{num(min(top, zero))}" width="{num(bw)}" '
                f'height="{num(abs(zero - top))}" '
                f'fill="url(#{p.uid}-p{i})" stroke="{PALETTE[i % 8]}">{p.tip(j, i, v)}</rect>'
            )
            if labelled:
                ty = top - 4 if v >= 0 else top + 12
                out.append(_text(x + bw / 2, ty, shown, extra=f' class="value"{_MIDDLE} font-size="11"'))
    return "".join(out) + "</g>"


def _lines(p: _Plot) -> str:
    out, marks, ends = ['<g class="lines">'], ['<g class="markers">'], []
    for i, (s, vals) in enumerate(zip(p.series, p.data, strict=True)):
        stroke = f'fill="none" stroke-width="2" stroke="{PALETTE[i % 8]}" stroke-dasharray="{DASHES[i % 8]}"'
        pts = [(p.x0 + (j + 0.5) * p.band, p.y(v)) if v is not None else None for j, v in enumerate(vals)]
        for present, run in itertools.groupby(pts, key=lambda pt: pt is not None):
            d = "L".join(f"{num(pt[0])} {num(pt[1])}" for pt in run if pt)
            if present and "L" in d:  # a run of two or more values
                out.append(f'<path d="M{d}" {stroke}/>')
        for j, (v, pt) in enumerate(zip(vals, pts, strict=True)):
            alone = (j == 0 or pts[j - 1] is None) and (j == len(pts) - 1 or pts[j + 1] is None)
            if v is not None and pt and (len(pts) <= 60 or alone):  # markers on short series and lone points
                marks.append(_marker(i, *pt, p.tip(j, i, v)))
        last = max((j for j, v in enumerate(vals) if v is not None), default=-1)
        if last >= 0 and (v := vals[last]) is not None:  # direct label at the end of the line
            text = f"{s.label}: {format_number(v)}" if len(p.series) > 1 else format_number(v)
            ends.append((p.y(v) - 8, p.x0 + (last + 0.5) * p.band, text))
    below = -math.inf
    for y, x, text in sorted(ends):  # pushed apart so that end labels never overlap
        below = max(y, below + 13)
        out.append(_text(x, below, text, 20, ' class="value" text-anchor="end" font-size="11"'))
    return "".join(out) + "</g>" + "".join(marks) + "</g>"


def bar_chart(
    categories: list[str],
    series: list[Series],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    width: int = 720,
    height: int = 360,
) -> str:
    """Bars from a zero baseline, grouped per category; ``ValueError`` if a series misfits ``categories``."""
    return _cartesian("Bar", categories, series, title, x_label, y_label, width=width, height=height)


def line_chart(
    categories: list[str],
    series: list[Series],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    width: int = 720,
    height: int = 360,
) -> str:
    """One line per series; a missing value breaks it (lone points keep a marker). Raises as ``bar_chart``."""
    return _cartesian("Line", categories, series, title, x_label, y_label, width=width, height=height)


def _percent(v: float, total: float) -> str:
    pct = 100 * v / total
    return f"{pct:.0f}%" if pct >= 10 else f"{pct:.1f}".removesuffix(".0") + "%"


def _polar(cx: float, cy: float, r: float, angle: float) -> str:
    return f"{num(cx + r * math.cos(angle))} {num(cy + r * math.sin(angle))}"


def _arc(cx: float, cy: float, r: float, a0: float, a1: float) -> str:
    """Path data of a slice from angle ``a0`` to ``a1`` (radians, clockwise); a disc if they span 2π."""
    arc = f"A{num(r)} {num(r)} 0 {int(a1 - a0 > math.pi)} 1"
    if a1 - a0 >= 2 * math.pi - 1e-9:
        return (
            f"M{_polar(cx, cy, r, a0)}{arc} {_polar(cx, cy, r, a0 + math.pi)}{arc} {_polar(cx, cy, r, a0)}Z"
        )
    return f"M{num(cx)} {num(cy)}L{_polar(cx, cy, r, a0)}{arc} {_polar(cx, cy, r, a1)}Z"


def pie_chart(
    categories: list[str],
    values: list[float],
    *,
    title: str,
    width: int = 480,
    height: int = 360,
    other_label: str = "Other",
) -> str:
    """Slices clockwise from the top; slices under 1% of the total merge into one ``other_label`` slice.

    Raises ``ValueError`` for negative or non-finite values and when the two lists differ in length.
    """
    if len(categories) != len(values):
        raise ValueError("pie_chart needs exactly one value per category")
    for c, v in zip(categories, values, strict=True):
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"pie_chart values must be finite and not negative: {c!r} is {v}")
    uid = chart_id("pie", categories, values, title, width, height, other_label)
    total = math.fsum(values)
    pairs = list(zip(categories, values, strict=True))
    slices = [(c, v) for c, v in pairs if total and v >= total / 100]
    small = [v for v in values if total and v < total / 100]
    if sum(small) > 0:
        slices.append((other_label, math.fsum(small)))
    desc = f"Pie chart of {_plural(len(categories), 'category', 'categories')}"
    if not slices:
        desc += "; no values"
    else:
        (big, bv), (tiny, tv) = max(slices, key=lambda s: s[1]), min(pairs, key=lambda s: s[1])
        desc += f" totalling {format_number(total)}; largest {big} {format_number(bv)} "
        desc += f"({_percent(bv, total)}), smallest {tiny} {format_number(tv)}"
        if small:
            desc += f"; {_plural(len(small), 'category', 'categories')} under 1% shown as {other_label}"
    cx, cy = width / 2, 16 + height / 2
    r = max(20.0, min(height / 2 - 38, width / 2 - 140))
    head = _text(width / 2, 20, title, int(width / 7.5), _HEADING)
    out = [_patterns(uid, len(slices)), head, '<g class="slices">']
    labels, angle = [], -math.pi / 2
    for i, (c, v) in enumerate(slices):
        sweep = 2 * math.pi * v / total
        tip = escape(f"{c}: {format_number(v)} ({_percent(v, total)})")
        out.append(f'<path d="{_arc(cx, cy, r, angle, angle + sweep)}" fill="url(#{uid}-p{i})" ')
        out.append(f'stroke="#fff"><title>{tip}</title></path>')
        labels.append((angle + sweep / 2, f"{c} {_percent(v, total)}"))
        angle += sweep
    out.append('</g><g class="labels">')
    for side in (1, -1):  # labels left and right of the pie, pushed apart so they never overlap
        last = -math.inf
        own = [(cy + (r + 14) * math.sin(a), a, t) for a, t in labels if (math.cos(a) >= 0) == (side == 1)]
        for ly, a, t in sorted(own):
            last = ly = max(ly, last + 14)
            lx, edge = cx + side * (r + 16), _polar(cx, cy, r + 2, a)
            out.append(f'<path d="M{edge}L{num(lx)} {num(ly - 4)}" stroke="{TEXT_COLOUR}"/>')
            out.append(_text(lx + side * 3, ly, t, 18, f' text-anchor="{"start" if side == 1 else "end"}"'))
    out.append("</g>")
    return svg_element(uid, width, height, title, desc, "".join(out))
