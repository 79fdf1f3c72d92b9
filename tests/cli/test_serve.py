"""`openingup serve` as a person runs it: a real process on a free port, answering pages and feeds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OPENINGUP_BROKER_URL")}
    env.update(OPENINGUP_HOME=str(home), OPENINGUP_BASE_URL=f"http://127.0.0.1:{port}")
    return subprocess.Popen(
        [sys.executable, "-m", "openingup.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_serve_answers_pages_and_feeds(tmp_path: Path) -> None:
    port = _free_port()
    process = _serve(tmp_path, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "openingup serve did not answer within 60 s"
                time.sleep(0.3)
        assert response.status_code == 200
        feed = httpx.get(f"http://127.0.0.1:{port}/catalog.ttl", timeout=5)
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/turtle")
        css = httpx.get(f"http://127.0.0.1:{port}/static/web/site.css", timeout=5)
        assert css.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = _serve(tmp_path, port)
        out, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out.decode()
