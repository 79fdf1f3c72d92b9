"""Every request of a harvest: through the safe HTTP client, with retries, backoff and the job's deadline.

Transient failures (a lost connection, a timeout, HTTP 429 and 5xx) are retried
``OPENINGUP_HARVEST_RETRIES`` times, waiting 1, 2, 4 … seconds (``Retry-After`` when the server says so,
at most 60). Anything else is raised at once as :class:`FetchError` naming the URL and the problem;
:class:`~openingup.core.http.UnsafeURL` passes through unchanged (nothing was fetched).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from defusedxml import ElementTree as SafeET

from openingup import config
from openingup.core import http

TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_WAIT = 60.0


class _KeptOpen(httpx.BaseTransport):
    """One job's connections, kept open from page to page (the safe client closes its transport after
    each request; this one is closed by :meth:`Fetcher.close` when the job ends). Creating a transport
    sets up TLS, about a tenth of a second each time."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        pass


class FetchError(ValueError):
    """A page could not be fetched; the message names the URL and why."""


class Timeout(RuntimeError):
    """The job ran past its deadline."""


@dataclass
class Fetcher:
    """Fetches pages for one job; ``transport`` (tests), ``sleep`` and ``clock`` are injectable."""

    deadline: float = float("inf")
    transport: httpx.BaseTransport | None = None
    retries: int = field(default_factory=lambda: config.get_int("OPENINGUP_HARVEST_RETRIES"))
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    _kept: _KeptOpen | None = field(default=None, init=False, repr=False)

    def close(self) -> None:
        """Close the connections kept open between requests (the job has ended)."""
        if self._kept is not None:
            self._kept.inner.close()
            self._kept = None

    def _transport(self) -> httpx.BaseTransport:
        if self.transport is not None:
            return self.transport
        if self._kept is None:
            self._kept = _KeptOpen()
        return self._kept

    def check_deadline(self) -> None:
        if self.clock() > self.deadline:
            raise Timeout("the harvest ran longer than OPENINGUP_HARVEST_TIMEOUT allows")

    def get(self, url: str, *, accept: str = "*/*") -> http.Fetched:
        """The body of a successful GET; FetchError, UnsafeURL or Timeout otherwise."""
        attempt = 0
        while True:
            self.check_deadline()
            self.requests += 1
            wait = self.backoff * 2**attempt
            try:
                answer = http.send("GET", url, headers={"Accept": accept}, transport=self._transport())
            except http.UnsafeURL:
                raise
            except ValueError as exc:
                if not isinstance(exc.__cause__, httpx.TransportError) or attempt >= self.retries:
                    raise FetchError(str(exc)) from exc
            else:
                if answer.status < 400:
                    return http.Fetched(answer.url, answer.content, answer.headers.get("content-type", ""))
                if answer.status not in TRANSIENT or attempt >= self.retries:
                    raise FetchError(f"{answer.url} answered HTTP {answer.status}{_detail(answer)}")
                wait = _retry_after(answer, wait)
            attempt += 1
            self.sleep(min(wait, MAX_WAIT, max(0.0, self.deadline - self.clock())))


def _retry_after(answer: http.Answer, default: float) -> float:
    value = answer.headers.get("retry-after", "")
    return float(value) if value.isdigit() else default


def _detail(answer: http.Answer) -> str:
    """CKAN and others explain errors in a JSON body, Open311 servers in JSON or XML (``<errors>``); the
    first words of it help the publisher. XML is read without DTDs or entities, its text only."""
    content_type = answer.headers.get("content-type", "")
    if "xml" in content_type and len(answer.content) <= 100_000:
        try:
            root = SafeET.fromstring(answer.content)
        except Exception:  # not well-formed, or refused (entities): no detail then
            return ""
        text = " ".join(" ".join(t.split()) for t in root.itertext() if t.strip())[:300]
        return f": {text}" if text else ""
    text = answer.content[:300].decode("utf-8", "replace").strip()
    return f": {text}" if text and content_type.startswith("application/json") else ""
