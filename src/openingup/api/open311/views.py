"""Open311 GeoReport v2 views: parse the parameters, call the reports context, write XML or JSON.

Errors use the spec's own document (``errors`` of ``{code, description}``) with its status codes:
400 for bad input, 403 for a missing or wrong api_key, 404 for an unknown resource.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.exchange import open311
from openingup.reports import queries, records, services
from openingup.reports.services.requests import MAX_DESCRIPTION, Filing, Location

View = Callable[..., HttpResponse]
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
CONTACT = ("email", "device_id", "account_id", "first_name", "last_name", "phone")
BAD_KEY = "Invalid api_key received -- can't proceed with create_request."
NO_KEY = "No api_key received -- can't proceed with create_request."


def document(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    content, content_type = open311.render(fmt, root, body)
    return HttpResponse(content, content_type=content_type, status=status)


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return document(fmt, "errors", open311.errors([(status, d) for d in descriptions]), status)


def _problems(exc: InvalidInput) -> list[str]:
    return [f"{p.field}: {p.problem}" for p in exc.problems] or [exc.message]


def open311_errors(view: View) -> View:
    """Service errors become the spec's error documents, in the format the URL asked for."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except InvalidInput as exc:
            return error(fmt, 400, *_problems(exc))
        except NotFound as exc:
            return error(fmt, 404, exc.message)

    return wrapper


def _methods(request: HttpRequest, fmt: str, *allowed: str) -> HttpResponse | None:
    if request.method in allowed or (request.method == "HEAD" and "GET" in allowed):
        return None
    response = error(fmt, 405, f"{request.method} is not allowed here; use {' or '.join(allowed)}.")
    response["Allow"] = ", ".join(allowed)
    return response


def _datetime(params: QueryDict, name: str) -> datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "+"))  # an unescaped "+" arrives as a space
    except ValueError:
        raise InvalidInput(
            f"{name} is not a date.",
            [FieldProblem(name, f"{raw[:40]!r} is not W3C/ISO 8601, as 2010-01-01T00:00:00Z")],
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _whole(params: QueryDict, name: str, default: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise InvalidInput(
            f"{name} must be a whole number of 1 or more.", [FieldProblem(name, f"{raw[:20]!r}")]
        )
    return int(raw)


def _list(params: QueryDict, name: str) -> list[str]:
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def _jurisdiction(params: QueryDict) -> None:
    queries.jurisdiction(params.get("jurisdiction_id", "").strip())


@open311_errors
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET"):
        return refused
    place = queries.jurisdiction("")
    contact = place.contact if place else ""
    if place and not contact and place.organisation.email:
        contact = place.organisation.email
    body = records.discovery(
        base_url=f"{settings.BASE_URL}/open311/v2",
        changeset=queries.changeset(),
        contact=contact,
        key_service=place.key_service if place else "",
    )
    return document(fmt, "discovery", body)


@open311_errors
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET"):
        return refused
    _jurisdiction(request.GET)
    return document(fmt, "services", [records.service(s) for s in queries.services()])


@open311_errors
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET"):
        return refused
    _jurisdiction(request.GET)
    return document(fmt, "service_definition", records.service_definition(queries.service(code)))


def _extensions(params: QueryDict) -> bool:
    return params.get("extensions", "").strip().lower() in ("true", "1", "yes")


def _request_list(items: list[Any], params: QueryDict) -> list[dict[str, Any]]:
    extended = _extensions(params)
    notes = queries.public_updates([i.pk for i in items]) if extended else {}
    return [records.request(i, extensions=extended, updates=notes.get(i.pk, [])) for i in items]


@csrf_exempt
@open311_errors
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET", "POST"):
        return refused
    if request.method == "POST":
        return _file(request, fmt)
    params = request.GET
    _jurisdiction(params)
    statuses = [s.lower() for s in _list(params, "status")]
    unknown = [s for s in statuses if s not in ("open", "closed")]
    if unknown:
        raise InvalidInput(
            "Unknown status.", [FieldProblem("status", f"{unknown[0][:30]!r} is not open or closed")]
        )
    query = queries.RequestQuery(
        ids=_list(params, "service_request_id"),
        service_codes=_list(params, "service_code"),
        start=_datetime(params, "start_date"),
        end=_datetime(params, "end_date"),
        statuses=statuses,
        page=_whole(params, "page", 1),
        page_size=_whole(params, "page_size", queries.CAP),
    )
    return document(fmt, "service_requests", _request_list(queries.find_requests(query), params))


def _filing(data: QueryDict) -> Filing:
    def number(name: str) -> float | None:
        raw = data.get(name, "").strip()
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise InvalidInput(
                f"{name} is not a number.", [FieldProblem(name, f"{raw[:30]!r} is not a number")]
            ) from None

    attributes: dict[str, str | list[str]] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            attributes[match.group(1)] = data.getlist(key) if match.group(2) else data.get(key, "")
    return Filing(
        service_code=data.get("service_code", "").strip(),
        location=Location(
            lat=number("lat"),
            long=number("long"),
            address_string=data.get("address_string", ""),
            address_id=data.get("address_id", ""),
            zipcode=data.get("zipcode", ""),
        ),
        description=data.get("description", ""),
        media_url=data.get("media_url", "").strip(),
        attributes=attributes,
        contact={name: data.get(name, "") for name in CONTACT if data.get(name)},
        jurisdiction_id=data.get("jurisdiction_id", "").strip(),
    )


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        data = request.POST
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error(
            fmt,
            400,
            f"The request body is larger than {limit:,} bytes; "
            f"description may be at most {MAX_DESCRIPTION:,} characters.",
        )
    secret = data.get("api_key", "") or request.GET.get("api_key", "")
    if not secret.strip():
        return error(fmt, 403, NO_KEY)
    key = services.authenticate_api_key(secret.strip())
    if key is None:
        return error(fmt, 403, BAD_KEY)
    if not data.get("service_code", "").strip():
        raise InvalidInput("service_code is missing.", [FieldProblem("service_code", "is required")])
    filed = services.file_request(actor=None, filing=_filing(data), api_key=key)
    return document(fmt, "service_requests", [records.filed(filed, data.get("account_id", "").strip())])


@open311_errors
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET"):
        return refused
    _jurisdiction(request.GET)
    return document(fmt, "service_requests", _request_list([queries.request(request_id)], request.GET))


@open311_errors
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    if refused := _methods(request, fmt, "GET"):
        return refused
    _jurisdiction(request.GET)
    return document(fmt, "service_requests", [records.token(queries.request_by_token(token))])


@open311_errors
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """FixMyStreet's GET servicerequestupdates: public updates in a window, statuses in its extended
    states; ``update_id`` returns only later updates."""
    if refused := _methods(request, fmt, "GET"):
        return refused
    params = request.GET
    _jurisdiction(params)
    after = params.get("update_id", "").strip()
    if after and not after.isdigit():
        raise InvalidInput("update_id must be a number.", [FieldProblem("update_id", f"{after[:30]!r}")])
    found = queries.updates_between(
        _datetime(params, "start_date"),
        _datetime(params, "end_date"),
        after_id=int(after) if after else None,
        statuses=[s.lower() for s in _list(params, "status")],
    )
    return document(fmt, "service_requests_updates", [records.update(u) for u in found])
