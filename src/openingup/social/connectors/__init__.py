"""Connectors: one module per platform, in a typed registry, built-in ones registered like a plugin would.

A connector never touches the database. ``poll`` yields one :class:`StreamBatch` per stream (mentions,
direct messages, a hashtag, a feed …) with the stream's new cursor; the caller stores each batch and its
cursor in one transaction, so an error half-way (a 429 that outlasts the wait, a malformed page) keeps
everything fetched before it and the next poll resumes where the last stored cursor points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx


class ConnectorError(Exception):
    """The platform answered something unusable (an error status, a malformed payload); says which."""


class RateLimited(ConnectorError):
    """The platform asks us to wait until ``retry_at`` (429 with Retry-After, or an exhausted limit)."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


@dataclass
class Item:
    """One message as a connector or importer normalised it."""

    external_id: str
    kind: str  # mention | reply | dm | post | feed-item
    created_at: datetime
    text: str = ""
    html: str = ""
    direction: str = "in"
    author_handle: str = ""
    author_name: str = ""
    author_url: str = ""
    url: str = ""
    in_reply_to: str = ""
    thread_key: str = ""  # the conversation: the thread root's id or the platform's conversation id
    declared_language: str = ""
    media: list[dict[str, str]] = field(default_factory=list)
    edited_at: datetime | None = None
    deleted: bool = False
    scheduled_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class StreamBatch:
    stream: str
    items: list[Item]
    cursor: Any  # the stream's cursor after these items (JSON-serialisable)


@dataclass
class StreamUpdate:
    """What one streaming-API event brings: items of the polling stream ``stream`` (the same normalised
    items a poll yields). ``known_only``: edits and deletions, applied only to messages already stored."""

    stream: str
    items: list[Item]
    known_only: bool = False


@dataclass
class ChannelConfig:
    """What a connector knows of a channel; ``credentials`` may be replaced (a refreshed session)."""

    base_url: str
    handle: str = ""
    credentials: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] | None = None
    credentials_changed: bool = False

    def set_credentials(self, credentials: dict[str, Any]) -> None:
        self.credentials = credentials
        self.credentials_changed = True


@dataclass
class Draft:
    """An outgoing message: text, optionally a reply to ``in_reply_to`` (an external id) or scheduled."""

    text: str
    in_reply_to: str = ""
    scheduled_at: datetime | None = None
    language: str = ""
    idempotency_key: str = ""


class Connector(Protocol):
    kind: str
    can_post: bool

    def check(self, config: ChannelConfig) -> None:
        """Raise ConnectorError (or ValueError) when the channel's settings cannot work."""

    def poll(self, config: ChannelConfig, cursor: dict[str, Any]) -> Iterator[StreamBatch]:
        """Yield each stream's new items since ``cursor`` (the channel's stored cursors, by stream)."""

    def post(self, config: ChannelConfig, draft: Draft) -> Item:
        """Send ``draft``; the sent (or scheduled) message as an outgoing item."""


_registry: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    """Add a connector under its ``kind``; a later registration of the same kind replaces the earlier."""
    _registry[connector.kind] = connector
    return connector


def connector_for(kind: str) -> Connector:
    """The connector of a channel kind; ValueError naming the known kinds otherwise."""
    try:
        return _registry[kind]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise ValueError(f"no connector for channel type {kind!r} (known: {known})") from None


def registered() -> dict[str, Connector]:
    return dict(_registry)
