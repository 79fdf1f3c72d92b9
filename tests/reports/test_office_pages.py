"""The back office's pages: the work queue and its JSON twin, the map, a request's staff page with the
status change (canned reply → preview → confirm), notes, assignment, duplicate and split, and the canned
replies' own pages. Internal notes and the reporter's contact data never reach the public pages or
Open311."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.models import CannedReply, Jurisdiction, OutboxMessage, Service, ServiceRequest
from openingup.web.views.reports import office, office_map

pytestmark = pytest.mark.django_db

OFFICE = "/reports/office/"
NS = {"svg": "http://www.w3.org/2000/svg"}


def file(service: str = "pothole", **extra: Any) -> ServiceRequest:
    location = services.Location(lat=52.29, long=4.48, address_string=extra.pop("address", ""))
    return services.file_request(
        actor=None, filing=services.Filing(service_code=service, location=location, **extra)
    )


@pytest.fixture
def staff(client: Any, django_user_model: Any, roads: Organisation, admin_user_: Any) -> Any:
    """A client logged in as an editor of the roads department."""
    person = django_user_model.objects.create_user(username="rita", password="x")
    organisations.add_member(actor=admin_user_, organisation=roads, user=person, role="editor")
    client.force_login(person)
    client.person = person
    return client


@pytest.fixture
def report(
    pothole: Service, mail_settings: Any, sent_jobs: list[str], django_capture_on_commit_callbacks: Any
) -> ServiceRequest:
    with django_capture_on_commit_callbacks(execute=True):
        filed = file(
            description="Deep hole <script>alert(1)</script>",
            address="Kerkplein 4",
            contact={"email": "citizen@example.org", "phone": "0612345678"},
        )
    return filed


def test_the_back_office_is_for_staff_only(client: Any, user: Any, report: ServiceRequest) -> None:
    assert client.get(OFFICE).status_code == 302
    client.force_login(user)
    for path in (OFFICE, "/reports/office.json", f"{OFFICE}map/", f"{OFFICE}requests/{report.pk}/"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"{OFFICE}requests/{report.pk}/note/", {"note": "x"}).status_code == 403
    assert client.get(f"{OFFICE}replies/").status_code == 403
    assert "Reports back office" not in client.get("/").content.decode()


def test_the_queue_lists_the_departments_requests_with_due_dates(
    staff: Any, report: ServiceRequest, parks: Organisation
) -> None:
    report.expected_datetime = timezone.now() - timedelta(days=1)
    report.save()
    elsewhere = file()
    elsewhere.department = parks
    elsewhere.save()

    html = staff.get(OFFICE).content.decode()
    assert f'href="/reports/office/requests/{report.pk}/"' in html
    assert f"/requests/{elsewhere.pk}/" not in html
    assert "Overdue" in html and "&lt;script&gt;" not in html  # the description is not in the list
    assert "Reports back office" in staff.get("/").content.decode()
    data = staff.get("/reports/office.json?overdue=1").json()
    assert data["total"] == 1 and data["requests"][0]["service_request_id"] == str(report.pk)
    assert data["requests"][0]["overdue"] is True and "citizen@example.org" not in json.dumps(data)
    assert staff.get("/reports/office.json?status=closed").json()["total"] == 0
    assert staff.get("/reports/office.json?q=kerkplein").json()["total"] == 1


def test_the_queue_is_paged(staff: Any, pothole: Service) -> None:
    for _ in range(27):
        file()
    first = staff.get(OFFICE).content.decode()
    assert "Showing 1–25 of 27" in first and "offset=25" in first
    data = staff.get("/reports/office.json?offset=25").json()
    assert data["total"] == 27 and len(data["requests"]) == 2


def _svg(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def test_the_map_draws_the_requests_as_links_without_a_tile_server(
    staff: Any, report: ServiceRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENINGUP_MAP_TILES", raising=False)
    late = file()
    late.expected_datetime = timezone.now() - timedelta(days=1)
    late.save()
    html = staff.get(f"{OFFICE}map/").content.decode()
    assert 'class="map-outline"' in html and "<image" not in html and 'class="graticule"' in html
    assert f'<a href="/reports/office/requests/{report.pk}/" class="marker marker-open"' in html
    root = _svg(html)
    assert root.get("role") == "group"  # links inside an image would be hidden from assistive technology
    links = root.findall(".//svg:a", NS)
    assert [a.get("class") for a in links] == ["marker marker-open", "marker marker-overdue"]  # urgent on top
    assert links[1].get("aria-label", "").startswith(f"Report {late.pk} · ")
    assert links[1].get("aria-label", "").endswith(" (Overdue)")
    assert links[0].find("svg:circle", NS) is not None and links[1].find("svg:rect", NS) is not None
    assert "2 reports with a location are on the map." in (root.findtext("svg:desc", namespaces=NS) or "")


def test_the_maps_tiles_lie_at_their_pixel_positions_in_any_language(
    staff: Any, report: ServiceRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_MAP_TILES", "/tiles/{z}/{x}/{y}.png")
    monkeypatch.setenv("OPENINGUP_MAP_ATTRIBUTION", "© Tiles & co")
    tiled = staff.get(f"{OFFICE}map/", headers={"accept-language": "nl"}).content.decode()
    root = _svg(tiled)
    assert "," not in (root.get("viewBox") or "")  # no decimal commas in Dutch
    tiles = {}
    for image in root.findall(".//svg:image", NS):
        found = re.fullmatch(r"/tiles/(\d+)/(\d+)/(\d+)\.png", image.get("href", ""))
        assert found, image.get("href")
        x, y, size = (float(image.get(k, "")) for k in ("x", "y", "width"))
        tiles[tuple(int(v) for v in found.groups())] = (x, y, size)
    assert tiles and len({z for z, _x, _y in tiles}) == 1
    (z0, x0, y0), (left0, top0, size) = min(tiles.items())
    for (_z, tx, ty), (left, top, _size) in tiles.items():  # a grid of tiles of one size
        assert left == pytest.approx(left0 + (tx - x0) * (size - 0.5), abs=0.2)
        assert top == pytest.approx(top0 + (ty - y0) * (size - 0.5), abs=0.2)
    # The marker lies in the tile that holds its position, where that tile's pixels put it.
    world = 2**z0 * 256
    px = (report.long + 180) / 360 * world
    py = (1 - math.asinh(math.tan(math.radians(report.lat))) / math.pi) / 2 * world
    left, top, _size = tiles[(z0, int(px // 256), int(py // 256))]
    circle = root.find(".//svg:a/svg:circle", NS)
    assert circle is not None
    scale = (size - 0.5) / 256
    assert float(circle.get("cx", "")) == pytest.approx(left + (px % 256) * scale, abs=0.2)
    assert float(circle.get("cy", "")) == pytest.approx(top + (py % 256) * scale, abs=0.2)
    assert root.findtext(".//svg:text[@class='attribution']", namespaces=NS) == "© Tiles & co"
    assert "Meldingen op de kaart" in (root.findtext("svg:title", namespaces=NS) or "")
    assert 'aria-label="Melding ' in tiled


def test_without_a_municipality_box_the_map_shows_the_requests_extent(report: ServiceRequest) -> None:
    assert office_map.draw(None, []) is None
    now = timezone.now()
    far = file()
    far.lat, far.long = 52.31, 4.52
    far.save()
    rows = [office.row(report, now), office.row(far, now)]
    broken = Jurisdiction(west=5.0, south=52.0, east=4.0, north=53.0)  # west of its east: unusable
    for jurisdiction in (None, broken):
        drawn = office_map.draw(jurisdiction, rows)
        assert drawn is not None and not drawn.outlined and 'class="map-outline"' not in drawn.svg
        circles = _svg(drawn.svg).findall(".//svg:a/svg:circle", NS)
        xs = sorted(float(c.get("cx", "")) for c in circles)
        # The two requests span the map, inside its margin and the padding around their extent.
        assert len(xs) == 2 and 16 < xs[0] < 70 and 890 < xs[1] < 944


def test_the_request_page_shows_everything_to_staff_and_escapes_it(
    staff: Any, report: ServiceRequest
) -> None:
    services.add_note(actor=staff.person, request=report, description="Crew <b>busy</b>", internal=True)
    html = staff.get(f"{OFFICE}requests/{report.pk}/").content.decode()
    assert "citizen@example.org" in html and "0612345678" in html
    assert "Deep hole &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Crew &lt;b&gt;busy&lt;/b&gt;" in html and "Internal note" in html
    assert "No routing rule matched" in html
    # Only the workflow's next states are offered.
    options = re.findall(
        r'<option value="([a-z_]+)"', html.split('id="status_status"')[1].split("</select>")[0]
    )
    assert options == [
        "awaiting",
        "in_progress",
        "scheduled",
        "on_hold",
        "reaction_requested",
        "done",
        "cancelled",
        "not_responsible",
        "duplicate",
        "forwarded",
        "split",
    ]
    twin = staff.get(f"{OFFICE}requests/{report.pk}.json").json()
    assert twin["reporter"]["email"] == "citizen@example.org" and twin["updates"][0]["internal"] is True


def test_internal_notes_stay_off_the_public_page_and_open311(
    client: Any, staff: Any, report: ServiceRequest
) -> None:
    response = staff.post(f"{OFFICE}requests/{report.pk}/note/", {"note": "Secret: neighbour is difficult"})
    assert response.status_code == 302
    assert report.updates.get().internal
    client.logout()
    public = client.get(f"/report/track/{report.token}/").content.decode()
    assert "Secret" not in public and "citizen@example.org" not in public
    body = client.get(f"/open311/v2/requests/{report.pk}.json?extensions=true").content.decode()
    assert "Secret" not in body and "citizen@example.org" not in body
    updates = client.get("/open311/v2/servicerequestupdates.json").content.decode()
    assert "Secret" not in updates


def test_a_canned_reply_fills_the_message_the_preview_shows_the_mail_and_confirm_sends_it(
    staff: Any, report: ServiceRequest, django_capture_on_commit_callbacks: Any
) -> None:
    reply = CannedReply.objects.create(
        title="On its way",
        language="en",
        status="in_progress",
        body="Report {request_id} at {address}: a crew comes to fix the {service}.",
    )
    url = f"{OFFICE}requests/{report.pk}/status/"
    filled = staff.post(url, {"status": "", "reply": str(reply.pk), "message": "", "use_reply": "1"})
    html = filled.content.decode()
    expected = f"Report {report.pk} at Kerkplein 4: a crew comes to fix the Pothole."
    assert filled.status_code == 200 and f"\n{expected}</textarea>" in html
    assert '<option value="in_progress" selected>' in html

    preview = staff.post(url, {"status": "in_progress", "message": expected, "preview": "1"})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Check before sending" in page
    assert f"Subject:</strong> Report {report.pk}: In progress" in page and expected in page
    assert "citizen@example.org gets this e-mail" in page
    report.refresh_from_db()
    assert (
        report.status == "received" and not OutboxMessage.objects.filter(event__startswith="status").exists()
    )

    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(url, {"status": "in_progress", "message": expected, "confirm": "1"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "in_progress" and report.status_notes == expected
    sent = OutboxMessage.objects.get(event="status:in_progress")
    assert sent.to == "citizen@example.org" and expected in sent.body_text
    assert sent.subject == f"Report {report.pk}: In progress"


def test_a_move_the_workflow_does_not_allow_is_refused(staff: Any, report: ServiceRequest) -> None:
    response = staff.post(
        f"{OFFICE}requests/{report.pk}/status/", {"status": "reopened", "message": "", "confirm": "1"}
    )
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "received"


def test_the_preview_of_a_closing_change_shows_the_satisfaction_question(
    staff: Any, report: ServiceRequest
) -> None:
    page = staff.post(
        f"{OFFICE}requests/{report.pk}/status/", {"status": "done", "message": "Filled in.", "preview": "1"}
    ).content.decode()
    assert f"Report {report.pk} has been handled: Done" in page and "Are you satisfied" in page


def test_duplicate_and_split_from_the_page(staff: Any, report: ServiceRequest, litter: Service) -> None:
    other = file()
    response = staff.post(
        f"{OFFICE}requests/{other.pk}/duplicate/", {"original": str(report.pk), "message": ""}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "duplicate" and other.duplicate_of == report
    assert other.status_notes.startswith(f"The same problem was reported earlier as report {report.pk}.")
    bad = staff.post(f"{OFFICE}requests/{report.pk}/duplicate/", {"original": "999999", "message": ""})
    assert bad.status_code == 400 and "no report with this number" in bad.content.decode()

    split = staff.post(
        f"{OFFICE}requests/{report.pk}/split/", {"service": "litter", "description": "Rubbish too"}
    )
    assert split.status_code == 302
    new = ServiceRequest.objects.get(split_from=report)
    html = staff.get(f"{OFFICE}requests/{report.pk}/").content.decode()
    assert f'href="/reports/office/requests/{new.pk}/"' in html and f"/requests/{other.pk}/" in html


def test_assigning_from_the_page(staff: Any, report: ServiceRequest, parks: Organisation) -> None:
    response = staff.post(
        f"{OFFICE}requests/{report.pk}/assign/", {"department": "roads", "assignee": str(staff.person.pk)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.assignee == staff.person
    assert staff.get("/reports/office.json?assigned=me").json()["total"] == 1
    assert staff.get("/reports/office.json?assigned=none").json()["total"] == 0


def test_canned_replies_are_managed_in_the_back_office(staff: Any, pothole: Service) -> None:
    page = f"{OFFICE}replies/"
    bad = staff.post(f"{page}new/", {"title": "x", "language": "en", "body": "Hi {nmae}"})
    assert bad.status_code == 400 and "unknown placeholders: {nmae}" in bad.content.decode()
    made = staff.post(
        f"{page}new/",
        {
            "title": "Fixed",
            "service": "pothole",
            "status": "done",
            "language": "nl",
            "body": "Klaar: {address}",
        },
    )
    assert made.status_code == 302
    reply = CannedReply.objects.get()
    assert (reply.service, reply.status, reply.language) == (pothole, "done", "nl")
    assert "Klaar: {address}" in staff.get(page).content.decode()
    staff.post(f"{page}{reply.pk}/", {"title": "Fixed!", "language": "nl", "body": "Klaar"})
    reply.refresh_from_db()
    assert reply.title == "Fixed!" and reply.service is None
    assert staff.post(f"{page}{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.exists()


def test_canned_replies_in_the_django_admin(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)
    page = "/admin/reports/cannedreply/add/"
    assert client.get(page).status_code == 200
    bad = client.post(page, {"title": "x", "status": "", "language": "en", "body": "Hi {nmae}"})
    assert bad.status_code == 200 and "Unknown placeholders: {nmae}" in bad.content.decode()
    good = client.post(page, {"title": "x", "status": "done", "language": "en", "body": "Hi {address}"})
    assert good.status_code == 302 and CannedReply.objects.get().status == "done"


def test_a_viewer_of_the_department_sees_the_request_but_cannot_change_it(
    client: Any, django_user_model: Any, roads: Organisation, admin_user_: Any, report: ServiceRequest
) -> None:
    person = django_user_model.objects.create_user(username="vera", password="x")
    organisations.add_member(actor=admin_user_, organisation=roads, user=person, role="viewer")
    client.force_login(person)
    html = client.get(f"{OFFICE}requests/{report.pk}/").content.decode()
    assert "citizen@example.org" in html and 'id="status-form"' not in html
    for action, data in [
        ("status", {"status": "done", "message": "", "preview": "1"}),
        ("status", {"status": "done", "message": "", "confirm": "1"}),
        ("note", {"note": "x"}),
        ("assign", {"department": "roads", "assignee": ""}),
        ("split", {"service": "pothole", "description": "x"}),
    ]:
        assert client.post(f"{OFFICE}requests/{report.pk}/{action}/", data).status_code == 403, action
    report.refresh_from_db()
    assert report.status == "received" and not report.updates.exists()


def test_html_in_a_placeholder_value_is_escaped_in_the_preview_and_the_mail(
    staff: Any,
    pothole: Service,
    mail_settings: Any,
    sent_jobs: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        filed = file(address="<b>Main</b> {service}", contact={"email": "citizen@example.org"})
    reply = CannedReply.objects.create(title="Soon", language="en", body="We come to {address}.")
    url = f"{OFFICE}requests/{filed.pk}/status/"
    html = staff.post(url, {"status": "scheduled", "reply": str(reply.pk), "use_reply": "1"}).content.decode()
    assert "We come to &lt;b&gt;Main&lt;/b&gt; {service}." in html and "<b>Main</b>" not in html
    message = "We come to <b>Main</b> {service}."
    preview = staff.post(url, {"status": "scheduled", "message": message, "preview": "1"}).content.decode()
    assert "We come to &lt;b&gt;Main&lt;/b&gt; {service}." in preview and "<b>Main</b>" not in preview
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"status": "scheduled", "message": message, "confirm": "1"})
    sent = OutboxMessage.objects.get(event="status:scheduled")
    assert message in sent.body_text  # the text part is plain text
    assert "&lt;b&gt;Main&lt;/b&gt; {service}" in sent.body_html and "<b>Main</b>" not in sent.body_html
