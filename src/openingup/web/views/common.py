"""What every view module shares: turning service errors into pages, and parsing simple parameters."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from openingup.core.errors import NotFound, PermissionDenied

View = Callable[..., HttpResponseBase]


def not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    context = {"message": message or _("There is no page at this address, or you may not see it.")}
    return render(request, "web/not_found.html", context, status=404)


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    context = {"message": message or _("You are not allowed to do this.")}
    return render(request, "web/forbidden.html", context, status=403)


def service_errors(view: View) -> View:
    """NotFound from a query becomes a 404 page, PermissionDenied from a service a 403 page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return not_found(request)
        except PermissionDenied:
            return forbidden(request)

    return wrapper


def offset_param(value: str | None) -> int:
    """A list offset from the query string; anything but a whole number ≥ 0 means the start."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler404: the site's own page for unknown URLs."""
    return not_found(request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler403."""
    return forbidden(request)
