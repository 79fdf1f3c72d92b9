"""Picking one language from the per-language texts of services and questions."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def pick(values: dict[str, str] | None, lang: str | None = None) -> str:
    """The text in ``lang`` (default: the active language), else the site's default language, else
    English, else any; an empty string when there is none."""
    if not values:
        return ""
    wanted = (lang or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (wanted, settings.LANGUAGE_CODE, "en"):
        if values.get(code):
            return values[code]
    return next((v for v in values.values() if v), "")
