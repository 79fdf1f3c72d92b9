"""``http.check``: HEAD, then GET without reading the body; every hop checked like ``fetch``."""

from __future__ import annotations

import httpx
import pytest

from openingup.core.http import UnsafeURL, check

PUBLIC = "http://93.184.216.34"  # an IP literal: resolves without DNS, never contacted (mock transport)


def test_head_status_is_returned() -> None:
    found = check(PUBLIC + "/a", transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    assert (found.status, found.method) == (204, "HEAD")


def test_get_follows_a_refused_head_and_errors_are_returned_not_raised() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(501 if request.method == "HEAD" else 404)

    found = check(PUBLIC + "/a", transport=httpx.MockTransport(handler))
    assert (found.status, found.method) == (404, "GET")


@pytest.mark.parametrize("target", ["http://169.254.169.254/", "http://10.0.0.1/", "http://127.0.0.1/"])
def test_redirects_to_refused_addresses_raise_before_any_request(target: str) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"location": target})

    with pytest.raises(UnsafeURL):
        check(PUBLIC + "/jump", transport=httpx.MockTransport(handler))
    assert sent == [PUBLIC + "/jump"]


def test_redirect_loops_stop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": PUBLIC + "/again"})

    with pytest.raises(ValueError, match="redirects"):
        check(PUBLIC + "/", transport=httpx.MockTransport(handler))


def test_network_failures_are_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ValueError, match="could not be reached"):
        check(PUBLIC + "/", transport=httpx.MockTransport(handler))
