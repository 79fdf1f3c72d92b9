"""Server-rendered SVG charts: well-formed, accessible, escaped, deterministic, with round ticks."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openingup.datastore.charts import (
    PALETTE,
    TEXT_COLOUR,
    Series,
    bar_chart,
    format_compact,
    format_number,
    line_chart,
    nice_ticks,
    pie_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
AREAS = ["roads", "sports", "parks", "schools"]


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg ") and svg.endswith("</svg>") and "<?xml" not in svg
    return ET.fromstring(svg)


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//svg:g[@class='{name}']", NS)
    assert found is not None, name
    return found


def count(element: ET.Element, tag: str) -> int:
    return len(element.findall(f".//svg:{tag}", NS))


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def contrast(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


CHARTS = {
    "bar": lambda: bar_chart(AREAS, [Series("2024", [83412, 82001, 82500, 83000])], title="Spending"),
    "grouped": lambda: bar_chart(
        AREAS, [Series("2023", [1, 2, None, 4]), Series("2024", [-3, 2, 5, 1])], title="t", y_label="€"
    ),
    "line": lambda: line_chart(
        AREAS, [Series("a", [1, None, 3, 4]), Series("b", [2, 2, 2, None])], title="t"
    ),
    "all-none": lambda: line_chart(AREAS, [Series("a", [None] * 4)], title="Empty"),
    "no-categories": lambda: bar_chart([], [Series("a", [])], title="Nothing"),
    "pie": lambda: pie_chart(AREAS, [5, 3, 2, 0.01], title="Share"),
    "empty-pie": lambda: pie_chart(AREAS, [0, 0, 0, 0], title="Zero"),
    "many": lambda: bar_chart([f"c{i}" for i in range(300)], [Series("x", list(range(300)))], title="t"),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_a_well_formed_accessible_inline_svg(name: str) -> None:
    svg = CHARTS[name]()
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert root.get("width") is None and root.get("height") is None
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS) is not None
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS)
    assert desc is not None and desc.text
    assert svg == CHARTS[name](), "the same input gives the same string"


def test_ids_differ_between_charts_so_that_several_can_share_a_page() -> None:
    one, two = parse(CHARTS["bar"]()), parse(CHARTS["grouped"]())
    assert one.get("aria-labelledby") != two.get("aria-labelledby")


@pytest.mark.parametrize("kind", ["bar", "line", "pie"])
def test_all_text_is_escaped(kind: str) -> None:
    nasty = ["<script>alert(1)</script>", "A & B", 'say "hi"']
    if kind == "pie":
        svg = pie_chart(nasty, [1, 2, 3], title="<b>T & co</b>")
    else:
        chart = bar_chart if kind == "bar" else line_chart
        svg = chart(nasty, [Series("<i>s</i>", [1, 2, 3]), Series("x&y", [3, 2, 1])], title="<b>T & co</b>")
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B" in svg
    root = parse(svg)
    assert root.findtext("svg:title", namespaces=NS) == "<b>T & co</b>"
    assert any("A & B" in t for t in texts(root))


def test_bar_description_names_the_extremes() -> None:
    svg = bar_chart(
        [f"c{i}" for i in range(10)] + ["roads", "sports"],
        [Series("2024", [82500.0] * 10 + [83412, 82001])],
        title="Spending",
    )
    desc = parse(svg).findtext("svg:desc", namespaces=NS)
    assert desc == "Bar chart of 12 categories; highest roads 83,412, lowest sports 82,001"


def test_description_of_several_series_names_the_series_and_missing_values() -> None:
    desc = parse(CHARTS["grouped"]()).findtext("svg:desc", namespaces=NS) or ""
    assert desc.startswith("Bar chart of 4 categories in 2 series;")
    assert "highest parks (2024) 5" in desc and "lowest roads (2024) -3" in desc
    assert desc.endswith("1 value missing")


@pytest.mark.parametrize(
    ("series", "rects", "legend"),
    [
        ([Series("a", [1, 2, 3, 4])], 4, False),
        ([Series("a", [1, 2, None, 4])], 3, False),
        ([Series("a", [1, 2, 3, 4]), Series("b", [4, 3, 2, 1])], 8, True),
        ([Series("a", [1, None, 3, 4]), Series("b", [4, 3, 2, 1]), Series("c", [0, 1, 2, 3])], 11, True),
    ],
)
def test_bars_are_grouped_per_series_with_a_legend_when_there_are_several(
    series: list[Series], rects: int, legend: bool
) -> None:
    root = parse(bar_chart(AREAS, series, title="t"))
    bars = group(root, "bars")
    assert count(bars, "rect") == rects
    assert (root.find(".//svg:g[@class='legend']", NS) is not None) is legend
    fills = {r.get("fill") for r in bars.findall("svg:rect", NS)}
    assert len(fills) == len(series), "each series has its own pattern, not only its own colour"
    patterns = root.findall(".//svg:defs/svg:pattern", NS)
    assert len(patterns) == len(series)
    assert all(r.find("svg:title", NS) is not None for r in bars.findall("svg:rect", NS))


def test_bars_carry_value_labels_with_thousands_separators_and_ticks_are_compact() -> None:
    root = parse(CHARTS["bar"]())
    values = ["".join(t.itertext()) for t in group(root, "bars").findall("svg:text", NS)]
    assert values == ["83,412", "82,001", "82,500", "83,000"]
    ticks = ["".join(t.itertext()) for t in group(root, "y-axis").findall("svg:text", NS)]
    assert ticks == ["0", "20k", "40k", "60k", "80k", "100k"]


def test_negative_bars_hang_below_the_zero_line() -> None:
    root = parse(bar_chart(["up", "down"], [Series("a", [10, -5])], title="t"))
    axis = root.find(".//svg:path[@class='axis']", NS)
    assert axis is not None
    zero = float(re.findall(r"[\d.]+", axis.get("d", ""))[1])
    up, down = group(root, "bars").findall("svg:rect", NS)
    assert float(up.get("y", "")) + float(up.get("height", "")) == pytest.approx(zero, abs=0.1)
    assert float(down.get("y", "")) == pytest.approx(zero, abs=0.1)
    assert "-10" in texts(root) or "-5" in texts(root)


def test_many_categories_get_slanted_truncated_labels_with_the_full_text_in_a_title() -> None:
    names = [f"Municipality of Súdwest-Fryslân number {i}" for i in range(25)]
    root = parse(bar_chart(names, [Series("x", list(range(25)))], title="t"))
    labels = group(root, "x-axis").findall("svg:text", NS)
    assert labels and all("rotate(-45" in (t.get("transform") or "") for t in labels)
    assert all((t.text or "").endswith("…") and len(t.text or "") <= 14 for t in labels)
    assert labels[0].findtext("svg:title", namespaces=NS) == names[0]


def test_few_categories_keep_horizontal_labels() -> None:
    labels = group(parse(CHARTS["bar"]()), "x-axis").findall("svg:text", NS)
    assert [t.text for t in labels] == AREAS and not any(t.get("transform") for t in labels)


def test_lines_break_at_missing_values_and_lone_points_keep_a_marker() -> None:
    series = [Series("a", [1, 2, None, 4, None, 6, 7]), Series("b", [None] * 7)]
    root = parse(line_chart(list("abcdefg"), series, title="t"))
    paths = group(root, "lines").findall("svg:path", NS)
    assert len(paths) == 2, "runs a-b and f-g; the lone d and the empty series draw no line"
    assert count(group(root, "markers"), "path") == 5
    assert paths[0].get("fill") == "none"


def test_line_series_differ_in_dash_and_marker_not_only_colour() -> None:
    root = parse(CHARTS["line"]())
    lines = group(root, "lines").findall("svg:path", NS)
    assert len({p.get("stroke-dasharray") for p in lines}) == 2
    markers = group(root, "markers").findall("svg:path", NS)
    assert len({m.get("d") for m in markers}) == 2
    assert "b: 2" in texts(root) and "a: 4" in texts(root), "direct labels at the end of each line"


def test_all_none_series_say_so() -> None:
    root = parse(CHARTS["all-none"]())
    assert root.findtext("svg:desc", namespaces=NS) == "Line chart of 4 categories; no values"


def test_pie_groups_slices_under_one_percent_as_other() -> None:
    cats = ["roads", "sports", "parks", "tiny", "tinier"]
    root = parse(pie_chart(cats, [500, 300, 192, 5, 3], title="Share"))
    slices = group(root, "slices").findall("svg:path", NS)
    assert len(slices) == 4
    assert slices[-1].findtext("svg:title", namespaces=NS) == "Other: 8 (0.8%)"
    labels = texts(group(root, "labels"))
    assert sorted(labels) == ["Other 0.8%", "parks 19%", "roads 50%", "sports 30%"]
    desc = root.findtext("svg:desc", namespaces=NS) or ""
    assert "largest roads 500 (50%)" in desc and "smallest tinier 3" in desc
    assert desc.endswith("2 categories under 1% shown as Other")


def test_pie_other_label_is_configurable_and_a_single_slice_is_a_disc() -> None:
    root = parse(pie_chart(["a", "b"], [1000, 1], title="t", other_label="Overig"))
    assert "Overig 0.1%" in texts(root)
    disc = parse(pie_chart(["all"], [7], title="t"))
    (path,) = group(disc, "slices").findall("svg:path", NS)
    assert path.get("d", "").count("A") == 2


@pytest.mark.parametrize(
    ("cats", "values", "message"),
    [
        (["a", "b"], [1, -1], "not negative"),
        (["a"], [math.nan], "finite"),
        (["a", "b"], [1], "one value per category"),
    ],
)
def test_pie_rejects_bad_values(cats: list[str], values: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pie_chart(cats, values, title="t")


def test_series_must_match_the_categories() -> None:
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart(["a", "b"], [Series("s", [1])], title="t")


def test_palette_meets_wcag_graphics_contrast_and_text_is_near_black() -> None:
    assert len(set(PALETTE)) == len(PALETTE) >= 6
    assert all(contrast(c) >= 3 for c in PALETTE)
    assert contrast(TEXT_COLOUR) >= 4.5 and TEXT_COLOUR == "#1a1a1a"


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0, 83412, [0, 20000, 40000, 60000, 80000, 100000]),
        (-7, 13, [-10, -5, 0, 5, 10, 15]),
        (13, -7, [-10, -5, 0, 5, 10, 15]),
        (-250, -30, [-250, -200, -150, -100, -50, 0]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0.001, 0.0042, [0.001, 0.002, 0.003, 0.004, 0.005]),
        (0, 0, [-1, -0.5, 0, 0.5, 1]),
        (5, 5, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]),
        (None, None, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (math.nan, 3, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    ],
)
def test_nice_ticks(lo: float | None, hi: float | None, expected: list[float]) -> None:
    assert nice_ticks(lo, hi) == expected


@settings(deadline=None, max_examples=300)
@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.integers(2, 10),
)
def test_nice_ticks_cover_the_range_with_round_even_steps(lo: float, hi: float, n: int) -> None:
    ticks = nice_ticks(lo, hi, n)
    assert ticks[0] <= min(lo, hi) and ticks[-1] >= max(lo, hi)
    step = ticks[1] - ticks[0]
    # equal steps, up to the rounding of numbers this large (a few units in the last place)
    assert all(
        b - a == pytest.approx(step, rel=1e-6, abs=4 * math.ulp(max(abs(a), abs(b))))
        for a, b in itertools.pairwise(ticks)
    )
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 3) in (1, 2, 5, 10)  # ticks near 1e9 with tiny steps lose digits
    assert 2 <= len(ticks) <= 3 * n + 2


@pytest.mark.parametrize(
    ("value", "compact", "full"),
    [
        (0, "0", "0"),
        (12, "12", "12"),
        (0.25, "0.25", "0.25"),
        (1200, "1.2k", "1,200"),
        (83412, "83.4k", "83,412"),
        (999_950, "1M", "999,950"),
        (3_400_000, "3.4M", "3,400,000"),
        (-5000, "-5k", "-5,000"),
        (2e9, "2B", "2,000,000,000"),
        (1234.5, "1.2k", "1,234.5"),
        (0.0012, "0.0012", "0.0012"),
    ],
)
def test_number_formats(value: float, compact: str, full: str) -> None:
    assert format_compact(value) == compact
    assert format_number(value) == full


def test_tick_labels_gain_decimals_rather_than_repeat() -> None:
    root = parse(bar_chart(["a", "b"], [Series("s", [1000, 1900])], title="t"))
    labels = texts(group(root, "y-axis"))
    assert len(set(labels)) == len(labels)


def test_too_small_a_chart_is_refused() -> None:
    with pytest.raises(ValueError, match=r"too small|at least"):
        bar_chart(AREAS, [Series("a", [1, 2, 3, 4])], title="t", width=100, height=60)
