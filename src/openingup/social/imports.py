"""Platform archive exports read as items: the X/Twitter archive and a Facebook page export.

* Twitter: ``data/tweets.js`` (or ``tweet.js``) is JavaScript, ``window.YTD.tweets.part0 = [...]``; each
  element is ``{"tweet": {...}}`` with ``id_str``, ``full_text``, ``created_at`` ("Wed Oct 10 20:19:24
  +0000 2018"), ``in_reply_to_status_id_str``, ``lang`` and ``entities``.
* Facebook: the page's posts JSON (a list, or an object with a list under a ``*posts*`` key) whose
  elements carry ``timestamp`` (epoch seconds), ``data[].post`` and ``title``; Facebook writes UTF-8 text
  as Latin-1 escapes, which is repaired. Posts have no id in the export: the id is a hash of time and
  text, so importing the same export twice adds nothing.

Raises :class:`ImportProblem` naming the file's problem; nothing is returned half-read.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from openingup.social.connectors import Item
from openingup.social.connectors.text import obj, parse_time

_ASSIGNMENT = re.compile(r"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*")
FORMATS = ("twitter", "facebook")


class ImportProblem(ValueError):
    """The export cannot be read; the message says why."""


def _twitter_time(value: Any, tweet_id: str) -> datetime:
    text = str(value or "")
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        try:
            return parse_time(text, f"tweet {tweet_id} created_at")
        except ValueError as exc:
            raise ImportProblem(f"tweet {tweet_id}: created_at {text[:40]!r} is not a date") from exc


def read_twitter(content: bytes) -> list[Item]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"tweets.js is not UTF-8: {exc}") from exc
    body = _ASSIGNMENT.sub("", text, count=1).strip().rstrip(";")
    try:
        rows = json.loads(body)
    except ValueError as exc:
        raise ImportProblem(f"tweets.js does not hold a JSON array after its assignment: {exc}") from exc
    if not isinstance(rows, list):
        raise ImportProblem("tweets.js does not hold a list of tweets")
    items = []
    for n, row in enumerate(rows, start=1):
        tweet = row.get("tweet", row) if isinstance(row, dict) else None
        if not isinstance(tweet, dict):
            raise ImportProblem(f"element {n} of tweets.js is not a tweet object")
        tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
        if not tweet_id:
            raise ImportProblem(f"tweet {n} has no id_str")
        reply_to = str(tweet.get("in_reply_to_status_id_str") or "")
        entities = obj(tweet.get("entities"))
        media = [
            {"type": str(m.get("type", "")), "url": str(m.get("media_url_https", "")), "description": ""}
            for m in (tweet.get("extended_entities") or entities).get("media", [])
            if isinstance(m, dict)
        ]
        items.append(
            Item(
                external_id=tweet_id,
                kind="reply" if reply_to else "post",
                created_at=_twitter_time(tweet.get("created_at"), tweet_id),
                text=str(tweet.get("full_text") or tweet.get("text") or ""),
                direction="out",
                in_reply_to=reply_to,
                declared_language=str(tweet.get("lang") or "").replace("und", ""),
                media=media,
                raw=tweet,
            )
        )
    return items


def _repair(text: str) -> str:
    """Facebook's exports escape UTF-8 bytes as Latin-1 code points ("Ã©" for "é"): undo that."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _facebook_rows(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key, value in data.items():
            if "post" in key and isinstance(value, list):
                return value
    raise ImportProblem("the Facebook export holds no list of posts")


def read_facebook(content: bytes) -> list[Item]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise ImportProblem(f"the Facebook export is not JSON: {exc}") from exc
    items = []
    for n, row in enumerate(_facebook_rows(data), start=1):
        if not isinstance(row, dict):
            raise ImportProblem(f"post {n} is not an object")
        stamp = row.get("timestamp")
        if not isinstance(stamp, int | float):
            raise ImportProblem(f"post {n} has no numeric timestamp")
        texts = [
            _repair(str(part["post"]))
            for part in row.get("data") or []
            if isinstance(part, dict) and part.get("post")
        ]
        title = _repair(str(row.get("title") or ""))
        text = "\n\n".join(texts) or title
        media = []
        for attachment in row.get("attachments") or []:
            for entry in attachment.get("data", []) if isinstance(attachment, dict) else []:
                medium = entry.get("media") if isinstance(entry, dict) else None
                if isinstance(medium, dict) and medium.get("uri"):
                    description = _repair(str(medium.get("description") or medium.get("title") or ""))
                    media.append({"type": "media", "url": str(medium["uri"]), "description": description})
        digest = hashlib.sha256(f"{int(stamp)}\n{text}".encode()).hexdigest()[:32]
        items.append(
            Item(
                external_id=f"fb:{int(stamp)}:{digest}",
                kind="post",
                created_at=datetime.fromtimestamp(float(stamp), UTC),
                text=text,
                direction="out",
                media=media,
                raw=row,
            )
        )
    return items


def read_export(fmt: str, content: bytes) -> list[Item]:
    """The items of an export in ``fmt`` (``twitter`` or ``facebook``)."""
    if fmt == "twitter":
        return read_twitter(content)
    if fmt == "facebook":
        return read_facebook(content)
    raise ImportProblem(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
