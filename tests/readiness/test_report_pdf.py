"""The PDF report: valid PDF in every language, safe for any text, pages that render (pdftoppm)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from openingup.readiness.charts import Series
from openingup.readiness.report_pdf import Advice, Report, ScoreRow, pdf_text, render_pdf, score_text

LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
DRIVERS = ["Content", "Customer experience", "Context", "Conversation", "Collaboration"]


def report(language: str = "en", organisation: str = "Gemeente Voorbeeld") -> Report:
    return Report(
        language=language,
        organisation=organisation,
        instrument="Social Media Readiness Indicator",
        version="1.0",
        year=2026,
        submitted=dt.date(2026, 12, 5),
        overall=54.25,
        level="Institutionalisation",
        level_description="Rules and roles are set.",
        rows=[
            ScoreRow("Conversation government", 54.25, 0, "Institutionalisation"),
            ScoreRow("Interaction", 54.25, 1),
        ]
        + [ScoreRow(label, 20.0 * i) for i, label in enumerate(DRIVERS)],
        radar_labels=DRIVERS,
        radar_series=[Series("Your organisation", [0, 20, None, 60, 80]), Series("Cohort (3)", [50] * 5)],
        cohort="NL · 20k-50k · 2026",
        strengths=[ScoreRow("Collaboration", 80)],
        weaknesses=[ScoreRow("Content", 0)],
        recommendations=[
            Advice(
                "Content",
                "Publish a content calendar",
                "Plan posts a month ahead.",
                [("OECD", "https://www.oecd.org/")],
                [("Social media calendar", "http://testserver/social/calendar/")],
            )
        ],
        url="http://testserver/readiness/x/result/",
        history=[(2025, 40.0), (2026, 54.25)],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gemeente Zoetermeer", "Gemeente Zoetermeer"),
        ("Ærø Kommune – København", "Ærø Kommune – København"),  # in Windows-1252
        ("Besançon “quoted” €", "Besançon “quoted” €"),
        ("Łódź, Győr, Đakovo", "Lódz, Gyor, Dakovo"),
        ("score ≥ 50 → good", "score >= 50 -> good"),
        ("東京\x07", "??"),
        ("a\u00a0b\nc", "a b\nc"),
    ],
)
def test_pdf_text_maps_to_windows_1252(text: str, expected: str) -> None:
    assert pdf_text(text) == expected
    pdf_text(text).encode("windows-1252")


@given(st.text())
def test_pdf_text_always_gives_windows_1252(text: str) -> None:
    pdf_text(text).encode("windows-1252")


@settings(max_examples=15, deadline=None)
@given(st.text(max_size=80))
def test_any_organisation_name_renders(name: str) -> None:
    assert render_pdf(report("fr", name)).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("score", "shown"), [(None, "–"), (54.25, "54.3"), (54.24, "54.2"), (100.0, "100.0"), (0, "0.0")]
)
def test_score_text_rounds_half_up_to_one_decimal(score: float | None, shown: str) -> None:
    assert score_text(score) == shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_render_pdf_in_every_language(language: str) -> None:
    body = render_pdf(report(language, "Łódź – 東京 Kommune"))

    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert body.count(b"/Type /Page\n") + body.count(b"/Type /Page\r") + body.count(b"/Type /Page ") >= 1


def test_render_pdf_is_deterministic() -> None:
    assert render_pdf(report()) == render_pdf(report())


def test_a_report_without_cohort_or_recommendations_still_renders() -> None:
    bare = Report(
        language="en", organisation="X", instrument="I", version="1.0", year=2026,
        submitted=dt.date(2026, 1, 1), overall=None,
    )  # fmt: skip

    assert render_pdf(bare).startswith(b"%PDF-")


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if not found:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return found


def non_white_share(path: Path) -> float:
    with Image.open(path) as image:
        grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:200]) / sum(histogram)


def rendered_pages(body: bytes, folder: Path) -> list[Path]:
    """Render a PDF with pdftoppm to PNG pages (skips when pdftoppm is missing)."""
    source = folder / "report.pdf"
    source.write_bytes(body)
    subprocess.run(
        [pdftoppm(), "-png", "-r", "40", str(source), str(folder / "page")], check=True, timeout=60
    )
    return sorted(folder.glob("page-*.png"))


def test_the_pdf_renders_to_non_empty_pages(tmp_path: Path) -> None:
    pages = rendered_pages(render_pdf(report("nl")), tmp_path)

    assert len(pages) >= 4  # title, scores, radar, strengths and recommendations
    assert all(non_white_share(page) > 0.002 for page in pages)


def test_the_pdf_holds_the_scores_and_translated_headings(tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "report.pdf"
    source.write_bytes(render_pdf(report("de")))
    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, timeout=60, text=True
    ).stdout

    assert "Gemeente Voorbeeld" in text
    assert "54.3" in text
    assert "Stärken" in text and "Empfehlungen" in text
    assert "Publish a content calendar" in text and "OECD" in text
