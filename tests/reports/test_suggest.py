"""Suggested categories: the classifier when it answers, the keyword match when it is missing or fails."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.reports import suggest
from openingup.reports.models import Service

pytestmark = pytest.mark.django_db


def use_classifier(monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    def classify(text: str, language: str) -> list[tuple[str, float]]:
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]

    monkeypatch.setattr(suggest, "_classifier", lambda: classify)


def test_the_keyword_match_reads_names_and_keywords_in_every_language(
    monkeypatch: pytest.MonkeyPatch, litter: Service, pothole: Service
) -> None:
    monkeypatch.setattr(suggest, "_classifier", lambda: None)

    assert suggest.suggest_services("Lots of RUBBISH near the school", "en")[0][0] == "litter"
    assert suggest.suggest_services("zwerfafval bij de school", "nl")[0][0] == "litter"
    assert suggest.suggest_services("a deep pothole", "en")[0][0] == "pothole"
    assert suggest.suggest_services("nothing to see", "en") == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([("pothole", 0.8), ("litter", 0.1)], [("pothole", 0.8), ("litter", 0.1)]),
        ([("other", 0.7), ("litter", 0.2)], []),  # no service likely enough
        ([("streetlight", 0.9), ("litter", 0.05)], []),  # not a service here
        (RuntimeError("model file missing"), [("litter", 1.0)]),  # falls back to keywords
    ],
)
def test_the_classifier_is_used_when_it_answers(
    monkeypatch: pytest.MonkeyPatch, litter: Service, pothole: Service, answer: Any, expected: Any
) -> None:
    use_classifier(monkeypatch, answer)

    assert suggest.suggest_services("rubbish", "en") == expected
