"""Scoring rules against hand-computed examples: every question type, weights, n/a, levels."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.readiness.instruments import instrument, parse
from openingup.readiness.scoring import AnswerError, check_answer, question_score, score, weighted_mean
from tests.readiness.conftest import TINY_ANSWERS, TINY_OVERALL, tiny_data


def tiny() -> Any:
    return instrument("tiny", "1.0")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("q-single", "a", 0.0),
        ("q-single", "b", 0.5),
        ("q-single", "c", 1.0),
        ("q-multiple", [], 0.0),
        ("q-multiple", ["x"], 0.25),
        ("q-multiple", ["x", "y"], 0.75),
        ("q-multiple", ["x", "y", "z"], 1.0),  # 1.25 capped
        ("q-scale", 1, 0.0),
        ("q-scale", 2, 0.25),
        ("q-scale", 5, 1.0),
        ("q-yesno", True, 1.0),
        ("q-yesno", False, 0.0),
        ("q-number", 0, 0.0),
        ("q-number", 37.5, 0.375),
        ("q-number", 250, 1.0),  # clamped
        ("q-number", -3, 0.0),  # clamped
        ("q-hours", 0, 1.0),  # reversed scale: 48 → 0 hours, smaller is better
        ("q-hours", 36, 0.25),
        ("q-hours", 100, 0.0),
        ("q-evidence", True, 1.0),
        ("q-evidence", False, 0.0),
        ("q-quality", 7, 0.7),
        ("q-single", None, 0.0),  # unanswered
    ],
)
def test_question_score_per_type(key: str, value: Any, expected: float) -> None:
    assert question_score(tiny().question(key), value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("key", "value", "na", "message"),
    [
        ("q-single", "d", False, "not one of its options"),
        ("q-multiple", "x", False, "list of distinct options"),
        ("q-multiple", ["x", "x"], False, "list of distinct options"),
        ("q-scale", 6, False, "from 1 to 5"),
        ("q-scale", 2.5, False, "from 1 to 5"),
        ("q-yesno", "yes", False, "true or false"),
        ("q-number", "12", False, "must be a number"),
        ("q-number", True, False, "must be a number"),
        ("q-single", None, True, "not applicable"),  # q-single does not allow n/a
    ],
)
def test_invalid_answers_are_refused(key: str, value: Any, na: bool, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        check_answer(tiny().question(key), value, na)


def test_whole_instrument_hand_computed() -> None:
    tree = score(tiny(), TINY_ANSWERS)
    assert tree.overall == pytest.approx(TINY_OVERALL)
    assert tree.level == "mid"
    m1, m2 = tree.measures
    assert (m1.score, m1.level) == (pytest.approx(54.84375), "mid")
    assert (m2.score, m2.level) == (pytest.approx(75.0), "high")
    assert tree.driver_scores() == {
        "m1/d1/r1": pytest.approx(81.25),
        "m1/d1/r2": pytest.approx(52.5),
        "m1/d2/r3": pytest.approx(50.0),
        "m2/d3/r4": pytest.approx(75.0),
    }
    assert m1.dimensions[0].score == pytest.approx(59.6875)
    assert tree.questions["q-yesno"] is None  # n/a is left out, not zero


def test_unanswered_questions_score_zero() -> None:
    tree = score(tiny(), {"q-single": {"value": "c"}})
    # r1 = 100 × (1.0 + 0 + 0) / 4 = 25; every other driver 0
    assert tree.driver_scores()["m1/d1/r1"] == pytest.approx(25.0)
    # d1 = (25 + 0·3) / 4 = 6.25; m1 = (6.25 + 0) / 2 = 3.125; overall = 3.125·2 / 3
    assert tree.overall == pytest.approx(3.125 * 2 / 3)
    assert tree.level == "low"


def test_a_driver_whose_questions_are_all_na_has_no_score_and_is_left_out() -> None:
    answers = {"q-licence": {"na": True}, "q-quality": {"value": 10}}
    assert score(tiny(), answers).driver_scores()["m2/d3/r4"] == pytest.approx(100.0)
    data = tiny_data()
    data["version"] = "9.9"
    quality = data["measures"][1]["dimensions"][0]["drivers"][0]["questions"][1]
    quality["allow_na"] = True
    all_na = score(parse(data), {"q-licence": {"na": True}, "q-quality": {"na": True}})
    m2 = all_na.measures[1]
    assert m2.score is None and m2.level is None
    assert all_na.driver_scores()["m2/d3/r4"] is None
    # the overall score is then m1's alone: every m1 question unanswered → 0
    assert all_na.overall == pytest.approx(0.0)


def test_na_on_a_question_that_does_not_allow_it_counts_as_unanswered() -> None:
    tree = score(tiny(), {"q-single": {"na": True, "value": "c"}})
    assert tree.questions["q-single"] == 0.0


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(50.0, 1), (100.0, 1)], 75.0),
        ([(50.0, 1), (100.0, 3)], 87.5),
        ([(50.0, 0), (100.0, 2)], 100.0),
        ([(None, 5), (20.0, 1)], 20.0),
        ([(None, 1)], None),
        ([(10.0, 0)], None),
        ([], None),
    ],
)
def test_weighted_mean(pairs: list[tuple[float | None, float]], expected: float | None) -> None:
    assert weighted_mean(pairs) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0.0, "low"),
        (39.99, "low"),
        (40.0, "mid"),
        (74.9, "mid"),
        (75.0, "high"),
        (100.0, "high"),
        (None, None),
    ],
)
def test_level_is_the_last_whose_min_is_reached(value: float | None, level: str | None) -> None:
    found = tiny().level_for(value)
    assert (found.key if found else None) == level


def test_weights_change_the_overall() -> None:
    data = tiny_data()
    data["version"] = "9.8"
    data["measures"][0]["weight"] = 1  # m1 and m2 now count the same
    tree = score(parse(data), TINY_ANSWERS)
    assert tree.overall == pytest.approx((54.84375 + 75) / 2)


def test_answers_may_be_given_bare_or_as_objects() -> None:
    class Answer:
        def __init__(self, value: Any, na: bool = False) -> None:
            self.value, self.na = value, na

    bare = score(tiny(), {"q-single": "c", "q-scale": 3})
    objects = score(tiny(), {"q-single": Answer("c"), "q-scale": Answer(3)})
    assert bare.as_dict() == objects.as_dict()
    assert bare.driver_scores()["m1/d1/r1"] == pytest.approx(100 * (1.0 + 0.5) / 4)


def test_tree_as_dict_is_json_ready() -> None:
    import json

    data = score(tiny(), TINY_ANSWERS).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["measures"][0]["dimensions"][0]["drivers"][0] == {"key": "r1", "score": 81.25}
