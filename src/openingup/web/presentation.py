"""Presentation helpers: multilingual texts, vocabulary labels, safe links, schema.org JSON-LD.

Nothing here writes; everything turns catalogue values into what a page shows in the active language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from openingup.vocabularies.registry import MEDIA_TYPE_BASE, vocabulary

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def active_language() -> str:
    """The primary subtag of the active UI language (``nl`` for ``nl-be``)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-", 1)[0].lower()


def fallback_languages(lang: str | None = None) -> list[str]:
    """Languages to try for a text, best first: the active one, the site default, English."""
    order = [lang or active_language(), settings.LANGUAGE_CODE, "en", ""]
    return list(dict.fromkeys(order))


def primary_languages() -> list[str]:
    """Languages whose inputs are always shown: the active one, the site default, Dutch and English."""
    codes = [code for code, _name in settings.LANGUAGES]
    wanted = [active_language(), settings.LANGUAGE_CODE, "nl", "en"]
    return [code for code in dict.fromkeys(wanted) if code in codes]


def ordered_languages() -> list[tuple[str, str]]:
    primary = primary_languages()
    rest = [(c, n) for c, n in settings.LANGUAGES if c not in primary]
    names = dict(settings.LANGUAGES)
    return [(c, names[c]) for c in primary] + rest


@dataclass(frozen=True)
class Text:
    """A text picked from a ``{lang: text}`` dict, with the language it is written in (``""``: unknown)."""

    value: str
    lang: str

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


def pick(values: Any, lang: str | None = None) -> Text:
    """The text in the active language, else the default language, English, untagged, or any."""
    if isinstance(values, str):
        return Text(values, "")
    if not isinstance(values, dict) or not values:
        return Text("", "")
    for code in fallback_languages(lang):
        if values.get(code):
            return Text(str(values[code]), code)
    code, value = next(((k, v) for k, v in values.items() if v), ("", ""))
    return Text(str(value), str(code))


def pick_list(values: Any, lang: str | None = None) -> list[str]:
    """Keywords (``{lang: [..]}``) in the active language, falling back like :func:`pick`."""
    if not isinstance(values, dict):
        return []
    for code in fallback_languages(lang):
        if values.get(code):
            return [str(v) for v in values[code]]
    return next(([str(v) for v in items] for items in values.values() if items), [])


def concept_label(name: str, uri: str, lang: str | None = None) -> str:
    """The label of ``uri`` in vocabulary ``name`` in the active language, else the URI itself."""
    if not uri:
        return ""
    found = vocabulary(name).resolve(uri)
    return found.label(lang or active_language()) if found else uri


def choices(name: str, lang: str | None = None) -> list[tuple[str, str]]:
    return vocabulary(name).choices(lang or active_language())


def media_type_code(uri: str) -> str:
    """``https://www.iana.org/assignments/media-types/text/csv`` → ``text/csv``."""
    return uri[len(MEDIA_TYPE_BASE) :] if uri.startswith(MEDIA_TYPE_BASE) else uri


def safe_href(url: Any) -> str:
    """The URL when it is an http(s), mailto or tel link; ``""`` otherwise (never ``javascript:``)."""
    text = str(url or "").strip()
    return text if text.lower().startswith(SAFE_SCHEMES) else ""


def script_json(data: Any) -> SafeString:
    """JSON for inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, so no text can close it."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_ESCAPES)
    return mark_safe(text)
