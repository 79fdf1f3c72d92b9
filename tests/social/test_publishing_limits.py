"""Length limits per platform: graphemes (emoji, flags, combining marks, Hangul), Mastodon's link and
mention rules, and the Bluesky facets of a composed text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from openingup.social.connectors.graphemes import clusters, count
from openingup.social.publishing import limits


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", 3),
        ("e\u0301", 1),  # e + combining acute
        ("👍🏽", 1),  # skin tone
        ("👨‍👩‍👧‍👦", 1),  # family: ZWJ sequence
        ("🏳️‍🌈", 1),  # rainbow flag: variation selector + ZWJ
        ("🇳🇱🇧🇪", 2),  # two flags of regional indicator pairs
        ("🇳🇱🇧", 2),  # a lone regional indicator after a pair
        ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 1),  # England: tag sequence
        ("\r\n", 1),
        ("한국어", 3),
        ("\u1100\u1161\u11a8", 1),  # conjoining jamo make one syllable
        ("❤️", 1),
        ("a\u200db", 2),  # ZWJ between letters joins nothing
    ],
)
def test_grapheme_clusters(text: str, expected: int) -> None:
    assert count(text) == expected, clusters(text)


def test_bluesky_counts_graphemes_not_code_points() -> None:
    family = "👨‍👩‍👧‍👦"
    assert len(family) == 7
    assert limits.problem("bluesky", family * 300) == ""
    found = limits.problem("bluesky", family * 301)
    assert "301" in found and "1 over the 300" in found and "Bluesky" in found


def test_mastodon_counts_links_as_23_and_remote_mentions_by_name() -> None:
    link = "https://data.example.org/" + "x" * 200
    assert limits.mastodon_length(link) == 23
    assert limits.mastodon_length("@anna@social.example hoi") == len("@anna hoi")
    text = "a" * 477 + " " + link  # 477 + 1 + 23 = 501
    assert limits.measure("mastodon", text).over == 1
    assert limits.problem("mastodon", "a" * 476 + " " + link) == ""
    assert "500" in limits.problem("mastodon", "é" * 501)


def test_unsupported_platforms_and_empty_texts_are_named() -> None:
    assert limits.problem("rss", "hello") != ""
    assert limits.problem("mastodon", "   ") != ""
    with pytest.raises(ValueError, match="rss"):
        limits.measure("rss", "x")


def test_preview_facets_locate_links_and_tags_in_utf8_bytes() -> None:
    text = "Nieuw: 🚲 https://data.example.org/fiets #open"
    found = limits.preview_facets(text)
    kinds = [f["features"][0]["$type"].rsplit("#", 1)[1] for f in found]
    assert kinds == ["link", "tag"]
    link = found[0]["index"]
    assert text.encode()[link["byteStart"] : link["byteEnd"]] == b"https://data.example.org/fiets"
