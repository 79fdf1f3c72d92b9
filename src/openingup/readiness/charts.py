"""Accessible inline SVG charts of readiness results: a radar of driver scores against a cohort, and the
overall score over the years.

Contract: both functions return one complete ``<svg>`` built with the datastore's chart conventions
(``role="img"``, ``<title>`` and ``<desc>`` naming it, a ``viewBox``, escaped text, deterministic output,
colours reaching 3:1 against white, never colour alone: each series has its own dash and marker shape).
The page shows the data as a table next to the chart; the ``<desc>`` sums the data up in one sentence.
Scores are 0..100; ``None`` is "no score" (every question not applicable): drawn at the centre, without a
marker, and named in the description. Bad input raises ``ValueError`` naming the problem.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _

from openingup.datastore.charts import (
    DASHES,
    GRID_COLOUR,
    MARKERS,
    PALETTE,
    TEXT_COLOUR,
    Series,
    chart_id,
    escape,
    format_number,
    line_chart,
    num,
    svg_element,
)

__all__ = ["Series", "history_chart", "radar_chart", "radar_points"]

RINGS = (20, 40, 60, 80, 100)
_CHAR_PX = 6.8
_FILL_OPACITY = ("0.25", "0.08", "0.08", "0.08")


def radar_points(
    values: Sequence[float | None], cx: float, cy: float, radius: float, maximum: float = 100
) -> list[tuple[float, float]]:
    """The polygon's corners: axis ``i`` points up for ``i = 0`` and the axes go round clockwise at equal
    angles; ``value / maximum`` of ``radius`` from the centre (clamped to 0..maximum; ``None`` is 0)."""
    n = len(values)
    corners = []
    for i, value in enumerate(values):
        share = 0.0 if value is None else min(max(value / maximum, 0.0), 1.0)
        angle = -math.pi / 2 + 2 * math.pi * i / n
        corners.append((cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)))
    return corners


def _check(labels: Sequence[str], series: Sequence[Series], maximum: float) -> None:
    if len(labels) < 3:
        raise ValueError(f"a radar chart needs at least 3 axes, got {len(labels)}")
    if not series:
        raise ValueError("a radar chart needs at least one series")
    if maximum <= 0 or not math.isfinite(maximum):
        raise ValueError(f"the maximum must be a positive number, got {maximum}")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(
                f"series {s.label!r} has {len(s.values)} values for {len(labels)} axes; give one per axis"
            )
        for value in s.values:
            if value is not None and not math.isfinite(value):
                raise ValueError(f"series {s.label!r} has a value that is not a number: {value}")


def _describe(labels: Sequence[str], series: Sequence[Series]) -> str:
    parts = [_("Radar chart of %(count)d scores from 0 to 100.") % {"count": len(labels)}]
    for s in series:
        scored = [(v, label) for v, label in zip(s.values, labels, strict=True) if v is not None]
        if not scored:
            parts.append(_("%(series)s: no scores.") % {"series": s.label})
            continue
        high, low = max(scored, key=lambda c: c[0]), min(scored, key=lambda c: c[0])
        text = _("%(series)s: highest %(high)s (%(high_value)s), lowest %(low)s (%(low_value)s).") % {
            "series": s.label,
            "high": high[1],
            "high_value": format_number(round(high[0], 1)),
            "low": low[1],
            "low_value": format_number(round(low[0], 1)),
        }
        missing = [label for v, label in zip(s.values, labels, strict=True) if v is None]
        if missing:
            text += " " + _("No score for %(names)s.") % {"names": ", ".join(missing)}
        parts.append(text)
    return " ".join(parts)


def _label(x: float, y: float, angle: float, text: str, max_chars: int) -> str:
    """An axis label just outside the rim, anchored away from the centre, wrapped on two lines."""
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > max_chars and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    lines = [line if len(line) <= max_chars else line[: max_chars - 1] + "…" for line in lines]
    top = y + 4 - (14 * (len(lines) - 1) if sin < -0.3 else 0 if sin > 0.3 else 7 * (len(lines) - 1))
    spans = "".join(
        f'<tspan x="{num(x)}" y="{num(top + 14 * k)}">{escape(line)}</tspan>' for k, line in enumerate(lines)
    )
    tip = f"<title>{escape(text)}</title>" if " ".join(lines) != text else ""
    return f'<text text-anchor="{anchor}">{spans}{tip}</text>'


def radar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    maximum: float = 100,
    width: int = 640,
    height: int = 520,
) -> str:
    """A radar (spider) chart: one axis per label, one closed polygon per series (the organisation first,
    filled; then the cohort average, dashed), rings at 20, 40 … 100 % of ``maximum``, a legend under the
    title and a marker with a tooltip per scored value. Raises ``ValueError`` for fewer than 3 axes, no
    series, a series whose length differs from ``labels`` or a value that is not a finite number."""
    _check(labels, series, maximum)
    uid = chart_id(
        "radar", list(labels), [(s.label, s.values) for s in series], title, maximum, width, height
    )
    legend_rows = math.ceil(len(series) / 2)
    top = 34 + 18 * legend_rows
    cx, cy = width / 2, top + (height - top) / 2
    radius = min((height - top) / 2 - 34, width / 2 - 130)
    if radius < 40:
        raise ValueError(f"{width}×{height} is too small for a radar chart")
    n = len(labels)
    out = [
        f'<text x="{num(width / 2)}" y="20" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
        '<g class="legend">',
    ]
    for i, s in enumerate(series):
        lx, ly = 16 + (i % 2) * (width / 2), 40 + 18 * (i // 2)
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        out.append(f'<path d="M{num(lx)} {ly}h22" stroke="{colour}" stroke-width="2" ')
        out.append(f'stroke-dasharray="{dash}"/>')
        out.append(_marker(i, lx + 11, ly))
        out.append(f'<text x="{num(lx + 28)}" y="{ly + 4}">{escape(s.label)}</text>')
    out.append('</g><g class="grid">')
    for ring in RINGS:
        corners = radar_points([ring * maximum / 100] * n, cx, cy, radius, maximum)
        out.append(f'<path d="{_closed(corners)}" fill="none" stroke="{GRID_COLOUR}"/>')
    for x, y in radar_points([maximum] * n, cx, cy, radius, maximum):
        out.append(f'<path d="M{num(cx)} {num(cy)}L{num(x)} {num(y)}" ')
        out.append(f'stroke="{GRID_COLOUR}"/>')
    for ring in RINGS:  # ring values along the first (upward) axis
        y = cy - radius * ring / 100
        shown = format_number(ring * maximum / 100)
        out.append(f'<text x="{num(cx + 4)}" y="{num(y + 4)}" font-size="10">{shown}</text>')
    out.append('</g><g class="axes">')
    max_chars = max(8, int((width / 2 - radius - 16) / _CHAR_PX))
    for i, label in enumerate(labels):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        gap = 12 + (10 if math.sin(angle) < -0.9 else 0)  # clear of the ring values on the upward axis
        x, y = cx + (radius + gap) * math.cos(angle), cy + (radius + gap) * math.sin(angle)
        out.append(_label(x, y, angle, label, max_chars))
    out.append("</g>")
    for i, s in enumerate(series):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        corners = radar_points(s.values, cx, cy, radius, maximum)
        opacity = _FILL_OPACITY[min(i, len(_FILL_OPACITY) - 1)]
        out.append(
            f'<g class="series"><path d="{_closed(corners)}" fill="{colour}" fill-opacity="{opacity}" '
        )
        out.append(f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        for (x, y), value, label in zip(corners, s.values, labels, strict=True):
            if value is not None:
                tip = f"<title>{escape(f'{label}, {s.label}: {format_number(round(value, 1))}')}</title>"
                out.append(_marker(i, x, y, tip))
        out.append("</g>")
    return svg_element(uid, width, height, title, _describe(labels, series), "".join(out))


def _closed(corners: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in corners) + "Z"


def _marker(i: int, x: float, y: float, tip: str = "") -> str:
    shape, colour = MARKERS[i % len(MARKERS)], PALETTE[i % len(PALETTE)]
    return (
        f'<path transform="translate({num(x)} {num(y)})" d="{shape}" fill="{colour}" '
        f'stroke="{TEXT_COLOUR if i else colour}" stroke-width="0.5">{tip}</path>'
    )


def history_chart(
    years: Sequence[int], series: Sequence[Series], *, title: str, width: int = 640, height: int = 320
) -> str:
    """The overall score per year as lines (the organisation's, and optionally the cohort's), from the
    datastore's line chart. Raises ``ValueError`` for no years, years out of order or a misfit series."""
    if not years:
        raise ValueError("a history chart needs at least one year")
    if list(years) != sorted(set(years)):
        raise ValueError(f"the years must be distinct and ascending, got {list(years)}")
    return line_chart(
        [str(year) for year in years],
        list(series),
        title=title,
        x_label=_("Year"),
        y_label=_("Score (0–100)"),
        width=width,
        height=height,
    )
