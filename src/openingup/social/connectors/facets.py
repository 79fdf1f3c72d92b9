"""Bluesky rich-text facets: links, mentions and hashtags located by UTF-8 byte offsets.

The patterns follow the AT Protocol documentation ("Links, mentions, and rich text"); offsets are
counted in UTF-8 bytes of the text, end exclusive, as ``app.bsky.richtext.facet`` requires. Mentions
need the handle's DID: ``resolve`` returns it, or None to leave that mention as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openingup.social.connectors.graphemes import count as count_graphemes

MENTION = re.compile(
    r"(?:^|\W)(@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
URL = re.compile(
    r"(?:^|\W)(https?://(?:www\.)?[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b"
    r"(?:[-a-zA-Z0-9()@:%_+.~#?&/=]*[-a-zA-Z0-9@%_+~#/=])?)"
)
TAG = re.compile(r"(?:^|\s)[#＃]([^\s#＃]+)")
_TRAILING_PUNCTUATION = re.compile(r"[\W_]+$")
MAX_TAG = 64


def _bytes_before(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _span(text: str, start: int, end: int) -> dict[str, int]:
    byte_start = _bytes_before(text, start)
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode("utf-8"))}


def detect(text: str, resolve: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """The facets of ``text``, in order of position."""
    facets: list[tuple[int, dict[str, Any]]] = []
    for match in MENTION.finditer(text):
        handle = match.group(1)[1:]
        did = resolve(handle)
        if did:
            facets.append(
                (
                    match.start(1),
                    {
                        "index": _span(text, match.start(1), match.end(1)),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    },
                )
            )
    for match in URL.finditer(text):
        facets.append(
            (
                match.start(1),
                {
                    "index": _span(text, match.start(1), match.end(1)),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(1)}],
                },
            )
        )
    for match in TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match.group(1))
        if not tag or tag.isdigit() or len(tag) > MAX_TAG:
            continue
        start = match.start(1) - 1  # the facet covers the '#'
        facets.append(
            (
                start,
                {
                    "index": _span(text, start, match.start(1) + len(tag)),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                },
            )
        )
    return [facet for _, facet in sorted(facets, key=lambda pair: pair[0])]


def graphemes(text: str) -> int:
    """User-perceived characters (grapheme clusters), as Bluesky counts them."""
    return count_graphemes(text)
