"""Platform API calls through the safe HTTP client, with rate limits respected.

* ``429`` (and ``503`` with Retry-After): waits Retry-After (seconds or an HTTP date) and tries again
  when the wait is at most ``OPENINGUP_SOCIAL_MAX_WAIT``; otherwise raises :class:`RateLimited` so the
  poll stops and the channel is not polled before that moment.
* Limit headers (``X-RateLimit-Remaining``/``-Reset`` as Mastodon sends them, ``ratelimit-remaining``/
  ``-reset`` as Bluesky and the IETF draft do): when none remain, the next call first waits for the
  reset the same way.
* Other 5xx and network failures: two more tries with a short backoff.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from openingup import config
from openingup.core import http
from openingup.social.connectors import ConnectorError, RateLimited

TRIES = 3
RETRY_STATUSES = {500, 502, 503, 504}


def _now() -> datetime:
    return datetime.now(UTC)


def parse_moment(value: str, now: datetime) -> datetime | None:
    """A reset or Retry-After value: delta seconds, epoch seconds, ISO 8601 or an HTTP date."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        # Epoch seconds are large; a small number is a delay (Retry-After, IETF ratelimit-reset).
        return datetime.fromtimestamp(number, UTC) if number > 1e9 else now + timedelta(seconds=number)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ApiClient:
    """Calls one platform's API under ``base_url`` with fixed headers (authorisation, user agent)."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.headers = dict(headers or {})
        self.transport = transport
        self.sleep = sleep or time.sleep
        self.max_wait = float(config.get_int("OPENINGUP_SOCIAL_MAX_WAIT"))
        self.exhausted_until: datetime | None = None
        self.calls = 0

    def _wait_until(self, moment: datetime, why: str) -> None:
        delay = (moment - _now()).total_seconds()
        if delay <= 0:
            return
        if delay > self.max_wait:
            raise RateLimited(f"{why}; try again after {moment:%Y-%m-%d %H:%M:%S} UTC", moment)
        self.sleep(delay)

    def _note_limits(self, answer: http.Answer) -> None:
        headers = answer.headers
        remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
        if remaining is not None and remaining.strip() in {"0", "0.0"}:
            self.exhausted_until = parse_moment(reset or "", _now())

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> http.Answer:
        """One API call, any status but 429/5xx returned; RateLimited or ConnectorError otherwise."""
        url = urljoin(self.base_url, path)
        for attempt in range(TRIES):
            if self.exhausted_until is not None:
                until, self.exhausted_until = self.exhausted_until, None
                self._wait_until(until, f"{url}: the rate limit is used up")
            try:
                answer = http.send(
                    method,
                    url,
                    headers={**self.headers, **(headers or {})},
                    params=params,
                    json=json_body,
                    transport=self.transport,
                )
            except http.UnsafeURL:
                raise
            except ValueError as exc:
                if attempt + 1 == TRIES:
                    raise ConnectorError(str(exc)) from exc
                self.sleep(2.0**attempt)
                continue
            self.calls += 1
            self._note_limits(answer)
            retry_after = parse_moment(answer.headers.get("retry-after", ""), _now())
            if answer.status == 429 or (answer.status == 503 and retry_after):
                moment = retry_after or self.exhausted_until or _now() + timedelta(seconds=60)
                self.exhausted_until = None
                if attempt + 1 == TRIES:
                    raise RateLimited(f"{url} answered HTTP {answer.status} {TRIES} times", moment)
                self._wait_until(moment, f"{url} answered HTTP {answer.status}")
                continue
            if answer.status in RETRY_STATUSES and attempt + 1 < TRIES:
                self.sleep(2.0**attempt)
                continue
            return answer
        raise ConnectorError(f"{url} did not answer usefully after {TRIES} tries")  # pragma: no cover

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """An API call whose answer must be JSON with a 2xx status; ConnectorError names the problem."""
        answer = self.call(method, path, **kwargs)
        return decode_json(answer)


def decode_json(answer: http.Answer) -> Any:
    if answer.status >= 400:
        raise ConnectorError(f"{answer.url} answered HTTP {answer.status}{error_detail(answer.content)}")
    try:
        return json.loads(answer.content)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConnectorError(f"{answer.url} answered with malformed JSON: {exc}") from exc


def error_detail(content: bytes) -> str:
    """The platform's own error text (Mastodon ``error``, XRPC ``error``/``message``), if any."""
    try:
        body = json.loads(content)
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(body, dict):
        return ""
    parts = [str(body[k]) for k in ("error", "message", "error_description") if body.get(k)]
    return f": {' — '.join(parts)}" if parts else ""


def link_params(header: str, rel: str) -> str | None:
    """The URL of ``rel`` in an RFC 8288 Link header (``<url>; rel="next", <url>; rel="prev"``)."""
    for part in header.split(","):
        section = part.strip()
        if not section.startswith("<") or ">" not in section:
            continue
        url, _, attributes = section[1:].partition(">")
        rels = [a.split("=", 1)[1].strip().strip('"') for a in attributes.split(";") if "rel=" in a]
        if any(rel in r.split() for r in rels):
            return url
    return None
