""" "Is this a service request?" — an interface, and the heuristic used until the classifier shared
with citizen reports replaces it (:func:`set_classifier`).

The heuristic adds evidence: a topic a municipality acts on (waste, roads, lighting …), a word for a
defect or nuisance (the municipal lexicon's negative terms), a place, and a question or request; it
says 0..1, not a decision.
"""

from __future__ import annotations

from typing import Protocol

from openingup.social.enrich.sentiment import lexicon


class ServiceRequestClassifier(Protocol):
    def score(self, text: str, language: str, *, topics: list[str], has_place: bool) -> float:
        """How likely the message asks the municipality to fix or do something, 0..1."""


ACTIONABLE = {"waste", "roads", "lighting", "traffic", "cycling", "green", "noise", "water"}


class HeuristicClassifier:
    def score(self, text: str, language: str, *, topics: list[str], has_place: bool) -> float:
        value = 0.0
        if ACTIONABLE.intersection(topics):
            value += 0.35
        try:
            lex = lexicon(language)
        except KeyError:
            lex = None
        if lex is not None:
            lowered = text.lower()
            if any(v < 0 and " ".join(p) in lowered for p, v in lex.phrases.items()) or any(
                v <= -2 and w in lowered for w, v in lex.exact.items()
            ):
                value += 0.35
        if has_place:
            value += 0.2
        if "?" in text:
            value += 0.1
        return round(min(value, 1.0), 2)


_classifier: ServiceRequestClassifier = HeuristicClassifier()


def set_classifier(classifier: ServiceRequestClassifier) -> None:
    """Use another classifier from now on (the reports context registers its own)."""
    global _classifier
    _classifier = classifier


def classifier() -> ServiceRequestClassifier:
    return _classifier
