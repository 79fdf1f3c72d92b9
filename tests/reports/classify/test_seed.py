"""The project's own seed set: enough varied examples per category in every language."""

from __future__ import annotations

from collections import Counter

import pytest

from openingup.reports.classify import seed
from openingup.social.enrich.language import LANGUAGES

CATEGORIES = {
    "streetlight",
    "litter",
    "pothole",
    "graffiti",
    "trees",
    "noise",
    "parking",
    "sewage",
    "danger",
    "other",
}


def test_every_category_has_at_least_30_examples_in_all_seven_languages() -> None:
    examples = seed.examples()
    assert set(seed.categories()) == CATEGORIES
    per_category = Counter(e.label for e in examples)
    assert min(per_category.values()) >= 30, per_category
    for category in CATEGORIES:
        assert {e.language for e in examples if e.label == category} == set(LANGUAGES), category


def test_texts_are_all_different() -> None:
    texts = [e.text.lower() for e in seed.examples()]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("lang,category,text\nen,litter,Bags\n", "header must be language,category,text"),
        ("language,category,text\nen,litter,Bags\nnl,,Zakken\n", "line 3: empty category"),
        ("language,category,text\nen,litter,\n", "line 2: empty text"),
    ],
)
def test_a_broken_seed_file_names_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        seed.parse(text)
