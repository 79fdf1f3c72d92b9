"""End to end in headless Chromium: a citizen files a report with a photo on the map; it lands routed in
the right queue (the parks department's back-office queue lists it); staff change its status there with
a canned reply and a preview, which e-mails the reporter; Open311 GET requests shows it. Every page on
the way is checked with axe-core (WCAG 2.1 A/AA). Skipped when Chromium or axe-core is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.wait import WebDriverWait

from openingup.core import tasks
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.models import CannedReply, Service, ServiceRequest
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.conftest import PASSWORD
from tests.reports.images import png
from tests.web.test_accessibility import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The eastern half of the town's box belongs to the parks department.
EAST_HALF = {
    "type": "Polygon",
    "coordinates": [[[4.48, 52.27], [4.52, 52.27], [4.52, 52.32], [4.48, 52.32], [4.48, 52.27]]],
}


@pytest.fixture
def town(litter: Service, roads: Organisation, parks: Organisation, settings: Any) -> Service:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.save_routing_rule(
        actor=None,
        name="Litter in the east: parks",
        department=parks,
        service=litter,
        area=EAST_HALF,
        order=1,
    )
    return litter


def assert_accessible(browser: Any) -> None:
    violations = axe_violations_here(browser)
    assert violations == [], f"{browser.current_url}:\n{format_violations(violations)}"


@pytest.fixture
def gardener(parks: Organisation, django_user_model: Any, admin_user_: Any) -> Any:
    """Staff of the parks department (an editor), who log in with :data:`PASSWORD`."""
    person = django_user_model.objects.create_user(username="gardener", password=PASSWORD)
    organisations.add_member(actor=admin_user_, organisation=parks, user=person, role="editor")
    return person


def test_a_citizen_reports_on_the_map_and_hears_back(
    browser: Any, live_server: Any, town: Service, parks: Organisation, gardener: Any, tmp_path: Path
) -> None:
    photo = tmp_path / "bench.png"
    photo.write_bytes(png((400, 300)))
    browser.get(f"{live_server.url}/report/new/")
    surface = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".map-surface"))
    assert_accessible(browser)

    # The category first: a suggestion from the description then leaves it alone.
    Select(browser.find_element(By.ID, "id_service")).select_by_value("litter")
    browser.find_element(By.ID, "id_description").send_keys("Bags of rubbish dumped by the park bench")
    # A tap just right of the map's centre (the town's centre): the east, where parks clears the litter.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", surface)
    ActionChains(browser).move_to_element_with_offset(surface, 40, 0).click().perform()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "id_lat").get_attribute("value"))
    lat = float(browser.find_element(By.ID, "id_lat").get_attribute("value"))
    long = float(browser.find_element(By.ID, "id_long").get_attribute("value"))
    assert 52.27 < lat < 52.32 and 4.48 < long < 4.52
    assert browser.find_element(By.CSS_SELECTOR, "fieldset[data-service=litter]").is_displayed()
    Select(browser.find_element(By.ID, "id_q_litter_size")).select_by_value("large")
    browser.find_element(By.ID, "id_photo").send_keys(str(photo))
    browser.find_element(By.ID, "id_email").send_keys("citizen@example.org")
    browser.find_element(By.CSS_SELECTOR, "button[name=send]").click()

    WebDriverWait(browser, 15).until(lambda d: "Thank you for your report" in d.page_source)
    assert_accessible(browser)
    filed = ServiceRequest.objects.get()
    assert filed.department == parks and filed.routed_by == "Litter in the east: parks"
    assert (round(filed.lat, 5), round(filed.long, 5)) == (round(lat, 5), round(long, 5))
    assert filed.media_url.startswith("http://127.0.0.1:8000/report/photos/")

    tasks.in_process_backend().join()
    assert [m.to for m in mail.outbox] == [["citizen@example.org"]]  # "we received your report"

    # The parks department's queue lists it; staff change its status with a canned reply, previewed.
    CannedReply.objects.create(
        title="Crew on its way",
        language="en",
        status="in_progress",
        body="The park crew is on its way to {address}.",
    )
    log_in(browser, live_server.url, gardener.get_username())
    browser.get(f"{live_server.url}/reports/office/?department=parks")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'a[href="/reports/office/requests/{filed.pk}/"]')
    )
    assert_accessible(browser)
    browser.get(f"{live_server.url}/reports/office/?department=roads")
    assert not browser.find_elements(By.CSS_SELECTOR, f'a[href="/reports/office/requests/{filed.pk}/"]')
    browser.get(f"{live_server.url}/reports/office/map/?department=parks")
    assert browser.find_elements(By.CSS_SELECTOR, f'svg a[href="/reports/office/requests/{filed.pk}/"]')
    assert_accessible(browser)
    browser.get(f"{live_server.url}/reports/office/?department=parks")
    browser.find_element(By.CSS_SELECTOR, f'a[href="/reports/office/requests/{filed.pk}/"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "status-form"))
    assert "citizen@example.org" in browser.page_source and "Litter in the east: parks" in browser.page_source
    assert_accessible(browser)
    Select(browser.find_element(By.ID, "status_reply")).select_by_visible_text("Crew on its way (en)")
    message = browser.find_element(By.ID, "status_message")
    WebDriverWait(browser, 5).until(lambda d: message.get_attribute("value"))  # filled by the script
    place = filed.address_string or f"{filed.lat:.5f}, {filed.long:.5f}"
    assert message.get_attribute("value") == f"The park crew is on its way to {place}."
    assert Select(browser.find_element(By.ID, "status_status")).first_selected_option.get_attribute(
        "value"
    ) == ("in_progress")
    browser.find_element(By.CSS_SELECTOR, "button[name=preview]").click()
    WebDriverWait(browser, 10).until(lambda d: "Check before sending" in d.page_source)
    assert f"Report {filed.pk}: In progress" in browser.page_source
    assert_accessible(browser)
    assert ServiceRequest.objects.get().status == "received" and len(mail.outbox) == 1  # nothing sent yet
    browser.find_element(By.CSS_SELECTOR, "button[name=confirm]").click()
    WebDriverWait(browser, 10).until(lambda d: "The status is now" in d.page_source)
    tasks.in_process_backend().join()
    WebDriverWait(browser, 10).until(lambda d: len(mail.outbox) == 2)
    changed = mail.outbox[1]
    assert changed.to == ["citizen@example.org"] and changed.subject == f"Report {filed.pk}: In progress"
    assert "The park crew is on its way" in changed.body

    browser.get(f"{live_server.url}/report/track/{filed.token}/")
    WebDriverWait(browser, 15).until(lambda d: "The park crew is on its way" in d.page_source)
    assert "citizen@example.org" not in browser.page_source
    assert_accessible(browser)

    browser.get(f"{live_server.url}/open311/v2/requests.json?service_code=litter&extensions=true")
    text = WebDriverWait(browser, 15).until(lambda d: d.find_element(By.TAG_NAME, "body").text)
    body = json.loads(text)
    assert [(r["service_request_id"], r["status"]) for r in body] == [(str(filed.pk), "open")]
    assert body[0]["media_url"] == filed.media_url and body[0]["agency_responsible"] == "Parks"
    assert body[0]["status_notes"] == f"The park crew is on its way to {place}."
    assert body[0]["extended_attributes"]["workflow_status"] == "in_progress"
    assert body[0]["extended_attributes"]["extended_status"] == "in_progress"
    assert "citizen@example.org" not in text


def test_nearby_reports_and_the_satisfaction_question_are_accessible(
    browser: Any, live_server: Any, town: Service
) -> None:
    earlier = services.file_request(
        actor=None,
        filing=services.Filing(
            service_code="litter",
            location=services.Location(lat=52.29, long=4.46),
            description="Rubbish",
            attributes={"size": "small"},
            contact={"email": "first@example.org"},
        ),
    )
    browser.get(f"{live_server.url}/report/new/?service=litter")
    browser.find_element(By.ID, "id_description").send_keys("More rubbish")
    browser.find_element(By.ID, "id_lat").send_keys("52.29005")
    browser.find_element(By.ID, "id_long").send_keys("4.46")
    Select(browser.find_element(By.ID, "id_q_litter_size")).select_by_value("small")
    browser.find_element(By.CSS_SELECTOR, "button[name=send]").click()
    WebDriverWait(browser, 10).until(lambda d: "Is this already reported?" in d.page_source)
    assert_accessible(browser)

    services.change_status(actor=None, request=earlier, status="done")
    tasks.in_process_backend().join()
    question = earlier.satisfactions.get()
    violations = axe_violations(browser, f"{live_server.url}/report/satisfaction/{question.token}/")
    assert violations == [], format_violations(violations)
    browser.find_element(By.CSS_SELECTOR, "#main-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert_accessible(browser)


def test_the_map_shows_the_tiles_of_the_configured_server(
    browser: Any, live_server: Any, town: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    import math
    import re

    monkeypatch.setenv("OPENINGUP_MAP_TILES", "/tiles/{z}/{x}/{y}.png")
    browser.get(f"{live_server.url}/report/new/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".map-layer img"))

    sources = [img.get_attribute("src") for img in browser.find_elements(By.CSS_SELECTOR, ".map-layer img")]
    tiles = {tuple(map(int, re.search(r"/tiles/(\d+)/(\d+)/(\d+)\.png$", s).groups())) for s in sources}  # type: ignore[union-attr]
    (zoom,) = {z for z, _x, _y in tiles}
    n = 2**zoom
    lat = math.radians(52.295)
    centre = (int((4.48 + 180) / 360 * n), int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n))
    assert (zoom, *centre) in tiles and 10 <= zoom <= 16


def test_the_script_searches_addresses_and_suggests_the_category(
    browser: Any, live_server: Any, town: Service, pothole: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openingup.reports import suggest
    from openingup.reports.addresses import load_addresses

    monkeypatch.setattr(suggest, "_classifier", lambda: None)  # the keyword match: predictable here
    load_addresses(
        actor=None, text="street,number,postcode,city,lat,long\nKerkplein,4,2291BA,Town,52.2944,4.4783\n"
    )
    browser.get(f"{live_server.url}/report/new/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".map-surface"))

    browser.find_element(By.ID, "id_description").send_keys("A deep pothole in the cycle path")
    WebDriverWait(browser, 10).until(
        lambda d: (
            Select(d.find_element(By.ID, "id_service")).first_selected_option.get_attribute("value")
            == "pothole"
        )
    )
    assert "Suggested category: Pothole." in browser.find_element(By.ID, "suggestion").text
    assert not browser.find_element(By.CSS_SELECTOR, "fieldset[data-service=litter]").is_displayed()

    browser.find_element(By.ID, "id_address").send_keys("kerkpl")
    browser.find_element(By.CSS_SELECTOR, "button[name=find_address]").click()
    choice = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#address-results button")
    )
    assert choice.text == "Kerkplein 4, 2291BA Town" and browser.current_url.endswith("/report/new/")
    choice.click()
    assert browser.find_element(By.ID, "id_lat").get_attribute("value") == "52.2944000"
    assert browser.find_element(By.ID, "id_long").get_attribute("value") == "4.4783000"
    assert browser.find_element(By.CSS_SELECTOR, ".map-pin").is_displayed()
    assert_accessible(browser)
