"""Words of a message: lower-cased runs of letters; URLs, mentions and numbers left out."""

from __future__ import annotations

import re

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@][\w.-]+")
_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased (apostrophes and hyphens split words)."""
    return _WORD.findall(_NOISE.sub(" ", text).lower())
