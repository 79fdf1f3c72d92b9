"""The back office's page of one request: every fact (the reporter's contact data too), the photo, the
whole history with internal notes, why it went where it is, and the forms that move it on — status
change with a canned reply and a preview of the e-mail, internal note, assignment, duplicate, split.

Each form posts to its own address and comes back to the page; a form with problems is shown again on
the page with them. ``<id>.json`` is the page's twin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations.models import Organisation
from openingup.reports import canned, permissions, queues, subscribers, workflow
from openingup.reports.models import CannedReply, Follower, Reporter, ServiceRequest
from openingup.reports.records import w3c
from openingup.reports.services import add_note, change_status
from openingup.reports.services import office as services
from openingup.reports.texts import pick
from openingup.web.presentation import active_language
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.reports.office import guard, request_json
from openingup.web.views.reports.office_forms import (
    AssignForm,
    DuplicateForm,
    NoteForm,
    SplitForm,
    StatusForm,
)
from openingup.web.views.reports.pages import _photo


def _load(request: HttpRequest, pk: int) -> ServiceRequest:
    guard(request)
    return queues.office_request(request.user, pk)


def _replies(report: ServiceRequest) -> list[CannedReply]:
    """The canned replies for the request's service and any state it may move to, those in the
    reporter's language first."""
    following = set(workflow.next_states(report.status))
    found = [r for r in canned.replies_for(report) if not r.status or r.status in following]
    language = _recipient_language(report)
    return sorted(found, key=lambda r: (r.language != language, r.title.lower(), r.pk))


def _recipient(report: ServiceRequest) -> Follower | None:
    """Whose e-mail a preview shows: the reporter's, else the first follower's."""
    followers = list(report.followers.all())
    return next((f for f in followers if f.is_reporter), followers[0] if followers else None)


def _recipient_language(report: ServiceRequest) -> str:
    follower = _recipient(report)
    return follower.language if follower else (translation.get_language() or "en")


def _reply_texts(report: ServiceRequest, replies: list[CannedReply]) -> dict[str, dict[str, str]]:
    """Per reply, its text for each state it may be used with (for the page's script)."""
    following = workflow.next_states(report.status)
    return {
        str(r.pk): {s: canned.render(r, report, s) for s in following if not r.status or r.status == s}
        for r in replies
    }


def _people(department: Organisation | None) -> list[tuple[str, str]]:
    return [(str(u.pk), u.get_username()) for u in services.assignable_people(department)]


def _departments() -> list[tuple[str, str]]:
    lang = active_language()
    found = Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL)
    return sorted(((o.slug, o.display_name(lang)) for o in found), key=lambda p: p[1].lower())


def _forms(report: ServiceRequest, replies: list[CannedReply]) -> dict[str, Any]:
    return {
        "status_form": StatusForm(report=report, replies=replies),
        "note_form": NoteForm(),
        "assign_form": AssignForm(
            departments=_departments(),
            people=_people(report.department),
            initial={
                "department": report.department.slug if report.department else "",
                "assignee": str(report.assignee_id or ""),
            },
        ),
        "duplicate_form": DuplicateForm(),
        "split_form": SplitForm(),
    }


def _page(request: HttpRequest, report: ServiceRequest, status: int = 200, **given: Any) -> HttpResponse:
    replies = _replies(report)
    forms = _forms(report, replies) | given
    user = request.user
    next_states = workflow.next_states(report.status)
    reporter = Reporter.objects.filter(request=report).first()
    context = {
        **_photo(report.media_url),
        **forms,
        "report": report,
        "service_name": pick(report.service.name) or report.service.code,
        "state": workflow.state(report.status),
        "is_open": workflow.open311_status(report.status) == "open",
        "overdue": queues.is_overdue(report),
        "reporter": reporter,
        "followers": report.followers.count(),
        "history": [
            {
                "update": u,
                "label": workflow.state(u.status).label if u.status in workflow.BY_KEY else u.status,
                "changed": u.status != u.previous_status,
            }
            for u in queues.history(report)
        ],
        "duplicates": list(report.duplicates.order_by("pk")),
        "split_into": list(report.split_into.order_by("pk")),
        "can_change": permissions.can_change_request(user, report),
        "can_merge": "duplicate" in next_states,
        "has_next": bool(next_states),
        "reply_texts": _reply_texts(report, replies),
    }
    return render(request, "web/reports/office/request.html", context, status=status)


@login_required
@never_cache
@require_safe
@service_errors
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _load(request, pk))


@login_required
@never_cache
@require_safe
@service_errors
def request_twin(request: HttpRequest, pk: int) -> HttpResponse:
    """The page as JSON, for staff: the request, the reporter's contact data and the whole history."""
    report = _load(request, pk)
    reporter = Reporter.objects.filter(request=report).first()
    body = request_json(report, timezone.now()) | {
        "description": report.description,
        "media_url": report.media_url,
        "attributes": report.attributes,
        "routed_by": report.routed_by,
        "duplicate_of": str(report.duplicate_of_id) if report.duplicate_of_id else None,
        "split_from": str(report.split_from_id) if report.split_from_id else None,
        "next_states": list(workflow.next_states(report.status)),
        "reporter": {
            "email": reporter.email,
            "first_name": reporter.first_name,
            "last_name": reporter.last_name,
            "phone": reporter.phone,
            "anonymised": reporter.anonymised_at is not None,
        }
        if reporter
        else None,
        "updates": [
            {
                "status": u.status,
                "previous_status": u.previous_status,
                "description": u.description,
                "internal": u.internal,
                "actor": u.actor.get_username() if u.actor else None,
                "created_at": w3c(u.created_at),
            }
            for u in queues.history(report)
        ],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _back(report: ServiceRequest) -> HttpResponse:
    return redirect("web:report-office-request", pk=report.pk)


@login_required
@require_POST
@service_errors
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Three steps in one address: ``use_reply`` puts the canned reply's text in the message,
    ``preview`` shows the e-mail the reporter will get, ``confirm`` changes the status."""
    report = _load(request, pk)
    replies = _replies(report)
    form = StatusForm(request.POST, report=report, replies=replies)
    if "use_reply" in request.POST:
        reply = form.replies.get(request.POST.get("reply", ""))
        if reply is None:
            form.is_valid()
            form.add_error("reply", _("Choose a canned reply."))
            return _page(request, report, 400, status_form=form)
        chosen = request.POST.get("status", "")
        status = chosen if chosen in workflow.next_states(report.status) else reply.status
        initial = {
            "status": status,
            "reply": str(reply.pk),
            "message": canned.render(reply, report, status or report.status),
        }
        return _page(request, report, status_form=StatusForm(initial=initial, report=report, replies=replies))
    if not form.is_valid():
        return _page(request, report, 400, status_form=form)
    new, message = form.cleaned_data["status"], form.cleaned_data["message"]
    if "confirm" not in request.POST:
        if not permissions.can_change_status(request.user, report):
            raise PermissionDenied("You may not change the status of this request.")
        follower = _recipient(report)
        context = {
            "report": report,
            "service_name": pick(report.service.name) or report.service.code,
            "new_state": workflow.state(new),
            "message": message.strip(),
            "follower": follower,
            "followers": report.followers.count(),
            "mail": subscribers.preview_status_mail(report, follower, new, message) if follower else None,
            "form": form,
        }
        return render(request, "web/reports/office/preview.html", context)
    try:
        change_status(actor=request.user, request=report, status=new, note=message)
    except InvalidInput as exc:
        apply_problems(form, [p for p in exc.problems if p.field != "note"], exc.message)
        return _page(request, report, 400, status_form=form)
    messages.success(request, _("The status is now “%(status)s”.") % {"status": workflow.state(new).label})
    return _back(report)


@login_required
@require_POST
@service_errors
def note(request: HttpRequest, pk: int) -> HttpResponse:
    report = _load(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, report, 400, note_form=form)
    add_note(actor=request.user, request=report, description=form.cleaned_data["note"], internal=True)
    messages.success(request, _("The internal note was added."))
    return _back(report)


@login_required
@require_POST
@service_errors
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    report = _load(request, pk)
    department = Organisation.objects.filter(slug=request.POST.get("department", "")).first()
    people = _people(department or report.department)
    form = AssignForm(request.POST, departments=_departments(), people=people)
    if not form.is_valid():
        return _page(request, report, 400, assign_form=form)
    chosen = form.cleaned_data["assignee"]
    person = get_user_model().objects.filter(pk=int(chosen)).first() if chosen else None
    try:
        services.assign_request(actor=request.user, request=report, department=department, assignee=person)
    except InvalidInput as exc:
        apply_problems(form, exc.problems, exc.message)
        return _page(request, report, 400, assign_form=form)
    messages.success(request, _("The assignment was saved."))
    return _back(report)


@login_required
@require_POST
@service_errors
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _load(request, pk)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        return _page(request, report, 400, duplicate_form=form)
    original = ServiceRequest.objects.filter(pk=form.cleaned_data["original"]).first()
    if original is None or not permissions.can_view_request(request.user, original):
        form.add_error("original", _("There is no report with this number that you may see."))
        return _page(request, report, 400, duplicate_form=form)
    message = form.cleaned_data["message"].strip()
    if not message:
        with translation.override(_recipient_language(report)):
            message = _(
                "The same problem was reported earlier as report %(number)s. "
                "From now on you receive the e-mails about that report."
            ) % {"number": original.pk}
    try:
        services.mark_duplicate(actor=request.user, request=report, original=original, note=message)
    except InvalidInput as exc:
        form.add_error("original", exc.message)
        return _page(request, report, 400, duplicate_form=form)
    messages.success(request, _("Marked as a duplicate of report %(number)s.") % {"number": original.pk})
    return _back(report)


@login_required
@require_POST
@service_errors
def split(request: HttpRequest, pk: int) -> HttpResponse:
    report = _load(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _page(request, report, 400, split_form=form)
    try:
        new = services.split_request(
            actor=request.user,
            request=report,
            service_code=form.cleaned_data["service"],
            description=form.cleaned_data["description"],
        )
    except InvalidInput as exc:
        apply_problems(form, exc.problems, exc.message)
        return _page(request, report, 400, split_form=form)
    messages.success(request, _("Report %(number)s was made for the second problem.") % {"number": new.pk})
    return _back(report)
