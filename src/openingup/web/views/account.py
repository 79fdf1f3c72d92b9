"""The signed-in person's own page: their organisations and roles, their imports, and their API tokens.

A new token's secret is shown once, on the page that answers the form, and never stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openingup.core.errors import InvalidInput, NotFound
from openingup.core.models import Job
from openingup.organisations import permissions, queries, services
from openingup.organisations.models import Membership
from openingup.web.account_forms import TokenForm
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.imports import job_title, status_text

RECENT_JOBS = 10


def _render(request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    user: Any = request.user
    memberships = (
        Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__slug")
    )
    context = {
        "form": form,
        "memberships": list(memberships),
        "is_admin": permissions.is_admin(user),
        "tokens": list(queries.tokens_of(user)),
        "jobs": [
            (job, job_title(job), status_text(job))
            for job in Job.objects.filter(created_by=user)[:RECENT_JOBS]
        ],
    }
    return render(request, "web/account.html", context, status=status)


@login_required
@never_cache
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    return _render(request, TokenForm())


@login_required
@never_cache
@require_POST
@service_errors
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.create_token(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            # The only time the secret is shown: the answer to the form itself, never cached.
            return render(request, "web/token_created.html", {"token": token, "secret": secret})
    return _render(request, form)


@login_required
@require_POST
@service_errors
def token_revoke(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    token = queries.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise NotFound(f"No token {pk} of yours.")
    if token.revoked_at is None:
        services.revoke_token(actor=request.user, token=token)
    messages.success(
        request, _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("web:account")
