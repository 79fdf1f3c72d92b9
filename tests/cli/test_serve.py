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


def _serve(home: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OPENINGUP_BROKER_URL")}
    env.update(OPENINGUP_HOME=str(home), OPENINGUP_BASE_URL=f"http://127.0.0.1:{port}")
    return subprocess.Popen(
        [sys.executable, "-m", "openingup.cli.main", "serve", "--port", str(port), *extra],
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


def _helpers_of(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(x) for x in out.stdout.split()]


def test_several_processes_share_the_port_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    process = _serve(tmp_path, port, "--processes", "2")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/datasets", timeout=2)
                if _helpers_of(process.pid):
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "openingup serve --processes 2 did not answer within 60 s"
            time.sleep(0.3)
        assert response.status_code == 200
        helpers = _helpers_of(process.pid)
        assert len(helpers) == 1
        with httpx.Client() as client:  # many connections: both processes answer, all correctly
            assert all(
                client.get(f"http://127.0.0.1:{port}/api/v1/datasets").status_code == 200 for _ in range(20)
            )
    finally:
        process.terminate()
        process.wait(timeout=20)
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") and "zombie" not in _state(pid) for pid in helpers):
        assert time.monotonic() < deadline, "the helper process outlived its parent"
        time.sleep(0.2)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = _serve(tmp_path, port)
        out, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out.decode()
