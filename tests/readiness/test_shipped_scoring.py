"""Each shipped instrument scores hand-computed examples: the numbers below are worked out by hand from
the files' options and weights (all weights 1), not by calling the engine."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.readiness.instruments import instrument
from openingup.readiness.scoring import score

SMRI_KEYS = [
    *(f"content-{i}" for i in (1, 2)), *(f"customer-experience-{i}" for i in (1, 2)),
    *(f"context-{i}" for i in (1, 2, 3)), *(f"conversation-{i}" for i in (1, 2)),
    *(f"collaboration-{i}" for i in (1, 2)), *(f"vision-ambition-{i}" for i in (1, 2)),
    *(f"function-results-{i}" for i in (1, 2)), *(f"processes-ownership-{i}" for i in (1, 2, 3)),
    *(f"resources-ict-{i}" for i in (1, 2)), *(f"people-{i}" for i in (1, 2)),
]  # fmt: skip

# SMRI, options a 0 / b 0.33 / c 0.67 / d 1:
#   content (d, b) = 100 × 1.33 / 2 = 66.5; customer experience (c, c) = 67; context (a, b, c) = 100 / 3;
#   conversation (d, d) = 100; collaboration unanswered = 0
#   interaction = (66.5 + 67 + 33.333… + 100 + 0) / 5 = 53.3666…  → conversation measure
#   vision (a, a) = 0; function (b, b) = 33; processes (d, d, d) = 100; resources (c, d) = 83.5;
#   people (b, c) = 50 → organisation = 266.5 / 5 = 53.3  → maturity measure
#   overall = (53.3666… + 53.3) / 2 = 53.3333…; 50 ≤ 53.3 < 83 → "constructive-chaos" (Mergel's stage 2)
SMRI_MIXED = {
    "content-1": "d", "content-2": "b", "customer-experience-1": "c", "customer-experience-2": "c",
    "context-1": "a", "context-2": "b", "context-3": "c", "conversation-1": "d", "conversation-2": "d",
    "vision-ambition-1": "a", "vision-ambition-2": "a", "function-results-1": "b", "function-results-2": "b",
    "processes-ownership-1": "d", "processes-ownership-2": "d", "processes-ownership-3": "d",
    "resources-ict-1": "c", "resources-ict-2": "d", "people-1": "b", "people-2": "c",
}  # fmt: skip

LOSI_KEYS = {
    "strategy": ["inst-strategy", "inst-owner", "inst-targets"],
    "legislation": ["inst-access", "inst-privacy", "inst-accessibility", "inst-opendata-policy"],
    "governance": ["cont-contact", "cont-council", "cont-decisions", "cont-budget", "cont-procurement"],
    "public": ["cont-services-info", "cont-environment", "cont-emergency", "cont-languages",
               "cont-open-data"],
    "transactions": ["serv-eid", "serv-application", "serv-payment", "serv-appointment", "serv-report",
                     "serv-open311"],
    "engagement": ["part-social", "part-feedback", "part-subscribe", "part-council-live"],
    "decisions": ["part-consultation", "part-proposals", "part-budgeting", "part-results"],
    "accessibility": ["tech-wcag", "tech-mobile", "tech-plain-language"],
    "functionality": ["tech-search", "tech-https", "tech-help", "tech-api"],
}  # fmt: skip


def _losi_mixed() -> dict[str, bool]:
    # strategy T T F = 66.67; legislation T F F F = 25 → institutional 45.833…
    # governance information all T = 100; public information T F T F F = 40 → content 70
    # transactions T T T F F F = 50; service quality unanswered = 0 → services 25
    # engagement all T = 100; decisions all F = 0 → participation 50
    # accessibility and functionality all T → technology 100
    # overall = (45.833… + 70 + 25 + 50 + 100) / 5 = 58.1666…; 50 ≤ 58.2 < 75 → "high"
    answers: dict[str, bool] = {}
    pattern = {
        "strategy": [True, True, False],
        "legislation": [True, False, False, False],
        "governance": [True] * 5,
        "public": [True, False, True, False, False],
        "transactions": [True, True, True, False, False, False],
        "engagement": [True] * 4,
        "decisions": [False] * 4,
        "accessibility": [True] * 3,
        "functionality": [True] * 4,
    }
    for group, values in pattern.items():
        answers.update(zip(LOSI_KEYS[group], values, strict=True))
    return answers


# ODM:
#   policy framework: policy c 0.67, open by default yes 1, instruments a+b+c 0.75 → 100 × 2.42 / 3 = 80.666…
#   governance: cooperation 4 on 1..5 = 0.75, HVD b 0.33 → 54 → policy = (80.666… + 54) / 2 = 67.333…
#   strategic awareness: goals no 0, know users d 1 → 50
#   measuring reuse: areas a 0.25, reuse cases 4 on 0..10 = 0.4, report uploaded 1 → 100 × 1.65 / 3 = 55
#   → impact 52.5
#   metadata: quality c 0.67, licence d 1, DCAT yes 1 → 89; currency: updates a 0, formats no 0 → 0
#   → quality 44.5
#   portal features: 150 datasets on 0..100 → 1 (clamped), features a–e 1.0 → 100
#   portal usage: analysis yes 1, requests 1 on 1..5 = 0, sustainability no 0 → 33.333… → portal 66.666…
#   overall = (67.333… + 52.5 + 44.5 + 66.666…) / 4 = 231 / 4 = 57.75; 40 ≤ 57.75 < 65 → "followers"
ODM_MIXED: dict[str, Any] = {
    "odm-policy": "c", "odm-open-by-default": True, "odm-instruments": ["a", "b", "c"],
    "odm-cooperation": 4, "odm-hvd": "b",
    "odm-impact-goals": False, "odm-know-users": "d",
    "odm-impact-areas": ["a"], "odm-reuse-cases": 4, "odm-impact-report": True,
    "odm-metadata-quality": "c", "odm-open-licence": "d", "odm-dcat": True,
    "odm-updates": "a", "odm-formats": False,
    "odm-datasets": 150, "odm-portal-features": ["a", "b", "c", "d", "e"],
    "odm-usage-analysis": True, "odm-data-requests": 1, "odm-sustainability": False,
}  # fmt: skip

CASES = [
    # (instrument, answers, overall, level, {driver path: score})
    (
        "smri",
        dict.fromkeys(SMRI_KEYS, "d"),
        100.0,
        "institutionalisation",
        {"conversation/interaction/content": 100.0},
    ),
    ("smri", dict.fromkeys(SMRI_KEYS, "a"), 0.0, "not-started", {"maturity/organisation/people": 0.0}),
    ("smri", {}, 0.0, "not-started", {"conversation/interaction/context": 0.0}),
    (
        "smri",
        SMRI_MIXED,
        53.333333,
        "constructive-chaos",
        {
            "conversation/interaction/content": 66.5,
            "conversation/interaction/customer-experience": 67.0,
            "conversation/interaction/context": 33.333333,
            "conversation/interaction/conversation": 100.0,
            "conversation/interaction/collaboration": 0.0,
            "maturity/organisation/vision-ambition": 0.0,
            "maturity/organisation/function-results": 33.0,
            "maturity/organisation/processes-ownership": 100.0,
            "maturity/organisation/resources-ict": 83.5,
            "maturity/organisation/people": 50.0,
        },
    ),
    (
        "losi",
        {k: True for keys in LOSI_KEYS.values() for k in keys}
        | {
            "serv-tracking": True,
            "serv-notifications": True,
            "serv-service-levels": True,
            "serv-within-level": True,
        },
        100.0,
        "very-high",
        {"readiness/services/service-quality": 100.0},
    ),
    (
        "losi",
        _losi_mixed(),
        58.166667,
        "high",
        {
            "readiness/institutional/strategy": 66.666667,
            "readiness/institutional/legislation": 25.0,
            "readiness/content/public-information": 40.0,
            "readiness/services/transactions": 50.0,
            "readiness/services/service-quality": 0.0,
            "readiness/participation/participation-decisions": 0.0,
        },
    ),
    (
        "losi",
        {"inst-strategy": True},
        100 / 3 / 2 / 5,
        "low",
        {"readiness/institutional/strategy": 33.333333},
    ),
    (
        "odm",
        ODM_MIXED,
        57.75,
        "followers",
        {
            "maturity/policy/policy-framework": 80.666667,
            "maturity/policy/governance": 54.0,
            "maturity/impact/strategic-awareness": 50.0,
            "maturity/impact/measuring-reuse": 55.0,
            "maturity/quality/metadata": 89.0,
            "maturity/quality/currency": 0.0,
            "maturity/portal/portal-features": 100.0,
            "maturity/portal/portal-usage": 33.333333,
        },
    ),
]


@pytest.mark.parametrize(("instrument_id", "answers", "overall", "level", "drivers"), CASES)
def test_shipped_instrument_scores_equal_hand_computed(
    instrument_id: str, answers: dict[str, Any], overall: float, level: str, drivers: dict[str, float]
) -> None:
    inst = instrument(instrument_id, "1.0")
    assert set(answers) <= {q.key for q in inst.questions()}, "the example uses keys the instrument lacks"
    tree = score(inst, answers)
    assert tree.overall == pytest.approx(overall, abs=1e-5)
    assert tree.level == level
    found = tree.driver_scores()
    for path, expected in drivers.items():
        assert found[path] == pytest.approx(expected, abs=1e-5), path


def test_smri_measures_hand_computed() -> None:
    tree = score(instrument("smri", "1.0"), SMRI_MIXED)
    conversation, maturity = tree.measures
    assert conversation.score == pytest.approx(53.366667, abs=1e-5)
    assert maturity.score == pytest.approx(53.3, abs=1e-5)
    assert conversation.level == maturity.level == "constructive-chaos"
