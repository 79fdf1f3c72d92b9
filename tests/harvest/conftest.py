"""A local HTTP server on 127.0.0.1 for harvest tests, and helpers to run a harvest synchronously."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from openingup.harvest import pipeline, services
from openingup.harvest.models import HarvestJob, HarvestSource
from tests.web.conftest import department, editor, organisation, viewer  # noqa: F401  (web fixtures)

Answer = tuple[int, str, bytes]  # status, content type, body; a 3xx body is the Location
Handler = Callable[[str, dict[str, str]], Answer]


@dataclass
class Server:
    url: str = ""
    handler: Handler = lambda path, query: (404, "text/plain", b"nothing here")
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A server whose answers come from ``server.handler(path, query)``; it records every request path."""
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    state = Server()

    class Handle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            status, content_type, body = state.handler(parts.path, query)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def harvest(source: HarvestSource, **kwargs: Any) -> HarvestJob:
    """Start a job through the service and run it here, as the worker would."""
    job = services.start_harvest(actor=None, source=source)
    return pipeline.run_job(job.pk, **kwargs)


def counts(job: HarvestJob) -> dict[str, int]:
    return {k: getattr(job, k) for k in ("created", "updated", "unchanged", "withdrawn", "failed")}
