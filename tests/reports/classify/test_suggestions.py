"""Suggestions: a clear text in each language, services found by code or keyword, ``other`` below the
threshold, and bad input refused."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.classify import OTHER, suggest
from openingup.reports.classify.suggestions import catalogue, rank, threshold


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "The street light outside my house is broken", "streetlight"),
        ("nl", "Er ligt veel zwerfafval en een kapotte bank in het park", "litter"),
        ("fr", "Il y a un grand nid-de-poule dans la rue", "pothole"),
        ("de", "Jemand hat Graffiti an die Wand gesprüht", "graffiti"),
        ("da", "Naboen spiller høj musik hele natten", "noise"),
        ("sv", "En bil står felparkerad på trottoaren", "parking"),
        ("nb", "Kloakken er tett og det lukter vondt", "sewage"),
    ],
)
def test_a_clear_text_in_each_language(db: None, language: str, text: str, expected: str) -> None:
    given = suggest(text, language)
    detected = suggest(text)
    assert given[0][0] == expected and given[0][1] >= threshold(), given
    assert detected[0][0] == expected, detected
    assert [p for _, p in given] == sorted((p for _, p in given), reverse=True)


def test_services_receive_their_categories_by_code_or_keyword(
    db: None, municipality: Organisation, litter: Any
) -> None:
    services.create_service(
        actor=None, code="lights", name={"en": "Lights"}, keywords=["streetlight"], organisation=municipality
    )
    assert catalogue() == {
        "litter": "litter",
        "waste": "litter",
        "rubbish": "litter",
        "streetlight": "lights",
        "lights": "lights",
    }
    assert suggest("The street lamp at the corner is out", "en")[0][0] == "lights"
    # No service takes graffiti here, so what the classifier calls graffiti is "other".
    found = suggest("Someone sprayed graffiti on the town hall", "en")
    assert found[0][0] == OTHER and "graffiti" not in dict(found)


def test_other_when_nothing_is_likely_enough(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert suggest("When is the town hall open on Saturday?", "en")[0][0] == OTHER
    text = "The street light outside my house is broken"
    best = suggest(text, "en")[0]
    monkeypatch.setenv("OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD", f"{best[1] + 0.01:.4f}")
    below = suggest(text, "en")
    assert below[0][0] == OTHER and below[1][0] == "streetlight"
    assert below[0][1] == pytest.approx(max(1 - best[1], dict(suggest(text, "en")).get(OTHER, 0)), abs=1e-3)


def test_rank_sums_categories_per_service_and_falls_back() -> None:
    probabilities = {"streetlight": 0.3, "lamp": 0.25, "graffiti": 0.4, "other": 0.05}
    mapping = {"streetlight": "lights", "lamp": "lights"}
    assert rank(probabilities, mapping, 0.5) == [("lights", 0.55), (OTHER, 0.45)]
    assert rank(probabilities, mapping, 0.6)[0] == (OTHER, 0.45)
    assert rank(probabilities, None, 0.35)[:2] == [("graffiti", 0.4), ("streetlight", 0.3)]
    assert rank({"other": 1.0}, None, 0.4) == [(OTHER, 1.0)]


def test_bad_input_is_refused(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert suggest("   ") == []
    with pytest.raises(ValueError, match="4,001 characters; at most 4,000"):
        suggest("x" * 4001)
    monkeypatch.setenv("OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD", "high")
    with pytest.raises(ValueError, match="OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD must be a number"):
        suggest("broken lamp")
    monkeypatch.setenv("OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD", "1.5")
    with pytest.raises(ValueError, match="between 0 and 1"):
        threshold()
