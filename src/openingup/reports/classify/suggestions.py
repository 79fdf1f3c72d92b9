"""Suggested services for a citizen's text: the classifier's categories mapped onto the services the
municipality offers, with the confidence threshold and the ``other`` fallback."""

from __future__ import annotations

from collections.abc import Iterable

from openingup import config
from openingup.reports.classify import store
from openingup.reports.classify.seed import OTHER
from openingup.reports.models import Service
from openingup.social.enrich.language import LANGUAGES, detect

LIMIT = 5
MAX_TEXT = 4000


def threshold() -> float:
    """``OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD`` as a number between 0 and 1."""
    raw = config.get("OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD")
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD must be a number, got {raw!r}") from None
    if not 0 <= value <= 1:
        raise ValueError(f"OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD must be between 0 and 1, got {raw!r}")
    return value


def catalogue(services: Iterable[Service] | None = None) -> dict[str, str] | None:
    """Which service answers each category: a service by its code, or by a keyword equal to a
    category. None when no service is active (then categories are suggested as they are)."""
    found = list(Service.objects.filter(active=True)) if services is None else list(services)
    if not found:
        return None
    mapping: dict[str, str] = {}
    for service in found:
        for keyword in service.keywords or []:
            mapping.setdefault(str(keyword).strip().lower(), service.code)
    mapping.update({service.code: service.code for service in found})
    return mapping


def rank(
    probabilities: dict[str, float], mapping: dict[str, str] | None, cutoff: float, limit: int = LIMIT
) -> list[tuple[str, float]]:
    """Categories' probabilities summed per service (categories no service answers go to ``other``),
    best first; when the best service is below ``cutoff``, ``other`` leads with the share of the
    probability no service reached."""
    totals: dict[str, float] = {}
    for label, p in probabilities.items():
        code = label if mapping is None else mapping.get(label, OTHER)
        totals[code] = totals.get(code, 0.0) + p
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    services = [(code, p) for code, p in ranked if code != OTHER]
    if not services or services[0][1] < cutoff:
        best = services[0][1] if services else 0.0
        ranked = [(OTHER, max(totals.get(OTHER, 0.0), 1 - best)), *services]
    return [(code, round(p, 4)) for code, p in ranked[:limit]]


def suggest(text: str, language: str | None = None) -> list[tuple[str, float]]:
    """Likely service codes for ``text`` with their confidence (0..1), best first, at most five;
    ``other`` first when no service is likely enough (``OPENINGUP_REPORTS_CLASSIFIER_THRESHOLD``).

    ``language`` (en, nl, fr, de, da, sv, nb) is detected from the text when not given. An empty text
    has no suggestions; ValueError for a text over 4,000 characters."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"the text is {len(text):,} characters; at most {MAX_TEXT:,}")
    if not text.strip():
        return []
    code = (language or "").split("-")[0].lower()
    if code not in LANGUAGES:
        code = detect(text).language
    probabilities = store.current().probabilities(text, code)
    return rank(probabilities, catalogue(), threshold())
