"""One error envelope for the whole API.

Every error, whatever raised it, reaches the client as::

    {"error": {"code": "invalid", "message": "…", "details": [{"field": "title", "problem": "…"}]}}

with the matching HTTP status: the services' :class:`~openingup.core.errors.ServiceError` s, request
validation by ninja and pydantic, authentication, unknown paths and methods, and unexpected failures
(logged, never shown). :func:`install` registers the handlers on the NinjaAPI; :func:`not_found` is the
catch-all view for unknown paths and :func:`enveloped` wraps ninja's views for the 405 they answer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from openingup.api.renderers import CONTENT_TYPE, dumps
from openingup.core.errors import FieldProblem, InvalidInput, ServiceError

logger = logging.getLogger("openingup.api")

CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    500: "server_error",
}
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
_BODY_PARAMS = {"payload"}
AUTH_HINT = "Send `Authorization: Bearer <token>` (create one at /api/v1/tokens) or sign in."


def error_response(
    status: int,
    message: str,
    details: Iterable[FieldProblem] = (),
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The envelope as an HTTP response; ``code`` defaults to the one of ``status``."""
    body = {
        "error": {
            "code": code or CODES.get(status, "invalid" if status < 500 else "server_error"),
            "message": message,
            "details": [{"field": d.field, "problem": d.problem} for d in details],
        }
    }
    return HttpResponse(dumps(body), status=status, content_type=CONTENT_TYPE, headers=headers)


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _BODY_PARAMS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _problem(error: Any) -> str:
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a field of this resource"
    return str(error["msg"])


def problems_of(errors: Iterable[Any]) -> list[FieldProblem]:
    """Pydantic / ninja validation errors as (field, problem) pairs."""
    return [FieldProblem(_field_name(e.get("loc", ())), _problem(e)) for e in errors]


def _invalid(problems: list[FieldProblem]) -> HttpResponse:
    return error_response(400, "The request is not valid.", problems)


def _on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(exc.status, exc.message, exc.problems, code=exc.code)


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _invalid(problems_of(exc.errors))


def invalid_input(exc: pydantic.ValidationError) -> InvalidInput:
    """A request body the endpoint validated itself, as the services' InvalidInput. (A stray pydantic
    error is not mapped to 400: when ninja checks a response against its model, it is our bug.)"""
    return InvalidInput("The request is not valid.", problems_of(exc.errors(include_url=False)))


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else f"Authentication required. {AUTH_HINT}"
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
        return error_response(
            400, "The request body is not valid JSON.", [FieldProblem("body", "is not valid JSON")]
        )
    return error_response(exc.status_code, exc.message)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "Nothing here. The API is described at /api/v1/docs.")


def _on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, str(exc) or "You are not allowed to do this.")


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(400, "The request body is too large.", [FieldProblem("body", "too large")])


def _on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(400, "The request is malformed.")


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "Something went wrong on our side; it has been logged.")


def install(api: NinjaAPI) -> None:
    """Register the envelope for every exception the API can meet (most specific class wins)."""
    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        ServiceError: _on_service_error,
        ValidationError: _on_validation_error,
        AuthenticationError: _on_authentication_error,
        HttpError: _on_http_error,
        Http404: _on_not_found,
        DjangoPermissionDenied: _on_forbidden,
        RequestDataTooBig: _on_too_big,
        SuspiciousOperation: _on_suspicious,
        Exception: _on_unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)


@csrf_exempt
@no_append_slash
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The catch-all for paths under /api/v1/ that no endpoint answers."""
    return error_response(404, f"No endpoint at {request.path}. The API is described at /api/v1/docs.")


def enveloped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja view for what it answers outside the exception handlers: the plain-text 405 of a
    path without that method (keeping the Allow header) and the Http404 of the API root."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return _on_not_found(request, exc)
        if isinstance(response, HttpResponseNotAllowed):
            methods = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
            allowed = ", ".join(methods)
            message = f"{request.method} is not allowed here; use {allowed}."
            return error_response(405, message, headers={"Allow": allowed})
        return response

    return wrapper
