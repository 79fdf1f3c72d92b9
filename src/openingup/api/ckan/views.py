"""The CKAN Action API's one view, answering every registered action as CKAN 2.11's ``ckan/views/api.py``.

Success::

    {"help": "<site>/api/3/action/help_show?name=<action>", "success": true, "result": …}

Errors (``"success": false`` and an ``"error"`` object, with ``help``):

* 409 ``{"__type": "Validation Error", "<param>": ["message", …]}`` — invalid parameters;
* 404 ``{"__type": "Not Found Error", "message": "Not found: …"}``;
* 403 ``{"__type": "Authorization Error", "message": "Access denied: …"}`` — also for an unknown or
  revoked API token (CKAN would silently treat the caller as anonymous);
* 500 ``{"__type": "Internal Server Error", "message": "Internal Server Error"}`` (logged);
* 400 and a bare JSON string for an unknown action (``"Bad request - Action name not known: x"``) or a
  body that is not a JSON object (``"Bad request - JSON Error: …"``), as CKAN answers them.

Parameters come from a JSON body, a form (a lone key holding JSON too, as old jQuery clients send), or —
for side-effect-free actions only — the query string. The caller is identified by an API token in
``Authorization`` (bare, as CKAN clients send it, or ``Bearer …``) or ``X-CKAN-API-Key``, else by the
website's session (unsafe methods then need the CSRF token), else anonymous. No CORS headers and no JSONP:
``callback`` is dropped, as CKAN drops it.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from ninja.utils import check_csrf

from openingup.api.auth import SAFE_METHODS
from openingup.api.ckan import actions
from openingup.api.renderers import CONTENT_TYPE, dumps
from openingup.core.errors import InvalidInput, NotFound, PermissionDenied, ServiceError
from openingup.organisations.services import authenticate_token

logger = logging.getLogger("openingup.api.ckan")

API_VERSION = 3
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadRequest(Exception):
    """The request data cannot be read (CKAN's 400 "Bad request - JSON Error: …")."""


def _finish(status: int, data: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type=CONTENT_TYPE, headers=headers)


def help_url(name: str) -> str:
    path = reverse("ckan:action", kwargs={"name": "help_show"})
    return f"{settings.BASE_URL}{path}?{urlencode({'name': name})}"


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    """``/api/3/action/<name>`` (and ``/api/action/<name>``): run the action, answer in CKAN's envelope."""
    try:
        found = actions.get_action(name)
    except KeyError:
        return _finish(400, f"Bad request - Action name not known: {name}")
    envelope: dict[str, Any] = {"help": help_url(name)}
    if request.method not in {"GET", "HEAD", "POST"}:
        envelope["success"] = False
        envelope["error"] = {"__type": "Method Not Allowed", "message": "Use GET or POST."}
        return _finish(405, envelope, {"Allow": "GET, POST"})
    try:
        params = request_data(request, try_url_params=found.side_effect_free)
    except BadRequest as exc:
        return _finish(400, f"Bad request - JSON Error: {exc}")
    params.pop("callback", None)
    try:
        request.auth = identify(request)  # type: ignore[attr-defined]
        result = found.function(request, params)
    except actions.ValidationError as exc:
        return _failure(envelope, 409, {**exc.errors, "__type": "Validation Error"})
    except InvalidInput as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, []).append(problem.problem)
        return _failure(
            envelope, 409, {**(errors or {"message": [exc.message]}), "__type": "Validation Error"}
        )
    except NotFound as exc:
        return _failure(envelope, 404, {"__type": "Not Found Error", "message": f"Not found: {exc.message}"})
    except PermissionDenied as exc:
        message = f"Access denied: {exc.message}"
        return _failure(envelope, 403, {"__type": "Authorization Error", "message": message})
    except ServiceError as exc:
        error = {"__type": "Validation Error", "message": [exc.message]}
        return _failure(envelope, 409 if exc.status < 500 else exc.status, error)
    except Exception:
        logger.exception("CKAN action %s failed", name)
        error = {"__type": "Internal Server Error", "message": "Internal Server Error"}
        return _failure(envelope, 500, error)
    envelope["success"] = True
    envelope["result"] = result
    return _finish(200, envelope)


def _failure(envelope: dict[str, Any], status: int, error: dict[str, Any]) -> HttpResponse:
    envelope["success"] = False
    envelope["error"] = error
    return _finish(status, envelope)


def api_version(request: HttpRequest) -> HttpResponse:
    """``/api/3``: the API version, as CKAN's ``get_api``."""
    return _finish(200, {"version": API_VERSION})


def identify(request: HttpRequest) -> Any:
    """The caller: an API token's user, the session's user, or the anonymous user.

    CKAN clients send the token bare in ``Authorization`` (or in ``X-CKAN-API-Key``, as ckanapi does too);
    ``Bearer <token>`` works as well. An unknown or revoked token is refused (PermissionDenied)."""
    secret = (
        request.headers.get("Authorization", "").strip() or request.headers.get("X-CKAN-API-Key", "").strip()
    )
    if secret[:7].lower() == "bearer ":
        secret = secret[7:].strip()
    if secret:
        user = authenticate_token(secret)
        if user is None:
            raise PermissionDenied("The API token is unknown or has been revoked.")
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied(
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
            )
        return user
    return AnonymousUser()


def _mixed(data: QueryDict) -> dict[str, Any]:
    """CKAN's ``mixed``: one value as a string, a repeated parameter as a list of strings."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


def request_data(request: HttpRequest, *, try_url_params: bool) -> dict[str, Any]:
    """The action's data dict, read as CKAN's ``_get_request_data`` reads it; BadRequest if unreadable."""
    if not try_url_params and request.method in {"GET", "HEAD"}:
        raise BadRequest("Invalid request. Please use POST method for your request")
    data: Any = {}
    form = request.method == "POST" and request.content_type in _FORMS
    try:
        if form and request.POST:
            values = list(request.POST.values())
            if len(values) == 1 and values[0] in {"1", ""}:  # the whole data dict as the form's only key
                data = _json(next(iter(request.POST.keys())))
            else:
                data = _mixed(request.POST)
        elif request.GET and try_url_params:
            data = _mixed(request.GET)
        elif request.content_type != "multipart/form-data" and request.body:
            data = _json(request.body)
        if not isinstance(data, dict):
            raise BadRequest(
                f"Request data JSON decoded to {_preview(data)} but it needs to be a dictionary."
            )
        if form:
            data.update(request.FILES.items())
    except (SuspiciousOperation, DjangoBadRequest, MultiPartParserError) as exc:
        raise BadRequest(str(exc) or "The request is malformed.") from None
    return data


def _json(raw: str | bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"Error decoding JSON data. Error: {exc!r}") from None


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"
