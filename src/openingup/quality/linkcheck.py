"""A polite link checker: one request at a time, a pause per host, HEAD then GET, through the safe client.

:class:`LinkChecker` never raises for a URL: an address the safe client refuses (private, loopback,
metadata, a bad scheme) is a failed check with the reason and no request; a timeout or a refused
connection is a failed check with the error. Files this platform serves itself (``BASE_URL/distributions/
<id>/download/...``) are checked in storage, not over HTTP.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from openingup import config
from openingup.core import http


@dataclass(frozen=True)
class LinkResult:
    url: str
    status_code: int | None
    ok: bool
    error: str = ""


def polite_order(urls: Iterable[str]) -> list[str]:
    """The URLs, each once, taking hosts in turn so that waiting for one host is spent on another."""
    by_host: OrderedDict[str, deque[str]] = OrderedDict()
    seen: set[str] = set()
    for url in urls:
        if url and url not in seen:
            seen.add(url)
            by_host.setdefault((urlsplit(url).hostname or "").lower(), deque()).append(url)
    ordered: list[str] = []
    while by_host:
        for host in list(by_host):
            ordered.append(by_host[host].popleft())
            if not by_host[host]:
                del by_host[host]
    return ordered


def _own_file(url: str) -> LinkResult | None:
    """The result for a file this platform serves, or None when the URL is not one of those."""
    prefix = f"{settings.BASE_URL}/distributions/"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :].split("/", 2)
    if len(rest) < 3 or rest[1] != "download":
        return None
    from openingup.catalogue.models import Distribution

    try:
        pk = uuid.UUID(rest[0])
    except ValueError:
        return LinkResult(url, 404, False, "not a distribution of this platform")
    distribution = Distribution.objects.filter(pk=pk).only("file").first()
    name = distribution.file.name if distribution is not None and distribution.file else None
    if distribution is None or not name or not distribution.file.storage.exists(name):
        return LinkResult(url, 404, False, "the file is not stored on this platform")
    return LinkResult(url, 200, True)


class LinkChecker:
    """Checks URLs one by one, waiting ``delay`` seconds between two requests to the same host."""

    def __init__(
        self,
        *,
        delay: float | None = None,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = float(config.get_int("OPENINGUP_LINK_CHECK_DELAY")) if delay is None else delay
        self.timeout = float(config.get_int("OPENINGUP_LINK_CHECK_TIMEOUT")) if timeout is None else timeout
        self.transport = transport
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.delay - (self._clock() - last)
            if pause > 0:
                self._sleep(pause)
        self._last[host] = self._clock()

    def check(self, url: str) -> LinkResult:
        own = _own_file(url)
        if own is not None:
            return own
        try:
            http.check_url(url)  # refused before any waiting or request
        except http.UnsafeURL as exc:
            return LinkResult(url, None, False, f"refused: {exc}")
        self._wait_for((urlsplit(url).hostname or "").lower())
        try:
            found = http.check(url, transport=self.transport, timeout=self.timeout)
        except http.UnsafeURL as exc:  # a redirect to a refused address
            return LinkResult(url, None, False, f"refused: {exc}")
        except ValueError as exc:
            return LinkResult(url, None, False, str(exc)[:1000])
        ok = 200 <= found.status < 300
        return LinkResult(url, found.status, ok, "" if ok else f"HTTP {found.status} ({found.method})")

    def check_all(self, urls: Iterable[str]) -> Iterator[LinkResult]:
        """Results in :func:`polite_order`, one at a time (the caller stores them as they come)."""
        for url in polite_order(urls):
            yield self.check(url)
