"""Instrument files: loading, versions, and a clear error naming the field for every kind of mistake."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openingup.readiness import instruments
from openingup.readiness.instruments import InstrumentError, instrument, parse, version_key, versions
from tests.readiness.conftest import tiny_data


def _first_question(d: dict[str, Any]) -> dict[str, Any]:
    return d["measures"][0]["dimensions"][0]["drivers"][0]["questions"][0]


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        target = d
        for step in path[:-1]:
            target = target[step]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


Q = ["measures", 0, "dimensions", 0, "drivers", 0, "questions"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_set(["id"], "Tiny!"), "id: must be lower-case"),
        (_set(["version"], 1.0), "version: must be a string"),
        (_set(["published"], "yesterday"), "published: must be an ISO date"),
        (_set(["sources"], []), "sources: must name at least one source"),
        (_set(["sources", 0, "url"], "ftp://x"), "sources[0]: needs a title and an http(s) url"),
        (_set(["title", "nb"], ""), "title: missing or empty for nb"),
        (_set(["title"], "Tiny"), "title: must be an object"),
        (_set(["levels", 0, "min"], 10), "levels[0].min: must be 0"),
        (_set(["levels", 2, "min"], 30), "levels: min must go up"),
        (_set(["measures"], []), "measures: must be a non-empty list"),
        (_set(["measures", 0, "weight"], -1), "measures[0].weight: must not be negative"),
        (_set(["measures", 0, "dimensions", 1, "key"], "d1"), "dimensions[1].key: 'd1' is used twice"),
        (_set([*Q, 1, "key"], "q-single"), "questions[1].key: 'q-single' is used twice"),
        (_set([*Q, 0, "type"], "essay"), "questions[0].type: must be one of"),
        (_set([*Q, 0, "options", 1, "score"], 2), "options[1].score: must be between 0 and 1"),
        (_set([*Q, 0, "options"], []), "questions[0].options: must be a non-empty list"),
        (_set([*Q, 0, "text", "de"], None), "questions[0].text: missing or empty for de"),
        (_set([*Q, 2, "scale"], {"min": 5, "max": 1}), "questions[2].scale: min and max must be integers"),
        (_set([*Q, 0, "allow_na"], "yes"), "questions[0].allow_na: must be true or false"),
        (
            _set(
                ["measures", 0, "dimensions", 0, "drivers", 1, "questions", 1, "normalise"],
                {"min": 3, "max": 3},
            ),
            "normalise: min and max must differ",
        ),
        (
            _set(
                ["measures", 0, "dimensions", 0, "drivers", 1, "questions", 2, "evidence", "indicator"], "x.y"
            ),
            "evidence.indicator: is not a known indicator",
        ),
        (
            _set(
                ["measures", 1, "dimensions", 0, "drivers", 0, "questions", 0, "evidence", "map"],
                {"steps": [[0, "zz"]]},
            ),
            "evidence.map.steps[0]: must be [threshold, an answer of the question]",
        ),
        (
            _set(["measures", 0, "dimensions", 1, "drivers", 0, "questions", 1, "evidence", "map"], {}),
            'evidence.map: must be {"at_least": number}',
        ),
    ],
)
def test_invalid_instruments_name_the_field(change: Callable[[dict[str, Any]], None], problem: str) -> None:
    data = tiny_data()
    change(data)
    with pytest.raises(InstrumentError) as caught:
        parse(data, "tiny.json")
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_several_problems_are_all_reported() -> None:
    data = tiny_data()
    data["id"] = "X"
    _first_question(data)["type"] = "essay"
    with pytest.raises(InstrumentError) as caught:
        parse(data)
    assert len(caught.value.problems) >= 2


def test_a_file_must_sit_at_its_id_and_version(extra_instruments: Path) -> None:
    folder = extra_instruments / "other"
    folder.mkdir()
    (folder / "1.0.json").write_text(json.dumps(tiny_data()), encoding="utf-8")
    with pytest.raises(InstrumentError, match="must match the file's path"):
        instruments.load(folder / "1.0.json")


def test_unreadable_json_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    path = tmp_path / "x" / "1.0.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not readable JSON"):
        instruments.load(path)


def test_latest_version_is_the_default(extra_instruments: Path) -> None:
    for version in ("1.2", "1.10"):
        data = tiny_data()
        data["version"] = version
        (extra_instruments / "tiny").mkdir(exist_ok=True)
        (extra_instruments / "tiny" / f"{version}.json").write_text(json.dumps(data), encoding="utf-8")
    instruments.clear_cache()
    assert versions("tiny") == ["1.0", "1.2", "1.10"]
    assert instrument("tiny").version == "1.10"
    assert instrument("tiny", "1.0").version == "1.0"
    with pytest.raises(LookupError, match=r"no version '2\.0'"):
        instrument("tiny", "2.0")
    with pytest.raises(LookupError, match="no instrument"):
        instrument("nope")


def test_version_key_is_numeric() -> None:
    assert sorted(["1.10", "1.9", "2.0", "1.0"], key=version_key) == ["1.0", "1.9", "1.10", "2.0"]


def test_tiny_instrument_navigation() -> None:
    tiny = instrument("tiny")
    assert [q.type for q in tiny.questions()] == [
        "single", "multiple", "scale", "yesno", "number", "number", "evidence", "yesno", "single", "scale",
    ]  # fmt: skip
    assert [path for path, _driver in tiny.drivers()] == ["m1/d1/r1", "m1/d1/r2", "m1/d2/r3", "m2/d3/r4"]
    assert instruments.title(tiny.title, "fr") == "Tiny test instrument [fr]"
    assert instruments.title(tiny.title, "xx") == "Tiny test instrument"
