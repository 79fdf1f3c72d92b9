"""The team's library: canned replies (a text per language, with placeholders), response targets per
channel and working hours per organisation. Editors of an organisation manage its own; everyone on the
team sees them."""

from __future__ import annotations

from typing import Any

import holidays as holiday_data
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from openingup import config
from openingup.core import holidays
from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.organisations.permissions import editable_organisations
from openingup.social import permissions
from openingup.social.inbox import canned, queries, services, timing
from openingup.social.inbox.models import BusinessHours
from openingup.web.views.common import service_errors


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def _own_hours(organisation: Any) -> BusinessHours | None:
    return BusinessHours.objects.filter(organisation=organisation).first()


def _instance_holidays() -> str:
    try:
        return holidays.instance_calendar()
    except ValueError:
        return ""  # a wrong setting is reported where it is used; the form shows no default


def _holidays_error(request: HttpRequest, organisation: Any, problems: list[FieldProblem]) -> dict[str, str]:
    """The refused calendar and why, for the form of the organisation whose form was sent."""
    if request.method != "POST" or request.POST.get("organisation") != str(organisation.pk):
        return {}
    found = next((p for p in problems if p.field == "holidays"), None)
    return {"value": request.POST.get("holidays", ""), "message": found.problem} if found else {}


def _number(value: str, name: str) -> float:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise InvalidInput(
            _("Give the targets as numbers of hours."), [FieldProblem(name, "not a number")]
        ) from None


def _save(request: HttpRequest, organisations: list[Any]) -> str:
    what = request.POST.get("what", "")
    if what == "target":
        channel = next(
            (c for c in queries.inbox_channels(request.user) if str(c.pk) == request.POST.get("channel")),
            None,
        )
        if channel is None:
            raise NotFound("No such channel.")
        services.set_response_target(
            actor=request.user,
            channel=channel,
            first_response_hours=_number(
                request.POST.get("first_response_hours", ""), "first_response_hours"
            ),
            resolution_hours=_number(request.POST.get("resolution_hours", ""), "resolution_hours"),
        )
        return _("The targets of %(channel)s were saved.") % {"channel": channel}
    organisation = next((o for o in organisations if str(o.pk) == request.POST.get("organisation")), None)
    if organisation is None:
        raise InvalidInput(_("Choose an organisation."), [FieldProblem("organisation", "choose one")])
    if what == "hours":
        calendar = request.POST.get("holidays")  # None: a form without the field keeps the calendar
        try:
            holidays.normalise(calendar or "")
        except ValueError:
            message = _(
                "“%(calendar)s” is not a known public-holiday calendar. Give a country code such as NL, BE "
                "or DE, with a region after a hyphen where holidays differ per region (DE-NI), or “none”."
            ) % {"calendar": (calendar or "").strip()}
            raise InvalidInput(
                _("The working hours were not saved."), [FieldProblem("holidays", message)]
            ) from None
        services.set_business_hours(
            actor=request.user,
            organisation=organisation,
            spec=request.POST.get("hours", ""),
            time_zone=request.POST.get("time_zone", "") or "Europe/Amsterdam",
            holiday_calendar=calendar,
        )
        return _("The working hours of %(organisation)s were saved.") % {"organisation": organisation}
    reply = services.save_canned_reply(
        actor=request.user,
        organisation=organisation,
        title=request.POST.get("title", ""),
        texts={code: request.POST.get(f"text_{code}", "") for code, _name in _languages()},
    )
    return _("The canned reply “%(title)s” was saved.") % {"title": reply.title}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def library(request: HttpRequest) -> HttpResponse:
    organisations = editable_organisations(request.user)
    problems: list[FieldProblem] = []
    status = 200
    if request.method == "POST":
        try:
            done = _save(request, organisations)
        except InvalidInput as exc:
            problems, status = exc.problems, 400
        else:
            flash.success(request, done)
            return redirect("web:social-library")
    channels = queries.inbox_channels(request.user)
    context = {
        "replies": queries.canned_replies(request.user),
        "organisations": organisations,
        "languages": _languages(),
        "placeholders": ["{" + p + "}" for p in canned.PLACEHOLDERS],
        "targets": [
            (c, *timing.targets(c), permissions.can_set_response_targets(request.user, c.organisation))
            for c in channels
        ],
        "working_hours": [(o, _own_hours(o), _holidays_error(request, o, problems)) for o in organisations],
        "holiday_calendars": sorted(holiday_data.list_supported_countries()),
        "default_holidays": _instance_holidays(),
        "default_hours": config.get("OPENINGUP_SOCIAL_BUSINESS_HOURS"),
        "default_zone": config.get("OPENINGUP_SOCIAL_TIME_ZONE"),
        "form": request.POST if request.method == "POST" else {},
        "problems": problems,
    }
    return render(request, "web/social/library.html", context, status=status)


@login_required
@require_POST
@service_errors
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = queries.canned_reply(request.user, pk)
    services.delete_canned_reply(actor=request.user, reply=reply)
    flash.success(request, _("The canned reply “%(title)s” was deleted.") % {"title": reply.title})
    return redirect("web:social-library")
