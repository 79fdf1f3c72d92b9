"""One error envelope for every error the API can give, and text stored and returned verbatim as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openingup.api.routes import datasets as dataset_routes
from openingup.catalogue.models import Dataset
from tests.api.conftest import Api, assert_error

SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\""


def test_unknown_paths_under_the_api_are_404(anon: Api, db: None) -> None:
    for path in ("/nothing", "/datasets/a/b/c", "/", "/datasets/"):
        assert_error(anon.get(path), 404, "not_found")
    assert_error(anon.post("/nothing", {"a": 1}), 404, "not_found")
    assert_error(Client(enforce_csrf_checks=True).post("/api/v1/nothing"), 404, "not_found")


def test_unknown_dataset_is_404(anon: Api, db: None) -> None:
    assert_error(anon.get("/datasets/does-not-exist"), 404, "not_found")


def test_wrong_method_is_405(anon: Api, db: None) -> None:
    response = anon.put("/datasets", {})
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST"
    assert_error(anon.delete("/tokens"), 405, "method_not_allowed")


@pytest.mark.parametrize("raw", ["{bad json", "", "[1, 2", "\x00"])
def test_malformed_json(raw: str, as_editor: Api) -> None:
    assert_error(as_editor.post("/datasets", raw=raw), 400, "invalid")
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("body", [[], "title", 5, None])
def test_json_that_is_not_an_object(body: Any, as_editor: Api) -> None:
    assert_error(as_editor.post("/datasets", raw=json.dumps(body)), 400, "invalid")


def test_unknown_field(as_editor: Api) -> None:
    body = {"publisher": "leiedal", "title": {"en": "x"}, "colour": "blue"}
    error = assert_error(as_editor.post("/datasets", body), 400, "invalid", "colour")
    assert "colour" in [d["field"] for d in error["details"]]


def test_nested_problems_name_the_path(as_editor: Api) -> None:
    body = {
        "publisher": "leiedal",
        "title": {"en": "x"},
        "contact_points": [{"fn": {"en": "a"}, "phone": "1"}],
    }
    assert_error(as_editor.post("/datasets", body), 400, "invalid", "contact_points.0.phone")
    body = {"publisher": "leiedal", "title": "not an object"}
    assert_error(as_editor.post("/datasets", body), 400, "invalid", "title")


def test_a_title_of_100000_characters(as_editor: Api, make_dataset: Callable[..., Dataset]) -> None:
    body = {"publisher": "leiedal", "title": {"en": "x" * 100_000}}
    error = assert_error(as_editor.post("/datasets", body), 400, "invalid", "title")
    assert "1,000" in error["details"][0]["problem"]
    slug = make_dataset().slug
    assert_error(
        as_editor.patch(f"/datasets/{slug}", {"title": {"en": "y" * 100_000}}), 400, "invalid", "title"
    )
    assert Dataset.objects.get(slug=slug).title == {"en": "Trees"}


def test_bad_values_name_their_field(as_editor: Api) -> None:
    cases = {
        "issued": "yesterday",
        "landing_page": ["not a url"],
        "temporal_resolution": "one day",
        "language": ["http://example.org/klingon"],
    }
    for name, value in cases.items():
        body = {"publisher": "leiedal", "title": {"en": "x"}, name: value}
        assert_error(as_editor.post("/datasets", body), 400, "invalid", name)


def test_markup_is_stored_verbatim_and_returned_as_escaped_json(as_editor: Api, anon: Api) -> None:
    body = {"publisher": "leiedal", "title": {"en": SCRIPT}, "description": {"en": SCRIPT}}
    created = as_editor.post("/datasets", body)
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert Dataset.objects.get(slug=slug).title == {"en": SCRIPT}
    for response in (created, as_editor.get(f"/datasets/{slug}"), as_editor.get("/datasets")):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"<script" not in response.content and b"<img" not in response.content
        assert b"\\u003cscript\\u003e" in response.content
    assert as_editor.get(f"/datasets/{slug}").json()["title"] == {"en": SCRIPT}


def test_markup_in_error_messages_is_escaped(anon: Api, db: None) -> None:
    response = anon.get("/datasets/<script>alert(1)</script>")
    assert_error(response, 404, "not_found")
    assert b"<script" not in response.content


def test_unexpected_failures_are_500_without_details(
    anon: Api, make_dataset: Callable[..., Dataset], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    slug = make_dataset().slug

    def broken(dataset: Dataset) -> dict[str, Any]:
        raise RuntimeError("secret database password in a traceback")

    monkeypatch.setattr(dataset_routes, "dataset_out", broken)
    response = anon.get(f"/datasets/{slug}")
    error = assert_error(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert error["details"] == []
    assert any("secret database password" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_conflict_errors_keep_their_code(as_editor: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from openingup.core.errors import Conflict

    def conflicting(**kwargs: Any) -> None:
        raise Conflict("Someone else changed it.")

    monkeypatch.setattr(dataset_routes.services, "create_dataset", conflicting)
    error = assert_error(
        as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "x"}}), 409, "conflict"
    )
    assert error["message"] == "Someone else changed it."


def test_a_body_over_djangos_limit_is_400(as_editor: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"publisher": "leiedal", "title": {"en": "x"}, "description": {"en": "y" * 2000}}
    assert_error(as_editor.post("/datasets", body), 400, "invalid", "body")
    assert not Dataset.objects.exists()


def test_a_response_that_breaks_its_own_schema_is_500_not_400(
    anon: Api, make_dataset: Callable[..., Dataset], monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = make_dataset().slug
    monkeypatch.setattr(dataset_routes, "dataset_out", lambda dataset: {"id": 1, "status": "lost"})
    assert_error(anon.get(f"/datasets/{slug}"), 500, "server_error")
