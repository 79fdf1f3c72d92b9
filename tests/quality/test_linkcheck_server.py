"""The link checker against a real HTTP server on 127.0.0.1 (allowed for the test), no mock transport."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from openingup.quality.linkcheck import LinkChecker


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def _answer(self, with_body: bool) -> None:
        Handler.seen.append((self.command, self.path))
        if self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
            self.end_headers()
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/data.csv")
            self.end_headers()
            return
        status = 200 if self.path in ("/data.csv", "/no-head") else 404
        body = b"a,b\n" * 100_000
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:  # the checker hangs up without reading the body: that is the point
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_real_answers(server: str) -> None:
    check = LinkChecker(delay=0, timeout=5)
    ok, missing, fallback, moved = (
        check.check(server + path) for path in ("/data.csv", "/gone", "/no-head", "/moved")
    )
    assert (ok.ok, ok.status_code) == (True, 200)
    assert (missing.ok, missing.status_code) == (False, 404)
    assert (fallback.ok, fallback.status_code) == (True, 200)
    assert (moved.ok, moved.status_code) == (True, 200)
    assert ("GET", "/no-head") in Handler.seen and ("GET", "/data.csv") not in Handler.seen


def test_without_the_allowance_nothing_is_requested(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "")
    result = LinkChecker(delay=0, timeout=5).check(server + "/data.csv")
    assert not result.ok and "private address 127.0.0.1" in result.error
    assert Handler.seen == []
