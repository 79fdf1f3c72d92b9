"""The social enrichment's "is this a service request?" score comes from the report classifier."""

from __future__ import annotations

from typing import Any

from openingup.reports.classify import services
from openingup.reports.classify.social import ReportClassifier
from openingup.social.enrich import enrich
from openingup.social.enrich.service_request import classifier


def test_the_reports_app_registers_its_classifier_with_social() -> None:
    assert isinstance(classifier(), ReportClassifier)


def test_reports_score_high_and_other_messages_low() -> None:
    for text in (
        "De lantaarnpaal in de Kerkstraat is kapot",
        "Stort hul i vejen ved skolen",
        "Someone dumped bin bags next to the recycling point",
    ):
        assert enrich(text).service_request_score >= 0.5, text
    for text in ("Bedankt voor het mooie concert gisteravond", "How do I apply for a new passport?"):
        assert enrich(text).service_request_score < 0.5, text
    assert ReportClassifier().score("  ", "en", topics=[], has_place=False) == 0.0


def test_a_retrained_model_answers_social_too(
    db: None, file: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wording = "The council newsletter came two days late"
    before = enrich(wording).service_request_score
    for _ in range(3):
        file("litter", wording)
    with django_capture_on_commit_callbacks(execute=True):
        services.train_classifier(actor=None)
    assert enrich(wording).service_request_score > max(before, 0.5)
