"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on the web pages.

Runs in headless Chromium through the harness in ``tests/browser.py``; skipped when Chromium or axe-core
is missing. Editor pages are checked logged in through the login form, as a person would.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from tests import browser as harness
from tests.browser import axe_violations, format_violations
from tests.conftest import PASSWORD
from tests.web.conftest import make_dataset

pytestmark = pytest.mark.django_db(transaction=True)


def violations_here(driver: Any) -> list[dict[str, Any]]:
    """axe on the page the browser shows now (after a form post), not on a freshly loaded URL.

    ``axe_violations`` always loads its URL first; a page showing validation errors only exists as the
    answer to a POST, so this runs the harness's own axe call on the current document."""
    driver.execute_script(harness._axe_source(os.environ["OPENINGUP_AXE_JS"]))
    outcome = driver.execute_async_script(harness._RUN_AXE, list(harness.AXE_TAGS))
    assert "error" not in outcome, outcome.get("error")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "help_url": v["helpUrl"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]],
        }
        for v in outcome["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def site(organisation: Organisation, department: Organisation) -> Dataset:
    make_dataset(department, "Benches in parks")
    make_dataset(
        organisation,
        "Addresses",
        hvd_categories=["http://data.europa.eu/bna/c_ac64a52d"],
        publish=False,
        applicable_legislation=["http://data.europa.eu/eli/reg_impl/2023/138/oj"],
    )
    return make_dataset(organisation)


def log_in(driver: Any, base: str, username: str) -> None:
    driver.get(f"{base}/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "Log out" in d.page_source)


def submit(driver: Any) -> None:
    """Send the main form and wait for the answer to show its error summary."""
    driver.find_element(By.CSS_SELECTOR, "#main-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/datasets/",
        "/datasets/?theme=http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "/datasets/trees-in-the-city/",
        "/organisations/",
        "/organisations/example/",
        "/login/",
        "/catalog",
        "/datasets/no-such-dataset/",
    ],
)
def test_public_pages_have_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, path: str
) -> None:
    violations = axe_violations(browser, f"{live_server.url}{path}")

    assert violations == [], f"{path}:\n{format_violations(violations)}"


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/new/",
        "/datasets/trees-in-the-city/",
        "/datasets/trees-in-the-city/edit/",
        "/datasets/addresses/edit/",
        "/datasets/trees-in-the-city/distributions/new/",
        "/datasets/trees-in-the-city/delete/",
    ],
)
def test_editor_pages_have_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, editor: Any, path: str
) -> None:
    log_in(browser, live_server.url, editor.username)

    violations = axe_violations(browser, f"{live_server.url}{path}")

    assert browser.current_url == f"{live_server.url}{path}"  # not sent to the login page instead
    assert violations == [], f"{path}:\n{format_violations(violations)}"


def test_the_edit_form_with_errors_has_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/datasets/trees-in-the-city/edit/")
    for name in ("title_en", "title_nl"):
        browser.find_element(By.ID, f"id_{name}").clear()
    browser.find_element(By.ID, "id_contact_email").send_keys("@not an address")
    browser.find_element(By.ID, "id_temporal_start").clear()
    browser.find_element(By.ID, "id_temporal_start").send_keys("last spring")
    submit(browser)

    assert "There is a problem" in browser.page_source
    assert browser.switch_to.active_element.get_attribute("data-error-summary") is not None
    violations = violations_here(browser)
    assert violations == [], format_violations(violations)


def test_the_distribution_form_with_errors_has_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/datasets/trees-in-the-city/distributions/new/")
    submit(browser)

    assert "Upload a file or give an access URL." in browser.page_source
    violations = violations_here(browser)
    assert violations == [], format_violations(violations)
