"""The back office's other pages in headless Chromium, checked with axe-core (WCAG 2.1 A/AA): the canned
replies and their form with errors, a request page showing a form's problems, the map with tiles.
The queue, the map, a request page and the preview are checked on the way in
``test_report_browser.py``. Skipped when Chromium or axe-core is missing."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.models import CannedReply, Service
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.conftest import PASSWORD
from tests.web.test_accessibility import log_in, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clerk(roads: Organisation, django_user_model: Any, admin_user_: Any) -> Any:
    person = django_user_model.objects.create_user(username="clerk", password=PASSWORD)
    organisations.add_member(actor=admin_user_, organisation=roads, user=person, role="editor")
    return person


def test_canned_replies_and_form_problems_are_accessible(
    browser: Any, live_server: Any, pothole: Service, clerk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    CannedReply.objects.create(title="Fixed", language="en", status="done", body="Fixed at {address}.")
    filed = services.file_request(
        actor=None,
        filing=services.Filing(
            service_code="pothole", location=services.Location(lat=52.29, long=4.48), description="Hole"
        ),
    )
    log_in(browser, live_server.url, clerk.get_username())
    for path in ("/reports/office/replies/", "/reports/office/replies/new/"):
        violations = axe_violations(browser, f"{live_server.url}{path}")
        assert violations == [], f"{path}:\n{format_violations(violations)}"
    submit(browser)  # the empty reply form: its error summary
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)

    browser.get(f"{live_server.url}/reports/office/requests/{filed.pk}/")
    browser.find_element(By.ID, "duplicate_original").send_keys("999999")
    browser.find_element(By.CSS_SELECTOR, "#merge ~ form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)

    monkeypatch.setenv("OPENINGUP_MAP_TILES", "/tiles/{z}/{x}/{y}.png")
    violations = axe_violations(browser, f"{live_server.url}/reports/office/map/")
    assert violations == [], format_violations(violations)
    assert browser.find_elements(By.CSS_SELECTOR, "svg image")
    # The markers are links in a named group (not an image), reachable from the keyboard.
    marker = browser.find_element(By.CSS_SELECTOR, f'svg[role=group] a.marker[href$="/requests/{filed.pk}/"]')
    assert browser.execute_script(
        "arguments[0].focus(); return document.activeElement === arguments[0]", marker
    )
