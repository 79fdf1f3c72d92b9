"""Classification of citizen reports: which service a text is about.

A per-language text classifier (:mod:`.model`) trained on the project's multilingual seed set and
the municipality's own history with its corrections (:mod:`.training`), evaluated by stratified
cross-validation (:mod:`.evaluation`), stored in versions (:mod:`.store`, :mod:`.models`) and
retrained from the back office or ``openingup reports train`` (:mod:`.services`). Its suggestions
(:func:`suggest`) serve the report form and Open311; its "is this a report at all?" share serves the
social context's enrichment (:mod:`.social`).

This module stays light: scikit-learn is imported on first use, not when Django starts.
"""

from __future__ import annotations

OTHER = "other"


def suggest(text: str, language: str | None = None) -> list[tuple[str, float]]:
    """Service codes with confidence, best first; see :func:`.suggestions.suggest`."""
    from openingup.reports.classify.suggestions import suggest as _suggest

    return _suggest(text, language)


__all__ = ["OTHER", "suggest"]
