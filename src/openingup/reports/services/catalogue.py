"""Writers of what a municipality offers: jurisdictions, services with their questions, routing rules."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.reports import events, permissions
from openingup.reports.models import Jurisdiction, Service, ServiceAttribute

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
LIST_TYPES = (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST)


def guard_services(actor: Any) -> None:
    if actor is not None and not permissions.can_manage_services(actor):
        raise PermissionDenied("Only site administrators can change report services.")


def _texts(field: str, values: dict[str, str] | None, *, required: bool) -> dict[str, str]:
    clean = {k: v.strip() for k, v in (values or {}).items() if isinstance(v, str) and v.strip()}
    if required and not clean:
        raise InvalidInput(f"The {field} is empty.", [FieldProblem(field, "is empty")])
    return clean


def _code(field: str, code: str) -> str:
    if not CODE.match(code or ""):
        raise InvalidInput(
            f"Invalid {field} {code!r}.",
            [FieldProblem(field, "1–100 letters, digits, '_', '.' or '-', starting with a letter or digit")],
        )
    return code


@transaction.atomic
def set_jurisdiction(
    *,
    actor: Any,
    code: str,
    organisation: Organisation,
    bbox: tuple[float, float, float, float],
    contact: str = "",
    key_service: str = "",
) -> Jurisdiction:
    """Create or change the jurisdiction ``code``: the municipality and its box (west, south, east,
    north in degrees) that reports must fall in."""
    guard_services(actor)
    west, south, east, north = bbox
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidInput(
            "The bounding box is not west < east and south < north in degrees.",
            [FieldProblem("bbox", f"{bbox} is not a box")],
        )
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        code=_code("jurisdiction_id", code),
        defaults={
            "organisation": organisation,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "contact": contact[:500],
            "key_service": key_service[:500],
        },
    )
    return jurisdiction


@transaction.atomic
def create_service(
    *,
    actor: Any,
    code: str,
    name: dict[str, str],
    organisation: Organisation,
    description: dict[str, str] | None = None,
    group: str = "",
    keywords: list[str] | None = None,
    type: str = Service.Type.REALTIME,
    department: Organisation | None = None,
    service_notice: dict[str, str] | None = None,
    due_days: int | None = None,
    due_working_days: bool = True,
) -> Service:
    """Create an Open311 service; InvalidInput for a taken or malformed code, an empty name, an unknown
    type or a negative service level."""
    guard_services(actor)
    _code("service_code", code)
    if Service.objects.filter(code=code).exists():
        raise InvalidInput(f"The service_code {code!r} is taken.", [FieldProblem("service_code", "in use")])
    if type not in Service.Type.values:
        raise InvalidInput(f"Unknown type {type!r}.", [FieldProblem("type", f"one of {Service.Type.values}")])
    if due_days is not None and not 0 <= due_days <= 3650:
        raise InvalidInput("Service level out of range.", [FieldProblem("due_days", "0 to 3650 days")])
    service = Service.objects.create(
        code=code,
        name=_texts("name", name, required=True),
        description=_texts("description", description, required=False),
        group=group.strip()[:100],
        keywords=[k.strip() for k in keywords or [] if k.strip()],
        type=type,
        organisation=organisation,
        department=department,
        service_notice=_texts("service_notice", service_notice, required=False),
        due_days=due_days,
        due_working_days=due_working_days,
    )
    publish(events.SERVICE_CHANGED, service_code=service.code)
    return service


def _values(datatype: str, values: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if datatype not in LIST_TYPES:
        if values:
            raise InvalidInput(
                "Only list questions have values.", [FieldProblem("values", f"not allowed for {datatype}")]
            )
        return []
    clean: list[dict[str, Any]] = []
    for item in values or []:
        key = str(item.get("key", "")).strip()
        name = item.get("name")
        names = name if isinstance(name, dict) else {"en": str(name or "")}
        if not key or not _texts("values", names, required=False):
            raise InvalidInput("Every value needs a key and a name.", [FieldProblem("values", repr(item))])
        clean.append({"key": key, "name": _texts("values", names, required=True)})
    keys = [v["key"] for v in clean]
    if not clean or len(set(keys)) != len(keys):
        raise InvalidInput(
            "A list question needs values with distinct keys.", [FieldProblem("values", "empty or repeated")]
        )
    return clean


@transaction.atomic
def define_attribute(
    *,
    actor: Any,
    service: Service,
    code: str,
    datatype: str,
    description: dict[str, str],
    required: bool = False,
    variable: bool = True,
    order: int | None = None,
    values: list[dict[str, Any]] | None = None,
    datatype_description: dict[str, str] | None = None,
) -> ServiceAttribute:
    """Add or replace the question ``code`` of a service; list datatypes need ``values``
    (``[{"key": ..., "name": {lang: text}}]``) with distinct keys."""
    guard_services(actor)
    _code("code", code)
    if datatype not in ServiceAttribute.Datatype.values:
        raise InvalidInput(
            f"Unknown datatype {datatype!r}.",
            [FieldProblem("datatype", f"one of {ServiceAttribute.Datatype.values}")],
        )
    if order is None:
        order = service.attributes.count() + 1
    attribute, _ = ServiceAttribute.objects.update_or_create(
        service=service,
        code=code,
        defaults={
            "datatype": datatype,
            "description": _texts("description", description, required=True),
            "required": required and variable,
            "variable": variable,
            "order": order,
            "values": _values(datatype, values),
            "datatype_description": _texts("datatype_description", datatype_description, required=False),
        },
    )
    service.save(update_fields=["updated_at"])
    publish(events.SERVICE_CHANGED, service_code=service.code)
    return attribute
