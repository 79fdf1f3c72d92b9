"""Who is calling: an API token (``Authorization: Bearer <token>``) or the browser's Django session.

Write endpoints use :data:`REQUIRED` (nobody identified → 401). Read endpoints use :data:`OPTIONAL`,
which falls back to the anonymous user, and document that with :data:`OPTIONAL_SECURITY`. Whatever
authenticates, ``request.auth`` is the user the services and queries receive as ``actor`` / ``user``;
the services decide what that user may do (403 when not).

A session authenticates unsafe methods only with a valid CSRF token (``X-CSRFToken`` header with the
``csrftoken`` cookie's value), as Django's forms do; tokens need none, since browsers never send them on
their own. A bad or revoked token is a 401 even where anonymous reading is allowed: a client that
thinks it is signed in should find out.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from openingup.organisations.services import authenticate_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BearerAuth(HttpBearer):
    openapi_description = "An API token made with POST /api/v1/tokens: `Authorization: Bearer ou_…`."

    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(message="Send the token as `Authorization: Bearer <token>`.")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = authenticate_token(token)
        if user is None:
            raise AuthenticationError(message="The token is unknown or has been revoked.")
        return user


class SessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The website's session cookie; unsafe methods also need the `X-CSRFToken` header "
        "with the value of the `csrftoken` cookie."
    )

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, and only for signed-in users

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(
                403, "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
            )
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """The last resort of read endpoints: nobody in particular, who sees public data only."""
    return AnonymousUser()


REQUIRED: list[Any] = [BearerAuth(), SessionAuth()]
OPTIONAL: list[Any] = [*REQUIRED, anonymous]
# An empty requirement in OpenAPI means "or no authentication at all".
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}


def public(**extra: Any) -> dict[str, Any]:
    """Keyword arguments of a read endpoint: anyone may call it, signed-in callers may see more."""
    return {"auth": OPTIONAL, "openapi_extra": {**OPTIONAL_SECURITY, **extra}}


def actor(request: HttpRequest) -> Any:
    """The signed-in user of a write endpoint. Never None or anonymous: services skip their permission
    checks for ``actor=None`` (system jobs), so an unidentified caller must stop here."""
    user = getattr(request, "auth", None)
    if user is None or not getattr(user, "is_authenticated", False):
        raise AuthenticationError()
    return user


def viewer(request: HttpRequest) -> Any:
    """Whoever reads: a user, or the anonymous user (for the queries' visibility rules)."""
    return getattr(request, "auth", None) or AnonymousUser()
