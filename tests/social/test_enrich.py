"""Offline enrichment: the labelled set meets its targets per language; the parts behave."""

from __future__ import annotations

import pytest

from openingup.social.enrich import enrich
from openingup.social.enrich.evaluation import LANGUAGE_TARGET, POLARITY_TARGET, evaluate, labelled
from openingup.social.enrich.language import LANGUAGES
from openingup.social.enrich.places import Gazetteer, Place
from openingup.social.enrich.sentiment import analyse


def test_labelled_set_has_at_least_50_messages_per_language_with_all_labels() -> None:
    rows = labelled()
    for code in LANGUAGES:
        mine = [r for r in rows if r["language"] == code]
        assert len(mine) >= 50, code
        assert {r["polarity"] for r in mine} == {"positive", "neutral", "negative"}


def test_language_and_polarity_meet_the_targets_per_language() -> None:
    scores = {s.language: s for s in evaluate()}
    assert set(scores) == set(LANGUAGES)
    for code, score in scores.items():
        assert score.language_accuracy >= LANGUAGE_TARGET, (code, score)
        assert score.polarity_accuracy >= POLARITY_TARGET, (code, score)


def test_evaluation_notices_wrong_labels() -> None:
    rows = [
        {**r, "polarity": "positive"}
        for r in labelled()
        if r["language"] == "de" and r["polarity"] == "negative"
    ]
    (score,) = evaluate(rows)
    assert score.polarity_accuracy < 0.2 and not score.meets_targets


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("The service is good", "en", "positive"),
        ("The service is not good", "en", "negative"),
        ("The service is not bad", "en", "positive"),
        ("Het afval is niet opgehaald en het stinkt", "nl", "negative"),
        ("Ce n'est pas du tout propre", "fr", "negative"),
        ("Die Ampel funktioniert nicht", "de", "negative"),
        ("Tusind tak for hjælpen", "da", "positive"),
        ("Tack, mycket bra jobbat", "sv", "positive"),
        ("Når åpner svømmehallen?", "nb", "neutral"),
    ],
)
def test_negation_and_domain_terms(text: str, language: str, label: str) -> None:
    assert analyse(text, language).label == label


def test_intensifier_strengthens() -> None:
    assert analyse("very bad", "en").score < analyse("bad", "en").score < 0


def test_places_longest_name_wins_and_give_a_location() -> None:
    gazetteer = Gazetteer.from_csv(
        "name,kind,latitude,longitude\nMarkt,square,,\nGrote Markt,square,50.83,3.26\n"
    )
    result = enrich("Kapotte lantaarn op de grote markt, graag repareren", gazetteer=gazetteer)
    assert result.place == Place("Grote Markt", "square", 50.83, 3.26)
    assert result.language == "nl" and "lighting" in result.topics
    assert result.service_request_score >= 0.5
    assert enrich("Wat een mooie dag", gazetteer=gazetteer).service_request_score < 0.5


def test_gazetteer_names_the_bad_line() -> None:
    with pytest.raises(ValueError, match="line 3"):
        Gazetteer.from_csv("name,kind,latitude,longitude\nMarkt,square,,\nDorp,district,north,\n")


def test_declared_language_helps_very_short_texts() -> None:
    assert enrich("Ok", "sv").language == "sv"
