"""Highlighted snippets for search hits, cut from the document's own unstemmed text, the same on every
backend: a word is marked when it is one of the query's words or starts with one of their stems (in any
of the index's languages, at least three letters), compared without case and diacritics, as the index
compares them. The window of ``WIDTH`` words with the most marks is shown, with an ellipsis where it cuts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from openingup.search.languages import LANGUAGES, WORD, canonical

WIDTH = 24
ELLIPSIS = "…"


@lru_cache(maxsize=10_000)
def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1000)
def _matcher(terms: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    exact = frozenset(fold(t) for t in terms)
    stems = {fold(canonical(lang, t)) for t in terms for lang in LANGUAGES}
    return exact, tuple(sorted(s for s in stems if len(s) >= 3))


def snippet(text: str, terms: list[str], start: str, stop: str) -> str:
    """The best window of ``text`` with matching words between ``start`` and ``stop``; '' if none."""
    exact, stems = _matcher(tuple(terms))
    tokens = list(WORD.finditer(text or ""))
    marked = [i for i, m in enumerate(tokens) if (w := fold(m.group())) in exact or w.startswith(stems)]
    if not marked:
        return ""
    best, most = marked[0], 0
    for first in marked:  # the window starting a little before a mark that holds the most marks
        begin = max(0, first - 3)
        count = sum(1 for i in marked if begin <= i < begin + WIDTH)
        if count > most:
            best, most = begin, count
    end = min(len(tokens), best + WIDTH)
    chosen = set(marked)
    out = [ELLIPSIS] if best > 0 else []
    cursor = tokens[best].start()
    for i in range(best, end):
        m = tokens[i]
        out.append(text[cursor : m.start()])
        out.append(f"{start}{m.group()}{stop}" if i in chosen else m.group())
        cursor = m.end()
    if end < len(tokens):
        out.append(ELLIPSIS)
    return "".join(out).strip()
