"""End to end in headless Chromium: an assessment taken through the pages, the result with its radar
chart, the PDF report downloaded and rendered to non-empty pages with pdftoppm. Every page on the way
is checked with axe-core (WCAG 2.1 A/AA). Skipped when Chromium, axe-core or pdftoppm is missing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.wait import WebDriverWait

from openingup.organisations.models import Organisation
from openingup.readiness import services
from openingup.readiness.models import Assessment, BenchmarkEntry
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.conftest import PASSWORD
from tests.readiness.test_pages import smri_submitted
from tests.readiness.test_report_pdf import non_white_share, pdftoppm, rendered_pages

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(browser: Any) -> None:
    violations = axe_violations_here(browser)
    assert violations == [], f"{browser.current_url}:\n{format_violations(violations)}"


def log_in(browser: Any, base: str, username: str) -> None:
    browser.get(f"{base}/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys("x")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "Log out" in d.page_source)


def click(browser: Any, selector: str) -> None:
    browser.find_element(By.CSS_SELECTOR, selector).click()


def save_and_continue(browser: Any) -> None:
    old = browser.find_element(By.TAG_NAME, "h1")
    click(browser, "#main-form button[value=next]")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "h1") != old)


def test_an_assessment_taken_in_the_browser_gives_a_result_radar_and_pdf(
    browser: Any, live_server: Any, editor: Any, org: Organisation, tmp_path: Path
) -> None:
    pdftoppm()
    services.set_profile(actor=editor, organisation=org, country="NL", population=45_000)
    base = live_server.url
    log_in(browser, base, "edith")

    browser.get(f"{base}/readiness/")
    assert_accessible(browser)
    Select(browser.find_element(By.ID, "start-instrument")).select_by_value("tiny")
    browser.find_element(By.ID, "start-year").clear()
    browser.find_element(By.ID, "start-year").send_keys("2026")
    click(browser, "form[action$='/readiness/start/'] button[type=submit]")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "progress"))
    assert_accessible(browser)

    # Part 1: a single choice, several options, a scale.
    click(browser, "input[name='q-q-single'][value='b']")
    click(browser, "input[name='q-q-multiple'][value='y']")
    click(browser, "input[name='q-q-multiple'][value='z']")
    click(browser, "input[name='q-q-scale'][value='4']")
    save_and_continue(browser)
    assert "3 of 10 questions answered" in browser.page_source

    # Part 2: not applicable, numbers; first a wrong number, shown with its error.
    click(browser, "input[name='q-q-yesno-na']")
    browser.find_element(By.ID, "q-q-number-value").send_keys("plenty")
    browser.find_element(By.ID, "q-q-hours-value").send_keys("12")
    click(browser, "#main-form button[value=next]")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert_accessible(browser)
    field = browser.find_element(By.ID, "q-q-number-value")
    field.clear()
    field.send_keys("30")
    if not browser.find_element(By.ID, "q-q-yesno-na").is_selected():
        click(browser, "input[name='q-q-yesno-na']")
    save_and_continue(browser)

    # Part 3: an evidence upload and a yes/no.
    document = tmp_path / "social-media-policy.pdf"
    document.write_bytes(b"%PDF-1.4 our social media policy")
    browser.find_element(By.ID, "q-q-evidence-file").send_keys(str(document))
    click(browser, "input[name='q-q-open311'][value='no']")
    save_and_continue(browser)

    # Part 4, the last: then on to consolidation, as the one who started it.
    click(browser, "input[name='q-q-licence'][value='most']")
    click(browser, "input[name='q-q-quality'][value='5']")
    save_and_continue(browser)
    assert "/consolidate/" in browser.current_url
    assert_accessible(browser)
    click(browser, "#main-form button[value=submit]")
    WebDriverWait(browser, 10).until(lambda d: "/result/" in d.current_url)

    assessment = Assessment.objects.get(organisation=org)
    assert assessment.status == "submitted"
    assert assessment.result.overall == pytest.approx(61.5625)
    radar = browser.find_element(By.CSS_SELECTOR, "figure.chart svg[role=img]")
    assert radar.find_elements(By.CSS_SELECTOR, "g.series path")
    assert "61.6" in browser.find_element(By.ID, "overall-title").find_element(By.XPATH, "..").text
    assert_accessible(browser)

    # The printable page: in print media the site's chrome and the forms go, the chart and scores stay.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, ".cohort-form").is_displayed()
        assert radar.is_displayed() and browser.find_element(By.CSS_SELECTOR, ".score-table").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert browser.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()

    # The PDF, downloaded as a person would, renders to non-empty pages.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    click(browser, "a[href*='result.pdf']")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not [p for p in downloads.glob("*.pdf")]:
        time.sleep(0.2)
    files = list(downloads.glob("*.pdf"))
    assert [f.name for f in files] == ["readiness-tiny-noord-2026.pdf"]
    pages = rendered_pages(files[0].read_bytes(), tmp_path)
    assert len(pages) >= 3 and all(non_white_share(page) > 0.002 for page in pages)

    # The result is now in the public benchmark, without the organisation's name.
    assert BenchmarkEntry.objects.filter(country="NL", size_band="20k-50k").count() == 1
    violations = axe_violations(browser, f"{base}/readiness/benchmark/?instrument=tiny")
    assert violations == [], format_violations(violations)
    assert "North Town" not in browser.page_source and "(1 result)" in browser.page_source


def test_the_public_readiness_pages_are_accessible(browser: Any, live_server: Any, db: None) -> None:
    for path in ("/readiness/", "/readiness/benchmark/"):
        violations = axe_violations(browser, f"{live_server.url}{path}")
        assert violations == [], f"{path}:\n{format_violations(violations)}"


def test_a_shipped_instruments_result_and_the_import_form_are_accessible(
    browser: Any, live_server: Any, editor: Any, org: Organisation, admin_user_: Any, tmp_path: Path
) -> None:
    assessment = smri_submitted(editor, org)
    log_in(browser, live_server.url, "edith")
    violations = axe_violations(browser, f"{live_server.url}/readiness/{assessment.pk}/result/")
    assert violations == [], format_violations(violations)
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.advice")) >= 3

    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/login/")
    browser.find_element(By.ID, "id_username").send_keys("site-admin")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click(browser, "main form button[type=submit]")
    WebDriverWait(browser, 10).until(lambda d: "Log out" in d.page_source)
    browser.get(f"{live_server.url}/readiness/benchmark/?instrument=smri")
    assert_accessible(browser)
    bad = tmp_path / "not-a-benchmark.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    browser.find_element(By.ID, "import-origin").send_keys("https://data.example.dk")
    browser.find_element(By.ID, "import-file").send_keys(str(bad))
    click(browser, "#main-form button[type=submit]")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert "openingup-readiness-benchmark" in browser.page_source
    assert_accessible(browser)
