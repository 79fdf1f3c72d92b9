"""Following a channel's streaming API (Mastodon's server-sent events) until told to stop.

Each connection round: open every stream of the channel (one reader thread each; they only read, every
database write happens here), then catch up over REST (:func:`services.poll_channel`, from the stored
cursors), then store each event as it arrives through the same path as a poll
(:func:`services.record_items`). Because the streams are open before the catch-up starts, whatever happens
between two connections is fetched by the catch-up and whatever happens after arrives on the stream; a
message that comes both ways is stored once (``(channel, external_id)``), an event cut off by a dropped
connection is never half-stored (the parser only dispatches whole events) and comes back through the next
catch-up. A dropped or refused connection is retried after 1, 2, 4 … seconds (at most ``max_backoff``),
a 429 after its Retry-After. The REST cursors move only through the catch-up polls.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.utils import timezone

from openingup.social import permissions, services
from openingup.social.connectors import ConnectorError, StreamUpdate, connector_for
from openingup.social.connectors.client import parse_moment
from openingup.social.connectors.sse import Event, Reader
from openingup.social.models import Channel, Message

STREAM_IDLE = 90.0  # seconds without a byte (Mastodon sends a heartbeat every 10 s or so) count as a drop
MAX_BACKOFF = 60.0


@dataclass
class StreamReport:
    channel_id: str
    recorded: services.Recorded = field(default_factory=services.Recorded)
    events: int = 0  # events that bring messages (stored, repeated or edited)
    ignored: int = 0  # events of kinds the channel does not follow
    malformed: int = 0
    heartbeats: int = 0
    connections: int = 0
    drops: int = 0
    catch_ups: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: str = ""

    def in_words(self) -> str:
        return (
            f"{self.events} events ({self.recorded.in_words()}), {self.ignored} ignored, "
            f"{self.malformed} malformed, {self.heartbeats} heartbeats; {self.connections} connections, "
            f"{self.drops} drops, {self.catch_ups} catch-ups; stopped: {self.stopped}"
        )


class _Clock:
    def __init__(self, timeout: float | None, max_events: int | None, report: StreamReport) -> None:
        self.deadline = time.monotonic() + timeout if timeout else None
        self.max_events = max_events
        self.report = report

    def left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def done(self) -> bool:
        if self.max_events is not None and self.report.events >= self.max_events:
            self.report.stopped = self.report.stopped or f"{self.max_events} events"
            return True
        left = self.left()
        if left is not None and left <= 0:
            self.report.stopped = self.report.stopped or "timeout"
            return True
        return False

    def wait(self, seconds: float) -> float:
        left = self.left()
        return seconds if left is None else min(seconds, left)


def stream_channel(
    *,
    actor: Any,
    channel: Channel,
    max_events: int | None = None,
    timeout: float | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
    idle_timeout: float = STREAM_IDLE,
    max_backoff: float = MAX_BACKOFF,
    on_event: Callable[[str, StreamUpdate | None, services.Recorded | None], None] | None = None,
) -> StreamReport:
    """Follow the channel's streams until ``max_events`` message events, ``timeout`` seconds or an
    interruption (KeyboardInterrupt); platform trouble is retried, never raised. ValueError when the
    channel's platform has no streaming API or the channel cannot stream (no token, no hashtags)."""
    services._actor_may(actor, permissions.can_poll_channel(actor, channel))
    connector: Any = connector_for(channel.kind)
    if not hasattr(connector, "stream_endpoints"):
        raise ValueError(f"{channel.kind} channels have no streaming API; poll them instead")
    connector.stream_endpoints(services.channel_config(channel))  # ValueError when it cannot stream
    pause = sleep or time.sleep
    report = StreamReport(str(channel.pk))
    clock = _Clock(timeout, max_events, report)
    backoff = 1.0
    readers: list[Reader] = []
    try:
        while not clock.done():
            config = services.channel_config(channel, transport=transport, sleep=sleep)
            events: queue.Queue[tuple[str, str, Any]] = queue.Queue()
            readers = [
                Reader(
                    name,
                    url,
                    events,
                    headers=connector.stream_headers(config),
                    params=params,
                    transport=transport,
                    idle_timeout=idle_timeout,
                )
                for name, url, params in connector.stream_endpoints(config)
            ]
            for reader in readers:
                reader.start()
            report.connections += 1
            early, wait = _until_open(readers, events, clock, idle_timeout)
            if wait is None:
                services_report = services.poll_channel(
                    actor=None, channel=channel, transport=transport, sleep=sleep
                )
                report.catch_ups += 1
                report.recorded.add(services_report.recorded)
                if services_report.error:
                    report.errors.append(f"catch-up: {services_report.error}")
                backoff = 1.0
                wait = _drain(connector, channel, early, events, clock, report, on_event)
            _stop(readers)
            if wait is not None and not clock.done():
                pause(clock.wait(wait if wait > 0 else backoff))
                if wait <= 0:
                    backoff = min(backoff * 2, max_backoff)
    except KeyboardInterrupt:
        report.stopped = "interrupted"
    finally:
        _stop(readers)
    return report


def _stop(readers: list[Reader]) -> None:
    for reader in readers:
        reader.stop()
    for reader in readers:
        reader.join(timeout=5)


def _until_open(
    readers: list[Reader], events: queue.Queue[tuple[str, str, Any]], clock: _Clock, idle: float
) -> tuple[list[tuple[str, str, Any]], float | None]:
    """Wait until every stream is open. Returns what arrived meanwhile and None, or the seconds to wait
    before the next try (0: the ordinary backoff) when a stream was refused or could not connect."""
    opened: set[str] = set()
    early: list[tuple[str, str, Any]] = []
    report = clock.report
    while len(opened) < len(readers):
        try:
            kind, name, value = events.get(timeout=clock.wait(idle))
        except queue.Empty:
            report.errors.append("the streams did not open in time")
            return early, 0.0
        if kind == "open":
            opened.add(name)
        elif kind == "refused":
            status, retry_after, reason = value
            report.errors.append(f"{name}: {reason}")
            if status == 429 or (status == 503 and retry_after):
                moment = parse_moment(retry_after, timezone.now())
                seconds = (moment - timezone.now()).total_seconds() if moment else 60.0
                return early, max(seconds, 1.0)
            return early, 0.0
        elif kind == "closed":
            report.errors.append(f"{name}: {value}")
            return early, 0.0
        else:
            early.append((kind, name, value))
    return early, None


def _drain(
    connector: Any,
    channel: Channel,
    early: list[tuple[str, str, Any]],
    events: queue.Queue[tuple[str, str, Any]],
    clock: _Clock,
    report: StreamReport,
    on_event: Callable[[str, StreamUpdate | None, services.Recorded | None], None] | None,
) -> float | None:
    """Store events until done (None) or a stream drops (0: reconnect after the backoff)."""
    while not clock.done():
        if early:
            kind, name, value = early.pop(0)
        else:
            try:
                kind, name, value = events.get(timeout=clock.wait(1.0))
            except queue.Empty:
                continue
        if kind == "heartbeat":
            report.heartbeats += 1
        elif kind == "event":
            _store(connector, channel, name, value, report, on_event)
        elif kind in ("closed", "refused"):
            report.drops += 1
            report.errors.append(f"{name}: {value if kind == 'closed' else value[2]}")
            return 0.0
    return None


def _store(
    connector: Any,
    channel: Channel,
    name: str,
    event: Event,
    report: StreamReport,
    on_event: Callable[[str, StreamUpdate | None, services.Recorded | None], None] | None,
) -> None:
    try:
        update: StreamUpdate | None = connector.stream_event(name, event)
    except ConnectorError as exc:
        report.malformed += 1
        report.errors.append(str(exc))
        if on_event:
            on_event(event.event, None, None)
        return
    if update is None:
        report.ignored += 1
        if on_event:
            on_event(event.event, None, None)
        return
    items = update.items
    if update.known_only:
        known = set(
            Message.objects.filter(
                channel=channel, external_id__in=[i.external_id for i in items]
            ).values_list("external_id", flat=True)
        )
        items = [i for i in items if i.external_id in known]
    recorded = services.record_items(channel=channel, items=items)
    report.recorded.add(recorded)
    report.events += 1
    if on_event:
        on_event(event.event, update, recorded)
