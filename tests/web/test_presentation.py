"""Presentation helpers: language fallback, safe links, JSON for script elements, problem mapping."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from openingup.core.errors import FieldProblem
from openingup.web.forms import DatasetForm
from openingup.web.presentation import concept_label, pick, pick_list, safe_href, script_json
from openingup.web.problems import apply_problems


@pytest.mark.parametrize(
    ("values", "lang", "expected"),
    [
        ({"nl": "Bomen", "en": "Trees"}, "nl", ("Bomen", "nl")),
        ({"nl": "Bomen", "en": "Trees"}, "fr", ("Trees", "en")),
        ({"de": "Bäume"}, "fr", ("Bäume", "de")),
        ({"": "Untagged", "de": "Bäume"}, "fr", ("Untagged", "")),
        ({"nl": "", "en": "Trees"}, "nl", ("Trees", "en")),
        ({}, "nl", ("", "")),
        (None, "nl", ("", "")),
    ],
)
def test_pick_falls_back_and_says_which_language(
    values: object, lang: str, expected: tuple[str, str]
) -> None:
    with translation.override(lang):
        text = pick(values)
    assert (text.value, text.lang) == expected


def test_pick_list_falls_back_like_pick() -> None:
    with translation.override("sv"):
        assert pick_list({"nl": ["bomen"], "en": ["trees"]}) == ["trees"]
        assert pick_list({"sv": ["träd"], "en": ["trees"]}) == ["träd"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("mailto:data@example.org", "mailto:data@example.org"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//evil.example/", ""),
        (None, ""),
    ],
)
def test_only_safe_urls_become_links(url: str | None, expected: str) -> None:
    assert safe_href(url) == expected


def test_script_json_cannot_end_the_script_element() -> None:
    data = {"name": "</script><script>alert(1)</script>", "and": "a & b <!--"}

    text = str(script_json(data))

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_vocabulary_labels_follow_the_language_and_keep_unknown_uris() -> None:
    uri = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
    with translation.override("de"):
        assert concept_label("data-theme", uri) == "Umwelt"
    assert concept_label("data-theme", "https://example.org/mine") == "https://example.org/mine"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("problem", "field", "message"),
    [
        (
            FieldProblem("title", "(nl) is 5,000 characters long; the limit is 1,000"),
            "title_nl",
            "Title (Nederlands) is 5,000 characters long; the limit is 1,000",
        ),
        (
            FieldProblem("title", "is required (dct:title)"),
            "title_en",
            "Title (English) is required (dct:title)",
        ),
        (
            FieldProblem("contact_points", "email 'mailto:x' is not an absolute IRI"),
            "contact_email",
            "Contact email 'mailto:x' is not an absolute IRI",
        ),
        (
            FieldProblem("temporal", "end '2024-13' is not an ISO 8601 date"),
            "temporal_end",
            "Until '2024-13' is not an ISO 8601 date",
        ),
        (
            FieldProblem("language", "'x' is not in the EU language vocabulary"),
            "languages",
            "Languages of the data 'x' is not in the EU language vocabulary",
        ),
        (
            FieldProblem("applicable_legislation", "is wrong"),
            "hvd_categories",
            "High-value dataset categories is wrong",
        ),
    ],
)
def test_service_problems_land_on_their_input(problem: FieldProblem, field: str, message: str) -> None:
    with translation.override("en"):
        form = DatasetForm({"title_en": "x"})
        form.is_valid()
        apply_problems(form, [problem])

    assert form.errors[field] == [message]


@pytest.mark.django_db
def test_problems_without_an_input_go_to_the_top() -> None:
    form = DatasetForm({"title_en": "x"})
    form.is_valid()

    apply_problems(form, [FieldProblem("provenance", "is odd")])

    assert form.non_field_errors() == ["provenance is odd"]
    assert form.error_summary() == [("main-form", "provenance is odd")]
