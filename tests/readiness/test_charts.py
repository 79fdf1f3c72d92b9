"""The readiness charts: radar geometry, accessible SVG markup, clear errors for bad input."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.utils import translation

from openingup.readiness.charts import Series, history_chart, radar_chart, radar_points

SVG = "{http://www.w3.org/2000/svg}"
DRIVERS = ["Content", "Customer experience", "Context", "Conversation", "Collaboration"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The descriptions are translated: these tests read them in English."""
    with translation.override("en"):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100, 100, 100, 100], [(0, -10), (10, 0), (0, 10), (-10, 0)]),
        ([50, 0, 100, 25], [(0, -5), (0, 0), (0, 10), (-2.5, 0)]),
        ([None, 150, -20, 100], [(0, 0), (10, 0), (0, 0), (-10, 0)]),  # None at the centre; clamped
    ],
)
def test_radar_points_start_upwards_and_go_clockwise(
    values: list[float | None], expected: list[tuple[float, float]]
) -> None:
    corners = radar_points(values, 0, 0, 10)

    assert [(round(x, 6) + 0.0, round(y, 6) + 0.0) for x, y in corners] == expected


def test_radar_points_on_a_different_maximum() -> None:
    (x, y), *_ = radar_points([2, 4, 4], 100, 100, 50, maximum=4)

    assert (x, y) == (100, 75)


def test_radar_chart_is_an_accessible_svg_with_two_polygons() -> None:
    own = Series("Your organisation", [80, 60, None, 40, 20])
    cohort = Series("Cohort average", [50, 50, 50, 50, 50])

    svg = radar_chart(DRIVERS, [own, cohort], title="Driver scores")
    root = parse(svg)

    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Driver scores"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"  # type: ignore[union-attr]
    assert desc is not None and desc.text is not None
    assert "highest Content (80), lowest Collaboration (20)" in desc.text
    assert "No score for Context" in desc.text
    groups = root.findall(f".//{SVG}g[@class='series']")
    assert len(groups) == 2
    polygons = [g[0].get("d", "") for g in groups]
    assert all(d.startswith("M") and d.endswith("Z") and d.count("L") == 4 for d in polygons)
    markers = [len(g.findall(f"{SVG}path")) - 1 for g in groups]
    assert markers == [4, 5]  # no marker for the driver without a score
    assert root.get("viewBox") == "0 0 640 520"
    legend = "".join(root.find(f".//{SVG}g[@class='legend']").itertext())  # type: ignore[union-attr]
    assert "Your organisation" in legend and "Cohort average" in legend


def test_radar_polygon_corners_are_the_scores() -> None:
    svg = radar_chart(["a", "b", "c", "d"], [Series("s", [100, 50, 0, 25])], title="t", width=400, height=400)
    polygon = parse(svg).find(f".//{SVG}g[@class='series']")[0].get("d")  # type: ignore[index]
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", polygon or "")]
    corners = list(zip(numbers[::2], numbers[1::2], strict=True))
    cx = 200
    top, right, bottom, left = corners
    radius = cx - top[0] + (bottom[1] - top[1])  # top is straight up at full radius; bottom at the centre
    assert top[0] == cx and right[1] == bottom[1]
    assert math.isclose(right[0] - cx, (bottom[1] - top[1]) / 2, abs_tol=0.11)
    assert math.isclose(cx - left[0], (bottom[1] - top[1]) / 4, abs_tol=0.11)
    assert radius > 0


def test_radar_chart_escapes_text() -> None:
    svg = radar_chart(["<b>&", "b", "c"], [Series('"quoted" & <x>', [1, 2, 3])], title="A < B")

    parse(svg)  # well-formed
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "A &lt; B" in svg


def test_radar_chart_is_deterministic() -> None:
    series = [Series("s", [10, 20, 30])]

    assert radar_chart(["a", "b", "c"], series, title="t") == radar_chart(["a", "b", "c"], series, title="t")


@pytest.mark.parametrize(
    ("labels", "series", "message"),
    [
        (["a", "b"], [Series("s", [1, 2])], "at least 3 axes"),
        (["a", "b", "c"], [], "at least one series"),
        (["a", "b", "c"], [Series("s", [1, 2])], "has 2 values for 3 axes"),
        (["a", "b", "c"], [Series("s", [1, math.nan, 2])], "not a number"),
    ],
)
def test_radar_chart_rejects_bad_input(labels: list[str], series: list[Series], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        radar_chart(labels, series, title="t")


def test_radar_chart_rejects_a_tiny_canvas() -> None:
    with pytest.raises(ValueError, match="too small"):
        radar_chart(["a", "b", "c"], [Series("s", [1, 2, 3])], title="t", width=200, height=160)


def test_history_chart_draws_the_years() -> None:
    svg = history_chart([2024, 2025, 2026], [Series("Overall score", [30.0, 45.5, None])], title="Over time")
    root = parse(svg)

    assert root.get("role") == "img"
    axis = "".join(root.find(f".//{SVG}g[@class='x-axis']").itertext())  # type: ignore[union-attr]
    assert axis == "202420252026"
    assert root.find(f".//{SVG}g[@class='lines']/{SVG}path") is not None


@pytest.mark.parametrize("years", [[], [2026, 2025], [2025, 2025]])
def test_history_chart_needs_ascending_years(years: list[int]) -> None:
    with pytest.raises(ValueError, match="year"):
        history_chart(years, [Series("s", [1.0] * len(years))], title="t")
