"""Each platform's length limit, counted the way the platform counts.

* Mastodon: 500 characters, counted as grapheme clusters, where every link counts as 23 characters and
  a mention of a remote account (``@name@server``) counts as ``@name`` (Mastodon's StatusLengthValidator).
* Bluesky: 300 grapheme clusters of the whole text, links and mentions included.
* The organisation's own RSS feed: 5000 grapheme clusters (a sanity limit of ours).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from openingup.social.connectors import facets
from openingup.social.connectors.bluesky import POST_GRAPHEMES
from openingup.social.connectors.graphemes import count
from openingup.social.connectors.mastodon import POST_LIMIT

MASTODON_URL_LENGTH = 23
_MASTODON_URL = re.compile(r"(?<![\w/.])https?://[^\s<>\"]+", re.IGNORECASE)
_MASTODON_MENTION = re.compile(r"(?<![\w/.])@(\w+(?:[.\-]+\w+)*)@[\w.\-]+\w", re.UNICODE)

FEED_LIMIT = 5000
LIMITS = {"mastodon": POST_LIMIT, "bluesky": POST_GRAPHEMES, "feed": FEED_LIMIT}
PLATFORM_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "feed": "RSS"}


@dataclass
class Measure:
    kind: str
    used: int
    limit: int

    @property
    def over(self) -> int:
        return max(0, self.used - self.limit)


def mastodon_length(text: str) -> int:
    countable = _MASTODON_URL.sub("x" * MASTODON_URL_LENGTH, text)
    countable = _MASTODON_MENTION.sub(lambda m: "@" + m.group(1), countable)
    return count(countable)


def length(kind: str, text: str) -> int:
    if kind == "mastodon":
        return mastodon_length(text)
    return count(text)


def measure(kind: str, text: str) -> Measure:
    """How long ``text`` is on a platform of ``kind``, and its limit. ValueError for a platform that
    posting does not support."""
    if kind not in LIMITS:
        raise ValueError(f"posting to {kind!r} channels is not supported (only Mastodon, Bluesky, feed)")
    return Measure(kind, length(kind, text), LIMITS[kind])


def problem(kind: str, text: str) -> str:
    """An explanation when ``text`` cannot be posted on a platform of ``kind``, else ""."""
    if not text.strip():
        return _("The text is empty.")
    try:
        found = measure(kind, text)
    except ValueError:
        return _("Posting to this kind of channel is not supported.")
    if found.over:
        return _("%(used)d characters: %(over)d over the %(limit)d that %(platform)s allows.") % {
            "used": found.used,
            "over": found.over,
            "limit": found.limit,
            "platform": PLATFORM_NAMES[kind],
        }
    return ""


def preview_facets(text: str) -> list[dict[str, Any]]:
    """The link and hashtag facets Bluesky will get (mentions need the platform to resolve them, so
    they are shown by handle)."""
    return facets.detect(text, lambda handle: f"(@{handle})")
