"""Keywords (the message's most frequent content words and its hashtags) and topics.

Stop words are the language profiles' words (``data/languages``), so keywords are what is left: the
nouns and names a message is about. Topics come from ``data/topics.json``: a topic applies when a word
of the message starts with one of its prefixes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from importlib import resources

from openingup.social.enrich.language import model
from openingup.social.enrich.tokens import words

HASHTAG = re.compile(r"(?:^|\s)#([^\W_][\w-]*)")
MAX_KEYWORDS = 5
MIN_LENGTH = 4


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(w for ws in model().vocab.values() for w in ws if len(w) < 8)


@cache
def _topics() -> dict[str, tuple[str, ...]]:
    data = json.loads(resources.files("openingup.social").joinpath("data/topics.json").read_text("utf-8"))
    return {topic: tuple(p.lower() for p in prefixes) for topic, prefixes in data.items() if topic[0] != "_"}


def keywords(text: str) -> list[str]:
    """Up to five keywords: hashtags first, then content words by frequency, then first appearance."""
    tags = [t.lower() for t in HASHTAG.findall(text)]
    stop = _stopwords()
    counts = Counter(w for w in words(text) if len(w) >= MIN_LENGTH and w not in stop)
    ranked = [w for w, _ in sorted(counts.items(), key=lambda kv: -kv[1])]
    found: list[str] = []
    for word in [*tags, *ranked]:
        if word not in found:
            found.append(word)
    return found[:MAX_KEYWORDS]


def topics(text: str) -> list[str]:
    """The topics whose prefixes start a word of the text, in the order of ``topics.json``."""
    tokens = set(words(text))
    return [topic for topic, prefixes in _topics().items() if any(t.startswith(prefixes) for t in tokens)]
