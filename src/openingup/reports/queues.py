"""Read side of the back office: the work queue of the departments a person works for, filtered and
sorted by due date, and the staff view of one request.

The queue holds the requests of the departments in :func:`permissions.queue_organisation_ids` and the
requests assigned to the person; administrators see every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from openingup.core.errors import NotFound, PermissionDenied
from openingup.organisations.models import Organisation
from openingup.reports import permissions, workflow
from openingup.reports.models import RequestUpdate, ServiceRequest

MAX_TEXT = 200


@dataclass(frozen=True)
class QueueFilter:
    """What a queue is narrowed to; empty fields do not narrow. ``statuses`` are workflow states, or
    ``open`` / ``closed`` for all the states Open311 shows so."""

    departments: Sequence[str] = ()  # organisation slugs
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()
    overdue: bool = False
    mine: bool = False
    unassigned: bool = False
    text: str = ""


def _states(statuses: Sequence[str]) -> list[str]:
    found: list[str] = []
    for status in statuses:
        if status in ("open", "closed"):
            found += workflow.keys_with_open311_status(status)
        elif status in workflow.BY_KEY:
            found.append(status)
    return found


def visible_requests(user: Any) -> QuerySet[ServiceRequest]:
    """Every request the person's queue may hold (empty for someone without a role)."""
    found = ServiceRequest.objects.all()
    ids = permissions.queue_organisation_ids(user)
    if ids is not None:
        mine = Q(assignee_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        found = found.filter(Q(department_id__in=ids) | mine)
    return found


def queue(user: Any, wanted: QueueFilter, now: datetime | None = None) -> QuerySet[ServiceRequest]:
    """The person's queue narrowed by ``wanted``: soonest due first (requests without a due date
    last), then oldest first."""
    moment = now or timezone.now()
    found = visible_requests(user)
    if wanted.departments:
        found = found.filter(department__slug__in=list(wanted.departments))
    if wanted.service_codes:
        found = found.filter(service__code__in=list(wanted.service_codes))
    if wanted.statuses:
        found = found.filter(status__in=_states(wanted.statuses))
    if wanted.overdue:
        found = found.filter(
            expected_datetime__lt=moment, status__in=workflow.keys_with_open311_status("open")
        )
    if wanted.mine:
        found = found.filter(assignee_id=getattr(user, "pk", None))
    if wanted.unassigned:
        found = found.filter(assignee__isnull=True)
    text = wanted.text.strip()[:MAX_TEXT]
    if text:
        matches = Q(description__icontains=text) | Q(address_string__icontains=text)
        if text.lstrip("#").isdigit() and len(text) < 19:
            matches |= Q(pk=int(text.lstrip("#")))
        found = found.filter(matches)
    return found.select_related("service", "department", "assignee").order_by(
        F("expected_datetime").asc(nulls_last=True), "requested_datetime", "id"
    )


def is_overdue(request: ServiceRequest, now: datetime | None = None) -> bool:
    """Past its due date and still open."""
    return (
        request.expected_datetime is not None
        and request.expected_datetime < (now or timezone.now())
        and workflow.open311_status(request.status) == "open"
    )


def queue_departments(user: Any, lang: str = "en") -> list[Organisation]:
    """The departments a person may narrow the queue to, by their name in ``lang``."""
    ids = permissions.queue_organisation_ids(user)
    found = Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL)
    if ids is not None:
        found = found.filter(pk__in=ids)
    return sorted(found, key=lambda o: o.display_name(lang).lower())


def office_request(user: Any, request_id: int) -> ServiceRequest:
    """One request for the back office; NotFound when there is none, PermissionDenied when the person
    may not see it."""
    found = (
        ServiceRequest.objects.select_related(
            "service", "department", "assignee", "duplicate_of", "split_from", "jurisdiction"
        )
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound(f"No request {request_id}.")
    if not permissions.can_view_request(user, found):
        raise PermissionDenied("You may not see this request.")
    return found


def history(request: ServiceRequest) -> list[RequestUpdate]:
    """Every update of the request, internal notes included, oldest first."""
    return list(request.updates.select_related("actor").order_by("created_at", "id"))
