"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on the web pages.

Runs in headless Chromium through the harness in ``tests/browser.py``; skipped when Chromium or axe-core
is missing. Editor pages are checked logged in through the login form, as a person would.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from openingup.catalogue import records
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.core.models import Job
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.conftest import PASSWORD
from tests.web.conftest import CC_BY, make_dataset

pytestmark = pytest.mark.django_db(transaction=True)


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
        "/report/",
        "/report/new/",
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
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


def test_the_distribution_form_with_errors_has_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/datasets/trees-in-the-city/distributions/new/")
    submit(browser)

    assert "Upload a file or give an access URL." in browser.page_source
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


# -------------------------------------------------------------------- data services, account, imports

JOB_DONE = uuid.UUID("00000000-0000-4000-8000-00000000d0e1")
JOB_FAILED = uuid.UUID("00000000-0000-4000-8000-00000000fa11")
JOB_RUNNING = uuid.UUID("00000000-0000-4000-8000-0000000000a1")


@pytest.fixture
def tools(site: Dataset, organisation: Organisation, editor: Any) -> None:
    """A data service serving the site's datasets, two tokens of the editor, and three of their jobs."""
    catalogue.create_data_service(
        actor=None,
        publisher=organisation,
        data={
            "title": {"en": "Trees API"},
            "description": {"en": "Every tree, one request away."},
            "endpoint_url": ["https://api.example.org/trees"],
            "serves_dataset": [records.dataset_uri(site), "https://elsewhere.example/ds/1"],
            "licence": CC_BY,
            "hvd_categories": ["http://data.europa.eu/bna/c_ac64a52d"],
            "contact_points": [{"fn": {"": "API desk"}, "email": "mailto:api@example.org"}],
        },
    )
    organisations.create_token(actor=editor, user=editor, name="Harvester")
    old, _secret = organisations.create_token(actor=editor, user=editor, name="Old script")
    organisations.revoke_token(actor=editor, token=old)
    report = {
        "created": [records.dataset_uri(site)],
        "updated": ["https://old-portal.test/ds/9"],
        "failed": [{"uri": "https://old-portal.test/ds/2", "reason": "the dataset has no title"}],
        "warnings": {"https://old-portal.test/ds/9": ["a distribution had no accessURL"]},
    }
    url = {"url": "https://old-portal.test/catalog.ttl", "organisation": "example"}
    Job.objects.create(
        id=JOB_DONE,
        name="catalogue.import_url",
        arguments=url,
        status="done",
        progress=100,
        result=report,
        created_by=editor,
    )
    Job.objects.create(
        id=JOB_FAILED,
        name="catalogue.import_file",
        arguments={"filename": "broken.ttl"},
        status="failed",
        progress=5,
        message="ttl could not be parsed: Bad syntax at line 2",
        created_by=editor,
    )
    Job.objects.create(
        id=JOB_RUNNING,
        name="catalogue.import_url",
        arguments=url,
        status="running",
        progress=40,
        message="importing",
        created_by=editor,
    )


@pytest.mark.parametrize("path", ["/data-services/", "/data-services/trees-api/"])
def test_data_service_pages_have_no_serious_violations(
    browser: Any, live_server: Any, tools: None, path: str
) -> None:
    violations = axe_violations(browser, f"{live_server.url}{path}")

    assert violations == [], f"{path}:\n{format_violations(violations)}"


@pytest.mark.parametrize(
    "path",
    [
        "/data-services/new/",
        "/data-services/trees-api/",
        "/data-services/trees-api/edit/",
        "/data-services/trees-api/delete/",
        "/datasets/addresses/distributions/new/",
        "/account/",
        "/imports/new/",
        f"/jobs/{JOB_DONE}/",
        f"/jobs/{JOB_FAILED}/",
        f"/jobs/{JOB_RUNNING}/",
    ],
)
def test_new_editor_pages_have_no_serious_violations(
    browser: Any, live_server: Any, tools: None, editor: Any, path: str
) -> None:
    log_in(browser, live_server.url, editor.username)

    violations = axe_violations(browser, f"{live_server.url}{path}")

    assert browser.current_url == f"{live_server.url}{path}"
    assert violations == [], f"{path}:\n{format_violations(violations)}"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/data-services/new/", "Give at least one endpoint URL."),
        ("/account/", "Give the token a name."),
        ("/imports/new/", "Give the address of a document or choose a file."),
    ],
)
def test_new_forms_with_errors_have_no_serious_violations(
    browser: Any, live_server: Any, tools: None, editor: Any, path: str, expected: str
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}{path}")
    submit(browser)

    assert expected in browser.page_source
    assert browser.switch_to.active_element.get_attribute("data-error-summary") is not None
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


def test_the_new_token_page_has_no_serious_violations(
    browser: Any, live_server: Any, site: Dataset, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/account/")
    browser.find_element(By.ID, "id_name").send_keys("Harvester")
    browser.find_element(By.CSS_SELECTOR, "#main-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "token-secret"))

    assert browser.find_element(By.ID, "token-secret").get_attribute("value").startswith("ou_")
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


def test_the_job_page_follows_its_job_and_shows_the_report(
    browser: Any, live_server: Any, tools: None, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/jobs/{JOB_RUNNING}/")
    assert browser.find_element(By.ID, "job-progress").get_attribute("value") == "40"

    Job.objects.filter(pk=JOB_RUNNING).update(progress=70, message="still importing")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "job-progress").get_attribute("value") == "70"
    )
    assert "still importing" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text

    Job.objects.filter(pk=JOB_RUNNING).update(
        status="done", progress=100, result={"created": [], "updated": [], "failed": [], "warnings": {}}
    )
    WebDriverWait(browser, 10).until(lambda d: "Import report" in d.page_source)
    assert "0 created, 0 updated, 0 failed." in browser.page_source
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


def test_axe_violations_here_checks_the_page_as_it_is_now(browser: Any, live_server: Any) -> None:
    browser.get(f"{live_server.url}/login/")
    assert axe_violations_here(browser) == []

    browser.execute_script(
        "const img = document.createElement('img'); img.src = '/static/web/favicon.svg';"
        "document.querySelector('main').append(img);"
    )

    assert "image-alt" in [v["id"] for v in axe_violations_here(browser)]
