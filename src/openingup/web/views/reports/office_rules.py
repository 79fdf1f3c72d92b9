"""The back office's routing rules: the ordered list (the first matching rule wins), a new rule,
changing, deleting, moving up or down and switching one on or off, the list's JSON twin
(``rules.json``), and a test: where would a request of this category, at this place and time, go?

The test asks :func:`openingup.reports.routing.route`, the function that routes every filing, so its
answer is the filing's. Areas are drawn on the server by the one map renderer,
:func:`openingup.datastore.maps.svg_map`. Every member of staff sees the rules and may test them;
site administrators change them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openingup import config
from openingup.core.errors import InvalidInput, NotFound, PermissionDenied
from openingup.datastore import maps
from openingup.organisations.models import Organisation
from openingup.reports import addresses, permissions, routing, servicelevels
from openingup.reports.models import Jurisdiction, RoutingRule, Service
from openingup.reports.services import rules as services
from openingup.reports.services.requests import check_answers
from openingup.reports.texts import pick
from openingup.web.presentation import active_language
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.reports.common import current_jurisdiction, tile_template
from openingup.web.views.reports.office import guard
from openingup.web.views.reports.office_routing_forms import WEEKDAY_NAMES, RuleForm, RuleTestForm

MAP_WIDTH = 480
AREA_COLOUR = "#0a4f8f"
POINT_COLOUR = "#a4001d"
OUTLINE_COLOUR = "#2f5d3a"
PAD = 0.002  # degrees around what is drawn
MAX_AREA_BYTES = 20 * 1024 * 1024  # an uploaded area; parse_area refuses more than 5,000,000 characters


def _manage_guard(request: HttpRequest) -> None:
    if not permissions.can_manage_routing_rules(request.user):
        raise PermissionDenied(_("Only site administrators change routing rules."))


def _rule(pk: int) -> RoutingRule:
    found = RoutingRule.objects.select_related("service", "department", "assignee").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No routing rule {pk}.")
    return found


def service_choices() -> list[tuple[str, str]]:
    """Every category (inactive ones too: a rule may wait for one), by name."""
    rows = [(s.code, pick(s.name) or s.code) for s in Service.objects.all()]
    return sorted(rows, key=lambda p: p[1].lower())


def department_choices() -> list[tuple[str, str]]:
    lang = active_language()
    found = Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL)
    return sorted(((o.slug, o.display_name(lang)) for o in found), key=lambda p: p[1].lower())


def _people() -> list[tuple[str, str]]:
    """Active administrators and members of an organisation: whoever a rule may route to."""
    found = get_user_model().objects.filter(is_active=True)
    found = found.filter(Q(is_superuser=True) | Q(memberships__isnull=False)).distinct().order_by("username")
    return [(str(u.pk), u.get_username()) for u in found]


# ------------------------------------------------------------------------------------------- the map


def _box(jurisdiction: Jurisdiction | None) -> tuple[float, float, float, float] | None:
    if jurisdiction is None:
        return None
    try:
        values = (jurisdiction.west, jurisdiction.south, jurisdiction.east, jurisdiction.north)
        return maps.parse_bbox(",".join(repr(float(v)) for v in values))
    except (TypeError, ValueError):
        return None


def area_map(
    areas: list[tuple[dict[str, Any], str, str]], *, title: str, point: tuple[float, float] | None = None
) -> SafeString | None:
    """A small map of rules' areas (filled; each ``(geometry, label, link)``, the link may be empty)
    and, when given, a point (a red square: lat, long) over the municipality's area (a dashed line);
    None when there is nothing to draw."""
    drawn: list[maps.Feature] = []
    outline = _box(current_jurisdiction())
    if outline is not None:
        west, south, east, north = outline
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        drawn.append(
            maps.Feature(
                {"type": "Polygon", "coordinates": [ring]},
                colour=OUTLINE_COLOUR,
                css_class="map-outline",
                dashed=True,
                filled=False,
            )
        )
    for area, label, href in areas:
        drawn.append(maps.Feature(area, label=label, href=href, colour=AREA_COLOUR, css_class="rule-area"))
    if point is not None:
        drawn.append(
            maps.Feature(
                {"type": "Point", "coordinates": [point[1], point[0]]},
                label=_("The place tested"),
                shape="square",
                colour=POINT_COLOUR,
            )
        )
    extent = maps.bounds(drawn)
    if extent is None or (not areas and point is None):
        return None
    west, south, east, north = extent
    box = (max(-180, west - PAD), max(-90, south - PAD), min(180, east + PAD), min(90, north + PAD))
    parts = []
    if len(areas) == 1:
        parts.append(_("The filled shape is the rule's area."))
    elif areas:
        parts.append(_("The filled shapes are the rules' areas; each links to its rule."))
    if point is not None:
        parts.append(_("The red square is the place tested."))
    if outline is not None:
        parts.append(_("The dashed line is the municipality's area."))
    tiles = tile_template()
    svg = maps.svg_map(
        drawn,
        title=title,
        width=MAP_WIDTH,
        height=maps.fitted_height(box, MAP_WIDTH, smallest=200, largest=480),
        bbox=box,
        tile_url=tiles,
        attribution=config.get("OPENINGUP_MAP_ATTRIBUTION").strip() if tiles else "",
        point_radius=6,
        description=" ".join(parts),
    )
    return mark_safe(svg)  # the module escapes every text it draws


# ------------------------------------------------------------------------------------------ the list


def weekday_text(days: list[int]) -> str:
    return ", ".join(str(WEEKDAY_NAMES[d]) for d in days if isinstance(d, int) and 0 <= d <= 6)


@dataclass(frozen=True)
class RuleRow:
    rule: RoutingRule
    place: int
    conditions: list[str]
    target: str


def _conditions(rule: RoutingRule) -> list[str]:
    found = []
    if rule.service is not None:
        found.append(_("Category: %(name)s") % {"name": pick(rule.service.name) or rule.service.code})
    if rule.area:
        found.append(_("Inside the rule's area"))
    if rule.weekdays:
        found.append(_("On %(days)s") % {"days": weekday_text(rule.weekdays)})
    if rule.start_time and rule.end_time:
        found.append(
            _("From %(start)s until %(end)s")
            % {"start": rule.start_time.strftime("%H:%M"), "end": rule.end_time.strftime("%H:%M")}
        )
    if rule.attribute_code:
        found.append(
            _("Answer to %(question)s: %(answer)s")
            % {"question": rule.attribute_code, "answer": rule.attribute_value}
        )
    return found or [_("Every request")]


def _target(rule: RoutingRule) -> str:
    where = rule.department.display_name(active_language()) if rule.department else ""
    who = rule.assignee.get_username() if rule.assignee else ""
    if where and who:
        return _("%(department)s, person: %(person)s") % {"department": where, "person": who}
    return where or who


def _rows() -> list[RuleRow]:
    rules = RoutingRule.objects.select_related("service", "department", "assignee").order_by("order", "id")
    return [RuleRow(r, i, _conditions(r), _target(r)) for i, r in enumerate(rules, start=1)]


@login_required
@never_cache
@require_safe
@service_errors
def rule_list(request: HttpRequest) -> HttpResponse:
    guard(request)
    rows = _rows()
    can_manage = permissions.can_manage_routing_rules(request.user)
    areas = [
        (
            row.rule.area,
            f"{row.place}. {row.rule.name}",
            reverse("web:report-office-rule", args=[row.rule.pk]) if can_manage else "",
        )
        for row in rows
        if row.rule.area
    ]
    drawn = area_map(areas, title=_("The rules' areas")) if areas else None
    return render(
        request,
        "web/reports/office/rules.html",
        {"rows": rows, "last": len(rows), "can_manage": can_manage, "map": drawn},
    )


def _time(value: Any) -> str | None:
    return value.strftime("%H:%M") if value else None


@login_required
@never_cache
@require_safe
@service_errors
def rule_twin(request: HttpRequest) -> JsonResponse:
    """The rules in the order they are tried, as JSON."""
    guard(request)
    items = [
        {
            "id": row.rule.pk,
            "place": row.place,
            "order": row.rule.order,
            "name": row.rule.name,
            "active": row.rule.active,
            "service_code": row.rule.service.code if row.rule.service else None,
            "area": row.rule.area,
            "weekdays": row.rule.weekdays,
            "start_time": _time(row.rule.start_time),
            "end_time": _time(row.rule.end_time),
            "attribute_code": row.rule.attribute_code or None,
            "attribute_value": row.rule.attribute_value or None,
            "department": row.rule.department.slug if row.rule.department else None,
            "assignee": row.rule.assignee.get_username() if row.rule.assignee else None,
            "url": request.build_absolute_uri(reverse("web:report-office-rule", args=[row.rule.pk])),
        }
        for row in _rows()
    ]
    return JsonResponse({"first_match_wins": True, "rules": items})


# ---------------------------------------------------------------------------------- create and change


def _initial(rule: RoutingRule | None) -> dict[str, Any]:
    if rule is None:
        return {"active": True}
    return {
        "name": rule.name,
        "service": rule.service.code if rule.service else "",
        "area": json.dumps(rule.area) if rule.area else "",
        "weekdays": [str(d) for d in rule.weekdays],
        "start_time": rule.start_time,
        "end_time": rule.end_time,
        "attribute_code": rule.attribute_code,
        "attribute_value": rule.attribute_value,
        "department": rule.department.slug if rule.department else "",
        "assignee": str(rule.assignee_id) if rule.assignee_id else "",
        "active": rule.active,
    }


def _area_text(form: RuleForm) -> str | None:
    """The GeoJSON text of the upload, else of the text box; None (and a form error) for an upload
    that is not UTF-8 text."""
    upload = form.cleaned_data.get("area_file")
    if upload is None:
        return str(form.cleaned_data.get("area") or "")
    if (upload.size or 0) > MAX_AREA_BYTES:
        form.add_error(
            "area_file",
            _("The file is too large for an area (at most %(size)s MB).")
            % {"size": MAX_AREA_BYTES // (1024 * 1024)},
        )
        return None
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("area_file", _("The file is not UTF-8 text; upload a GeoJSON file."))
        return None


def _apply(request: HttpRequest, form: RuleForm, rule: RoutingRule | None) -> RoutingRule | None:
    d = form.cleaned_data
    text = _area_text(form)
    if text is None:
        return None
    try:
        area = services.parse_area(text)
        return services.save_routing_rule(
            actor=request.user,
            rule=rule,
            name=d["name"],
            service=Service.objects.filter(code=d["service"]).first() if d["service"] else None,
            area=area,
            weekdays=[int(v) for v in d["weekdays"]],
            start_time=d["start_time"],
            end_time=d["end_time"],
            attribute_code=d["attribute_code"],
            attribute_value=d["attribute_value"],
            department=Organisation.objects.filter(slug=d["department"]).first() if d["department"] else None,
            assignee=get_user_model().objects.filter(pk=d["assignee"]).first() if d["assignee"] else None,
            active=d["active"],
        )
    except InvalidInput as exc:
        apply_problems(form, exc.problems, exc.message)
        return None


def _questions() -> list[dict[str, Any]]:
    """Every category's extra questions, for the form's reference table."""
    found = []
    for service in Service.objects.prefetch_related("attributes").order_by("code"):
        for question in service.attributes.all():
            if question.variable:
                found.append(
                    {
                        "service": pick(service.name) or service.code,
                        "code": question.code,
                        "question": pick(question.description),
                        "answers": ", ".join(str(v.get("key")) for v in question.values),
                    }
                )
    return found


def _save(request: HttpRequest, rule: RoutingRule | None) -> HttpResponse:
    form = RuleForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=_initial(rule),
        services=service_choices(),
        departments=department_choices(),
        people=_people(),
    )
    if request.method == "POST" and form.is_valid():
        saved = _apply(request, form, rule)
        if saved is not None:
            messages.success(request, _("The routing rule “%(name)s” was saved.") % {"name": saved.name})
            return redirect(reverse("web:report-office-rules") + f"#rule-{saved.pk}")
    status = 400 if form.is_bound and form.errors else 200
    drawn = None
    if rule is not None and rule.area:
        title = _("The area of the rule “%(name)s”") % {"name": rule.name}
        drawn = area_map([(rule.area, rule.name, "")], title=title)
    context = {"form": form, "rule": rule, "map": drawn, "questions": _questions()}
    return render(request, "web/reports/office/rule_form.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def rule_new(request: HttpRequest) -> HttpResponse:
    _manage_guard(request)
    return _save(request, None)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manage_guard(request)
    return _save(request, _rule(pk))


@login_required
@require_POST
@service_errors
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _manage_guard(request)
    rule = _rule(pk)
    services.delete_routing_rule(actor=request.user, rule=rule)
    messages.success(request, _("The routing rule “%(name)s” was deleted.") % {"name": rule.name})
    return redirect("web:report-office-rules")


@login_required
@require_POST
@service_errors
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    _manage_guard(request)
    rule = _rule(pk)
    direction = request.POST.get("direction", "")
    try:
        services.move_routing_rule(actor=request.user, rule=rule, direction=direction)
    except InvalidInput:
        return HttpResponse(
            _("Move a rule up or down."), status=400, content_type="text/plain; charset=utf-8"
        )
    text = _("“%(name)s” moved up.") if direction == "up" else _("“%(name)s” moved down.")
    messages.success(request, text % {"name": rule.name})
    return redirect(reverse("web:report-office-rules") + f"#rule-{rule.pk}")


@login_required
@require_POST
@service_errors
def rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    _manage_guard(request)
    rule = _rule(pk)
    active = request.POST.get("active") == "1"
    services.set_routing_rule_active(actor=request.user, rule=rule, active=active)
    text = _("“%(name)s” is switched on.") if active else _("“%(name)s” is switched off.")
    messages.success(request, text % {"name": rule.name})
    return redirect(reverse("web:report-office-rules") + f"#rule-{rule.pk}")


# -------------------------------------------------------------------------------------------- the test


@dataclass(frozen=True)
class TestResult:
    service: Service
    lat: float
    long: float
    when: datetime
    address: str
    rule: RoutingRule | None
    department: Organisation | None
    assignee: Any
    expected: datetime | None
    outside: bool
    rows: list[tuple[RuleRow, bool]]
    map: SafeString | None
    missing: list[str]


def run_test(
    service: Service,
    lat: float,
    long: float,
    when: datetime,
    answers: dict[str, Any],
    address: str = "",
    missing: list[str] | None = None,
) -> TestResult:
    """Where a request would go: :func:`routing.route` decides, as for a filing; each rule's own
    verdict (:func:`routing.matches`) is listed beside it."""
    case = routing.Case(service, lat, long, answers, when)
    rule = routing.route(case)
    department = rule.department if rule and rule.department else service.department
    jurisdiction = current_jurisdiction()
    rows = [(row, row.rule.active and routing.matches(row.rule, case)) for row in _rows()]
    title = _("Where the tested request would go")
    return TestResult(
        service=service,
        lat=lat,
        long=long,
        when=timezone.localtime(when),
        address=address,
        rule=rule,
        department=department,
        assignee=rule.assignee if rule else None,
        expected=servicelevels.expected_datetime(service, when),
        outside=jurisdiction is not None and not jurisdiction.contains(lat, long),
        rows=rows,
        missing=missing or [],
        map=area_map(
            [(rule.area, rule.name, "")] if rule and rule.area else [], title=title, point=(lat, long)
        ),
    )


@login_required
@never_cache
@require_safe
@service_errors
def rule_test(request: HttpRequest) -> HttpResponse:
    guard(request)
    form = RuleTestForm(request.GET if "service" in request.GET else None, services=service_choices())
    result = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        service = Service.objects.get(code=d["service"])
        lat, long, address = d["lat"], d["long"], ""
        if lat is None or long is None:
            found = addresses.search_addresses(d["address"], limit=1)
            if found:
                lat, long, address = found[0].lat, found[0].long, found[0].label
            else:
                form.add_error(
                    "address",
                    _("No address in the register matches “%(query)s”.") % {"query": d["address"]},
                )
        # The answers as a filing reads them: unknown questions and bad answers are refused there.
        answers, problems = check_answers(service, d["answers"])
        missing = [p.field[len("attribute[") : -1] for p in problems if p.problem == "is required"]
        for problem in problems:
            if problem.problem != "is required":
                form.add_error("answers", f"{problem.field[len('attribute[') : -1]}: {problem.problem}")
        if lat is not None and long is not None and not form.errors:
            result = run_test(service, lat, long, d["when"] or timezone.now(), answers, address, missing)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "web/reports/office/rule_test.html", {"form": form, "result": result}, status=status
    )
