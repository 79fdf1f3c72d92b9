"""Offline enrichment of a message: language, sentiment, keywords, topics, service request, place.

Everything runs in-process on data the project ships (no network, no model downloads); ``enrich`` on a
short message takes well under a millisecond (``bench/social_bench.py`` measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

from openingup.social.enrich import keywords as keyword_module
from openingup.social.enrich import language as language_module
from openingup.social.enrich import places as places_module
from openingup.social.enrich import sentiment as sentiment_module
from openingup.social.enrich.service_request import classifier

SHORT = 3  # words; below this a platform's declared language is trusted over detection


@dataclass(frozen=True)
class Enrichment:
    language: str
    sentiment_score: float
    sentiment: str
    keywords: list[str]
    topics: list[str]
    service_request_score: float
    place: places_module.Place | None


def enrich(
    text: str, declared_language: str = "", gazetteer: places_module.Gazetteer | None = None
) -> Enrichment:
    """Enrich one message's plain text; ``declared_language`` (the platform's) helps very short texts."""
    declared = declared_language.split("-")[0].lower()
    if declared == "no":
        declared = "nb"
    guess = language_module.detect(text)
    language = guess.language
    if declared in language_module.LANGUAGES and (
        not language or len(language_module.words(text)) < SHORT or guess.confidence < 0.05
    ):
        language = declared
    feeling = sentiment_module.analyse(text, language)
    found_topics = keyword_module.topics(text)
    place = (gazetteer or places_module.gazetteer()).find(text)
    score = classifier().score(text, language, topics=found_topics, has_place=place is not None)
    return Enrichment(
        language=language,
        sentiment_score=feeling.score,
        sentiment=feeling.label,
        keywords=keyword_module.keywords(text),
        topics=found_topics,
        service_request_score=score,
        place=place,
    )
