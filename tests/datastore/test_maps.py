"""Server-rendered SVG maps: projection, geometry kinds, sampling, tiles, bbox parsing and escaping."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from openingup.datastore.charts import svg_element
from openingup.datastore.maps import Feature, bounds, fitted_height, parse_bbox, svg_map

NS = {"svg": "http://www.w3.org/2000/svg"}
AMSTERDAM = (4.80, 52.30, 4.95, 52.40)
SQUARE = [[4.82, 52.31], [4.9, 52.31], [4.9, 52.36], [4.82, 52.36], [4.82, 52.31]]
HOLE = [[4.84, 52.32], [4.88, 52.32], [4.88, 52.34], [4.84, 52.34], [4.84, 52.32]]


def point(lon: float, lat: float, label: str = "", href: str = "") -> Feature:
    return Feature({"type": "Point", "coordinates": [lon, lat]}, label, href)


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    return ET.fromstring(svg)


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//svg:g[@class='{name}']", NS)
    assert found is not None, name
    return found


def desc(root: ET.Element) -> str:
    return root.findtext("svg:desc", namespaces=NS) or ""


def mid_latitude(south: float, north: float) -> float:
    """The latitude halfway between two others on a Web Mercator map."""

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    return math.degrees(2 * math.atan(math.exp((y(south) + y(north)) / 2)) - math.pi / 2)


@pytest.mark.parametrize(
    ("bbox", "size"),
    [
        ((-1.0, -1.0, 1.0, 1.0), (720, 480)),
        (AMSTERDAM, (720, 480)),
        (AMSTERDAM, (400, 600)),
        (None, (720, 480)),
    ],
)
def test_a_point_at_the_bbox_centre_lands_at_the_svg_centre(
    bbox: tuple[float, float, float, float] | None, size: tuple[int, int]
) -> None:
    box = bbox or AMSTERDAM
    centre = point((box[0] + box[2]) / 2, mid_latitude(box[1], box[3]))
    corners = [point(box[0], box[1]), point(box[2], box[3])]
    root = parse(svg_map([centre, *corners], title="t", bbox=bbox, width=size[0], height=size[1]))
    first = group(root, "points").find("svg:circle", NS)
    assert first is not None and first.get("r") == "4"
    assert float(first.get("cx", "")) == pytest.approx(size[0] / 2, abs=0.1)
    assert float(first.get("cy", "")) == pytest.approx(size[1] / 2, abs=0.1)
    xs = [float(c.get("cx", "")) for c in group(root, "points").findall("svg:circle", NS)]
    assert min(xs) >= 16 - 0.1 and max(xs) <= size[0] - 16 + 0.1, "the fitted bbox keeps its margin"


def test_root_is_accessible_and_the_description_counts_and_locates_the_features() -> None:
    features = [
        point(4.8, 52.3),
        point(4.95, 52.4),
        Feature({"type": "LineString", "coordinates": SQUARE[:3]}),
    ]
    root = parse(svg_map(features, title="Trees & <benches>"))
    assert root.get("role") == "img" and root.get("viewBox") == "0 0 720 480"
    assert root.get("width") is None and root.get("height") is None
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.findtext(f"svg:title[@id='{title_id}']", namespaces=NS) == "Trees & <benches>"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS) is not None
    assert desc(root) == "Map of 2 points and 1 line between 52.30°N 4.80°E and 52.40°N 4.95°E"


def test_southern_and_western_hemispheres_read_as_such() -> None:
    root = parse(svg_map([point(-70.6, -33.4), point(-70.5, -33.3)], title="Santiago"))
    assert desc(root) == "Map of 2 points between 33.40°S 70.60°W and 33.30°S 70.50°W"


def test_a_single_point_gets_a_sensible_zoom_box_and_a_scale_bar() -> None:
    root = parse(svg_map([point(4.9, 52.37, "Dam")], title="t"))
    (circle,) = group(root, "points").findall("svg:circle", NS)
    assert (circle.get("cx"), circle.get("cy")) == ("360", "240")
    assert circle.findtext("svg:title", namespaces=NS) == "Dam"
    assert desc(root) == "Map of 1 point at 52.37°N 4.90°E"
    label = group(root, "scale").findtext("svg:text", namespaces=NS) or ""
    assert re.fullmatch(r"\d+ m", label), label


@pytest.mark.parametrize(
    ("bbox", "label"),
    [((4.0, 52.0, 6.0, 53.0), r"\d+ km"), ((4.89, 52.37, 4.91, 52.38), r"\d+ m"), ((-180, -80, 180, 80), "")],
)
def test_scale_bar_uses_metres_or_kilometres(bbox: tuple[float, float, float, float], label: str) -> None:
    text = group(parse(svg_map([], title="t", bbox=bbox)), "scale").findtext("svg:text", namespaces=NS) or ""
    assert re.fullmatch(label or r"\d+ km", text), text
    assert int(text.split()[0]) in {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}


def test_polygons_keep_their_holes_with_the_even_odd_rule() -> None:
    features = [
        Feature({"type": "Polygon", "coordinates": [SQUARE, HOLE]}, "with hole"),
        Feature({"type": "MultiPolygon", "coordinates": [[SQUARE], [HOLE]]}),
    ]
    areas = group(parse(svg_map(features, title="t")), "areas").findall("svg:path", NS)
    assert len(areas) == 2
    for path in areas:
        d = path.get("d", "")
        assert d.count("M") == 2 and d.count("Z") == 2
        assert path.get("fill-rule") == "evenodd" and path.get("fill-opacity") == "0.25"
    assert areas[0].findtext("svg:title", namespaces=NS) == "with hole"


def test_lines_are_unfilled_paths_one_per_feature() -> None:
    features = [
        Feature({"type": "LineString", "coordinates": SQUARE}),
        Feature({"type": "MultiLineString", "coordinates": [SQUARE[:2], HOLE[:3]]}),
    ]
    lines = group(parse(svg_map(features, title="t")), "lines").findall("svg:path", NS)
    assert [p.get("d", "").count("M") for p in lines] == [1, 2]
    assert all(p.get("fill") == "none" for p in lines)


def test_path_coordinates_have_at_most_one_decimal() -> None:
    wiggly = [[4.8 + i * 0.0001234, 52.3 + (i % 7) * 0.00321] for i in range(200)]
    svg = svg_map([Feature({"type": "LineString", "coordinates": wiggly})], title="t")
    d = group(parse(svg), "lines").findall("svg:path", NS)[0].get("d", "")
    assert re.fullmatch(r"M(-?\d+(\.\d)? -?\d+(\.\d)?)(L-?\d+(\.\d)? -?\d+(\.\d)?)*", d)


@pytest.mark.parametrize(
    ("count", "max_points", "drawn", "note"),
    [
        (100, 5000, 100, ""),
        (100, 30, 25, "; showing every 4th point (25)"),
        (12, 5, 4, "; showing every 3rd point (4)"),
    ],
)
def test_many_points_are_sampled_every_kth_and_the_description_says_so(
    count: int, max_points: int, drawn: int, note: str
) -> None:
    features = [point(4.8 + i * 0.001, 52.3 + i * 0.001, f"p{i}") for i in range(count)]
    root = parse(svg_map(features, title="t", max_points=max_points))
    circles = group(root, "points").findall("svg:circle", NS)
    assert len(circles) == drawn
    assert circles[1].findtext("svg:title", namespaces=NS) == f"p{count // drawn if note else 1}"
    assert desc(root).endswith(note)
    assert desc(root).startswith(f"Map of {count} points")


def test_multipoints_count_each_point() -> None:
    features = [Feature({"type": "MultiPoint", "coordinates": SQUARE[:4]}, "stops")]
    root = parse(svg_map(features, title="t"))
    assert len(group(root, "points").findall("svg:circle", NS)) == 4
    assert desc(root).startswith("Map of 4 points")


BAD_GEOMETRIES: list[Any] = [
    None,
    "POINT(4 52)",
    {"type": "Point", "coordinates": [float("nan"), 52]},
    {"type": "Point", "coordinates": [4, 95]},
    {"type": "Point", "coordinates": [200, 52]},
    {"type": "Point", "coordinates": [True, 52]},
    {"type": "Point", "coordinates": ["4", "52"]},
    {"type": "Point", "coordinates": [4]},
    {"type": "LineString", "coordinates": [[4, 52]]},
    {"type": "Polygon", "coordinates": [[[4, 52], [5, 52]]]},
    {"type": "Polygon", "coordinates": [SQUARE, [[4, 52], [5, float("inf")], [5, 53]]]},
    {"type": "MultiPolygon", "coordinates": []},
    {"type": "MultiPoint", "coordinates": []},
    {"type": "GeometryCollection", "geometries": []},
    {"type": "Circle", "coordinates": [4, 52]},
    {"coordinates": [4, 52]},
]


@pytest.mark.parametrize("geometry", BAD_GEOMETRIES, ids=range(len(BAD_GEOMETRIES)))
def test_invalid_geometries_are_skipped_not_fatal(geometry: Any) -> None:
    root = parse(svg_map([Feature(geometry), point(4.9, 52.37)], title="t"))
    assert len(root.findall(".//svg:circle", NS)) == 1
    assert len(group(root, "areas")) == len(group(root, "lines")) == 0
    assert desc(root).endswith("; 1 invalid geometry skipped")
    assert bounds([Feature(geometry)]) is None


def test_bounds_cover_every_valid_geometry() -> None:
    features = [point(4.9, 52.37), Feature({"type": "Polygon", "coordinates": [SQUARE]}), Feature(None)]  # type: ignore[arg-type]
    assert bounds(features) == (4.82, 52.31, 4.9, 52.37)
    assert bounds([]) is None


def test_links_wrap_features_and_unsafe_links_are_dropped() -> None:
    features = [
        point(4.8, 52.3, "a", "https://example.org/?a=1&b=2"),
        point(4.9, 52.35, "b", "/datasets/trees"),
        point(4.95, 52.4, "c", "javascript:alert(1)"),
        point(4.85, 52.3, "d", " JaVaScRiPt:alert(1)"),
        point(4.86, 52.3, "e", "java\tscript:alert(1)"),
    ]
    svg = svg_map(features, title="t")
    assert "javascript" not in svg.lower() and "&b=" not in svg
    links = group(parse(svg), "points").findall("svg:a", NS)
    assert [a.get("href") for a in links] == ["https://example.org/?a=1&b=2", "/datasets/trees"]
    assert all(a.find("svg:circle", NS) is not None for a in links)


def test_labels_are_escaped() -> None:
    svg = svg_map([point(4.9, 52.37, "<script>alert(1)</script> & co")], title="t")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    circle = parse(svg).find(".//svg:circle", NS)
    assert (
        circle is not None and circle.findtext("svg:title", namespaces=NS) == "<script>alert(1)</script> & co"
    )


@pytest.mark.parametrize(
    ("bbox", "size"),
    [(AMSTERDAM, (720, 480)), ((-180, -85, 180, 85), (720, 480)), ((4.9, 52.37, 4.9, 52.37), (1600, 1200))],
)
def test_tiles_cover_the_view_with_at_most_sixteen_images_under_the_features(
    bbox: tuple[float, float, float, float], size: tuple[int, int]
) -> None:
    svg = svg_map(
        [point(4.9, 52.37)],
        title="t",
        bbox=bbox,
        width=size[0],
        height=size[1],
        tile_url="https://tile.example/{z}/{x}/{y}.png",
        attribution="© OpenStreetMap",
    )
    root = parse(svg)
    images = root.findall(".//svg:image", NS)
    assert 1 <= len(images) <= 16
    hrefs = [i.get("href", "") for i in images]
    assert all(re.fullmatch(r"https://tile\.example/\d+/\d+/\d+\.png", h) for h in hrefs)
    assert len({h.split("/")[3] for h in hrefs}) == 1, "one zoom level"
    assert len(set(hrefs)) == len(hrefs)
    assert root.find(".//svg:path[@class='graticule']", NS) is None
    assert svg.index("<image") < svg.index('<g class="points">')
    assert root.findtext(".//svg:text[@class='attribution']", namespaces=NS) == "© OpenStreetMap"


def test_tiles_follow_the_slippy_map_scheme_at_a_zoom_chosen_for_the_size() -> None:
    def tiles(bbox: tuple[float, float, float, float]) -> dict[str, tuple[float, float]]:
        svg = svg_map([], title="t", bbox=bbox, tile_url="/tiles/{z}/{x}/{y}.png")
        images = parse(svg).findall(".//svg:image", NS)
        return {i.get("href", ""): (float(i.get("x", "")), float(i.get("y", ""))) for i in images}

    city = tiles(AMSTERDAM)
    assert len(city) == 12 and all(h.startswith("/tiles/12/") for h in city)
    # The centre (4.875°E, 52.35°N) lies at x 2103.467, y 1346.477 in zoom 12 tiles of 240.5 units.
    x, y = city["/tiles/12/2103/1346.png"]
    assert x + 0.467 * 240.5 == pytest.approx(360, abs=0.5)
    assert y + 0.477 * 240.5 == pytest.approx(240, abs=0.5)
    world = tiles((-180, -85, 180, 85))
    assert sorted(world) == [f"/tiles/1/{x}/{y}.png" for x in (0, 1) for y in (0, 1)]


def test_without_tiles_there_is_a_background_and_a_graticule() -> None:
    root = parse(svg_map([point(4.9, 52.37)], title="t", bbox=AMSTERDAM))
    assert not root.findall(".//svg:image", NS)
    assert root.find("svg:rect[@class='background']", NS) is not None
    graticule = root.find(".//svg:path[@class='graticule']", NS)
    assert graticule is not None and graticule.get("d", "").count("M") >= 4


def test_an_empty_map_says_so() -> None:
    assert desc(parse(svg_map([], title="t"))) == "Map with no features"
    assert desc(parse(svg_map([], title="t", bbox=AMSTERDAM))) == (
        "Map with no features of the area between 52.30°N 4.80°E and 52.40°N 4.95°E"
    )


def test_output_is_deterministic() -> None:
    features = [point(4.8 + i / 100, 52.3, f"p{i}") for i in range(10)]
    assert svg_map(features, title="t") == svg_map(list(features), title="t")
    assert svg_map(features, title="t") != svg_map(features[:5], title="t")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bbox": (5, 52, 4, 53)}, "minimum must not exceed"),
        ({"bbox": (4, 52, 5, 91)}, "latitudes"),
        ({"tile_url": "https://tile.example/tiles.png"}, "{z}"),
        ({"tile_url": "javascript:{z}{x}{y}"}, "http"),
        ({"max_points": 0}, "max_points"),
    ],
)
def test_svg_map_rejects_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        svg_map([], title="t", **kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.8,52.3,4.95,52.4", (4.8, 52.3, 4.95, 52.4)),
        (" -180 , -90 , 180 , 90 ", (-180.0, -90.0, 180.0, 90.0)),
        ("5,52,5,52", (5.0, 52.0, 5.0, 52.0)),
    ],
)
def test_parse_bbox(text: str, expected: tuple[float, float, float, float]) -> None:
    assert parse_bbox(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "four numbers"),
        ("4.8,52.3,4.95", "four numbers"),
        ("4.8,52.3,4.95,52.4,1", "got 5"),
        ("4.8;52.3;4.95;52.4", "got 1"),
        ("west,52.3,4.95,52.4", "minlon is not a number: 'west'"),
        ("4.8,52.3,4.95,", "maxlat is not a number"),
        ("4.8,nan,4.95,52.4", "finite"),
        ("4.8,52.3,inf,52.4", "finite"),
        ("4.95,52.3,4.8,52.4", "minimum must not exceed"),
        ("4.8,52.4,4.95,52.3", "minimum must not exceed"),
        ("-181,52.3,4.95,52.4", "longitudes"),
        ("4.8,-91,4.95,52.4", "latitudes"),
    ],
)
def test_parse_bbox_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_bbox(text)


def test_features_choose_their_shape_colour_class_and_link_name() -> None:
    features = [
        Feature({"type": "Point", "coordinates": [4.8, 52.3]}, "plain", css_class="quiet"),
        Feature(
            {"type": "Point", "coordinates": [4.9, 52.35]}, "b", "/b", colour="#0a4f8f", css_class="m m-open"
        ),
        Feature(
            {"type": "Point", "coordinates": [4.9, 52.35]},
            "c",
            "/c",
            shape="square",
            colour="#a4001d",
            css_class="m m-late",
            aria_label="Report c (late) <now>",
        ),
    ]
    svg = svg_map(features, title="t", bbox=AMSTERDAM, point_radius=7)
    points = group(parse(svg), "points")
    plain, b, c = list(points)
    assert plain.tag.endswith("circle") and plain.get("class") == "quiet" and plain.get("r") == "7"
    assert [b.get("href"), b.get("class"), b.get("aria-label")] == ["/b", "m m-open", "b"]
    assert c.get("aria-label") == "Report c (late) <now>" and "&lt;now&gt;" in svg
    circle, square = b.find("svg:circle", NS), c.find("svg:rect", NS)
    assert circle is not None and circle.get("fill") == "#0a4f8f" and circle.get("class") is None
    assert square is not None and square.get("fill") == "#a4001d"
    assert (square.get("width"), square.get("height")) == ("14", "14")
    # The square is centred where the circle of the same position is: drawn in the order given, on top.
    assert float(square.get("x", "")) + 7 == pytest.approx(float(circle.get("cx", "")), abs=0.1)
    assert float(square.get("y", "")) + 7 == pytest.approx(float(circle.get("cy", "")), abs=0.1)


def test_a_map_with_links_is_a_named_group_and_one_without_an_image() -> None:
    linked = parse(svg_map([point(4.9, 52.37, "Dam", "/dam")], title="Squares"))
    assert linked.get("role") == "group"
    title_id, desc_id = linked.get("aria-labelledby"), linked.get("aria-describedby")
    assert linked.findtext(f"svg:title[@id='{title_id}']", namespaces=NS) == "Squares"
    assert linked.find(f"svg:desc[@id='{desc_id}']", NS) is not None
    for features in ([point(4.9, 52.37, "Dam")], [point(4.9, 52.37, "x", "javascript:alert(1)")]):
        root = parse(svg_map(features, title="Squares"))
        assert root.get("role") == "img" and root.get("aria-describedby") is None
    # A link only among the points thinned away does not make a group.
    thinned = [point(4.8 + i / 1000, 52.3, href="/x" if i % 2 else "") for i in range(10)]
    assert parse(svg_map(thinned, title="t", max_points=5)).get("role") == "img"


def test_a_boundary_is_a_dashed_unfilled_edge_and_lines_can_be_dashed() -> None:
    features = [
        Feature({"type": "Polygon", "coordinates": [SQUARE]}, colour="#2f5d3a", dashed=True, filled=False),
        Feature({"type": "LineString", "coordinates": SQUARE[:3]}, colour="red", dashed=True),
    ]
    root = parse(svg_map(features, title="t"))
    (area,) = group(root, "areas")
    assert area.get("fill") == "none" and area.get("fill-opacity") is None
    assert area.get("stroke") == "#2f5d3a" and area.get("stroke-dasharray") == "4.5 3"
    (line,) = group(root, "lines")
    assert line.get("stroke") == "red" and line.get("stroke-dasharray") == "6 4"
    plain = group(parse(svg_map([Feature({"type": "Polygon", "coordinates": [SQUARE]})], title="t")), "areas")
    assert plain[0].get("stroke-dasharray") is None and plain[0].get("fill-opacity") == "0.25"


def test_a_given_description_replaces_the_generated_one() -> None:
    root = parse(svg_map([point(4.9, 52.37)], title="t", description="Eén melding <op> de kaart."))
    assert desc(root) == "Eén melding <op> de kaart."


def test_subdomains_and_a_larger_tile_budget() -> None:
    big = {"bbox": (4.0, 52.0, 5.0, 53.0), "width": 960, "height": 960}
    few = svg_map([], title="t", tile_url="https://{s}.tile.example/{z}/{x}/{y}.png", **big)  # type: ignore[arg-type]
    hrefs = [i.get("href", "") for i in parse(few).findall(".//svg:image", NS)]
    assert len(hrefs) <= 16 and {h[8] for h in hrefs} <= {"a", "b", "c"} and "{s}" not in few
    many = parse(svg_map([], title="t", tile_url="/t/{z}/{x}/{y}.png", max_tiles=64, **big))  # type: ignore[arg-type]
    images = many.findall(".//svg:image", NS)
    assert 16 < len(images) <= 64
    assert int(images[0].get("href", "").split("/")[2]) > int(hrefs[0].split("/")[3])  # a finer zoom
    assert float(images[0].get("width", "")) < 363  # tiles shown at most about twice their size


@pytest.mark.parametrize(
    ("bbox", "width", "expected"),
    [
        (AMSTERDAM, 720, round(688 * 0.10 / 0.15 / math.cos(math.radians(52.35))) + 32),  # 783
        ((0.0, 0.0, 10.0, 0.001), 720, 160),  # a sliver: never lower than the smallest
        ((0.0, -60.0, 0.001, 60.0), 720, 1440),  # a ribbon: never taller than twice the width
        ((4.9, 52.37, 4.9, 52.37), 400, round(368 / math.cos(math.radians(52.37))) + 32),  # MIN_SPAN box
    ],
)
def test_fitted_height_keeps_the_bbox_aspect(
    bbox: tuple[float, float, float, float], width: int, expected: int
) -> None:
    assert fitted_height(bbox, width) == pytest.approx(expected, abs=3)
    root = parse(svg_map([], title="t", bbox=bbox, width=width, height=fitted_height(bbox, width)))
    assert root.get("viewBox") == f"0 0 {width} {fitted_height(bbox, width)}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shape": "star"}, "shape must be one of circle, square"),
        ({"colour": "red;stroke:blue"}, "colour must be"),
        ({"colour": "#12345"}, "colour must be"),
        ({"css_class": 'a" onclick="x'}, "css_class must be"),
        ({"css_class": "a  b"}, "css_class must be"),
    ],
)
def test_bad_presentation_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Feature({"type": "Point", "coordinates": [4.9, 52.37]}, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"point_radius": 0}, "point_radius"),
        ({"max_tiles": 65}, "max_tiles"),
        ({"max_tiles": 0}, "max_tiles"),
    ],
)
def test_svg_map_rejects_bad_sizes(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        svg_map([], title="t", **kwargs)


def test_fitted_height_and_the_root_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="minimum must not exceed"):
        fitted_height((5, 52, 4, 53), 720)
    with pytest.raises(ValueError, match="role must be 'img' or 'group'"):
        svg_element("c1", 720, 480, "t", "d", "", role="link")
