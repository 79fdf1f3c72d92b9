"""The classifier as the social context's "is this a service request?" score.

A message is a service request as far as it is about one of the categories the municipality acts
on: the score is one minus the probability of ``other``. Registered through the social context's
own hook (:func:`openingup.social.enrich.service_request.set_classifier`) when the reports app is
ready, so neither context imports the other at module level.
"""

from __future__ import annotations

from openingup.reports.classify import OTHER


class ReportClassifier:
    """Implements the social context's ``ServiceRequestClassifier`` protocol."""

    def score(self, text: str, language: str, *, topics: list[str], has_place: bool) -> float:
        if not text.strip():
            return 0.0
        from openingup.reports.classify import store

        probabilities = store.current().probabilities(text[:4000], language)
        return round(1.0 - probabilities.get(OTHER, 0.0), 2)


def register() -> None:
    from openingup.social.enrich.service_request import set_classifier

    set_classifier(ReportClassifier())
