"""The one safe HTTP client for outbound requests (imports from URLs).

Guarantees: http(s) only; every hop's host is resolved and refused when any address is private,
loopback, link-local, multicast, reserved or a cloud metadata address, unless the host is listed
in ``OPENINGUP_ALLOW_PRIVATE_HOSTS`` (metadata addresses are never allowed); at most 5 redirects,
each checked again; a timeout; bodies larger than ``OPENINGUP_HTTP_MAX_MB`` are cut off with an
error. Tests inject an ``httpx`` transport.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from openingup import config

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}  # not 304 Not Modified, which httpx counts as one


class UnsafeURL(ValueError):
    """The URL may not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    content_type: str


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise UnsafeURL(f"the host {host!r} cannot be resolved") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_url(url: str) -> None:
    """Raise UnsafeURL unless the URL is http(s) and its host resolves to public addresses only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}")
    host = parts.hostname
    if not host:
        raise UnsafeURL("the URL has no host")
    allowed = {h.lower() for h in config.get_list("OPENINGUP_ALLOW_PRIVATE_HOSTS")}
    for address in _addresses(host):
        if address in METADATA:
            raise UnsafeURL(
                f"{host} resolves to the cloud metadata address {address}, which is never fetched"
            )
        private = (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        )
        if private and host.lower() not in allowed:
            raise UnsafeURL(
                f"{host} resolves to the private address {address}; an administrator can allow it in "
                "OPENINGUP_ALLOW_PRIVATE_HOSTS"
            )


@dataclass(frozen=True)
class Answer:
    """A response of :func:`send`, whatever its status; ``headers`` are case-insensitive."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes


def send(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | list[tuple[str, Any]] | None = None,
    json: Any = None,
    transport: httpx.BaseTransport | None = None,
) -> Answer:
    """Send one request safely and return the answer whatever its status (authorised API calls).

    The same guarantees as :func:`fetch`: every hop checked, at most 5 redirects (followed for GET and
    HEAD only), the body limit, the timeout. UnsafeURL for refused addresses, ValueError for oversize
    bodies, redirect loops, and network failures (``httpx.HTTPError`` is wrapped).
    """
    limit = config.get_int("OPENINGUP_HTTP_MAX_MB") * 1024 * 1024
    timeout = float(config.get_int("OPENINGUP_HTTP_TIMEOUT"))
    sent = {"Accept": "*/*", "User-Agent": "OpeningUp/0.1", **(headers or {})}
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                with client.stream(method, url, headers=sent, params=params, json=json) as response:
                    redirect = response.status_code in REDIRECTS and "location" in response.headers
                    if redirect and method in ("GET", "HEAD"):
                        url = urljoin(str(response.url), response.headers.get("location", ""))
                        params = None  # the location carries its own query
                        continue
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > limit:
                        raise ValueError(f"{url} is {declared:,} bytes; the limit is {limit:,}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > limit:
                            raise ValueError(f"{url} is larger than the limit of {limit:,} bytes")
                    return Answer(str(response.url), response.status_code, response.headers, bytes(body))
            except httpx.HTTPError as exc:
                raise ValueError(f"{url} could not be reached: {exc}") from exc
        raise ValueError(f"more than {MAX_REDIRECTS} redirects starting from the given URL")


@contextmanager
def stream(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | list[tuple[str, Any]] | None = None,
    transport: httpx.BaseTransport | None = None,
    idle_timeout: float | None = None,
) -> Iterator[httpx.Response]:
    """GET a URL that answers without end (server-sent events) and yield the open response, whatever its
    status, to be read with ``iter_bytes``; closed on leaving the block.

    The same checks as :func:`send` for every hop (UnsafeURL, at most 5 redirects); a read that waits
    longer than ``idle_timeout`` seconds (default ``OPENINGUP_HTTP_TIMEOUT``) fails. There is no body
    limit: the reader bounds what it keeps. ValueError for network failures while connecting (reading
    raises ``httpx`` errors, which the reader treats as a dropped connection).
    """
    seconds = float(config.get_int("OPENINGUP_HTTP_TIMEOUT"))
    timeout = httpx.Timeout(seconds, read=idle_timeout or seconds)
    sent = {"Accept": "text/event-stream", "User-Agent": "OpeningUp/0.1", **(headers or {})}
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                request = client.build_request("GET", url, headers=sent, params=params)
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise ValueError(f"{url} could not be reached: {exc}") from exc
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    url = urljoin(str(response.url), response.headers.get("location", ""))
                    params = None
                    continue
                yield response
                return
            finally:
                response.close()
        raise ValueError(f"more than {MAX_REDIRECTS} redirects starting from the given URL")


def fetch(url: str, *, transport: httpx.BaseTransport | None = None, accept: str = "*/*") -> Fetched:
    """GET a URL safely; UnsafeURL for refused addresses, ValueError for HTTP errors and oversize bodies."""
    answer = send("GET", url, headers={"Accept": accept}, transport=transport)
    if answer.status >= 400:
        raise ValueError(f"{answer.url} answered HTTP {answer.status}")
    return Fetched(answer.url, answer.content, answer.headers.get("content-type", ""))


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the final URL after redirects, its status and the method that got it."""

    url: str
    status: int
    method: str


def check(url: str, *, transport: httpx.BaseTransport | None = None, timeout: float | None = None) -> Checked:
    """Find out whether a URL answers, reading no body: HEAD, then GET when HEAD is refused (status ≥ 400).

    The same guarantees as :func:`fetch`: every hop is checked before it is requested (UnsafeURL, and
    nothing is sent), at most 5 redirects, a timeout (``OPENINGUP_HTTP_TIMEOUT`` unless given). The GET
    fallback closes the response without reading its body. Any status is returned; ValueError for redirect
    loops and network failures.
    """
    seconds = timeout if timeout is not None else float(config.get_int("OPENINGUP_HTTP_TIMEOUT"))
    headers = {"Accept": "*/*", "User-Agent": "OpeningUp/0.1 (link check)"}
    with httpx.Client(transport=transport, timeout=seconds, follow_redirects=False) as client:
        found: Checked | None = None
        for method in ("HEAD", "GET"):
            target = url
            for _ in range(MAX_REDIRECTS + 1):
                check_url(target)
                try:
                    with client.stream(method, target, headers=headers) as response:
                        location = response.headers.get("location", "")
                        if response.is_redirect and location:
                            target = urljoin(str(response.url), location)
                            continue
                        found = Checked(str(response.url), response.status_code, method)
                except httpx.HTTPError as exc:
                    raise ValueError(f"{target} could not be reached: {exc}") from exc
                break
            else:
                raise ValueError(f"more than {MAX_REDIRECTS} redirects starting from {url}")
            if found is not None and found.status < 400:
                return found
        assert found is not None
        return found
