"""Which service a description is probably about, for the report form's suggested category.

Uses the text classifier of :mod:`openingup.reports.classify` when that module offers ``suggest``;
otherwise a keyword match over the services' names and keywords in every language.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable

from openingup.reports.models import Service

log = logging.getLogger(__name__)
WORD = re.compile(r"\w+", re.UNICODE)
MIN_WORD = 3

Suggester = Callable[[str, str], list[tuple[str, float]]]


def _classifier() -> Suggester | None:
    try:
        from openingup.reports import classify
    except ImportError:
        return None
    found = getattr(classify, "suggest", None)
    return found if callable(found) else None


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return {w for w in WORD.findall(plain) if len(w) >= MIN_WORD}


def _stems(words: Iterable[str]) -> set[str]:
    # A crude stem (the first five letters) lets "lamps" meet "lamp" and "lantaarnpalen" "lantaarnpaal".
    return {w[:5] for w in words}


def keyword_suggestions(text: str, services: Iterable[Service]) -> list[tuple[str, float]]:
    """Services whose keywords or name words occur in ``text``, with the share of the text's words
    that matched as confidence, best first."""
    said = _stems(_words(text))
    if not said:
        return []
    scored = []
    for service in services:
        vocabulary = " ".join([*service.keywords, *service.name.values(), service.group])
        hits = said & _stems(_words(vocabulary))
        if hits:
            scored.append((service.code, round(min(1.0, len(hits) / max(1, min(len(said), 4))), 3)))
    return sorted(scored, key=lambda s: (-s[1], s[0]))


def suggest_services(text: str, language: str) -> list[tuple[str, float]]:
    """Likely service codes for ``text`` with a confidence between 0 and 1, best first; only active
    services. Empty when the classifier's best guess is not one of them (its ``other``: no service is
    likely enough). Never raises: a failing or missing classifier gives way to the keyword match."""
    active = list(Service.objects.filter(active=True))
    codes = {s.code for s in active}
    classify = _classifier()
    if classify is not None:
        try:
            ranked = [(code, float(p)) for code, p in classify(text[:4000], language)]
        except Exception:
            log.exception("the classifier failed; using the keyword match")
        else:
            if not ranked or ranked[0][0] not in codes:
                return []
            return [(code, p) for code, p in ranked if code in codes]
    return keyword_suggestions(text, active)
