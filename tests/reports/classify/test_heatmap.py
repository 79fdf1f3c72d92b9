"""The server-drawn heat map: every cell and label, escaped, and readable text on every shade."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from openingup.reports.classify import evaluation, heatmap


def _contrast(a: float, b: float) -> float:
    high, low = max(a, b), min(a, b)
    return (high + 0.05) / (low + 0.05)


def test_heatmap_draws_every_cell_and_escapes_labels() -> None:
    report = evaluation.score("t", ["<b>a</b>", "<b>a</b>", "c&d", "e"], ["<b>a</b>", "c&d", "c&d", "e"])
    svg = heatmap.render(
        report, title="Matrix <x>", description="d", true_label="True", predicted_label="Pred"
    )
    root = ElementTree.fromstring(svg)  # well-formed XML, so nothing was left unescaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title").text == "Matrix <x>"  # type: ignore[union-attr]
    assert len(root.findall(f".//{ns}rect")) == 9
    assert "<b>" not in svg and "&lt;b&gt;a&lt;/b&gt;" in svg and "c&amp;d" in svg


def test_every_count_contrasts_with_its_cell() -> None:
    report = evaluation.score("t", ["a"] * 10 + ["b"] * 10, ["a"] * 10 + ["a"] * 4 + ["b"] * 6)
    svg = heatmap.render(report, title="t", description="d", true_label="T", predicted_label="P")
    cells = re.findall(r'fill="#([0-9a-f]{6})" stroke', svg)
    texts = re.findall(r'text-anchor="middle" fill="#([0-9a-f]{6})">\d+<', svg)
    assert len(cells) == len(texts) == 4
    for cell, text in zip(cells, texts, strict=True):
        rgb = tuple(int(cell[i : i + 2], 16) for i in (0, 2, 4))
        ink = tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))
        assert _contrast(heatmap.luminance(rgb), heatmap.luminance(ink)) >= 4.5, (cell, text)  # type: ignore[arg-type]
    for share in (i / 100 for i in range(101)):
        rgb = heatmap._shade(share)
        best = max(_contrast(heatmap.luminance(rgb), 0.0), _contrast(heatmap.luminance(rgb), 1.0))
        assert best >= 4.5, share
