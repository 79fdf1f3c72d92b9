"""/api/v1/tokens, and how callers authenticate: Bearer tokens and the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from openingup.organisations.models import ApiToken
from tests.api.conftest import Api, assert_error

CSRF = "a" * 32


def test_create_list_and_revoke_own_tokens(as_editor: Api, editor: Any) -> None:
    created = as_editor.post("/tokens", {"name": "harvester"})
    assert created.status_code == 201, created.content
    token = created.json()
    assert token["token"].startswith(token["prefix"]) and token["revoked_at"] is None

    listed = as_editor.get("/tokens").json()
    assert listed["count"] == 2  # the fixture's own token and this one
    assert all("token" not in t for t in listed["items"])
    assert listed["items"][0]["id"] == token["id"]

    fresh = Api(Client(), token["token"])
    assert fresh.get("/tokens").status_code == 200
    assert as_editor.delete(f"/tokens/{token['id']}").status_code == 204
    assert as_editor.delete(f"/tokens/{token['id']}").status_code == 204  # harmless twice
    assert_error(fresh.get("/tokens"), 401, "unauthorized")
    assert_error(fresh.get("/datasets"), 401, "unauthorized")  # even where anonymous may read


def test_tokens_of_others_are_invisible(as_editor: Api, as_viewer: Api, viewer: Any) -> None:
    theirs = ApiToken.objects.get(user=viewer)
    assert_error(as_editor.delete(f"/tokens/{theirs.pk}"), 404, "not_found")
    assert str(theirs.pk) not in [t["id"] for t in as_editor.get("/tokens").json()["items"]]
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_tokens_need_a_user(anon: Api) -> None:
    assert_error(anon.get("/tokens"), 401, "unauthorized")
    assert_error(anon.post("/tokens", {"name": "x"}), 401, "unauthorized")


def test_a_token_needs_a_name(as_editor: Api) -> None:
    assert_error(as_editor.post("/tokens", {"name": ""}), 400, "invalid", "name")


def test_malformed_authorization_headers_are_401(db: None) -> None:
    for header in ("Bearer", "Bearer ou_nonsense", "Basic dXNlcjpwYXNz", "Token abc"):
        response = Client().get("/api/v1/datasets", headers={"Authorization": header})
        error = assert_error(response, 401, "unauthorized")
        assert error["message"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_reads_and_writes_with_csrf(editor: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.get("/api/v1/tokens").status_code == 200
    body = {"publisher": "leiedal", "title": {"en": "From the browser"}}
    refused = browser.post("/api/v1/datasets", body, content_type="application/json")
    error = assert_error(refused, 403, "forbidden")
    assert "CSRF" in error["message"]

    browser.cookies["csrftoken"] = CSRF
    accepted = browser.post(
        "/api/v1/datasets", body, content_type="application/json", headers={"X-CSRFToken": CSRF}
    )
    assert accepted.status_code == 201, accepted.content


def test_anonymous_writes_are_401_even_with_csrf_enforced(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/datasets", {"title": {"en": "x"}}, content_type="application/json"
    )
    assert_error(response, 401, "unauthorized")


def test_tokens_need_no_csrf(as_editor: Api) -> None:
    as_editor.client = Client(enforce_csrf_checks=True)
    response = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "By token"}})
    assert response.status_code == 201, response.content
