"""A fake platform on 127.0.0.1 that replays recorded answers, and helpers for the reference payloads."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


@dataclass
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


class FakePlatform:
    """Routes by path: each path answers its replies in order, repeating the last one."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                platform.requests.append(
                    Seen(self.command, parts.path, parse_qsl(parts.query), dict(self.headers), body)
                )
                replies = platform.routes.get(parts.path)
                reply = (
                    (replies.pop(0) if len(replies) > 1 else replies[0])
                    if replies
                    else Reply(404, {"error": "no route"})
                )
                content = reply.content()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value.replace("{base}", platform.url))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    fake = FakePlatform()
    yield fake
    fake.close()


def jsonc(path: Path) -> Any:
    """The Mastodon docs' abbreviated examples: drop ``// ...`` lines and the commas left before them."""
    text = "\n".join(
        line for line in path.read_text("utf-8").splitlines() if not line.strip().startswith("//")
    )
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


@pytest.fixture
def social_data(reference_data: Path) -> Path:
    return reference_data / "social"


class NoSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def no_sleep() -> NoSleep:
    return NoSleep()
