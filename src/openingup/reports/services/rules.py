"""Writers of routing rules (save, delete, move, switch on or off) and of the settings staff change on a
category (service): its department, service level, whether it is offered, and its texts.

Rules are tried by ``order`` (then id), the first match wins (see :mod:`openingup.reports.routing`).
Each write checks the person's permission, happens in one transaction and publishes its event after
commit.
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations import permissions as organisations
from openingup.organisations.models import Organisation
from openingup.reports import events, permissions, routing
from openingup.reports.models import RoutingRule, Service, ServiceAttribute
from openingup.reports.services.catalogue import guard_services

ORDER_STEP = 10
MAX_AREA_CHARS = 5_000_000
MAX_DUE_DAYS = 3650
WEEKDAYS = range(7)


def _guard_rules(actor: Any) -> None:
    if actor is not None and not permissions.can_manage_routing_rules(actor):
        raise PermissionDenied("Only site administrators change routing rules.")


# ------------------------------------------------------------------------------------------ the area


def _polygons_of(value: Any) -> list[Any]:
    """The polygons (lists of rings) of a GeoJSON geometry, Feature or FeatureCollection."""
    if not isinstance(value, dict):
        raise ValueError("is not a GeoJSON object")
    kind = value.get("type")
    if kind == "Feature":
        return _polygons_of(value.get("geometry"))
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list) or not features:
            raise ValueError("is a FeatureCollection without features")
        return [p for feature in features for p in _polygons_of(feature)]
    if kind == "Polygon":
        return [value.get("coordinates")]
    if kind == "MultiPolygon":
        coordinates = value.get("coordinates")
        if not isinstance(coordinates, list):
            raise ValueError("has no list of polygons in its coordinates")
        return list(coordinates)
    raise ValueError(f"is a {kind!r}; give a Polygon or MultiPolygon (or a Feature holding one)")


def parse_area(text: str) -> dict[str, Any] | None:
    """The area of pasted or uploaded GeoJSON: a Polygon or MultiPolygon as it is, a Feature's polygon,
    or the polygons of a FeatureCollection joined into one MultiPolygon. Empty text: no area (None).

    Raises InvalidInput (field ``area``) saying what is wrong: not JSON (with line and column), another
    geometry type, rings too short or not closed, positions that are not degrees."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_AREA_CHARS:
        raise InvalidInput(
            "The area is too large.", [FieldProblem("area", f"more than {MAX_AREA_CHARS:,} characters")]
        )
    try:
        value = json.loads(text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        raise InvalidInput(
            "The area is not GeoJSON.",
            [FieldProblem("area", f"is not valid JSON (line {line}, column {column})")],
        ) from None
    try:
        polygons = _polygons_of(value)
    except ValueError as exc:
        raise InvalidInput("The area is not a polygon.", [FieldProblem("area", str(exc))]) from None
    area: dict[str, Any] = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": polygons}
    )
    problem = routing.check_area(area)
    if problem:
        raise InvalidInput("The area is not a usable polygon.", [FieldProblem("area", problem)])
    return area


# ------------------------------------------------------------------------------------- routing rules


def works_for(user: Any, department: Organisation) -> bool:
    """An active person who is an administrator or a member (any role) of the department or a parent."""
    if not getattr(user, "is_active", False):
        return False
    return organisations.is_admin(user) or organisations.role_in(user, department) is not None


def _check_rule(
    *,
    name: str,
    department: Organisation | None,
    assignee: Any,
    service: Service | None,
    area: dict[str, Any] | None,
    weekdays: list[int],
    start_time: time | None,
    end_time: time | None,
    attribute_code: str,
    attribute_value: str,
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not name.strip() or len(name.strip()) > 200:
        problems.append(FieldProblem("name", "1–200 characters"))
    if department is None and assignee is None:
        problems.append(FieldProblem("department", "a rule needs a department or a person to route to"))
    if department is not None and department.kind == Organisation.Kind.EXTERNAL:
        problems.append(FieldProblem("department", "is an external organisation without a work queue"))
    if assignee is not None:
        if department is None:
            problems.append(FieldProblem("department", "choose the department the person works for"))
        elif not works_for(assignee, department):
            problems.append(FieldProblem("assignee", "is not an active member of the department"))
    if area is not None and (problem := routing.check_area(area)):
        problems.append(FieldProblem("area", problem))
    if any(isinstance(d, bool) or not isinstance(d, int) or d not in WEEKDAYS for d in weekdays):
        problems.append(FieldProblem("weekdays", "whole numbers 0 (Monday) to 6 (Sunday)"))
    if (start_time is None) != (end_time is None):
        problems.append(FieldProblem("end_time", "give both the start and the end of the time window"))
    elif start_time is not None and start_time == end_time:
        problems.append(
            FieldProblem("end_time", "the window ends when it starts; leave both empty for all day")
        )
    if bool(attribute_code) != bool(attribute_value):
        problems.append(FieldProblem("attribute_value", "give both the question's code and the answer"))
    elif attribute_code and service is not None:
        question = service.attributes.filter(code=attribute_code).first()
        if question is None:
            problems.append(
                FieldProblem("attribute_code", f"is not a question of the category {service.code}")
            )
        elif question.datatype in (
            ServiceAttribute.Datatype.SINGLEVALUELIST,
            ServiceAttribute.Datatype.MULTIVALUELIST,
        ) and attribute_value not in {str(v.get("key")) for v in question.values}:
            keys = ", ".join(str(v.get("key")) for v in question.values)
            problems.append(FieldProblem("attribute_value", f"is not one of the answers: {keys}"))
    if len(attribute_code) > 100 or len(attribute_value) > 200:
        problems.append(FieldProblem("attribute_value", "the code is at most 100, the answer 200 characters"))
    return problems


def _next_order() -> int:
    last = RoutingRule.objects.aggregate(last=Max("order"))["last"]
    return (last or 0) + ORDER_STEP


@transaction.atomic
def save_routing_rule(
    *,
    actor: Any,
    rule: RoutingRule | None = None,
    name: str,
    department: Organisation | None = None,
    assignee: Any = None,
    service: Service | None = None,
    area: dict[str, Any] | None = None,
    weekdays: list[int] | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    attribute_code: str = "",
    attribute_value: str = "",
    active: bool = True,
    order: int | None = None,
) -> RoutingRule:
    """Create a rule (``rule`` None; it goes last in the order unless ``order`` is given) or change one
    (its place stays unless ``order`` is given).

    Every condition given must hold for a request to match: the category, the point inside the area
    (GeoJSON Polygon or MultiPolygon), the weekday and the time window (``end_time`` before
    ``start_time`` spans midnight), the answer to a question. A person must work for the department.

    Raises PermissionDenied, or InvalidInput naming every problem (nothing is saved then)."""
    _guard_rules(actor)
    days = list(weekdays or [])
    code, value = attribute_code.strip(), attribute_value.strip()
    problems = _check_rule(
        name=name,
        department=department,
        assignee=assignee,
        service=service,
        area=area,
        weekdays=days,
        start_time=start_time,
        end_time=end_time,
        attribute_code=code,
        attribute_value=value,
    )
    if problems:
        raise InvalidInput("The routing rule was not saved.", problems)
    row = rule or RoutingRule(order=_next_order())
    if order is not None:
        row.order = order
    row.name = name.strip()
    row.department, row.assignee, row.service, row.area = department, assignee, service, area
    row.weekdays = sorted(set(days))
    row.start_time, row.end_time = start_time, end_time
    row.attribute_code, row.attribute_value = code, value
    row.active = active
    row.save()
    publish(events.ROUTING_RULE_CHANGED, rule_id=row.pk, action="saved")
    return row


@transaction.atomic
def set_routing_rule_active(*, actor: Any, rule: RoutingRule, active: bool) -> RoutingRule:
    """Switch a rule on or off; an inactive rule is skipped when requests are routed."""
    _guard_rules(actor)
    if rule.active != active:
        rule.active = active
        rule.save(update_fields=["active"])
        publish(events.ROUTING_RULE_CHANGED, rule_id=rule.pk, action="activated" if active else "deactivated")
    return rule


@transaction.atomic
def delete_routing_rule(*, actor: Any, rule: RoutingRule) -> None:
    _guard_rules(actor)
    pk = rule.pk
    rule.delete()
    publish(events.ROUTING_RULE_CHANGED, rule_id=pk, action="deleted")


@transaction.atomic
def move_routing_rule(*, actor: Any, rule: RoutingRule, direction: str) -> RoutingRule:
    """Move a rule one place ``"up"`` (tried earlier) or ``"down"``; every rule is renumbered 10, 20, …
    in the order they are tried (rules with the same number keep their order by id). At the top or the
    bottom nothing changes.

    Raises PermissionDenied, or InvalidInput for another direction."""
    _guard_rules(actor)
    if direction not in ("up", "down"):
        raise InvalidInput("Move a rule up or down.", [FieldProblem("direction", "is not 'up' or 'down'")])
    rules = list(RoutingRule.objects.select_for_update().order_by("order", "id"))
    place = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    other = place - 1 if direction == "up" else place + 1
    if 0 <= other < len(rules):
        rules[place], rules[other] = rules[other], rules[place]
    changed = []
    for i, row in enumerate(rules, start=1):
        if row.order != i * ORDER_STEP:
            row.order = i * ORDER_STEP
            changed.append(row)
    RoutingRule.objects.bulk_update(changed, ["order"])
    if changed:
        publish(events.ROUTING_RULE_CHANGED, rule_id=rule.pk, action="moved")
    rule.order = next(r.order for r in rules if r.pk == rule.pk)
    return rule


# ---------------------------------------------------------------------------- a category's settings


def _texts(
    field: str, values: dict[str, str], limit: int, *, required: bool
) -> tuple[dict[str, str], list[FieldProblem]]:
    languages = {code for code, _name in settings.LANGUAGES}
    clean = {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}
    problems = [
        FieldProblem(field, f"({k}) is not a language of this site") for k in clean if k not in languages
    ]
    problems += [
        FieldProblem(field, f"({k}) is longer than {limit:,} characters")
        for k, v in clean.items()
        if len(v) > limit
    ]
    if required and not clean:
        problems.append(FieldProblem(field, "is empty; give it in at least one language"))
    return clean, problems


@transaction.atomic
def update_service(
    *,
    actor: Any,
    service: Service,
    name: dict[str, str],
    description: dict[str, str],
    service_notice: dict[str, str],
    department: Organisation | None,
    due_days: int | None,
    due_working_days: bool,
    active: bool,
) -> Service:
    """Change what staff set on a category: texts per language (a name in at least one), the department
    that takes requests no routing rule claims, the service level (``due_days`` None: none; working
    days skip weekends and public holidays, else calendar days) and whether citizens can choose it.
    Requests filed before keep their due dates.

    Raises PermissionDenied, or InvalidInput naming every problem (nothing is saved then)."""
    guard_services(actor)
    names, problems = _texts("name", name, 200, required=True)
    descriptions, more = _texts("description", description, 5000, required=False)
    notices, most = _texts("service_notice", service_notice, 1000, required=False)
    problems += more + most
    if department is not None and department.kind == Organisation.Kind.EXTERNAL:
        problems.append(FieldProblem("department", "is an external organisation without a work queue"))
    if due_days is not None and (isinstance(due_days, bool) or not 0 <= due_days <= MAX_DUE_DAYS):
        problems.append(FieldProblem("due_days", f"0 to {MAX_DUE_DAYS} days, or empty for no service level"))
    if problems:
        raise InvalidInput("The category was not saved.", problems)
    site = {code for code, _name in settings.LANGUAGES}

    def kept(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
        # texts in languages this site does not offer are not on the form: keep them
        return {**{k: v for k, v in (old or {}).items() if k not in site}, **new}

    service.name = kept(service.name, names)
    service.description = kept(service.description, descriptions)
    service.service_notice = kept(service.service_notice, notices)
    service.department = department
    service.due_days, service.due_working_days = due_days, bool(due_working_days)
    service.active = bool(active)
    service.save()
    publish(events.SERVICE_CHANGED, service_code=service.code)
    return service
