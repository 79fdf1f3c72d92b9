"""Fixtures of the API tests: two organisations, people with each role, their tokens, and a JSON client.

``leiedal`` is the organisation under test; ``other`` is a neighbour whose editor must not write for
leiedal. Users: ``editor`` and ``viewer`` (members of leiedal), ``outsider`` (editor of other), ``admin``
(superuser). Each has a token; ``api_as(user)`` gives a client sending it as a Bearer token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.organisations import services as organisations
from openingup.organisations.models import Membership, Organisation

PREFIX = "/api/v1"
CC_BY = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
CSV = "http://publications.europa.eu/resource/authority/file-type/CSV"


class Api:
    """A test client for /api/v1 speaking JSON, optionally with a Bearer token."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://", PREFIX)) else PREFIX + path

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(self.url(path), params or {}, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, *, raw: bytes | str | None = None) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.generic(
            method, self.url(path), data, content_type="application/json", headers=self.headers
        )

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("PUT", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("PATCH", path, body, **kw)

    def delete(self, path: str) -> Any:
        return self.send("DELETE", path)

    def upload(self, path: str, fields: dict[str, Any]) -> Any:
        """A multipart/form-data POST (files as SimpleUploadedFile values)."""
        return self.client.post(self.url(path), fields, headers=self.headers)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The response is the error envelope with this status and code (and a detail naming ``field``)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert all(set(d) == {"field", "problem"} for d in error["details"])
    if field is not None:
        assert field in [d["field"] for d in error["details"]], error
    return error


@pytest.fixture
def leiedal(db: None) -> Organisation:
    return organisations.create_organisation(
        actor=None, name={"en": "Leiedal", "nl": "Leiedal"}, slug="leiedal", kind="municipality"
    )


@pytest.fixture
def other(db: None) -> Organisation:
    return organisations.create_organisation(actor=None, name={"en": "Other town"}, slug="other")


def _person(django_user_model: Any, username: str, **kw: Any) -> Any:
    return django_user_model.objects.create_user(username=username, password="x-" * 8, **kw)


@pytest.fixture
def admin(db: None, django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(username="admin", password="x-" * 8)


@pytest.fixture
def editor(leiedal: Organisation, django_user_model: Any) -> Any:
    user = _person(django_user_model, "editor")
    Membership.objects.create(user=user, organisation=leiedal, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def viewer(leiedal: Organisation, django_user_model: Any) -> Any:
    user = _person(django_user_model, "viewer")
    Membership.objects.create(user=user, organisation=leiedal, role=Membership.Role.VIEWER)
    return user


@pytest.fixture
def outsider(other: Organisation, django_user_model: Any) -> Any:
    user = _person(django_user_model, "outsider")
    Membership.objects.create(user=user, organisation=other, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def api_as(client: Client) -> Callable[[Any], Api]:
    """A client authenticated by a fresh API token of ``user`` (None: anonymous)."""

    def make(user: Any) -> Api:
        if user is None:
            return Api(Client())
        _, secret = organisations.create_token(actor=user, user=user, name="tests")
        return Api(Client(), secret)

    return make


@pytest.fixture
def anon(api_as: Callable[[Any], Api]) -> Api:
    return api_as(None)


@pytest.fixture
def as_editor(api_as: Callable[[Any], Api], editor: Any) -> Api:
    return api_as(editor)


@pytest.fixture
def as_viewer(api_as: Callable[[Any], Api], viewer: Any) -> Api:
    return api_as(viewer)


@pytest.fixture
def as_outsider(api_as: Callable[[Any], Api], outsider: Any) -> Api:
    return api_as(outsider)


@pytest.fixture
def as_admin(api_as: Callable[[Any], Api], admin: Any) -> Api:
    return api_as(admin)


@pytest.fixture
def make_dataset(leiedal: Organisation) -> Callable[..., Dataset]:
    """Create a dataset through the service (published unless ``status`` says otherwise)."""

    def make(
        title: str = "Trees", *, status: str = "published", publisher: Organisation | None = None, **data: Any
    ) -> Dataset:
        fields = {"title": {"en": title}, **data}
        return catalogue.create_dataset(
            actor=None, publisher=publisher or leiedal, data=fields, status=status
        )

    return make
