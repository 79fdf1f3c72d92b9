"""Oversized request bodies are refused before they are read, with the limit named."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/v1/datasets", "application/json"), ("/datasets/new/", "text/plain")]
)
def test_a_body_over_the_limit_is_413_before_reading(
    client: Any, settings: Any, path: str, content_type: str
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    response = client.generic("POST", path, b"x" * (2 * 1024 * 1024), content_type="application/octet-stream")
    assert response.status_code == 413
    assert content_type in response["Content-Type"]
    assert "files may be at most 1,024 bytes" in response.content.decode()


@pytest.mark.django_db
def test_a_body_within_the_limit_passes_on(client: Any) -> None:
    assert client.post("/api/v1/datasets", b"{}", content_type="application/json").status_code in (400, 401)
