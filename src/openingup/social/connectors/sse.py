"""Server-sent events (the WHATWG ``text/event-stream`` format) read incrementally off an open response.

:class:`Parser` turns bytes, in chunks of any size, into whole events: ``event:`` and ``data:`` lines
(several ``data:`` lines joined by newlines), ``id:``, a blank line dispatches; ``:`` lines are comments
(Mastodon's ``:thump`` heartbeat), counted but not dispatched. An event is dispatched only when its blank
line has arrived, so a connection that drops half-way through an event yields nothing of it (the caller
catches up over REST). An event larger than ``limit`` bytes is a :class:`ValueError`.

:class:`Reader` reads one stream in a thread of its own and puts what happens on a queue the caller drains
in its own thread (so every database write stays in the caller's thread): ``("open", name, status)``,
``("event", name, Event)``, ``("heartbeat", name, None)``, ``("closed", name, reason)``.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
from dataclasses import dataclass
from typing import Any

import httpx

from openingup.core import http


@dataclass(frozen=True)
class Event:
    event: str
    data: str
    id: str = ""


class Parser:
    def __init__(self, limit: int = 16 * 1024 * 1024) -> None:
        self.limit = limit
        self.heartbeats = 0
        self._pending = b""
        self._event = ""
        self._data: list[str] = []
        self._id = ""
        self._size = 0

    def feed(self, chunk: bytes) -> list[Event]:
        """The events completed by ``chunk`` (comments only counted in ``heartbeats``)."""
        self._pending += chunk
        found: list[Event] = []
        while True:
            cut = min(
                (i for i in (self._pending.find(b"\n"), self._pending.find(b"\r")) if i >= 0), default=-1
            )
            if cut < 0:
                break
            if self._pending[cut : cut + 1] == b"\r" and cut + 1 == len(self._pending):
                break  # a CR at the end of the chunk may be the first half of CRLF
            line = self._pending[:cut]
            rest = self._pending[cut + 1 :]
            if self._pending[cut : cut + 2] == b"\r\n":
                rest = self._pending[cut + 2 :]
            self._pending = rest
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                found.append(event)
        if len(self._pending) + self._size > self.limit:
            raise ValueError(f"an event of the stream is larger than {self.limit:,} bytes")
        return found

    def _line(self, line: str) -> Event | None:
        if not line:
            if not self._data and not self._event:
                return None
            event = Event(self._event or "message", "\n".join(self._data), self._id)
            self._event, self._data, self._size = "", [], 0
            return event
        if line.startswith(":"):
            self.heartbeats += 1
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
            self._size += len(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        return None  # "retry" and unknown fields are ignored, as the format says

    @property
    def partial(self) -> bool:
        """Whether part of an event has arrived and not been dispatched."""
        return bool(self._pending or self._data or self._event)


class Reader(threading.Thread):
    """Reads the stream ``name`` at ``url`` into ``out`` until it ends, fails or :meth:`stop` is called."""

    def __init__(
        self,
        name: str,
        url: str,
        out: queue.Queue[tuple[str, str, Any]],
        *,
        headers: dict[str, str] | None = None,
        params: list[tuple[str, Any]] | None = None,
        transport: httpx.BaseTransport | None = None,
        idle_timeout: float | None = None,
    ) -> None:
        super().__init__(name=f"sse:{name}", daemon=True)
        self.stream_name, self.url, self.out = name, url, out
        self.headers, self.params, self.transport = headers or {}, params, transport
        self.idle_timeout = idle_timeout
        self._stopped = threading.Event()
        self._response: httpx.Response | None = None

    def stop(self) -> None:
        self._stopped.set()
        response = self._response
        if response is not None:
            # Shutting the socket down unblocks a read waiting in the reader's thread (closing the
            # response alone does not); either may race the reader's own close.
            with contextlib.suppress(Exception):
                network = response.extensions.get("network_stream")
                sock = network.get_extra_info("socket") if network is not None else None
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(Exception):
                response.close()

    def run(self) -> None:
        reason = "the server closed the stream"
        try:
            with http.stream(
                self.url,
                headers=self.headers,
                params=self.params,
                transport=self.transport,
                idle_timeout=self.idle_timeout,
            ) as response:
                self._response = response
                if response.status_code != 200:
                    response.read()
                    detail = response.text[:200].strip()
                    retry = response.headers.get("retry-after", "")
                    reason = f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
                    self.out.put(("refused", self.stream_name, (response.status_code, retry, reason)))
                    return
                self.out.put(("open", self.stream_name, response.status_code))
                parser = Parser()
                for chunk in response.iter_bytes():
                    if self._stopped.is_set():
                        return
                    beats = parser.heartbeats
                    for event in parser.feed(chunk):
                        self.out.put(("event", self.stream_name, event))
                    if parser.heartbeats != beats:
                        self.out.put(("heartbeat", self.stream_name, None))
                if parser.partial:
                    reason = "the stream ended in the middle of an event"
        except (httpx.HTTPError, ValueError, OSError) as exc:
            reason = str(exc) or type(exc).__name__
        finally:
            self._response = None
        if not self._stopped.is_set():
            self.out.put(("closed", self.stream_name, reason))
