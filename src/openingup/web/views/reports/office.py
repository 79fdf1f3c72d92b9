"""The back office's work queue: the requests of the departments a person works for, filtered, sorted
by due date and paged; its JSON twin (``office.json``); and the same queue on a map.

Administrators see every department; other people the departments they are members of (any role)
and the requests assigned to them. See :mod:`openingup.reports.queues`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openingup.core.errors import PermissionDenied
from openingup.reports import permissions, queries, queues, workflow
from openingup.reports.models import ServiceRequest
from openingup.reports.records import w3c
from openingup.reports.texts import pick
from openingup.web.presentation import active_language
from openingup.web.views.common import offset_param, service_errors
from openingup.web.views.public import Pager
from openingup.web.views.reports import office_map
from openingup.web.views.reports.common import current_jurisdiction

PAGE_SIZE = 25
MAP_LIMIT = 2000  # points drawn on the map; the page says when there are more


def guard(request: HttpRequest) -> None:
    if not permissions.can_view_office(request.user):
        raise PermissionDenied(_("Only staff of the municipality's departments see the back office."))


def parse_filter(params: QueryDict) -> tuple[queues.QueueFilter, dict[str, str]]:
    """The queue filter from the query string, and the values to show in the filter form."""
    shown = {
        "department": params.get("department", "")[:100],
        "service": params.get("service", "")[:100],
        "status": params.get("status", "open")[:30],
        "overdue": "1" if params.get("overdue") else "",
        "assigned": params.get("assigned", "")[:10],
        "q": params.get("q", "")[: queues.MAX_TEXT],
    }
    wanted = queues.QueueFilter(
        departments=[shown["department"]] if shown["department"] else [],
        service_codes=[shown["service"]] if shown["service"] else [],
        statuses=[shown["status"]] if shown["status"] else [],
        overdue=bool(shown["overdue"]),
        mine=shown["assigned"] == "me",
        unassigned=shown["assigned"] == "none",
        text=shown["q"],
    )
    return wanted, shown


def _query(shown: dict[str, str], **changes: Any) -> str:
    """The query string of these filter values (``status=""`` kept: it means all states)."""
    query = QueryDict(mutable=True)
    for key, value in {**shown, **changes}.items():
        if value or key == "status":
            query[key] = str(value)
    return query.urlencode()


@dataclass(frozen=True)
class Row:
    """One request of the queue, ready to show."""

    request: ServiceRequest
    link: str
    service: str
    state: str
    is_open: bool
    overdue: bool


def row(request: ServiceRequest, now: datetime) -> Row:
    return Row(
        request=request,
        link=reverse("web:report-office-request", args=[request.pk]),
        service=pick(request.service.name) or request.service.code,
        state=str(workflow.state(request.status).label),
        is_open=workflow.open311_status(request.status) == "open",
        overdue=queues.is_overdue(request, now),
    )


def _choices(user: Any) -> dict[str, Any]:
    lang = active_language()
    return {
        "departments": [(o.slug, o.display_name(lang)) for o in queues.queue_departments(user, lang)],
        "services": [(s.code, pick(s.name) or s.code) for s in queries.services()],
        "states": [(s.key, s.label) for s in workflow.STATES],
    }


@login_required
@never_cache
@require_safe
@service_errors
def queue_page(request: HttpRequest) -> HttpResponse:
    guard(request)
    wanted, shown = parse_filter(request.GET)
    found = queues.queue(request.user, wanted)
    offset = offset_param(request.GET.get("offset"))
    total = found.count()
    now = timezone.now()
    rows = [row(r, now) for r in found[offset : offset + PAGE_SIZE]]
    base = _query(shown)
    previous = f"?{_query(shown, offset=max(0, offset - PAGE_SIZE) or '')}" if offset > 0 else ""
    following = f"?{_query(shown, offset=offset + PAGE_SIZE)}" if offset + PAGE_SIZE < total else ""
    context = {
        "rows": rows,
        "filters": shown,
        "query": base,
        "pager": Pager(offset, total, len(rows), previous, following),
        "can_manage_replies": permissions.can_manage_canned_replies(request.user),
        **_choices(request.user),
    }
    return render(request, "web/reports/office/queue.html", context)


def request_json(request: ServiceRequest, now: datetime) -> dict[str, Any]:
    """A request as the back office's JSON shows it (no personal data)."""
    return {
        "service_request_id": str(request.pk),
        "service_code": request.service.code,
        "service_name": pick(request.service.name) or request.service.code,
        "status": request.status,
        "open311_status": workflow.open311_status(request.status),
        "department": request.department.slug if request.department else None,
        "assignee": request.assignee.get_username() if request.assignee else None,
        "requested_datetime": w3c(request.requested_datetime),
        "expected_datetime": w3c(request.expected_datetime),
        "overdue": queues.is_overdue(request, now),
        "address": request.address_string,
        "lat": request.lat,
        "long": request.long,
        "url": reverse("web:report-office-request", args=[request.pk]),
    }


@login_required
@never_cache
@require_safe
@service_errors
def queue_json(request: HttpRequest) -> HttpResponse:
    """The queue page as JSON: the same filters and paging (``offset``), ``total`` for all pages."""
    guard(request)
    wanted, _shown = parse_filter(request.GET)
    found = queues.queue(request.user, wanted)
    offset = offset_param(request.GET.get("offset"))
    now = timezone.now()
    body = {
        "total": found.count(),
        "offset": offset,
        "page_size": PAGE_SIZE,
        "requests": [request_json(r, now) for r in found[offset : offset + PAGE_SIZE]],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@login_required
@never_cache
@require_safe
@service_errors
def map_page(request: HttpRequest) -> HttpResponse:
    """The filtered queue on a map drawn here (SVG): the municipality's box, tiles from the configured
    server when there is one, and a linked marker per request."""
    guard(request)
    wanted, shown = parse_filter(request.GET)
    found = queues.queue(request.user, wanted)
    located = found.filter(lat__isnull=False, long__isnull=False)
    now = timezone.now()
    rows = [row(r, now) for r in located[:MAP_LIMIT]]
    drawing = office_map.draw(current_jurisdiction(), rows)
    context = {
        "map": drawing,
        "rows": rows,
        "filters": shown,
        "query": _query(shown),
        "total": found.count(),
        "located": located.count(),
        "limit": MAP_LIMIT,
        **_choices(request.user),
    }
    return render(request, "web/reports/office/map.html", context)
