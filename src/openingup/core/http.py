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
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from openingup import config

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
MAX_REDIRECTS = 5


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


def fetch(url: str, *, transport: httpx.BaseTransport | None = None, accept: str = "*/*") -> Fetched:
    """GET a URL safely; UnsafeURL for refused addresses, ValueError for HTTP errors and oversize bodies."""
    limit = config.get_int("OPENINGUP_HTTP_MAX_MB") * 1024 * 1024
    timeout = float(config.get_int("OPENINGUP_HTTP_TIMEOUT"))
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            with client.stream(
                "GET", url, headers={"Accept": accept, "User-Agent": "OpeningUp/0.1"}
            ) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code >= 400:
                    raise ValueError(f"{url} answered HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > limit:
                    raise ValueError(f"{url} is {declared:,} bytes; the limit is {limit:,}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > limit:
                        raise ValueError(f"{url} is larger than the limit of {limit:,} bytes")
                return Fetched(str(response.url), bytes(body), response.headers.get("content-type", ""))
        raise ValueError(f"more than {MAX_REDIRECTS} redirects starting from the given URL")
