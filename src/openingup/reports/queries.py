"""Read side of reports: services, requests in Open311's windows and caps, updates, API keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.reports import workflow
from openingup.reports.models import ApiKey, Jurisdiction, RequestUpdate, Service, ServiceRequest

WINDOW = timedelta(days=90)  # GeoReport v2: "default query limit is a span of 90 days"
CAP = 1000  # … "or first 1000 requests returned, whichever is smallest"


def services() -> QuerySet[Service]:
    """Active services with their questions, by code."""
    return Service.objects.filter(active=True).prefetch_related("attributes").order_by("code")


def service(code: str) -> Service:
    found = services().filter(code=code).first()
    if found is None:
        raise NotFound(f"service_code {code!r} not found.")
    return found


def jurisdiction(code: str) -> Jurisdiction | None:
    """The jurisdiction named ``code``; without one, the only (first) one; NotFound for an unknown code."""
    if code:
        found = Jurisdiction.objects.filter(code=code).first()
        if found is None:
            raise NotFound(f"jurisdiction_id {code!r} not found.")
        return found
    return Jurisdiction.objects.order_by("code").first()


def changeset() -> datetime | None:
    """When the list of services or any definition last changed (Open311 discovery's changeset)."""
    latest: datetime | None = Service.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest


def _requests() -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related("service").order_by("-requested_datetime", "-id")


def request(request_id: str) -> ServiceRequest:
    found = _requests().filter(pk=int(request_id)).first() if request_id.isdigit() else None
    if found is None:
        raise NotFound(f"Service request not found with id {request_id}")
    return found


def request_by_token(token: str) -> ServiceRequest:
    found = ServiceRequest.objects.filter(token=token).first() if token else None
    if found is None:
        raise NotFound(f"Service request not found with token {token}")
    return found


def window(
    start: datetime | None, end: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The span of requested_datetime a query covers: as given, or the 90 days before ``end`` (or now),
    or the 90 days after ``start``. InvalidInput when end is before start or the span is over 90 days."""
    if end is None:
        end = min(start + WINDOW, now or timezone.now()) if start else (now or timezone.now())
    if start is None:
        start = end - WINDOW
    if end < start:
        raise InvalidInput("end_date is before start_date.", [FieldProblem("end_date", "before start_date")])
    if end - start > WINDOW:
        raise InvalidInput(
            "start_date and end_date may be at most 90 days apart.",
            [FieldProblem("end_date", "more than 90 days after start_date")],
        )
    return start, end


@dataclass(frozen=True)
class RequestQuery:
    ids: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: Sequence[str] = ()  # Open311 "open" / "closed"
    page: int = 1
    page_size: int = CAP


def find_requests(query: RequestQuery, now: datetime | None = None) -> list[ServiceRequest]:
    """Requests as GET requests finds them, newest first, at most ``CAP`` a page; requests harvested
    from another city's endpoint are not this endpoint's and are left out.

    Given ids override every other filter; otherwise the service codes, the statuses and the
    requested_datetime window (:func:`window`) apply."""
    size = max(1, min(query.page_size, CAP))
    found = _requests().filter(harvest_source__isnull=True)  # requests harvested from elsewhere stay out
    if query.ids:
        numbers = [int(i) for i in query.ids if i.isdigit()]
        found = found.filter(pk__in=numbers)
    else:
        start, end = window(query.start, query.end, now)
        found = found.filter(requested_datetime__gte=start, requested_datetime__lte=end)
        if query.service_codes:
            found = found.filter(service__code__in=list(query.service_codes))
        if query.statuses:
            states = [k for s in query.statuses for k in workflow.keys_with_open311_status(s)]
            found = found.filter(status__in=states)
    offset = (max(query.page, 1) - 1) * size
    return list(found[offset : offset + size])


def public_updates(request_ids: Sequence[int]) -> dict[int, list[RequestUpdate]]:
    """The public updates (status changes and notes) of these requests, oldest first."""
    grouped: dict[int, list[RequestUpdate]] = {i: [] for i in request_ids}
    for update in RequestUpdate.objects.filter(request_id__in=list(request_ids), internal=False):
        grouped[update.request_id].append(update)
    return grouped


def updates_between(
    start: datetime | None,
    end: datetime | None,
    *,
    after_id: int | None = None,
    statuses: Sequence[str] = (),
    now: datetime | None = None,
) -> list[RequestUpdate]:
    """Public updates in the window (FixMyStreet's servicerequestupdates), oldest first, at most CAP;
    ``after_id`` returns only updates with a higher id, so a client can page on; ``statuses`` are
    FixMyStreet's extended states (``fixed``, ``action_scheduled`` …)."""
    start, end = window(start, end, now)
    found = RequestUpdate.objects.filter(
        internal=False, created_at__gte=start, created_at__lte=end, request__harvest_source__isnull=True
    )
    if after_id is not None:
        found = found.filter(pk__gt=after_id)
    if statuses:
        found = found.filter(
            status__in=[k for s in statuses for k in workflow.keys_with_fixmystreet_status(s)]
        )
    return list(found.select_related("request").order_by("created_at", "id")[:CAP])


def api_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by").order_by("-created_at")
