"""The PDF report of a readiness result, made with fpdf2 (pure Python, no fonts or binaries shipped).

``render_pdf(report)`` takes a :class:`Report` (plain data: the view builds it from the stored result,
the instrument and the cohort, with every text already in the report's language) and returns the PDF's
bytes: a title page (organisation, instrument, year, overall score and stage), the scores per measure,
dimension and driver, the radar chart of the drivers against the cohort drawn as vector polygons, the
strengths and weaknesses, and the recommendations with their sources and the platform features that help.
Headings come from the project's translations in ``report.language`` (one of the seven languages).

fpdf2's core fonts (Helvetica) cover Windows-1252 only; :func:`pdf_text` maps any other character to a
close Windows-1252 spelling (``ő`` → ``o``, ``→`` → ``->``) or ``?``, so no input makes rendering fail.
The output is deterministic for equal input (creation date from the report).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from openingup.datastore.charts import Series
from openingup.readiness.charts import RINGS

ENCODING = "windows-1252"
FONT = "helvetica"
# Characters outside Windows-1252 that have a readable plain spelling.
_SPELLING = {
    "→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≠": "!=", "−": "-", "‐": "-", "‑": "-", "⁄": "/",
    "✓": "v", "✔": "v", "✗": "x",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ŀ": "l", "Ŀ": "L", "ħ": "h", "Ħ": "H",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
}  # fmt: skip
# The drawing colours (RGB) of the series: the same palette as the SVG charts.
_COLOURS = ((31, 95, 168), (194, 65, 12), (46, 125, 50), (123, 63, 160))
_TEXT = (26, 26, 26)
_GRID = (190, 190, 190)
_MUTED = (85, 85, 85)


@dataclass(frozen=True)
class ScoreRow:
    """One line of the score table: ``depth`` 0 for a measure, 1 for a dimension, 2 for a driver."""

    label: str
    score: float | None
    depth: int = 2
    level: str = ""


@dataclass(frozen=True)
class Advice:
    """A recommendation for a weak driver: its text, its public sources and the features that help
    (``(title, url)`` pairs, the URLs absolute)."""

    driver: str
    title: str
    text: str
    sources: Sequence[tuple[str, str]] = ()
    features: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Report:
    """Everything the PDF shows, in the language ``language``; scores are 0..100 or None (no score)."""

    language: str
    organisation: str
    instrument: str
    version: str
    year: int
    submitted: dt.date
    overall: float | None
    level: str = ""
    level_description: str = ""
    rows: Sequence[ScoreRow] = ()
    radar_labels: Sequence[str] = ()
    radar_series: Sequence[Series] = ()
    cohort: str = ""
    strengths: Sequence[ScoreRow] = ()
    weaknesses: Sequence[ScoreRow] = ()
    recommendations: Sequence[Advice] = ()
    url: str = ""
    history: Sequence[tuple[int, float | None]] = field(default_factory=tuple)


def pdf_text(text: object) -> str:
    """``text`` spelled with Windows-1252 characters only: kept where possible, else a plain spelling,
    else the letter without its accents, else ``?``; control characters other than newline dropped."""
    out = []
    for char in str(text):
        if char in _SPELLING:
            out.append(_SPELLING[char])
        elif char == "\n" or (unicodedata.category(char) != "Cc" and _encodable(char)):
            out.append(char)
        elif unicodedata.category(char) == "Cc":
            continue
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and all(_encodable(c) for c in base) else "?")
    return "".join(out)


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def score_text(score: float | None) -> str:
    """A score as the result page shows it: one decimal rounded half up (as Django's ``floatformat``),
    a dash for none."""
    if score is None:
        return "–"
    return str(Decimal(repr(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class _Document(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(format="A4")
        self.report = report
        self.core_fonts_encoding = ENCODING
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_lang(report.language)
        self.set_title(pdf_text(f"{report.instrument} · {report.organisation} · {report.year}"))
        self.set_author(pdf_text(report.organisation))
        self.set_creator("Opening Up")
        moment = dt.datetime.combine(report.submitted, dt.time(12), tzinfo=dt.UTC)
        self.set_creation_date(moment)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*_MUTED)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        r = self.report
        left = f"{r.instrument} {r.version} · {r.organisation} · {r.year}"
        self.cell(0, 6, pdf_text(left), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, pdf_text(page), align="R")

    def write_text(self, text: str, size: float = 10, style: str = "", height: float = 5) -> None:
        self.set_font(FONT, style=style, size=size)
        self.set_text_color(*_TEXT)
        self.multi_cell(0, height, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float = 15) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(3)
        self.write_text(text, size=size, style="B", height=size * 0.5)
        self.ln(2)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, several pages). Raises nothing for any text it is given."""
    with translation.override(report.language):
        pdf = _Document(report)
        pdf.alias_nb_pages()
        _title_page(pdf, report)
        _scores(pdf, report)
        if len(report.radar_labels) >= 3 and report.radar_series:
            _radar_page(pdf, report)
        _strengths(pdf, report)
        _recommendations(pdf, report)
        return bytes(pdf.output())


def _title_page(pdf: _Document, r: Report) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.write_text(_("Readiness report"), size=12, style="B")
    pdf.ln(2)
    pdf.write_text(r.instrument, size=22, style="B", height=10)
    pdf.ln(4)
    pdf.write_text(r.organisation, size=16, height=8)
    pdf.ln(8)
    facts = [
        (_("Year"), str(r.year)),
        (_("Instrument version"), r.version),
        (_("Submitted"), r.submitted.isoformat()),
        (_("Overall score"), _("%(score)s of 100") % {"score": score_text(r.overall)}),
        (_("Stage"), r.level or "–"),
    ]
    for label, value in facts:
        pdf.set_font(FONT, style="B", size=11)
        pdf.cell(55, 7, pdf_text(label))
        pdf.set_font(FONT, size=11)
        pdf.cell(0, 7, pdf_text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if r.level_description:
        pdf.ln(4)
        pdf.write_text(r.level_description)
    if r.history:
        pdf.ln(4)
        pdf.write_text(_("Change over time"), size=11, style="B")
        for year, score in r.history:
            pdf.write_text(f"{year}: {score_text(score)}")
    if r.url:
        pdf.ln(6)
        pdf.set_font(FONT, size=9)
        pdf.set_text_color(*_COLOURS[0])
        pdf.cell(0, 5, pdf_text(r.url), link=r.url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _scores(pdf: _Document, r: Report) -> None:
    pdf.add_page()
    pdf.heading(_("Scores per measure, dimension and driver"))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for row in r.rows:
        if pdf.get_y() > pdf.h - 30:
            pdf.add_page()
        pdf.set_font(FONT, style="B" if row.depth < 2 else "", size=11 - row.depth)
        pdf.set_text_color(*_TEXT)
        indent = 6 * row.depth
        label = row.label + (f" ({row.level})" if row.level else "")
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(width - indent - 60, 7, pdf_text(label))
        pdf.cell(14, 7, pdf_text(score_text(row.score)), align="R")
        _bar(pdf, pdf.get_x() + 3, pdf.get_y() + 1.5, 40, 4, row.score)
        pdf.ln(7)


def _bar(pdf: _Document, x: float, y: float, w: float, h: float, score: float | None) -> None:
    pdf.set_draw_color(*_GRID)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h)
    if score is not None and score > 0:
        pdf.set_fill_color(*_COLOURS[0])
        pdf.rect(x, y, w * min(score, 100) / 100, h, style="F")


def _radar_page(pdf: _Document, r: Report) -> None:
    pdf.add_page()
    pdf.heading(_("Driver scores against the cohort"))
    if r.cohort:
        pdf.write_text(r.cohort, size=9)
    cx, radius = pdf.w / 2, 58.0
    cy = pdf.get_y() + radius + 26
    n = len(r.radar_labels)

    def corner(i: int, value: float | None) -> tuple[float, float]:
        share = 0.0 if value is None else min(max(value / 100, 0.0), 1.0)
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    pdf.set_draw_color(*_GRID)
    pdf.set_line_width(0.2)
    for ring in RINGS:
        pdf.polygon([corner(i, ring) for i in range(n)], style="D")
    pdf.set_font(FONT, size=7)
    pdf.set_text_color(*_MUTED)
    for ring in RINGS:
        pdf.text(cx + 1, cy - radius * ring / 100 + 2.5, str(ring))
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*_TEXT)
    for i, label in enumerate(r.radar_labels):
        x, y = corner(i, 100)
        pdf.line(cx, cy, x, y)
        angle = -math.pi / 2 + 2 * math.pi * i / n
        text = pdf_text(label)
        tw = pdf.get_string_width(text)
        lx = cx + (radius + 4) * math.cos(angle)
        ly = cy + (radius + 4) * math.sin(angle)
        lx = lx - tw / 2 if abs(math.cos(angle)) < 0.3 else (lx if math.cos(angle) > 0 else lx - tw)
        ly += 3 if math.sin(angle) > 0.3 else (0 if math.sin(angle) < -0.3 else 1.5)
        pdf.text(max(2, min(lx, pdf.w - tw - 2)), ly, text)
    for k, series in enumerate(r.radar_series):
        colour = _COLOURS[k % len(_COLOURS)]
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width(0.6)
        pdf.set_dash_pattern(dash=1.5 * k, gap=1.2 * k)
        with pdf.local_context(fill_opacity=0.2 if k == 0 else 0.06):
            pdf.polygon([corner(i, v) for i, v in enumerate(series.values)], style="DF")
        pdf.set_dash_pattern()
        for i, v in enumerate(series.values):
            if v is not None:
                x, y = corner(i, v)
                if k == 0:
                    pdf.circle(x, y, 0.9, style="F")
                else:
                    pdf.rect(x - 0.8, y - 0.8, 1.6, 1.6, style="F")
    _legend_and_table(pdf, r, cy + radius + 16)


def _legend_and_table(pdf: _Document, r: Report, top: float) -> None:
    pdf.set_y(top)
    pdf.set_font(FONT, size=9)
    for k, series in enumerate(r.radar_series):
        colour = _COLOURS[k % len(_COLOURS)]
        x, y = pdf.l_margin, pdf.get_y() + 2.5
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.6)
        pdf.set_dash_pattern(dash=1.5 * k, gap=1.2 * k)
        pdf.line(x, y, x + 10, y)
        pdf.set_dash_pattern()
        pdf.set_x(x + 13)
        pdf.set_text_color(*_TEXT)
        pdf.cell(0, 5, pdf_text(series.label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_fill_color(235, 240, 247)
    pdf.set_draw_color(*_GRID)
    pdf.set_line_width(0.2)
    headings = [_("Driver"), *(s.label for s in r.radar_series)]
    with pdf.table(col_widths=(3, *([2] * len(r.radar_series))), text_align="LEFT", line_height=5) as table:
        pdf.set_font(FONT, size=9)
        row = table.row()
        for heading in headings:
            row.cell(pdf_text(heading))
        for i, label in enumerate(r.radar_labels):
            row = table.row()
            row.cell(pdf_text(label))
            for series in r.radar_series:
                row.cell(pdf_text(score_text(series.values[i])))


def _strengths(pdf: _Document, r: Report) -> None:
    if not r.strengths and not r.weaknesses:
        return
    pdf.add_page()
    for heading, rows in ((_("Strengths"), r.strengths), (_("Weaknesses"), r.weaknesses)):
        pdf.heading(heading)
        for row in rows:
            pdf.write_text(f"•  {row.label}: {score_text(row.score)}", size=11, height=6)


def _recommendations(pdf: _Document, r: Report) -> None:
    if not r.recommendations:
        return
    pdf.heading(_("Recommendations"))
    for advice in r.recommendations:
        pdf.write_text(advice.title, size=12, style="B", height=6)
        pdf.write_text(_("For the driver: %(driver)s") % {"driver": advice.driver}, size=9)
        pdf.ln(1)
        pdf.write_text(advice.text)
        for title, url in advice.features:
            _link_line(pdf, _("Platform feature: %(title)s") % {"title": title}, url)
        for title, url in advice.sources:
            _link_line(pdf, _("Source: %(title)s") % {"title": title}, url)
        pdf.ln(4)


def _link_line(pdf: _Document, text: str, url: str) -> None:
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*_COLOURS[0])
    pdf.multi_cell(0, 5, pdf_text(text), link=url, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_TEXT)
