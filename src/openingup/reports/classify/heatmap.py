"""The confusion matrix as an SVG heat map, drawn on the server (no script, no library).

Each cell's shade is the share of the true category's examples (its row) that went to the predicted
category, so the diagonal is the recall; the count is written in the cell, black on cells whose
relative luminance is at least 0.18 and white on darker ones, which keeps the contrast at 4.5:1 or
more either way (WCAG 1.4.3). Every text is escaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from openingup.reports.classify.evaluation import Report

CELL = 40
CHAR = 7.5  # average width of a 13 px character, for sizing the label columns
FONT = 13
DARK_TEXT = "#000000"
SWITCH = 0.18  # relative luminance below which white text contrasts better than black
LIGHT_TEXT = "#ffffff"
LOW = (247, 251, 255)  # the palest shade
HIGH = (8, 48, 107)  # the darkest shade


def _shade(share: float) -> tuple[int, int, int]:
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(LOW, HIGH, strict=True))
    return r, g, b


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def render(report: Report, *, title: str, description: str, true_label: str, predicted_label: str) -> str:
    """An ``<svg>`` element for ``report.matrix``; ``title`` and ``description`` name it for screen
    readers, ``true_label`` / ``predicted_label`` caption the axes (already translated)."""
    labels = report.labels
    n = len(labels)
    left = int(max([len(label) for label in labels] + [len(true_label)]) * CHAR) + 24
    top = int(max([len(label) for label in labels] + [4]) * CHAR) + 36
    width = left + n * CELL + 8
    height = top + n * CELL + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="heatmap-title heatmap-desc">',
        f'<title id="heatmap-title">{escape(title)}</title>',
        f'<desc id="heatmap-desc">{escape(description)}</desc>',
        f'<g font-family="sans-serif" font-size="{FONT}">',
        f'<text x="{left + n * CELL / 2:.0f}" y="14" text-anchor="middle" font-weight="bold"'
        f' fill="{DARK_TEXT}">{escape(predicted_label)}</text>',
        f'<text x="4" y="{top - 8}" font-weight="bold" fill="{DARK_TEXT}">{escape(true_label)}</text>',
    ]
    for j, label in enumerate(labels):
        x = left + j * CELL + CELL / 2 + 4
        parts.append(
            f'<text x="{x:.0f}" y="{top - 6}" transform="rotate(-60 {x:.0f} {top - 6})"'
            f' fill="{DARK_TEXT}">{escape(label)}</text>'
        )
    for i, (label, row) in enumerate(zip(labels, report.matrix, strict=True)):
        y = top + i * CELL
        total = sum(row)
        parts.append(
            f'<text x="{left - 6}" y="{y + CELL / 2 + 4:.0f}" text-anchor="end"'
            f' fill="{DARK_TEXT}">{escape(label)}</text>'
        )
        for j, count in enumerate(row):
            share = count / total if total else 0.0
            x = left + j * CELL
            rgb = _shade(share)
            fill = "#{:02x}{:02x}{:02x}".format(*rgb)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" fill="{fill}"'
                f' stroke="#767676" stroke-width="0.5"><title>{escape(f"{label} → {labels[j]}: {count}")}'
                "</title></rect>"
            )
            colour = LIGHT_TEXT if luminance(rgb) < SWITCH else DARK_TEXT
            parts.append(
                f'<text x="{x + (CELL - 2) / 2:.0f}" y="{y + CELL / 2 + 3:.0f}" text-anchor="middle"'
                f' fill="{colour}">{count}</text>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
