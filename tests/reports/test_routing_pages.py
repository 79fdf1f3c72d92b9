"""The back office's routing rules and categories: the services that change them (permissions,
validation of areas, time windows and targets, the order), the pages (staff only, administrators
change, escaping, the area map), the test form (its answer is :func:`routing.route`'s for the same
input) and, in headless Chromium, axe-core on the new pages."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import addresses, routing, servicelevels, services
from openingup.reports.models import RoutingRule, Service
from openingup.reports.services import rules
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
RULES = "/reports/office/rules/"
CATEGORIES = "/reports/office/categories/"
WEST = {
    "type": "Polygon",
    "coordinates": [[[4.44, 52.27], [4.47, 52.27], [4.47, 52.32], [4.44, 52.32], [4.44, 52.27]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[4.49, 52.27], [4.52, 52.27], [4.52, 52.32], [4.49, 52.32], [4.49, 52.27]]],
}
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=AMS)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(rules, "publish", lambda name, **payload: seen.append((name, payload)))
    return seen


@pytest.fixture
def editor(django_user_model: Any, roads: Organisation, admin_user_: Any) -> Any:
    person = django_user_model.objects.create_user(username="rita", password=PASSWORD)
    organisations.add_member(actor=admin_user_, organisation=roads, user=person, role="editor")
    return person


@pytest.fixture
def park_keeper(django_user_model: Any, parks: Organisation, admin_user_: Any) -> Any:
    person = django_user_model.objects.create_user(username="pete", password=PASSWORD)
    organisations.add_member(actor=admin_user_, organisation=parks, user=person, role="viewer")
    return person


def _rule(name: str, department: Organisation, **extra: Any) -> RoutingRule:
    return rules.save_routing_rule(actor=None, name=name, department=department, **extra)


# -------------------------------------------------------------------------------------------- services


def test_only_administrators_change_rules_and_categories(
    editor: Any, admin_user_: Any, roads: Organisation, pothole: Service
) -> None:
    with pytest.raises(PermissionDenied):
        rules.save_routing_rule(actor=editor, name="x", department=roads)
    rule = rules.save_routing_rule(actor=admin_user_, name="roads", department=roads)
    for call in (
        lambda: rules.move_routing_rule(actor=editor, rule=rule, direction="up"),
        lambda: rules.set_routing_rule_active(actor=editor, rule=rule, active=False),
        lambda: rules.delete_routing_rule(actor=editor, rule=rule),
        lambda: rules.update_service(
            actor=editor,
            service=pothole,
            name={"en": "Hole"},
            description={},
            service_notice={},
            department=roads,
            due_days=1,
            due_working_days=True,
            active=True,
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert RoutingRule.objects.get(pk=rule.pk).active


def test_saving_changing_and_deleting_a_rule_publish_events(
    roads: Organisation, parks: Organisation, pothole: Service, events: list[Any]
) -> None:
    rule = _rule("  Parks west  ", parks, service=pothole, area=WEST, weekdays=[4, 0, 0])
    assert (rule.name, rule.weekdays, rule.order) == ("Parks west", [0, 4], 10)
    second = _rule("roads", roads)
    assert second.order == 20  # a new rule goes last
    changed = rules.save_routing_rule(actor=None, rule=rule, name="Parks, west", department=roads)
    assert changed.pk == rule.pk and changed.order == 10 and changed.area is None and changed.weekdays == []
    rules.set_routing_rule_active(actor=None, rule=changed, active=False)
    rules.set_routing_rule_active(actor=None, rule=changed, active=False)  # no change, no event
    rules.delete_routing_rule(actor=None, rule=second)
    assert [(n, p["action"]) for n, p in events] == [
        ("reports.routing_rule_changed", "saved"),
        ("reports.routing_rule_changed", "saved"),
        ("reports.routing_rule_changed", "saved"),
        ("reports.routing_rule_changed", "deactivated"),
        ("reports.routing_rule_changed", "deleted"),
    ]
    assert list(RoutingRule.objects.values_list("name", "active")) == [("Parks, west", False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        (json.dumps(WEST), WEST),
        (json.dumps({"type": "Feature", "properties": {}, "geometry": EAST}), EAST),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "geometry": WEST},
                        {
                            "type": "Feature",
                            "geometry": {"type": "MultiPolygon", "coordinates": [EAST["coordinates"]]},
                        },
                    ],
                }
            ),
            {"type": "MultiPolygon", "coordinates": [WEST["coordinates"], EAST["coordinates"]]},
        ),
    ],
)
def test_areas_are_read_from_geojson(text: str, expected: Any) -> None:
    assert rules.parse_area(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"type": "Polygon",\n "coordinates": [[[4.4, 52.2]', "is not valid JSON (line 2"),
        ('{"type": "Point", "coordinates": [4.4, 52.2]}', "is a 'Point'; give a Polygon or MultiPolygon"),
        ("[1, 2]", "is not a GeoJSON object"),
        ('{"type": "FeatureCollection", "features": []}', "without features"),
        ('{"type": "Polygon", "coordinates": [[[4.4, 52.2], [4.5, 52.2], [4.4, 52.2]]]}', "at least four"),
        (
            '{"type": "Polygon", "coordinates": [[[4.4, 52.2], [4.5, 52.2], [4.5, 52.3], [4.4, 52.3]]]}',
            "ring 1 is not closed",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[233000, 582000], [234000, 582000], [234000, 583000],'
            " [233000, 582000]]]}",
            "not in WGS 84 degrees",
        ),
        ('{"type": "Polygon", "coordinates": "here"}', "every ring needs"),
        ('{"type": "Polygon", "coordinates": []}', "the polygon has no rings"),
        ('{"type": "MultiPolygon", "coordinates": []}', "not nested lists of positions"),
        ('{"type": "Feature", "geometry": null}', "is not a GeoJSON object"),
        ('{"type": "Polygon", "coordinates": [[[NaN, 52], [4, 52], [4, 53], [NaN, 52]]]}', "not in WGS 84"),
    ],
)
def test_unusable_areas_are_refused_with_a_clear_problem(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.parse_area(text)
    assert refused.value.problems[0].field == "area"
    assert problem in refused.value.problems[0].problem


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start_time": time(8)}, "end_time"),
        ({"start_time": time(8), "end_time": time(8)}, "end_time"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"attribute_code": "size"}, "attribute_value"),
        ({"area": {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 52.5]]]}}, "area"),
        ({"name": " "}, "name"),
    ],
)
def test_incomplete_rules_are_refused(roads: Organisation, extra: dict[str, Any], field: str) -> None:
    arguments = {"name": "rule", "department": roads, **extra}
    with pytest.raises(InvalidInput) as refused:
        rules.save_routing_rule(actor=None, **arguments)
    assert field in [p.field for p in refused.value.problems]
    assert not RoutingRule.objects.exists()


def test_a_rule_checks_its_question_and_its_target(
    litter: Service, roads: Organisation, editor: Any, park_keeper: Any, django_user_model: Any
) -> None:
    def problems(**extra: Any) -> list[str]:
        with pytest.raises(InvalidInput) as refused:
            rules.save_routing_rule(actor=None, name="rule", **extra)
        return [p.field for p in refused.value.problems]

    assert problems(department=roads, service=litter, attribute_code="colour", attribute_value="red") == [
        "attribute_code"
    ]
    assert problems(department=roads, service=litter, attribute_code="size", attribute_value="huge") == [
        "attribute_value"
    ]
    assert problems() == ["department"]
    assert problems(assignee=editor) == ["department"]  # a person needs their department
    assert problems(department=roads, assignee=park_keeper) == ["assignee"]
    editor.is_active = False
    editor.save()
    assert problems(department=roads, assignee=editor) == ["assignee"]
    outside = organisations.create_organisation(actor=None, name={"en": "Contractor"}, kind="external")
    assert problems(department=outside) == ["department"]
    editor.is_active = True
    editor.save()
    rule = rules.save_routing_rule(
        actor=None,
        name="large litter to rita",
        service=litter,
        attribute_code="size",
        attribute_value="large",
        department=roads,
        assignee=editor,
    )
    assert rule.assignee == editor


def test_moving_rules_changes_which_matches_first(
    pothole: Service, roads: Organisation, parks: Organisation, events: list[Any]
) -> None:
    first = _rule("everything to roads", roads)
    second = _rule("west to parks", parks, area=WEST)
    third = _rule("pothole to roads", roads, service=pothole)
    case = routing.Case(pothole, 52.29, 4.45, {}, MONDAY_NOON)
    assert routing.route(case) == first
    rules.move_routing_rule(actor=None, rule=second, direction="up")
    assert routing.route(case) == second
    assert list(RoutingRule.objects.order_by("order").values_list("name", "order")) == [
        ("west to parks", 10),
        ("everything to roads", 20),
        ("pothole to roads", 30),
    ]
    events.clear()
    rules.move_routing_rule(actor=None, rule=second, direction="up")  # already first: no change
    rules.move_routing_rule(actor=None, rule=third, direction="down")  # already last
    assert events == []
    moved = rules.move_routing_rule(actor=None, rule=third, direction="up")
    assert moved.order == 20
    assert [r.name for r in RoutingRule.objects.order_by("order", "id")] == [
        "west to parks",
        "pothole to roads",
        "everything to roads",
    ]
    with pytest.raises(InvalidInput):
        rules.move_routing_rule(actor=None, rule=first, direction="sideways")


def test_rules_with_the_same_number_keep_their_order_by_id_when_renumbered(roads: Organisation) -> None:
    a = services.save_routing_rule(actor=None, name="a", department=roads, order=5)
    b = services.save_routing_rule(actor=None, name="b", department=roads, order=5)
    c = services.save_routing_rule(actor=None, name="c", department=roads, order=5)
    rules.move_routing_rule(actor=None, rule=c, direction="up")
    assert [r.pk for r in RoutingRule.objects.order_by("order", "id")] == [a.pk, c.pk, b.pk]


def test_a_night_window_routes_across_midnight(
    pothole: Service, roads: Organisation, parks: Organisation
) -> None:
    night = _rule("night shift", parks, start_time=time(22), end_time=time(6), weekdays=[0, 1, 2, 3, 4])
    late = datetime(2026, 11, 30, 23, 30, tzinfo=AMS)
    early = datetime(2026, 12, 1, 5, 59, tzinfo=AMS)
    saturday_night = datetime(2026, 12, 5, 23, 0, tzinfo=AMS)
    assert routing.route(routing.Case(pothole, 52.29, 4.48, {}, late)) == night
    assert routing.route(routing.Case(pothole, 52.29, 4.48, {}, early)) == night
    assert routing.route(routing.Case(pothole, 52.29, 4.48, {}, MONDAY_NOON)) is None
    assert routing.route(routing.Case(pothole, 52.29, 4.48, {}, saturday_night)) is None


def test_changing_a_category(
    pothole: Service, roads: Organisation, parks: Organisation, events: list[Any]
) -> None:
    pothole.name = {"en": "Pothole", "fy": "Gat yn 'e dyk"}  # a language this site does not offer
    pothole.save()
    changed = rules.update_service(
        actor=None,
        service=pothole,
        name={"en": " Hole in the road ", "nl": "Gat in de weg", "de": ""},
        description={"en": "Holes and cracks."},
        service_notice={},
        department=parks,
        due_days=3,
        due_working_days=False,
        active=False,
    )
    changed.refresh_from_db()
    assert changed.name == {"fy": "Gat yn 'e dyk", "en": "Hole in the road", "nl": "Gat in de weg"}
    assert (changed.department, changed.due_days, changed.due_working_days, changed.active) == (
        parks,
        3,
        False,
        False,
    )
    assert events == [("reports.service_changed", {"service_code": "pothole"})]
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=AMS)
    assert servicelevels.expected_datetime(changed, friday) == datetime(2026, 12, 7, 10, 0, tzinfo=AMS)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": {"en": "  "}}, "name"),
        ({"name": {"en": "x" * 201}}, "name"),
        ({"name": {"xx": "Pothole"}}, "name"),
        ({"due_days": -1}, "due_days"),
        ({"due_days": 4000}, "due_days"),
    ],
)
def test_bad_category_settings_are_refused(
    pothole: Service, roads: Organisation, extra: Any, field: str
) -> None:
    arguments = {
        "name": {"en": "Pothole"},
        "description": {},
        "service_notice": {},
        "department": roads,
        "due_days": 2,
        "due_working_days": True,
        "active": True,
        **extra,
    }
    with pytest.raises(InvalidInput) as refused:
        rules.update_service(actor=None, service=pothole, **arguments)
    assert field in [p.field for p in refused.value.problems]
    pothole.refresh_from_db()
    assert pothole.due_days is None


# ----------------------------------------------------------------------------------------------- pages


def test_the_pages_are_for_staff_and_only_administrators_change(
    client: Any, user: Any, editor: Any, roads: Organisation, pothole: Service
) -> None:
    rule = _rule("roads", roads)
    pages = [RULES, "/reports/office/rules.json", f"{RULES}test/", CATEGORIES, f"{CATEGORIES}pothole/"]
    for path in pages:
        assert client.get(path).status_code == 302, path  # to the login page
    client.force_login(user)  # no role anywhere
    for path in [*pages, f"{RULES}new/", f"{RULES}{rule.pk}/"]:
        assert client.get(path).status_code == 403, path
    client.force_login(editor)
    for path in pages:
        assert client.get(path).status_code == 200, path
    html = client.get(RULES).content.decode()
    assert "New routing rule" not in html and f"{RULES}{rule.pk}/move/" not in html
    assert client.get(f"{RULES}new/").status_code == 403
    assert client.get(f"{RULES}{rule.pk}/").status_code == 403
    for action, data in (("move", {"direction": "up"}), ("active", {"active": "0"}), ("delete", {})):
        assert client.post(f"{RULES}{rule.pk}/{action}/", data).status_code == 403
    assert client.post(f"{CATEGORIES}pothole/", {"name_en": "Hole", "active": "on"}).status_code == 403
    assert RoutingRule.objects.get(pk=rule.pk).active
    assert Service.objects.get(code="pothole").name == {"en": "Pothole"}
    assert 'href="/reports/office/rules/"' in client.get("/reports/office/").content.decode()


def test_an_administrator_makes_a_rule_with_a_pasted_area(
    client: Any, admin_user_: Any, pothole: Service, parks: Organisation, editor: Any
) -> None:
    client.force_login(admin_user_)
    assert client.get(f"{RULES}new/").status_code == 200
    answer = client.post(
        f"{RULES}new/",
        {
            "name": "Potholes in the west <b>now</b>",
            "service": "pothole",
            "area": json.dumps({"type": "Feature", "geometry": WEST}),
            "weekdays": ["0", "1"],
            "start_time": "07:30",
            "end_time": "17:00",
            "department": "parks",
            "active": "on",
        },
    )
    rule = RoutingRule.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{RULES}#rule-{rule.pk}"
    assert (rule.area, rule.weekdays, rule.start_time, rule.end_time) == (WEST, [0, 1], time(7, 30), time(17))
    assert rule.department == parks and rule.service == pothole and rule.active
    html = client.get(RULES).content.decode()
    assert "Potholes in the west &lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html
    assert "first match wins" in html
    assert "From 07:30 until 17:00" in html and "On Monday, Tuesday" in html
    # the overview map: each area links to its rule, named by its place and name
    assert re.search(r'<svg[^>]*role="group"', html) and f'href="{RULES}{rule.pk}/"' in html
    assert 'aria-label="1. Potholes in the west &lt;b&gt;now&lt;/b&gt;"' in html
    page = client.get(f"{RULES}{rule.pk}/").content.decode()
    assert re.search(r'<svg[^>]*role="img"', page) and 'class="rule-area"' in page
    assert "<title>Potholes in the west &lt;b&gt;now&lt;/b&gt;</title>" in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page and "<b>now</b>" not in page
    twin = client.get("/reports/office/rules.json").json()
    assert twin["first_match_wins"] is True
    assert twin["rules"][0]["area"] == WEST and twin["rules"][0]["department"] == "parks"
    assert twin["rules"][0]["start_time"] == "07:30" and twin["rules"][0]["service_code"] == "pothole"


def test_an_uploaded_area_and_the_forms_problems(
    client: Any, admin_user_: Any, pothole: Service, roads: Organisation, park_keeper: Any
) -> None:
    client.force_login(admin_user_)
    upload = SimpleUploadedFile("east.geojson", json.dumps(EAST).encode(), "application/geo+json")
    answer = client.post(
        f"{RULES}new/", {"name": "east", "area": "ignored", "area_file": upload, "department": "roads"}
    )
    assert answer.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.area == EAST and not rule.active  # the box was not ticked

    bad = client.post(
        f"{RULES}{rule.pk}/",
        {
            "name": "east",
            "area": json.dumps({"type": "Polygon", "coordinates": [WEST["coordinates"][0][:-1]]}),
            "start_time": "08:00",
            "department": "roads",
            "assignee": str(park_keeper.pk),
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "ring 1 is not closed" in html
    assert 'href="#id_area"' in html  # the error summary links to the input
    rule.refresh_from_db()
    assert rule.area == EAST
    missing_end = client.post(
        f"{RULES}{rule.pk}/", {"name": "east", "start_time": "08:00", "department": "roads"}
    )
    assert missing_end.status_code == 400
    assert "give both the start and the end of the time window" in missing_end.content.decode()
    person = client.post(
        f"{RULES}{rule.pk}/", {"name": "east", "department": "roads", "assignee": str(park_keeper.pk)}
    )
    assert "is not an active member of the department" in person.content.decode()
    binary = SimpleUploadedFile("area.geojson", b"\xff\xfe\x00bad", "application/geo+json")
    answer = client.post(f"{RULES}{rule.pk}/", {"name": "east", "area_file": binary, "department": "roads"})
    assert answer.status_code == 400 and "not UTF-8 text" in answer.content.decode()


def test_moving_switching_and_deleting_from_the_list(
    client: Any, admin_user_: Any, roads: Organisation
) -> None:
    first, second = _rule("first", roads), _rule("second", roads)
    client.force_login(admin_user_)
    assert client.post(f"{RULES}{second.pk}/move/", {"direction": "up"}).status_code == 302
    assert [r.name for r in RoutingRule.objects.order_by("order", "id")] == ["second", "first"]
    assert client.post(f"{RULES}{second.pk}/move/", {"direction": "left"}).status_code == 400
    assert client.get(f"{RULES}{second.pk}/move/").status_code == 405
    client.post(f"{RULES}{first.pk}/active/", {"active": "0"})
    assert not RoutingRule.objects.get(pk=first.pk).active
    assert "No (skipped)" in client.get(RULES).content.decode()
    client.post(f"{RULES}{first.pk}/delete/")
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["second"]
    assert client.post(f"{RULES}{first.pk}/delete/").status_code == 404


def _tested(client: Any, **params: Any) -> tuple[str, str, str]:
    answer = client.get(f"{RULES}test/", params)
    assert answer.status_code == 200, answer.content.decode()[:3000]
    html = answer.content.decode()
    found = [re.search(rf'data-{name}="([^"]*)"', html) for name in ("rule", "department", "assignee")]
    assert all(found), html
    return tuple(m.group(1) for m in found if m)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("service", "lat", "long", "when", "answers"),
    [
        ("litter", 52.29, 4.45, "2026-11-30T12:00", "size = large"),
        ("litter", 52.29, 4.45, "2026-11-30T12:00", "size = small\nkind = glass\nkind = paper"),
        ("litter", 52.29, 4.50, "2026-11-30T12:00", "size = small"),
        ("pothole", 52.29, 4.50, "2026-11-30T23:00", ""),
        ("pothole", 52.29, 4.50, "2026-12-05T23:00", ""),
        ("pothole", 52.29, 4.45, "2026-11-30T12:00", ""),
    ],
)
def test_the_test_form_answers_as_routing_does(
    client: Any,
    editor: Any,
    litter: Service,
    pothole: Service,
    roads: Organisation,
    parks: Organisation,
    service: str,
    lat: float,
    long: float,
    when: str,
    answers: str,
) -> None:
    _rule(
        "large litter to rita",
        roads,
        service=litter,
        attribute_code="size",
        attribute_value="large",
        assignee=editor,
    )
    _rule("glass to parks", parks, attribute_code="kind", attribute_value="glass")
    _rule("night on weekdays", parks, start_time=time(22), end_time=time(6), weekdays=[0, 1, 2, 3, 4])
    _rule("west", parks, area=WEST, service=pothole)
    _rule("switched off", roads, active=False)
    client.force_login(editor)
    shown = _tested(client, service=service, lat=lat, long=long, when=when, answers=answers)

    parsed: dict[str, Any] = {}
    for line in answers.splitlines():
        code, _sep, value = (part.strip() for part in line.partition("="))
        parsed[code] = (
            [*parsed[code], value]
            if isinstance(parsed.get(code), list)
            else ([parsed[code], value] if code in parsed else value)
        )
    moment = datetime.fromisoformat(when).replace(tzinfo=AMS)
    category = Service.objects.get(code=service)
    rule = routing.route(routing.Case(category, lat, long, parsed, moment))
    department = rule.department if rule and rule.department else category.department
    assignee = rule.assignee if rule else None
    assert shown == (
        str(rule.pk) if rule else "",
        department.slug if department else "",
        str(assignee.pk) if assignee else "",
    )
    # and the filing itself routes the same way
    filed = services.file_request(
        actor=None,
        filing=services.Filing(service, services.Location(lat, long), attributes=parsed),
        now=moment,
    )
    assert filed.routed_by == (rule.name if rule else "") and filed.department == department


def test_the_test_form_finds_an_address_and_draws_the_place(
    client: Any, editor: Any, pothole: Service, parks: Organisation
) -> None:
    addresses.load_addresses(
        actor=None,
        text="street,number,postcode,city,lat,long\nKerkplein,4,1234AB,Example Town,52.29,4.45\n",
    )
    west = _rule("west <script>alert(1)</script>", parks, area=WEST)
    client.force_login(editor)
    answer = client.get(f"{RULES}test/", {"service": "pothole", "address": "Kerkplein 4"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "52.29, 4.45 (Kerkplein 4, 1234AB Example Town)" in html
    assert f'data-rule="{west.pk}"' in html and 'data-department="parks"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Yes: first match, it wins" in html
    assert re.search(r"<svg[^>]*>", html) and 'class="rule-area"' in html
    missing = client.get(f"{RULES}test/", {"service": "pothole", "address": "Nowhere Lane 1"})
    assert missing.status_code == 400 and "No address in the register matches" in missing.content.decode()
    half = client.get(f"{RULES}test/", {"service": "pothole", "lat": "52.29"})
    assert half.status_code == 400 and "Give both the latitude and the longitude." in half.content.decode()
    bad = client.get(
        f"{RULES}test/", {"service": "pothole", "lat": "52.29", "long": "4.45", "answers": "nonsense"}
    )
    assert bad.status_code == 400 and "Line 1 is not code = answer." in bad.content.decode()
    unknown = client.get(
        f"{RULES}test/", {"service": "pothole", "lat": "52.29", "long": "4.45", "answers": "kind = glass"}
    )
    assert (
        unknown.status_code == 400
        and "kind: is not a question of service pothole" in unknown.content.decode()
    )
    outside = client.get(f"{RULES}test/", {"service": "pothole", "lat": "51.0", "long": "4.45"})
    assert "outside the municipality" in outside.content.decode()
    assert client.get(f"{RULES}test/").status_code == 200  # the empty form


def test_the_test_form_names_required_questions_left_unanswered(
    client: Any, editor: Any, litter: Service, roads: Organisation
) -> None:
    client.force_login(editor)
    html = client.get(f"{RULES}test/", {"service": "litter", "lat": "52.29", "long": "4.45"}).content.decode()
    assert "A real report would also need an answer to: size." in html
    assert 'data-department="roads"' in html and 'data-rule=""' in html
    assert "No rule matches; the category's department takes the report." in html
    dutch = client.get(
        f"{RULES}test/", {"service": "litter", "lat": "52.29", "long": "4.45"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Routeringsregels" in dutch and "52.29, 4.45" in dutch


def test_categories_list_and_change(
    client: Any, admin_user_: Any, editor: Any, litter: Service, pothole: Service, parks: Organisation
) -> None:
    pothole.name = {"en": "Pothole <i>deep</i>"}
    pothole.save()
    client.force_login(editor)
    html = client.get(CATEGORIES).content.decode()
    assert "2 working days" in html and "Pothole &lt;i&gt;deep&lt;/i&gt;" in html and "<i>deep" not in html
    page = client.get(f"{CATEGORIES}litter/").content.decode()
    assert "How big?" in page and "<code>large</code> Large" in page and 'name="due_days"' not in page
    assert client.get(f"{CATEGORIES}nothing/").status_code == 404

    client.force_login(admin_user_)
    form = client.get(f"{CATEGORIES}litter/").content.decode()
    assert 'name="name_nl"' in form and 'value="Zwerfafval"' in form
    answer = client.post(
        f"{CATEGORIES}litter/",
        {
            "department": "parks",
            "due_days": "5",
            "name_en": "Litter",
            "name_nl": "Zwerfvuil",
            "service_notice_en": "Within a week.",
        },
    )
    assert answer.status_code == 302
    litter.refresh_from_db()
    assert (litter.department, litter.due_days, litter.due_working_days, litter.active) == (
        parks,
        5,
        False,
        False,
    )
    assert litter.name == {"en": "Litter", "nl": "Zwerfvuil"} and litter.service_notice == {
        "en": "Within a week."
    }
    assert "5 calendar days" in client.get(CATEGORIES).content.decode()
    bad = client.post(f"{CATEGORIES}litter/", {"due_days": "-3", "active": "on"})
    assert bad.status_code == 400
    litter.refresh_from_db()
    assert litter.due_days == 5
    empty = client.post(f"{CATEGORIES}litter/", {"due_days": "", "active": "on"})
    assert empty.status_code == 400 and "give it in at least one language" in empty.content.decode()


# ------------------------------------------------------------------------------------ in the browser


@pytest.mark.django_db(transaction=True)
def test_the_routing_and_category_pages_are_accessible(
    browser: Any,
    live_server: Any,
    admin_user_: Any,
    litter: Service,
    parks: Organisation,
    roads: Organisation,
) -> None:
    from selenium.webdriver.common.by import By

    from tests.browser import axe_violations, axe_violations_here, format_violations
    from tests.web.test_accessibility import log_in, submit

    west = _rule("west <em>parks</em>", parks, area=WEST, weekdays=[0], start_time=time(8), end_time=time(17))
    _rule("large litter", roads, service=litter, attribute_code="size", attribute_value="large")
    _rule("switched off", roads, active=False)
    log_in(browser, live_server.url, admin_user_.get_username())
    test = f"{RULES}test/?service=litter&lat=52.29&long=4.45&when=2026-11-30T12:00&answers=size+%3D+large"
    for path in (RULES, f"{RULES}new/", f"{RULES}{west.pk}/", test, CATEGORIES, f"{CATEGORIES}litter/"):
        violations = axe_violations(browser, f"{live_server.url}{path}")
        assert violations == [], f"{path}:\n{format_violations(violations)}"
    assert browser.find_elements(By.CSS_SELECTOR, "#main-form input[name=name_nl]")

    browser.get(f"{live_server.url}{RULES}test/?service=litter&lat=52.29&long=4.45&when=2026-11-30T09:00")
    assert browser.find_element(By.CSS_SELECTOR, "[data-rule]").get_attribute("data-rule") == str(west.pk)
    assert browser.find_elements(By.CSS_SELECTOR, "figure.rule-map svg")
    browser.get(f"{live_server.url}{RULES}test/?service=litter&lat=52.29")
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)

    browser.get(f"{live_server.url}{RULES}new/")
    submit(browser)  # no name, no target: the error summary
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)
    browser.get(f"{live_server.url}{CATEGORIES}litter/")
    browser.find_element(By.ID, "id_due_days").send_keys("-4")
    submit(browser)
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)
