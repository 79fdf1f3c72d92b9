"""Languages the index stems, their Snowball algorithm and PostgreSQL text search configuration."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

# code -> snowball algorithm name (also PostgreSQL's configuration name)
LANGUAGES: dict[str, str] = {
    "nl": "dutch",
    "en": "english",
    "fr": "french",
    "de": "german",
    "da": "danish",
    "sv": "swedish",
    "nb": "norwegian",
}
ALIASES = {
    **dict.fromkeys(("no", "nn", "nob", "nno", "nor"), "nb"),
    **{"nld": "nl", "dut": "nl", "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de"},
    **{"dan": "da", "swe": "sv"},
}
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def code(tag: str) -> str:
    """The index's language for a literal's tag ('nl-BE' -> 'nl', 'no' -> 'nb'); '' when not stemmed."""
    base = (tag or "").lower().split("-")[0].split("_")[0]
    base = ALIASES.get(base, base)
    return base if base in LANGUAGES else ""


@cache
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(LANGUAGES[lang])


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


@lru_cache(maxsize=100_000)
def canonical(lang: str, word: str) -> str:
    """The word stemmed until it no longer changes (at most three rounds).

    One Snowball round is not idempotent: Dutch stems "fietsen" to "fiets" but "fiets" to "fiet".
    Stemming to the fixpoint on both sides (index and query) makes every form meet.
    """
    stemmer = _stemmer(lang)
    for _ in range(3):
        stemmed = stemmer.stemWord(word)
        if stemmed == word:
            break
        word = stemmed
    return word


def stem_words(lang: str, tokens: list[str]) -> list[str]:
    return [canonical(lang, t) for t in tokens]


def stem_text(lang: str, text: str) -> str:
    return " ".join(stem_words(lang, words(text)))
