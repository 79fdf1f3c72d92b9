"""Platform archive exports read as items: the X/Twitter archive and a Facebook page export.

* Twitter: ``data/tweets.js`` (or ``tweet.js``) is JavaScript, ``window.YTD.tweets.part0 = [...]``; each
  element is ``{"tweet": {...}}`` with ``id_str``, ``full_text``, ``created_at`` ("Wed Oct 10 20:19:24
  +0000 2018"), ``in_reply_to_status_id_str``, ``lang`` and ``entities``.
* Facebook: the page's posts JSON (a list, or an object with a list under a ``*posts*`` key) whose
  elements carry ``timestamp`` (epoch seconds), ``data[].post`` and ``title``; Facebook writes UTF-8 text
  as Latin-1 escapes, which is repaired. Posts have no id in the export: the id is a hash of time and
  text, so importing the same export twice adds nothing.

Both are read as a stream (:func:`iter_export`): one element of the JSON array at a time from a binary
file, so memory does not grow with the export. Raises :class:`ImportProblem` naming the file's problem
(the element's number for a bad element); a caller that stores as it reads stores all or nothing by
keeping the import in one transaction.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from openingup.social.connectors import ConnectorError, Item
from openingup.social.connectors.text import obj, parse_time

_ASSIGNMENT = re.compile(r"window\.YTD\.[A-Za-z_]+\.part\d+\s*=")
FORMATS = ("twitter", "facebook")
CHUNK = 1 << 20
MAX_ELEMENT = 16 << 20  # one tweet or post larger than this is not believed
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class ImportProblem(ValueError):
    """The export cannot be read; the message says why."""


_MONTHS = {
    month: number
    for number, month in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_UTC_TIME = re.compile(r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d) \+0000 (\d{4})")


def _twitter_time(value: Any, tweet_id: str) -> datetime:
    text = str(value or "")
    fast = _UTC_TIME.fullmatch(text)  # what archives hold; strptime below for the rest
    if fast and fast[1] in _MONTHS:
        try:
            return datetime(
                int(fast[6]),
                _MONTHS[fast[1]],
                int(fast[2]),
                int(fast[3]),
                int(fast[4]),
                int(fast[5]),
                tzinfo=UTC,
            )
        except ValueError:
            pass  # such as Feb 30: strptime says why below
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        try:
            return parse_time(text, f"tweet {tweet_id} created_at")
        except (ValueError, ConnectorError) as exc:
            raise ImportProblem(f"tweet {tweet_id}: created_at {text[:40]!r} is not a date") from exc


class _JsonStream:
    """JSON values read one at a time off a binary file, a chunk at a time."""

    def __init__(self, handle: IO[bytes], what: str) -> None:
        self.handle, self.what = handle, what
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer, self.pos, self.eof = "", 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise ImportProblem(f"{self.what} is not UTF-8: {exc}") from exc
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        self.eof = not chunk
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            found = _SPACE.match(self.buffer, self.pos)
            self.pos = found.end() if found else self.pos
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def take(self, char: str, where: str) -> None:
        if self.peek() != char:
            got = self.peek() or "the end of the file"
            raise ImportProblem(f"{self.what}: expected {char!r} {where}, found {got!r}")
        self.pos += 1

    def skip_to(self, pattern: re.Pattern[str]) -> bool:
        """Move past the first match of ``pattern`` if it is near the start; False when there is none."""
        while len(self.buffer) - self.pos < 4096 and self._more():
            pass
        found = pattern.match(self.buffer, self.pos)
        if found:
            self.pos = found.end()
        return found is not None

    def value(self, where: str) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos < MAX_ELEMENT and self._more():
                    continue  # most likely cut off by the chunk: read on
                raise ImportProblem(f"{self.what}: {where} is not valid JSON: {exc}") from exc
            if end == len(self.buffer) and not self.eof and self._more():
                continue  # a number or literal may go on in the next chunk
            self.pos = end
            return value

    def array(self, where: str) -> Iterator[Any]:
        """The elements of the JSON array that starts here."""
        self.take("[", f"at the start of the JSON array of {where}")
        if self.peek() == "]":
            self.pos += 1
            return
        n = 0
        while True:
            n += 1
            yield self.value(f"element {n} of the JSON array")
            following = self.peek()
            self.pos += 1
            if following == "]":
                return
            if following != ",":
                raise ImportProblem(
                    f"{self.what}: expected ',' or ']' after element {n} of {where}, "
                    f"found {following or 'the end of the file'!r}"
                )


def _tweet_item(n: int, row: Any) -> Item:
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
        for m in obj(tweet.get("extended_entities") or entities).get("media", [])
        if isinstance(m, dict)
    ]
    return Item(
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


def iter_twitter(handle: IO[bytes]) -> Iterator[Item]:
    """The tweets of ``tweets.js`` (``window.YTD.tweets.part0 = [...]``, or a bare JSON array)."""
    stream = _JsonStream(handle, "tweets.js")
    if stream.peek() not in ("[", "") and not stream.skip_to(_ASSIGNMENT):
        raise ImportProblem("tweets.js does not start with window.YTD.tweets.part0 = [ … ] or a JSON array")
    if stream.peek() != "[":
        raise ImportProblem("tweets.js does not hold a JSON array after its assignment")
    for n, row in enumerate(stream.array("tweets.js"), start=1):
        yield _tweet_item(n, row)
    stream.pos += 1 if stream.peek() == ";" else 0
    if stream.peek():
        raise ImportProblem(f"tweets.js goes on after its array: {stream.peek()!r}")


def read_twitter(content: bytes) -> list[Item]:
    return list(iter_twitter(io.BytesIO(content)))


def _repair(text: str) -> str:
    """Facebook's exports escape UTF-8 bytes as Latin-1 code points ("Ã©" for "é"): undo that."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _facebook_rows(stream: _JsonStream) -> Iterator[Any]:
    """The posts: the file's array, or the first array under a key with "post" in its name."""
    if stream.peek() == "[":
        yield from stream.array("the Facebook export")
        return
    if stream.peek() != "{":
        raise ImportProblem("the Facebook export is not JSON: it is neither an array nor an object")
    stream.take("{", "at the start")
    while stream.peek() != "}":
        key = stream.value("a key of the Facebook export")
        if not isinstance(key, str):
            raise ImportProblem("the Facebook export is not JSON: an object key is not a string")
        stream.take(":", f"after the key {key!r}")
        if "post" in key and stream.peek() == "[":
            yield from stream.array(f"the Facebook export's {key!r}")
            return
        stream.value(f"the value of {key!r}")
        if stream.peek() == ",":
            stream.pos += 1
    raise ImportProblem("the Facebook export holds no list of posts")


def _facebook_item(n: int, row: Any) -> Item:
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
    return Item(
        external_id=f"fb:{int(stamp)}:{digest}",
        kind="post",
        created_at=datetime.fromtimestamp(float(stamp), UTC),
        text=text,
        direction="out",
        media=media,
        raw=row,
    )


def iter_facebook(handle: IO[bytes]) -> Iterator[Item]:
    stream = _JsonStream(handle, "the Facebook export")
    for n, row in enumerate(_facebook_rows(stream), start=1):
        yield _facebook_item(n, row)


def read_facebook(content: bytes) -> list[Item]:
    return list(iter_facebook(io.BytesIO(content)))


def iter_export(fmt: str, handle: IO[bytes]) -> Iterator[Item]:
    """The items of an export in ``fmt`` (``twitter`` or ``facebook``), read as a stream from ``handle``."""
    if fmt == "twitter":
        return iter_twitter(handle)
    if fmt == "facebook":
        return iter_facebook(handle)
    raise ImportProblem(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")


def read_export(fmt: str, content: bytes) -> list[Item]:
    """The items of an export in ``fmt`` (``twitter`` or ``facebook``)."""
    if fmt == "twitter":
        return read_twitter(content)
    if fmt == "facebook":
        return read_facebook(content)
    raise ImportProblem(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
