"""Site administrators' page of Open311 API keys: list, create (the key is shown once), revoke."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openingup.core.errors import InvalidInput, NotFound, PermissionDenied
from openingup.reports import permissions, queries, services
from openingup.web.forms import SummaryForm, labelled
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors


class ApiKeyForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = labelled(
            forms.CharField(max_length=100, error_messages={"required": _("Give the key a name.")}),
            _("Name of the new key"),
            _("Say who or what uses it, such as the app or the partner that files reports."),
        )


def _guard(request: HttpRequest) -> None:
    if not permissions.can_manage_api_keys(request.user):
        raise PermissionDenied(_("Only site administrators manage API keys."))


def _render(request: HttpRequest, form: ApiKeyForm) -> HttpResponse:
    return render(request, "web/api_keys.html", {"form": form, "keys": list(queries.api_keys())})


@login_required
@never_cache
@require_safe
@service_errors
def key_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    return _render(request, ApiKeyForm())


@login_required
@never_cache
@require_POST
@service_errors
def key_create(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            key, secret = services.create_api_key(actor=request.user, name=form.cleaned_data["name"])
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            # The only time the key is shown: the answer to the form itself, never cached.
            return render(request, "web/api_key_created.html", {"key": key, "secret": secret})
    return _render(request, form)


@login_required
@require_POST
@service_errors
def key_revoke(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    _guard(request)
    key = queries.api_keys().filter(pk=pk).first()
    if key is None:
        raise NotFound(f"No API key {pk}.")
    services.revoke_api_key(actor=request.user, key=key)
    messages.success(
        request, _("The API key “%(name)s” was revoked: it no longer works.") % {"name": key.name}
    )
    return redirect("web:api-keys")
