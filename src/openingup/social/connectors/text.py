"""Shared parsing helpers: HTML to plain text, timestamps, tolerant field access."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from openingup.social.connectors import ConnectorError

_BLOCKS = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skip:
            self.skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment: paragraphs become blank lines, markup and scripts go."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    return _LINES.sub("\n\n", "\n".join(lines)).strip()


def parse_time(value: Any, field: str) -> datetime:
    """An ISO 8601 or RFC 822 timestamp (always timezone-aware, UTC when none is given)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    text = str(value or "").strip()
    if not text:
        raise ConnectorError(f"{field} is missing")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ConnectorError(f"{field} is not a date and time: {text[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def optional_time(value: Any, field: str) -> datetime | None:
    return parse_time(value, field) if value else None


def mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConnectorError(f"{field} should be an object, not {type(value).__name__}")
    return value


def listing(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConnectorError(f"{field} should be a list, not {type(value).__name__}")
    return value


def obj(value: Any) -> dict[str, Any]:
    """The value when it is an object, else an empty one (optional parts of a payload)."""
    return value if isinstance(value, dict) else {}


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""
