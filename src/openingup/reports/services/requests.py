"""Writers of service requests: filing one (checked, routed, given a due date) and moving it along the
workflow with public or internal notes."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.reports import events, permissions, queries, routing, servicelevels, workflow
from openingup.reports.models import (
    ApiKey,
    Jurisdiction,
    Reporter,
    RequestUpdate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from openingup.reports.texts import pick

MAX_DESCRIPTION = 4000  # the GeoReport v2 limit of a request's description
MAX_NOTE = 4000
MAX_ANSWER = {"string": 500, "text": 4000}
CONTACT_FIELDS = {
    "email": 254,
    "device_id": 200,
    "account_id": 200,
    "first_name": 200,
    "last_name": 200,
    "phone": 50,
}


@dataclass
class Location:
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    zipcode: str = ""


@dataclass
class Filing:
    """What a client sends to file a request; ``attributes`` maps a question's code to one answer or a
    list of answers (multivaluelist)."""

    service_code: str
    location: Location
    description: str = ""
    media_url: str = ""
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)
    jurisdiction_id: str = ""


def _check_location(loc: Location, jurisdiction: Jurisdiction | None) -> list[FieldProblem]:
    if loc.lat is None and loc.long is None:
        if not loc.address_string.strip() and not loc.address_id.strip():
            return [FieldProblem("lat", "give lat and long, or address_string, or address_id")]
        return []
    if loc.lat is None or loc.long is None:
        return [FieldProblem("long" if loc.long is None else "lat", "lat and long go together")]
    if not (math.isfinite(loc.lat) and -90 <= loc.lat <= 90):
        return [FieldProblem("lat", "must be a latitude between -90 and 90")]
    if not (math.isfinite(loc.long) and -180 <= loc.long <= 180):
        return [FieldProblem("long", "must be a longitude between -180 and 180")]
    if jurisdiction is not None and not jurisdiction.contains(loc.lat, loc.long):
        box = f"{jurisdiction.south},{jurisdiction.west} to {jurisdiction.north},{jurisdiction.east}"
        return [
            FieldProblem(
                "lat",
                f"the location {loc.lat},{loc.long} is outside the area of {jurisdiction.code} ({box})",
            )
        ]
    return []


def _answer(attribute: ServiceAttribute, raw: str | list[str]) -> str | list[str]:
    """One question's answer, checked against its datatype; raises ValueError with the reason."""
    values = raw if isinstance(raw, list) else [raw]
    values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    kind = attribute.datatype
    if kind == "multivaluelist":
        allowed = {v["key"] for v in attribute.values}
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not one of {sorted(allowed)}")
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise ValueError("takes one answer")
    value = values[0] if values else ""
    if kind == "singlevaluelist":
        allowed = {v["key"] for v in attribute.values}
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {sorted(allowed)}")
    elif kind == "number":
        try:
            if not math.isfinite(float(value)):
                raise ValueError
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    elif kind == "datetime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    elif len(value) > MAX_ANSWER.get(kind, 500):
        raise ValueError(f"longer than {MAX_ANSWER.get(kind, 500)} characters")
    return value


def check_answers(service: Service, given: dict[str, str | list[str]]) -> tuple[dict[str, Any], list[Any]]:
    questions = {a.code: a for a in service.attributes.all() if a.variable}
    problems = [
        FieldProblem(f"attribute[{code}]", f"is not a question of service {service.code}")
        for code in given
        if code not in questions
    ]
    answers: dict[str, Any] = {}
    for code, attribute in questions.items():
        raw = given.get(code)
        values = raw if isinstance(raw, list) else [raw or ""]
        if not any(isinstance(v, str) and v.strip() for v in values):
            if attribute.required:
                problems.append(FieldProblem(f"attribute[{code}]", "is required"))
            continue
        try:
            answers[code] = _answer(attribute, values if isinstance(raw, list) else values[0])
        except ValueError as exc:
            problems.append(FieldProblem(f"attribute[{code}]", str(exc)))
    return answers, problems


def _check_text(filing: Filing) -> list[FieldProblem]:
    problems = []
    if len(filing.description) > MAX_DESCRIPTION:
        problems.append(
            FieldProblem(
                "description", f"is {len(filing.description):,} characters; at most {MAX_DESCRIPTION:,}"
            )
        )
    if filing.media_url:
        try:
            URLValidator(schemes=["http", "https"])(filing.media_url)
            if len(filing.media_url) > 1000:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(FieldProblem("media_url", "must be an http(s) URL of at most 1000 characters"))
    for name, value in filing.contact.items():
        if name not in CONTACT_FIELDS:
            problems.append(FieldProblem(name, "is not a contact field"))
        elif len(value) > CONTACT_FIELDS[name]:
            problems.append(FieldProblem(name, f"longer than {CONTACT_FIELDS[name]} characters"))
    if filing.contact.get("email"):
        try:
            EmailValidator()(filing.contact["email"])
        except ValidationError:
            problems.append(FieldProblem("email", "is not an e-mail address"))
    for name in ("address_string", "address_id", "zipcode"):
        limit = {"address_string": 500, "address_id": 100, "zipcode": 20}[name]
        if len(getattr(filing.location, name)) > limit:
            problems.append(FieldProblem(name, f"longer than {limit} characters"))
    return problems


@transaction.atomic
def file_request(
    *, actor: Any, filing: Filing, api_key: ApiKey | None = None, now: datetime | None = None
) -> ServiceRequest:
    """File a request: checked (service, location inside the jurisdiction, answers, sizes), routed
    (first matching rule, else the service's department) and given its due date.

    Raises InvalidInput naming every problem, NotFound for an unknown jurisdiction_id; nothing is
    stored then."""
    service = Service.objects.filter(code=filing.service_code, active=True).first()
    if service is None:
        raise InvalidInput(
            f"service_code {filing.service_code!r} not found.",
            [FieldProblem("service_code", "is not a service of this endpoint")],
        )
    jurisdiction = queries.jurisdiction(filing.jurisdiction_id)
    problems = _check_location(filing.location, jurisdiction) + _check_text(filing)
    answers, answer_problems = check_answers(service, filing.attributes)
    problems += answer_problems
    if problems:
        raise InvalidInput("The request was not filed.", problems)
    when = now or timezone.now()
    loc = filing.location
    rule = routing.route(routing.Case(service, loc.lat, loc.long, answers, when))
    department = rule.department if rule and rule.department else service.department
    request = ServiceRequest.objects.create(
        service=service,
        jurisdiction=jurisdiction,
        status=workflow.INITIAL,
        description=filing.description,
        lat=loc.lat,
        long=loc.long,
        address_string=loc.address_string.strip(),
        address_id=loc.address_id.strip(),
        zipcode=loc.zipcode.strip(),
        media_url=filing.media_url,
        attributes=answers,
        department=department,
        assignee=rule.assignee if rule else None,
        routed_by=rule.name if rule else "",
        agency_responsible=department.display_name() if department else "",
        service_notice=pick(service.service_notice),
        token=secrets.token_urlsafe(16),
        api_key=api_key,
        requested_datetime=when,
        updated_datetime=when,
        expected_datetime=servicelevels.expected_datetime(service, when),
    )
    contact = {k: v.strip() for k, v in filing.contact.items() if v and v.strip()}
    if contact:
        Reporter.objects.create(request=request, **contact)
    publish(events.REQUEST_FILED, request_id=request.pk, service_code=service.code)
    return request


@transaction.atomic
def change_status(
    *, actor: Any, request: ServiceRequest, status: str, note: str = "", when: datetime | None = None
) -> RequestUpdate:
    """Move the request to ``status`` along an allowed transition, with an optional public note;
    ``actor`` None is the system (an import, a scheduled task).

    Raises PermissionDenied, or InvalidInput for an unknown state or a move the workflow does not
    allow (the request is then unchanged)."""
    if actor is not None and not permissions.can_change_status(actor, request):
        raise PermissionDenied("You may not change the status of this request.")
    if status not in workflow.BY_KEY:
        raise InvalidInput(f"Unknown status {status!r}.", [FieldProblem("status", "is not a workflow state")])
    if not workflow.can_move(request.status, status):
        allowed = ", ".join(workflow.next_states(request.status)) or "none"
        raise InvalidInput(
            f"A request cannot go from {request.status} to {status}.",
            [FieldProblem("status", f"allowed from {request.status}: {allowed}")],
        )
    if len(note) > MAX_NOTE:
        raise InvalidInput("Note too long.", [FieldProblem("note", f"at most {MAX_NOTE} characters")])
    moment = when or timezone.now()
    previous = request.status
    update = RequestUpdate.objects.create(
        request=request,
        status=status,
        previous_status=previous,
        description=note.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=moment,
    )
    request.status = status
    request.status_notes = note.strip()
    request.updated_datetime = moment
    request.save(update_fields=["status", "status_notes", "updated_datetime"])
    publish(
        events.REQUEST_STATUS_CHANGED,
        request_id=request.pk,
        previous=previous,
        status=status,
        update_id=update.pk,
    )
    return update


@transaction.atomic
def add_note(
    *, actor: Any, request: ServiceRequest, description: str, internal: bool = False
) -> RequestUpdate:
    """Add a note without changing the status; internal notes never leave the back office."""
    if actor is not None and not permissions.can_add_note(actor, request):
        raise PermissionDenied("You may not add notes to this request.")
    text = description.strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput(
            "Empty or too long note.", [FieldProblem("description", f"1–{MAX_NOTE} characters")]
        )
    moment = timezone.now()
    update = RequestUpdate.objects.create(
        request=request,
        status=request.status,
        previous_status=request.status,
        description=text,
        internal=internal,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=moment,
    )
    if not internal:
        request.updated_datetime = moment
        request.save(update_fields=["updated_datetime"])
    publish(events.REQUEST_NOTE_ADDED, request_id=request.pk, update_id=update.pk, internal=internal)
    return update
