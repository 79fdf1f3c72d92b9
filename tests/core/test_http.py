"""The safe HTTP client: no private or metadata addresses, checked on every redirect; size caps."""

from __future__ import annotations

import httpx
import pytest

from openingup.core.http import UnsafeURL, check_url, fetch

PUBLIC = "http://93.184.216.34"  # an IP literal: resolves without DNS, never contacted (mock transport)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "gopher://93.184.216.34/",
    ],
)
def test_private_loopback_metadata_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_url(url)


def test_allowed_private_host_passes_but_metadata_never(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1, 169.254.169.254")
    check_url("http://127.0.0.1:8000/catalog.ttl")
    with pytest.raises(UnsafeURL, match="metadata"):
        check_url("http://169.254.169.254/")


def test_redirect_to_a_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://127.0.0.1/admin"})

    with pytest.raises(UnsafeURL, match="private"):
        fetch(PUBLIC + "/catalog.ttl", transport=httpx.MockTransport(handler))


def test_redirect_loops_stop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": PUBLIC + "/again"})

    with pytest.raises(ValueError, match="redirects"):
        fetch(PUBLIC + "/", transport=httpx.MockTransport(handler))


def test_body_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_HTTP_MAX_MB", "1")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * (1024 * 1024 + 1))

    with pytest.raises(ValueError, match="limit"):
        fetch(PUBLIC + "/big", transport=httpx.MockTransport(handler))


def test_fetch_returns_body_and_type() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == "text/turtle"
        return httpx.Response(200, content=b"@prefix", headers={"content-type": "text/turtle"})

    fetched = fetch(PUBLIC + "/c.ttl", transport=httpx.MockTransport(handler), accept="text/turtle")
    assert fetched.content == b"@prefix" and fetched.content_type == "text/turtle"


def test_http_errors_are_named() -> None:
    with pytest.raises(ValueError, match="HTTP 404"):
        fetch(PUBLIC + "/missing", transport=httpx.MockTransport(lambda r: httpx.Response(404)))
