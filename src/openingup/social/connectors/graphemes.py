"""Counting user-perceived characters (extended grapheme clusters, Unicode UAX #29) without the
``regex`` package, which is not installed here.

The rules implemented are the ones that matter for social posts: CR LF is one cluster; combining and
enclosing marks, spacing marks, variation selectors, emoji modifiers (skin tones), tag characters
(subdivision flags) and zero-width joiners extend the cluster before them; a zero-width joiner followed
by a pictograph joins it (family and profession emoji); two regional indicators make one flag; Hangul
jamo join into syllables. Not implemented: Prepend characters and Indic conjunct rules (GB9c), which
count a few Indic clusters as two.
"""

from __future__ import annotations

import unicodedata

ZWJ = "\u200d"


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        char == ZWJ
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # emoji modifiers
        or 0xE0020 <= code <= 0xE007F  # tags
        or char == "\u200c"
    )


def _pictographic(char: str) -> bool:
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2300 <= code <= 0x23FF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _hangul(char: str) -> str:
    code = ord(char)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


_HANGUL_JOINS = {
    "L": {"L", "V", "LV", "LVT"},
    "LV": {"V", "T"},
    "V": {"V", "T"},
    "LVT": {"T"},
    "T": {"T"},
}


def clusters(text: str) -> list[str]:
    """``text`` split into grapheme clusters."""
    found: list[str] = []
    previous = ""
    regional_run = 0
    for char in text:
        if not found:
            found.append(char)
        elif previous == "\r" and char == "\n":
            found[-1] += char
        elif previous in "\r\n" or char in "\r\n":
            found.append(char)
        elif (
            _extends(char)
            or (previous == ZWJ and _pictographic(char) and any(_pictographic(c) for c in found[-1]))
            or (_regional(char) and _regional(previous) and regional_run % 2 == 1)
            or (_hangul(previous) and _hangul(char) in _HANGUL_JOINS.get(_hangul(previous), set()))
        ):
            found[-1] += char
        else:
            found.append(char)
        regional_run = regional_run + 1 if _regional(char) else 0
        previous = char
    return found


def count(text: str) -> int:
    return len(clusters(text))
