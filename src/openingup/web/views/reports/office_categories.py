"""The back office's categories (Open311 services): the list with department, service level and whether
citizens can choose it, and a category's page where site administrators change those and the texts
per language; its extra questions are listed there (they are defined with the services, see
:func:`openingup.reports.services.define_attribute`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.core.errors import InvalidInput, NotFound, PermissionDenied
from openingup.organisations.models import Organisation
from openingup.reports import permissions
from openingup.reports.models import Service
from openingup.reports.services import rules as services
from openingup.reports.texts import pick
from openingup.web.presentation import active_language
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.reports.office import guard
from openingup.web.views.reports.office_routing_forms import CategoryForm
from openingup.web.views.reports.office_rules import department_choices


def service_level(service: Service) -> str:
    """``5 working days``, ``3 calendar days`` or ``None`` (no service level)."""
    if service.due_days is None:
        return _("None")
    if service.due_working_days:
        return ngettext("%(days)s working day", "%(days)s working days", service.due_days) % {
            "days": service.due_days
        }
    return ngettext("%(days)s calendar day", "%(days)s calendar days", service.due_days) % {
        "days": service.due_days
    }


def _service(code: str) -> Service:
    found = Service.objects.select_related("department").filter(code=code).first()
    if found is None:
        raise NotFound(f"No category {code}.")
    return found


@login_required
@never_cache
@require_safe
@service_errors
def category_list(request: HttpRequest) -> HttpResponse:
    guard(request)
    lang = active_language()
    rows = [
        {
            "service": s,
            "name": pick(s.name) or s.code,
            "department": s.department.display_name(lang) if s.department else "",
            "level": service_level(s),
            "questions": len(s.attributes.all()),
        }
        for s in Service.objects.select_related("department").prefetch_related("attributes").order_by("code")
    ]
    return render(
        request,
        "web/reports/office/categories.html",
        {"rows": rows, "can_manage": permissions.can_manage_services(request.user)},
    )


def _initial(service: Service) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "department": service.department.slug if service.department else "",
        "due_days": service.due_days,
        "due_working_days": service.due_working_days,
        "active": service.active,
    }
    for key in ("name", "description", "service_notice"):
        for code, text in (getattr(service, key) or {}).items():
            initial[f"{key}_{code}"] = text
    return initial


def _questions(service: Service) -> list[dict[str, Any]]:
    return [
        {
            "attribute": a,
            "question": pick(a.description),
            "answers": [(str(v.get("key")), pick(v.get("name") or {})) for v in a.values],
        }
        for a in service.attributes.all()
    ]


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def category_page(request: HttpRequest, code: str) -> HttpResponse:
    """Everyone in the back office sees the category; administrators change it."""
    guard(request)
    service = _service(code)
    can_manage = permissions.can_manage_services(request.user)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Only site administrators change categories."))
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(service),
        departments=department_choices(),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_service(
                actor=request.user,
                service=service,
                name=form.texts("name"),
                description=form.texts("description"),
                service_notice=form.texts("service_notice"),
                department=Organisation.objects.filter(slug=d["department"]).first()
                if d["department"]
                else None,
                due_days=d["due_days"],
                due_working_days=d["due_working_days"],
                active=d["active"],
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("The category “%(name)s” was saved.") % {"name": pick(service.name)})
            return redirect("web:report-office-category", code=service.code)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "service": service,
        "name": pick(service.name) or service.code,
        "form": form,
        "can_manage": can_manage,
        "level": service_level(service),
        "questions": _questions(service),
    }
    return render(request, "web/reports/office/category.html", context, status=status)
