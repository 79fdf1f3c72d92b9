"""A small in-process event bus: services publish after commit, other contexts subscribe.

Contract: ``publish`` never runs subscribers inside the caller's transaction; they run after the
outermost transaction commits (immediately when there is none). A failing subscriber is logged and
does not affect the publisher or other subscribers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Decorator: call the function with every event of this name (``"*"`` for all)."""

    def register(fn: Subscriber) -> Subscriber:
        if fn not in _subscribers[name]:
            _subscribers[name].append(fn)
        return fn

    return register


def _dispatch(event: Event) -> None:
    for fn in [*_subscribers.get(event.name, []), *_subscribers.get("*", [])]:
        try:
            fn(event)
        except Exception:
            log.exception("subscriber %s failed on %s", getattr(fn, "__name__", fn), event.name)


def publish(name: str, **payload: Any) -> Event:
    """Send an event after the current transaction commits; returns the event."""
    event = Event(name, payload)
    transaction.on_commit(lambda: _dispatch(event))
    return event
