"""The shipped readiness content: instruments and the recommendation library, checked against the format.

These tests read the JSON files directly and check them against the file format (docs/readiness.md),
independently of the loader; the last tests also load every file through the loader.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

import openingup.readiness

PACKAGE = Path(openingup.readiness.__file__).resolve().parent
INSTRUMENTS = PACKAGE / "instruments"
RECOMMENDATIONS = PACKAGE / "recommendations"
LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
QUESTION_TYPES = {"single", "multiple", "scale", "yesno", "number", "evidence"}
INDICATORS = {
    "catalogue.open_licence_share",
    "catalogue.datasets_published",
    "catalogue.hvd_share",
    "quality.average_score",
    "quality.average_share",
    "social.channels_in_use",
    "social.first_response_hours",
    "social.answered_share",
    "reports.within_service_level_share",
    "reports.open311_enabled",
}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SHIPPED_INSTRUMENTS = {"smri", "losi", "odm"}
SHIPPED_TOPICS = {"social-media", "open-data", "e-government"}

INSTRUMENT_FILES = sorted(INSTRUMENTS.glob("*/*.json"))
RECOMMENDATION_FILES = sorted(RECOMMENDATIONS.glob("*.json"))


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _instruments() -> dict[str, dict[str, Any]]:
    return {f"{p.parent.name}/{p.stem}": _read(p) for p in INSTRUMENT_FILES}


def _recommendations() -> list[dict[str, Any]]:
    return [item for p in RECOMMENDATION_FILES for item in _read(p)]


def _questions(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for m in data["measures"]:
        for d in m["dimensions"]:
            for r in d["drivers"]:
                yield from r["questions"]


def _driver_paths(data: dict[str, Any]) -> list[str]:
    return [
        f"{data['id']}/{m['key']}/{d['key']}/{r['key']}"
        for m in data["measures"]
        for d in m["dimensions"]
        for r in d["drivers"]
    ]


def _texts(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every translatable text object in a file, with where it is."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{where}[{i}]")
    elif isinstance(node, dict):
        for name, value in node.items():
            here = f"{where}.{name}"
            if name in ("title", "description", "text", "help", "label") and not isinstance(value, str):
                yield here, value
            elif name == "labels":
                for label_key, label in value.items():
                    yield f"{here}.{label_key}", label
            else:
                yield from _texts(value, here)


def _all_files() -> list[Path]:
    return INSTRUMENT_FILES + RECOMMENDATION_FILES


def test_the_shipped_files_are_there() -> None:
    assert {p.parent.name for p in INSTRUMENT_FILES} >= SHIPPED_INSTRUMENTS
    assert {p.stem for p in RECOMMENDATION_FILES} >= SHIPPED_TOPICS
    for path in INSTRUMENT_FILES:
        data = _read(path)
        assert (data["id"], data["version"]) == (path.parent.name, path.stem), path
        assert KEY.match(data["id"]) and re.match(r"^\d+(\.\d+)*$", data["version"])


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_files_are_pretty_printed_utf8_json(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_text_is_in_all_seven_languages_and_really_translated(path: Path) -> None:
    problems = []
    texts = list(_texts(_read(path)))
    assert texts
    for where, text in texts:
        if not isinstance(text, dict) or set(text) != set(LANGUAGES):
            problems.append(f"{where}: languages {sorted(text) if isinstance(text, dict) else text!r}")
            continue
        empty = [lang for lang in LANGUAGES if not isinstance(text[lang], str) or not text[lang].strip()]
        if empty:
            problems.append(f"{where}: empty in {empty}")
            continue
        # A sentence copied from English is not a translation (single terms like "Portal" may be the same).
        if len(text["en"].split()) > 4:
            copies = [lang for lang in LANGUAGES[1:] if text[lang].strip() == text["en"].strip()]
            if copies:
                problems.append(f"{where}: English copied into {copies}")
    assert not problems, problems


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_instrument_structure(path: Path) -> None:
    data = _read(path)
    date.fromisoformat(data["published"])
    question_keys: list[str] = []
    assert data["measures"]
    assert len({m["key"] for m in data["measures"]}) == len(data["measures"])
    for m in data["measures"]:
        assert KEY.match(m["key"]) and m.get("weight", 1) >= 0
        assert len({d["key"] for d in m["dimensions"]}) == len(m["dimensions"]) > 0
        for d in m["dimensions"]:
            assert KEY.match(d["key"]) and d.get("weight", 1) >= 0
            assert len({r["key"] for r in d["drivers"]}) == len(d["drivers"]) > 0
            for r in d["drivers"]:
                assert KEY.match(r["key"]) and r.get("weight", 1) >= 0
                assert r["questions"], r["key"]
                question_keys += [q["key"] for q in r["questions"]]
    assert all(KEY.match(k) for k in question_keys)
    duplicates = {k for k in question_keys if question_keys.count(k) > 1}
    assert not duplicates


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_questions_have_valid_types_and_fields(path: Path) -> None:
    for q in _questions(_read(path)):
        kind = q["type"]
        assert kind in QUESTION_TYPES, q["key"]
        assert q.get("weight", 1) >= 0
        assert isinstance(q.get("allow_na", False), bool)
        if kind in ("single", "multiple"):
            options = q["options"]
            assert len(options) >= 2, q["key"]
            assert len({o["key"] for o in options}) == len(options), q["key"]
            scores = [o["score"] for o in options]
            assert all(isinstance(s, int | float) and not isinstance(s, bool) for s in scores)
            assert all(0 <= s <= 1 for s in scores), q["key"]
            if kind == "single":
                # The best answer reaches the top of the scale and the worst the bottom.
                assert max(scores) == 1 and min(scores) == 0, q["key"]
            else:
                assert sum(scores) >= 0.999, q["key"]
        else:
            assert "options" not in q, q["key"]
        if kind == "scale":
            scale = q["scale"]
            low, high = scale["min"], scale["max"]
            assert isinstance(low, int) and isinstance(high, int) and low < high, q["key"]
            assert set(scale["labels"]) == {str(low), str(high)}, q["key"]
        if kind == "number":
            assert q["normalise"]["min"] != q["normalise"]["max"], q["key"]


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_levels_ascend_from_zero(path: Path) -> None:
    levels = _read(path)["levels"]
    assert len(levels) >= 3
    mins = [lv["min"] for lv in levels]
    assert mins[0] == 0
    assert all(a < b for a, b in itertools.pairwise(mins)), mins
    assert mins[-1] < 100
    assert len({lv["key"] for lv in levels}) == len(levels)
    assert all(KEY.match(lv["key"]) for lv in levels)


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sources_are_named_with_https_urls(path: Path) -> None:
    data = _read(path)
    holders = [data] if isinstance(data, dict) else data
    for holder in holders:
        sources = holder["sources"]
        assert sources, holder.get("key", holder.get("id"))
        for s in sources:
            assert s["title"].strip()
            assert re.match(r"^https://[^\s/]+\.[^\s/]+/?\S*$", s["url"]), s["url"]
        if isinstance(data, dict):
            assert all(s.get("note", "").strip() for s in sources)


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_evidence_ties_use_known_indicators_and_valid_maps(path: Path) -> None:
    for q in _questions(_read(path)):
        evidence = q.get("evidence")
        if evidence is None:
            continue
        assert evidence["indicator"] in INDICATORS, q["key"]
        mapping = evidence.get("map")
        if q["type"] == "number":
            assert mapping is None, q["key"]
        elif q["type"] == "yesno":
            assert isinstance(mapping["at_least"], int | float), q["key"]
        elif q["type"] in ("single", "scale"):
            steps = mapping["steps"]
            thresholds = [t for t, _ in steps]
            assert thresholds == sorted(set(thresholds)), q["key"]
            if q["type"] == "single":
                score = {o["key"]: o["score"] for o in q["options"]}
                assert all(answer in score for _, answer in steps), q["key"]
                # A larger platform value moves the answer one way only (up, or down for e.g. response hours).
                mapped = [score[answer] for _, answer in steps]
                assert mapped in (sorted(mapped), sorted(mapped, reverse=True)), q["key"]
            else:
                assert all(q["scale"]["min"] <= a <= q["scale"]["max"] for _, a in steps), q["key"]
        else:
            pytest.fail(f"{q['key']}: a {q['type']} question cannot be prefilled")


def test_smri_has_two_measures_ten_drivers_and_phase_based_answers() -> None:
    smri = _read(INSTRUMENTS / "smri" / "1.0.json")
    assert [m["key"] for m in smri["measures"]] == ["conversation", "maturity"]
    assert [p.split("/", 1)[1] for p in _driver_paths(smri)] == [
        "conversation/interaction/content",
        "conversation/interaction/customer-experience",
        "conversation/interaction/context",
        "conversation/interaction/conversation",
        "conversation/interaction/collaboration",
        "maturity/organisation/vision-ambition",
        "maturity/organisation/function-results",
        "maturity/organisation/processes-ownership",
        "maturity/organisation/resources-ict",
        "maturity/organisation/people",
    ]
    for m in smri["measures"]:
        for d in m["dimensions"]:
            for r in d["drivers"]:
                assert 2 <= len(r["questions"]) <= 3, r["key"]
    for q in _questions(smri):
        assert q["type"] == "single"
        scores = [o["score"] for o in q["options"]]
        # Phases in order: 0, one third, two thirds, 1 (three-phase questions skip one).
        assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 1, q["key"]
        assert set(scores) <= {0.0, 0.33, 0.67, 1.0}, q["key"]
    levels = [lv["key"] for lv in smri["levels"]]
    assert levels == ["not-started", "experimentation", "constructive-chaos", "institutionalisation"]
    indicators = {q["evidence"]["indicator"] for q in _questions(smri) if "evidence" in q}
    assert indicators >= {"social.channels_in_use", "social.first_response_hours", "social.answered_share"}
    # 20-30 minutes: about a minute a question.
    assert 20 <= len(list(_questions(smri))) <= 30


def test_losi_checklist_covers_the_five_criteria_with_yes_no_indicators() -> None:
    losi = _read(INSTRUMENTS / "losi" / "1.0.json")
    (measure,) = losi["measures"]
    assert [d["key"] for d in measure["dimensions"]] == [
        "institutional",
        "content",
        "services",
        "participation",
        "technology",
    ]
    questions = list(_questions(losi))
    assert 30 <= len(questions) <= 45
    assert {q["type"] for q in questions} == {"yesno"}
    assert [lv["min"] for lv in losi["levels"]] == [0, 25, 50, 75]
    indicators = {q["evidence"]["indicator"] for q in questions if "evidence" in q}
    assert indicators >= {"reports.open311_enabled", "catalogue.datasets_published"}


def test_odm_covers_the_four_dimensions_with_every_question_type() -> None:
    odm = _read(INSTRUMENTS / "odm" / "1.0.json")
    (measure,) = odm["measures"]
    assert [d["key"] for d in measure["dimensions"]] == ["policy", "impact", "quality", "portal"]
    assert {q["type"] for q in _questions(odm)} == QUESTION_TYPES
    assert [lv["key"] for lv in odm["levels"]] == ["beginners", "followers", "fast-trackers", "trend-setters"]
    indicators = {q["evidence"]["indicator"] for q in _questions(odm) if "evidence" in q}
    assert indicators >= {
        "catalogue.open_licence_share",
        "quality.average_share",
        "catalogue.hvd_share",
        "catalogue.datasets_published",
    }


def test_recommendation_keys_are_unique_and_well_formed() -> None:
    items = _recommendations()
    keys = [r["key"] for r in items]
    assert len(keys) == len(set(keys))
    for r in items:
        assert KEY.match(r["key"]), r["key"]
        assert r["drivers"], r["key"]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", r["text"]["en"].strip()) if s]
        assert 2 <= len(sentences) <= 5, r["key"]


def test_every_recommendation_driver_resolves_and_every_driver_has_one() -> None:
    drivers = {p for data in _instruments().values() for p in _driver_paths(data)}
    referenced = {ref for r in _recommendations() for ref in r["drivers"]}
    assert referenced <= drivers, sorted(referenced - drivers)
    assert drivers <= referenced, sorted(drivers - referenced)


def test_every_feature_names_an_existing_page() -> None:
    seen = set()
    for r in _recommendations():
        for feature in r["features"]:
            name = feature["url_name"]
            try:
                reverse(f"web:{name}")
            except NoReverseMatch:
                pytest.fail(f"{r['key']}: no page named web:{name}")
            seen.add(name)
    assert len(seen) >= 10


def test_instruments_load_through_the_loader() -> None:
    from openingup.readiness import instruments

    for path in INSTRUMENT_FILES:
        loaded = instruments.load(path)
        data = _read(path)
        assert (loaded.id, loaded.version) == (data["id"], data["version"])
        assert len(loaded.questions()) == len(list(_questions(data)))
        assert [f"{loaded.id}/{p}" for p, _ in loaded.drivers()] == _driver_paths(data)
    for ident in SHIPPED_INSTRUMENTS:
        assert instruments.instrument(ident).id == ident


def test_recommendations_load_through_the_library() -> None:
    from openingup.readiness import recommendations

    recommendations.clear_cache()
    loaded = recommendations.all_recommendations()
    assert [r["key"] for r in loaded] == [r["key"] for r in _recommendations()]
    assert {r["topic"] for r in loaded} >= SHIPPED_TOPICS
    assert recommendations.for_driver("smri/maturity/organisation/people")
