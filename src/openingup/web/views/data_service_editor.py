"""Editor pages for data services: create, edit, delete (editors of the publisher)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openingup.catalogue import queries, services
from openingup.catalogue.models import DataService
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations import permissions
from openingup.organisations.models import Organisation
from openingup.web.presentation import pick
from openingup.web.problems import apply_problems
from openingup.web.service_forms import DataServiceForm, dataset_choices
from openingup.web.views.common import forbidden, service_errors


def editable_service(request: HttpRequest, slug: str) -> DataService:
    service = queries.data_service_by_slug(slug)
    if not permissions.can_edit_data_service(request.user, service):
        raise PermissionDenied
    return service


def _departments(organisation: Organisation | None) -> list[Organisation]:
    """The organisation and its departments, at any depth: whose datasets a service of it may serve."""
    found: list[Organisation] = [organisation] if organisation else []
    frontier = list(found)
    while frontier:
        frontier = [o for o in Organisation.objects.filter(parent__in=frontier) if o not in found]
        found += frontier
    return found


def _render_form(request: HttpRequest, form: DataServiceForm, **context: Any) -> HttpResponse:
    return render(request, "web/data_service_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def data_service_create(request: HttpRequest) -> HttpResponse:
    publishers = permissions.editable_organisations(request.user)
    if not publishers:
        return forbidden(
            request, _("You are not an editor of any organisation, so you cannot add data services.")
        )
    form = DataServiceForm(request.POST or None, publishers=publishers, datasets=dataset_choices(publishers))
    if request.method == "POST" and form.check():
        publisher = next(o for o in publishers if o.slug == form.cleaned_data["publisher"])
        try:
            service = services.create_data_service(
                actor=request.user, publisher=publisher, data=form.to_data()
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("The data service was saved. It is public."))
            return redirect("web:data-service", slug=service.slug)
    return _render_form(request, form, creating=True)


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def data_service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    service = editable_service(request, slug)
    form = DataServiceForm(
        request.POST or None,
        initial=DataServiceForm.initial_for(service),
        current=service,
        datasets=dataset_choices(_departments(service.publisher)),
    )
    if request.method == "POST" and form.check():
        try:
            services.update_data_service(actor=request.user, service=service, data=form.to_data())
        except InvalidInput as exc:
            service.refresh_from_db()
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("web:data-service", slug=service.slug)
    return _render_form(request, form, service=service)


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def data_service_delete(request: HttpRequest, slug: str) -> HttpResponse:
    service = editable_service(request, slug)
    if request.method == "POST":
        title = str(pick(service.title)) or service.slug
        services.delete_data_service(actor=request.user, service=service)
        messages.success(request, _("The data service “%(title)s” was deleted.") % {"title": title})
        return redirect("web:data-services")
    return render(request, "web/data_service_confirm_delete.html", {"service": service})
