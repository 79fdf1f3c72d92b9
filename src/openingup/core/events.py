"""A small in-process event bus: services publish after commit, other contexts subscribe.

Contract: ``publish`` never runs subscribers inside the caller's transaction; they run after the
outermost transaction commits (immediately when there is none), in the order the events were published.
Events of a savepoint that is rolled back are never delivered; neither are those of a transaction
rolled back. A failing subscriber is logged and does not affect the publisher or other subscribers.

Two kinds of subscriber: ``subscribe`` calls the function once per event; ``subscribe_batch`` once per
commit with every event of its names the transaction published (a harvest page of a hundred datasets
is indexed once, not two hundred times).

How: each transaction gets one ``_Delivery`` kept last among its after-commit callbacks, registered
outside any savepoint (so it survives savepoint rollbacks); each event is added to it by an
after-commit callback of its own, registered where it was published, so Django drops it with its
savepoint. On commit the adds run first, then the delivery.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], None]
BatchSubscriber = Callable[[list[Event]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_batch_subscribers: dict[str, list[BatchSubscriber]] = defaultdict(list)


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Decorator: call the function with every event of this name (``"*"`` for all)."""

    def register(fn: Subscriber) -> Subscriber:
        if fn not in _subscribers[name]:
            _subscribers[name].append(fn)
        return fn

    return register


def subscribe_batch(*names: str) -> Callable[[BatchSubscriber], BatchSubscriber]:
    """Decorator: call the function once per commit with the list of that commit's events of these
    names, in publishing order."""

    def register(fn: BatchSubscriber) -> BatchSubscriber:
        for name in names:
            if fn not in _batch_subscribers[name]:
                _batch_subscribers[name].append(fn)
        return fn

    return register


def _call(fn: Callable[[Any], None], argument: Any, what: str) -> None:
    try:
        fn(argument)
    except Exception:
        log.exception("subscriber %s failed on %s", getattr(fn, "__name__", fn), what)


def _deliver(events: list[Event]) -> None:
    batches: dict[BatchSubscriber, list[Event]] = {}
    for event in events:
        for fn in [*_subscribers.get(event.name, []), *_subscribers.get("*", [])]:
            _call(fn, event, event.name)
        for batch in _batch_subscribers.get(event.name, []):
            batches.setdefault(batch, []).append(event)
    for batch, theirs in batches.items():
        _call(batch, theirs, f"{len(theirs)} events")


class _Delivery:
    """The events of one transaction, delivered after it commits."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.done = False

    def add(self, event: Event) -> None:
        self.events.append(event)

    def __call__(self) -> None:
        events, self.events, self.done = self.events, [], True
        _deliver(events)


def publish(name: str, **payload: Any) -> Event:
    """Send an event after the current transaction commits; returns the event."""
    event = Event(name, payload)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _deliver([event])
        return event
    pending = connection.run_on_commit  # Django's (savepoint ids, callback, robust) entries, in order
    # (a test's captured callbacks stay in the list after they ran: a delivery done is not reused)
    delivery = next((e for e in pending if isinstance(e[1], _Delivery) and not e[1].done), None)
    if delivery is None:
        delivery = (set(), _Delivery(), False)
    else:
        pending.remove(delivery)
    transaction.on_commit(partial(delivery[1].add, event))  # dropped if its savepoint is rolled back
    connection.run_on_commit.append(delivery)  # last, and outside every savepoint
    return event
