"""The readiness start page: the instruments offered, the user's organisations with their assessments
(start one, set the profile that places them in a cohort) and the way to the public benchmark; and the
instruments as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from openingup.core.errors import Conflict, InvalidInput, NotFound
from openingup.organisations.models import Organisation
from openingup.organisations.permissions import visible_organisation_ids
from openingup.readiness import permissions, queries, services
from openingup.readiness.instruments import LANGUAGES, all_instruments, instrument
from openingup.readiness.models import SIZE_BANDS
from openingup.web.views.common import service_errors
from openingup.web.views.readiness.common import text


def _instruments() -> list[dict[str, Any]]:
    return [
        {
            "id": inst.id,
            "version": inst.version,
            "title": text(inst.title),
            "description": text(inst.description),
            "questions": len(inst.questions()),
            "sources": inst.sources,
        }
        for inst in all_instruments()
    ]


def _title(instrument_id: str, version: str) -> str:
    try:
        return text(instrument(instrument_id, version).title)
    except LookupError:
        return instrument_id


def _organisations(user: Any) -> list[dict[str, Any]]:
    """The user's organisations with their assessments, each with the user's progress and rights."""
    found = []
    for organisation in Organisation.objects.filter(pk__in=visible_organisation_ids(user)).order_by("slug"):
        rows = []
        for assessment in queries.assessments_for(organisation):
            answered, total = queries.progress(assessment, user)
            rows.append({
                "assessment": assessment,
                "title": _title(assessment.instrument_id, assessment.instrument_version),
                "answered": answered,
                "total": total,
                "can_answer": permissions.can_answer_assessment(user, assessment),
                "can_coordinate": permissions.can_coordinate_assessment(user, assessment),
            })  # fmt: skip
        found.append({
            "organisation": organisation,
            "assessments": rows,
            "profile": queries.profile(organisation),
            "can_start": permissions.can_start_assessment(user, organisation),
        })  # fmt: skip
    return found


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request.user) if request.user.is_authenticated else []
    context = {
        "instruments": _instruments(),
        "organisations": organisations,
        "startable": [o for o in organisations if o["can_start"]],
        "this_year": timezone.localdate().year,
        "size_bands": SIZE_BANDS,
    }
    return render(request, "web/readiness/index.html", context)


@require_safe
def instruments_json(request: HttpRequest) -> HttpResponse:
    """id, version, titles per language and question count of every instrument (as the CLI prints)."""
    body = [
        {"id": i.id, "version": i.version, "title": {lang: i.title.get(lang, "") for lang in LANGUAGES},
         "questions": len(i.questions()), "sources": list(i.sources)}
        for i in all_instruments()
    ]  # fmt: skip
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _organisation(request: HttpRequest) -> Organisation:
    found = Organisation.objects.filter(slug=request.POST.get("organisation", "")).first()
    if found is None:
        raise NotFound("No such organisation.")
    return found


@login_required
@require_POST
@service_errors
def start(request: HttpRequest) -> HttpResponse:
    """Open an assessment of an organisation on an instrument for a year, then go to its questionnaire."""
    organisation = _organisation(request)
    raw_year = request.POST.get("year", "").strip()
    try:
        assessment = services.start_assessment(
            actor=request.user,
            organisation=organisation,
            instrument_id=request.POST.get("instrument", ""),
            year=int(raw_year) if raw_year.isdigit() else None,
        )
    except (Conflict, InvalidInput) as exc:
        flash.error(request, _("The assessment was not started: %(problem)s") % {"problem": exc})
        return redirect("web:readiness")
    flash.success(request, _("The assessment was started."))
    return redirect("web:readiness-questionnaire", pk=assessment.pk)


@login_required
@require_POST
@service_errors
def profile(request: HttpRequest) -> HttpResponse:
    """Set an organisation's country and population (its cohort)."""
    organisation = _organisation(request)
    raw = request.POST.get("population", "").strip().replace(" ", "").replace(",", "").replace(".", "")
    try:
        if raw and not raw.isdigit():
            raise InvalidInput(_("Give the population as a whole number."))
        services.set_profile(
            actor=request.user,
            organisation=organisation,
            country=request.POST.get("country", ""),
            population=int(raw) if raw else None,
        )
    except InvalidInput as exc:
        flash.error(request, _("The profile was not saved: %(problem)s") % {"problem": exc})
    else:
        flash.success(request, _("The profile was saved."))
    return redirect("web:readiness")
