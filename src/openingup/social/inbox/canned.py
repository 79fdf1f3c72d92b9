"""Placeholders in canned replies: ``{name}``, ``{handle}``, ``{organisation}``, ``{channel}`` and
``{tracking_url}``.

Only these names are allowed, without attribute or index access, so a reply text can never reach into
an object. ``fill`` puts in the values it is given and leaves the others as written, so a preview shows
what is still open (``{tracking_url}`` before a service request exists); ``open_placeholders`` lists them.
"""

from __future__ import annotations

import re
import string

PLACEHOLDERS = ("name", "handle", "organisation", "channel", "tracking_url")
_FIELD = re.compile(r"(?<!\{)\{(" + "|".join(PLACEHOLDERS) + r")\}(?!\})")  # {{name}} is literal


def check(text: str) -> None:
    """ValueError naming the first unknown or malformed placeholder in ``text``."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"braces do not match ({exc}); write {{{{ and }}}} for a brace itself") from None
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"{{{field}}} is not a placeholder; use {known}")


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each placeholder that has a value replaced (``{{`` and ``}}`` become braces once
    no placeholder is left open)."""
    filled = _FIELD.sub(lambda m: values.get(m[1], m[0]) if values.get(m[1]) else m[0], text)
    if open_placeholders(filled):
        return filled
    return filled.replace("{{", "{").replace("}}", "}")


def open_placeholders(text: str) -> list[str]:
    """The placeholders still in ``text``, in order, once each."""
    return list(dict.fromkeys(m[1] for m in _FIELD.finditer(text)))
