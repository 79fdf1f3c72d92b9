"""Writers of the back office: assigning a request, merging a duplicate into its original, splitting a
request that reports two problems, and the canned replies.

Each write checks the person's permission, happens in one transaction and publishes its events after
commit; e-mails to reporters follow from the status changes and filings these make (see
:mod:`openingup.reports.subscribers`).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations import permissions as organisations
from openingup.organisations.models import Membership, Organisation
from openingup.reports import canned, events, permissions, routing, servicelevels, workflow
from openingup.reports.models import (
    CannedReply,
    Follower,
    Reporter,
    RequestUpdate,
    Service,
    ServiceRequest,
)
from openingup.reports.services.requests import MAX_DESCRIPTION, MAX_NOTE, change_status
from openingup.reports.texts import pick

MAX_REPLY = MAX_NOTE


def _history(request: ServiceRequest, actor: Any, text: str, *, internal: bool, when: datetime) -> None:
    RequestUpdate.objects.create(
        request=request,
        status=request.status,
        previous_status=request.status,
        description=text,
        internal=internal,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=when,
    )


def _site_text(message: str, **values: Any) -> str:
    """A history entry in the site's language (history is one record, read by staff and the public)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % values


# ------------------------------------------------------------------------------------------ assignment


def _may_work_for(user: Any, department: Organisation | None) -> bool:
    if organisations.is_admin(user):
        return True
    return department is not None and organisations.role_in(user, department) is not None


@transaction.atomic
def assign_request(
    *, actor: Any, request: ServiceRequest, department: Organisation | None, assignee: Any = None
) -> ServiceRequest:
    """Give the request to ``department`` and, optionally, one person of it; an internal history
    entry records the move. The person must be an active member of the department (or of one of its
    parents) or an administrator.

    Raises PermissionDenied, or InvalidInput naming the field."""
    if actor is not None and not permissions.can_assign_request(actor, request):
        raise PermissionDenied("You may not assign this request.")
    if department is None and assignee is None:
        raise InvalidInput("Choose a department or a person.", [FieldProblem("department", "is required")])
    if department is not None and department.kind == Organisation.Kind.EXTERNAL:
        raise InvalidInput(
            "An external organisation has no work queue.",
            [FieldProblem("department", "is an external organisation")],
        )
    if assignee is not None and not (
        getattr(assignee, "is_active", False) and _may_work_for(assignee, department or request.department)
    ):
        raise InvalidInput(
            "That person does not work for the department.",
            [FieldProblem("assignee", "is not a member of the department")],
        )
    previous = (request.department_id, request.assignee_id)
    request.department = department or request.department
    request.assignee = assignee
    request.agency_responsible = request.department.display_name() if request.department else ""
    if (request.department_id, request.assignee_id) == previous:
        return request
    request.save(update_fields=["department", "assignee", "agency_responsible"])
    who = assignee.get_username() if assignee is not None else "—"
    where = request.department.display_name() if request.department else "—"
    text = _site_text(
        gettext_noop("Assigned to %(department)s, person: %(person)s."), department=where, person=who
    )
    _history(request, actor, text, internal=True, when=timezone.now())
    publish(
        events.REQUEST_ASSIGNED,
        request_id=request.pk,
        department=request.department.slug if request.department else "",
        assignee_id=getattr(assignee, "pk", None),
    )
    return request


def assignable_people(department: Organisation | None) -> list[Any]:
    """The active members of the department and of its parents, by user name."""
    chain: list[Organisation] = []
    while department is not None and department not in chain:
        chain.append(department)
        department = department.parent
    ids = Membership.objects.filter(organisation__in=chain).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))


# ------------------------------------------------------------------------------------ merge and split


def _root(request: ServiceRequest) -> ServiceRequest:
    seen = {request.pk}
    while request.duplicate_of_id is not None and request.duplicate_of_id not in seen:
        seen.add(request.duplicate_of_id)
        request = ServiceRequest.objects.get(pk=request.duplicate_of_id)
    return request


@transaction.atomic
def mark_duplicate(
    *, actor: Any, request: ServiceRequest, original: ServiceRequest, note: str = ""
) -> ServiceRequest:
    """Merge ``request`` into ``original``: it moves to ``duplicate`` (its followers get that e-mail,
    with ``note``), points at the original, and its followers follow the original from now on. Both
    get a history entry. A duplicate of a duplicate is merged into the first one.

    Raises PermissionDenied, or InvalidInput when the two are the same, the original is closed, or
    the workflow does not allow ``duplicate`` from the request's state."""
    if actor is not None and not permissions.can_mark_duplicate(actor, request):
        raise PermissionDenied("You may not merge this request.")
    target = _root(original)
    if target.pk == request.pk:
        raise InvalidInput(
            "A request cannot be a duplicate of itself.",
            [FieldProblem("original", "is this request itself")],
        )
    if workflow.open311_status(target.status) != "open":
        raise InvalidInput(
            f"Request {target.pk} is closed; merge into an open request.",
            [FieldProblem("original", f"request {target.pk} is closed")],
        )
    change_status(actor=actor, request=request, status="duplicate", note=note)
    request.duplicate_of = target
    request.save(update_fields=["duplicate_of"])
    known = {e.lower() for e in target.followers.values_list("email", flat=True)}
    moved = 0
    for follower in request.followers.all():
        if follower.email.lower() in known:
            continue
        Follower.objects.create(
            request=target,
            email=follower.email,
            language=follower.language,
            is_reporter=False,
            token=secrets.token_urlsafe(16),
        )
        known.add(follower.email.lower())
        moved += 1
    moment = timezone.now()
    _history(
        target,
        actor,
        _site_text(
            gettext_noop("Report %(number)s was merged into this report as a duplicate."), number=request.pk
        ),
        internal=True,
        when=moment,
    )
    publish(events.REQUEST_MERGED, request_id=request.pk, original_id=target.pk, followers=moved)
    return request


@transaction.atomic
def split_request(
    *, actor: Any, request: ServiceRequest, service_code: str, description: str
) -> ServiceRequest:
    """Make a new request for the second problem a request reports: the given service and
    description, the same place, photo and reporter (who gets the "received" e-mail of the new
    one), routed and given a due date as a new filing is; the new service's questions stay
    unanswered. Both are linked and get a public history entry naming the other.

    Raises PermissionDenied, or InvalidInput for an unknown service or an empty or too long
    description."""
    if actor is not None and not permissions.can_split_request(actor, request):
        raise PermissionDenied("You may not split this request.")
    service = Service.objects.filter(code=service_code, active=True).first()
    text = description.strip()
    problems = []
    if service is None:
        problems.append(FieldProblem("service", "is not an active service"))
    if not text or len(text) > MAX_DESCRIPTION:
        problems.append(FieldProblem("description", f"1–{MAX_DESCRIPTION} characters"))
    if problems or service is None:
        raise InvalidInput("The request was not split.", problems)
    moment = timezone.now()
    rule = routing.route(routing.Case(service, request.lat, request.long, {}, moment))
    department = rule.department if rule and rule.department else service.department
    new = ServiceRequest.objects.create(
        service=service,
        jurisdiction=request.jurisdiction,
        status=workflow.INITIAL,
        description=text,
        lat=request.lat,
        long=request.long,
        address_string=request.address_string,
        address_id=request.address_id,
        zipcode=request.zipcode,
        media_url=request.media_url,
        department=department,
        assignee=rule.assignee if rule else None,
        routed_by=rule.name if rule else "",
        agency_responsible=department.display_name() if department else "",
        service_notice=pick(service.service_notice),
        token=secrets.token_urlsafe(16),
        requested_datetime=moment,
        updated_datetime=moment,
        expected_datetime=servicelevels.expected_datetime(service, moment),
        split_from=request,
    )
    reporter = Reporter.objects.filter(request=request, anonymised_at__isnull=True).first()
    if reporter is not None:
        reporter.pk = None
        reporter.request = new
        reporter.save(force_insert=True)
    for follower in request.followers.filter(is_reporter=True):
        Follower.objects.create(
            request=new,
            email=follower.email,
            language=follower.language,
            is_reporter=True,
            token=secrets.token_urlsafe(16),
        )
    _history(
        request,
        actor,
        _site_text(
            gettext_noop("Part of this report is handled further as report %(number)s."), number=new.pk
        ),
        internal=False,
        when=moment,
    )
    _history(
        new,
        actor,
        _site_text(gettext_noop("Split off from report %(number)s."), number=request.pk),
        internal=False,
        when=moment,
    )
    request.updated_datetime = moment
    request.save(update_fields=["updated_datetime"])
    publish(events.REQUEST_FILED, request_id=new.pk, service_code=service.code)
    publish(events.REQUEST_SPLIT, request_id=request.pk, new_request_id=new.pk)
    return new


# ------------------------------------------------------------------------------------- canned replies


def _check_reply(title: str, body: str, status: str, language: str) -> list[FieldProblem]:
    problems = []
    if not title.strip() or len(title) > 200:
        problems.append(FieldProblem("title", "1–200 characters"))
    if not body.strip() or len(body) > MAX_REPLY:
        problems.append(FieldProblem("body", f"1–{MAX_REPLY} characters"))
    unknown = canned.unknown_placeholders(body)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        problems.append(FieldProblem("body", f"unknown placeholders: {names}"))
    if status and status not in workflow.BY_KEY:
        problems.append(FieldProblem("status", "is not a workflow state"))
    if language not in {code for code, _name in settings.LANGUAGES}:
        problems.append(FieldProblem("language", "is not a language of this site"))
    return problems


@transaction.atomic
def save_canned_reply(
    *,
    actor: Any,
    reply: CannedReply | None = None,
    title: str,
    body: str,
    language: str,
    service: Service | None = None,
    status: str = "",
) -> CannedReply:
    """Create a canned reply (``reply`` None) or change one.

    Raises PermissionDenied, or InvalidInput naming each problem (nothing is saved then)."""
    if actor is not None and not permissions.can_manage_canned_replies(actor):
        raise PermissionDenied("You may not manage canned replies.")
    problems = _check_reply(title, body, status, language)
    if problems:
        raise InvalidInput("The reply was not saved.", problems)
    row = reply or CannedReply()
    row.title, row.body, row.language = title.strip(), body.strip(), language
    row.service, row.status = service, status
    row.save()
    publish(events.CANNED_REPLY_CHANGED, reply_id=row.pk)
    return row


@transaction.atomic
def delete_canned_reply(*, actor: Any, reply: CannedReply) -> None:
    if actor is not None and not permissions.can_manage_canned_replies(actor):
        raise PermissionDenied("You may not manage canned replies.")
    pk = reply.pk
    reply.delete()
    publish(events.CANNED_REPLY_CHANGED, reply_id=pk)
