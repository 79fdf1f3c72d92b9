"""A small in-process event bus: services publish after commit, other contexts subscribe.

Contract: ``publish`` never runs subscribers inside the caller's transaction; they run after the
outermost transaction commits (immediately when there is none), in the order the events were published.
Events of a savepoint that is rolled back are never delivered; neither are those of a transaction
rolled back. A failing subscriber is logged and does not affect the publisher or other subscribers.

Two kinds of subscriber: ``subscribe`` calls the function once per event; ``subscribe_batch`` once per
commit with every event of its names the transaction published (a harvest page of a hundred datasets
is indexed once, not two hundred times).

How: each event is added to the transaction's list by an after-commit callback of its own, registered
where it was published (so Django drops it with its savepoint), followed by a ``_Delivery`` registered
outside any savepoint (so it survives savepoint rollbacks) that replaces the transaction's previous one;
on commit the adds run in order and the last delivery hands the whole list to the subscribers.
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
    """The events of one transaction, delivered after it commits by the last one registered."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events  # shared with the delivery this one replaces
        self.live = True

    def add(self, event: Event) -> None:
        self.events.append(event)

    def __call__(self) -> None:
        if self.live:
            self.live = False
            events = self.events[:]
            self.events.clear()
            _deliver(events)


def publish(name: str, **payload: Any) -> Event:
    """Send an event after the current transaction commits; returns the event."""
    event = Event(name, payload)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _deliver([event])
        return event
    # Django keeps (savepoint ids, callback, robust) entries in order. The transaction's live delivery
    # hands over to a new one at the end, so that it runs after this event's ``add``; entries are only
    # ever appended (as Django's own ``on_commit`` does), never moved.
    previous = next(
        (e[1] for e in reversed(connection.run_on_commit) if isinstance(e[1], _Delivery) and e[1].live),
        None,
    )
    delivery = _Delivery(previous.events if previous is not None else [])
    if previous is not None:
        previous.live = False
    transaction.on_commit(partial(delivery.add, event))  # dropped if its savepoint is rolled back
    connection.run_on_commit.append((set(), delivery, False))  # outside every savepoint
    return event
