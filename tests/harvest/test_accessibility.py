"""The harvest pages in a real browser: no serious axe violation, and the job page follows its job."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from openingup.catalogue.models import Dataset
from openingup.harvest import services
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource
from openingup.organisations.models import Organisation
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.web.test_accessibility import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source(organisation: Organisation, editor: Any) -> HarvestSource:
    source = services.add_source(
        actor=editor, type="ckan", url="http://93.184.216.34/", organisation=organisation, title="Buren"
    )
    HarvestJob.objects.create(
        source=source,
        status="done",
        created=2,
        failed=1,
        progress=100,
        report={
            "failed": [{"id": "pkg-1", "reason": "the dataset has no title"}],
            "withdrawn": ["pkg-0"],
            "warnings": ["a warning"],
            "pages": 1,
        },
    )
    return source


@pytest.mark.parametrize("page", ["list", "new", "source", "job", "edit", "delete", "edit-invalid"])
def test_harvest_pages_have_no_serious_violations(
    browser: Any, live_server: Any, source: HarvestSource, editor: Any, page: str
) -> None:
    job = source.jobs.get()
    path = {
        "list": "/harvest/",
        "new": "/harvest/new/",
        "source": f"/harvest/{source.pk}/",
        "job": f"/harvest/jobs/{job.pk}/",
        "edit": f"/harvest/{source.pk}/edit/",
        "edit-invalid": f"/harvest/{source.pk}/edit/",
        "delete": f"/harvest/{source.pk}/delete/",
    }[page]
    if page == "delete":  # with datasets to keep or withdraw, so the choice is asked
        dataset = Dataset.objects.create(
            slug="harvested", title={"en": "Harvested"}, status="published", publisher=source.organisation
        )
        HarvestRecord.objects.create(
            source=source, remote_id="pkg-2", status="created", dataset_id=dataset.pk
        )
    log_in(browser, live_server.url, editor.username)
    violations = axe_violations(browser, f"{live_server.url}{path}")
    assert browser.current_url == f"{live_server.url}{path}"
    if page == "edit-invalid":  # the form with an error summary and a field in error
        url = browser.find_element(By.ID, "id_url")
        url.clear()
        url.send_keys("http://10.0.0.1/")
        browser.find_element(By.CSS_SELECTOR, "#main-form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: "private address" in d.page_source)
        violations = axe_violations_here(browser)
    if page == "delete":
        assert "Keep them" in browser.page_source and "Withdraw them" in browser.page_source
    assert violations == [], f"{path}:\n{format_violations(violations)}"


def test_the_harvest_job_page_follows_its_job(
    browser: Any, live_server: Any, source: HarvestSource, editor: Any
) -> None:
    running = HarvestJob.objects.create(source=source, status="running", progress=30, message="12 items read")
    log_in(browser, live_server.url, editor.username)
    browser.get(f"{live_server.url}/harvest/jobs/{running.pk}/")
    assert "12 items read" in browser.page_source
    HarvestJob.objects.filter(pk=running.pk).update(progress=60, message="24 items read")
    WebDriverWait(browser, 10).until(lambda d: "24 items read" in d.page_source)
    HarvestJob.objects.filter(pk=running.pk).update(status="done", progress=100, created=24)
    WebDriverWait(browser, 10).until(lambda d: "24 created" in d.page_source)
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)
