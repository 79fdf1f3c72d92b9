"""End to end in headless Chromium: a mention arrives, is assigned, answered and turned into a service
request; its response time appears on the dashboard. Every page on the way passes axe's WCAG 2.1 AA rules.

Skipped (with the reason) when Chromium, chromedriver or axe-core is missing; see ``tests/browser.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from openingup.reports.models import ServiceRequest
from openingup.social import services
from openingup.social.inbox.models import InboxItem
from tests.browser import axe_violations_here, format_violations
from tests.conftest import PASSWORD
from tests.social.webcare import MENTION_AT, MENTION_TEXT, FakeMastodon, Team, mastodon, places, team

__all__ = ["mastodon", "places", "team"]

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(driver: Any, base: str, username: str) -> None:
    driver.get(f"{base}/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "Log out" in d.page_source)


def accessible(driver: Any) -> None:
    violations = axe_violations_here(driver)
    assert violations == [], f"{driver.current_url}:\n{format_violations(violations)}"


def act(driver: Any, action: str, expected: str) -> None:
    """Press the button of ``action`` and wait for the page that confirms it."""
    driver.find_element(By.CSS_SELECTOR, f"button[name=action][value={action}]").click()
    WebDriverWait(driver, 10).until(lambda d: expected in d.page_source)


def test_a_mention_is_answered_converted_and_timed(
    browser: Any, live_server: Any, team: Team, mastodon: FakeMastodon
) -> None:
    mastodon.mention("111", MENTION_TEXT, MENTION_AT)
    assert services.poll_channel(actor=None, channel=team.channel).error == ""
    log_in(browser, live_server.url, team.editor.username)

    browser.get(f"{live_server.url}/social/inbox/")
    accessible(browser)
    browser.find_element(By.PARTIAL_LINK_TEXT, "diep gat in de weg").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "reply-heading"))
    accessible(browser)

    Select(browser.find_element(By.ID, "assign-team")).select_by_visible_text("Public works")
    Select(browser.find_element(By.ID, "assign-person")).select_by_visible_text("webcare")
    act(browser, "assign", "The conversation was assigned.")
    assert browser.find_element(By.CSS_SELECTOR, "[data-state]").get_attribute("data-state") == "assigned"

    browser.find_element(By.ID, "reply-text").send_keys("Dag {name}, we kijken ernaar.")
    act(browser, "preview", "Dag Anna, we kijken ernaar.")
    act(browser, "reply", "Your reply was sent.")
    assert mastodon.posted[-1]["status"] == "Dag Anna, we kijken ernaar."
    assert browser.find_element(By.CSS_SELECTOR, "[data-first-response]").text == "1.5"

    Select(browser.find_element(By.ID, "convert-service")).select_by_value("pothole")
    act(browser, "convert", "was filed and the link was sent.")
    request = ServiceRequest.objects.get()
    assert browser.find_element(By.CSS_SELECTOR, "[data-service-request]").text == str(request.pk)
    assert f"/report/track/{request.token}/" in mastodon.posted[-1]["status"]
    accessible(browser)
    assert InboxItem.objects.get().state == "answered"

    browser.get(f"{live_server.url}/social/dashboard/?end=2026-12-07&days=7")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-channel='{team.channel.pk}']")
    assert row.find_element(By.CSS_SELECTOR, "[data-median-first-response]").text == "1.5"
    assert "1 of 1 conversations answered within target." in browser.page_source
    accessible(browser)


def test_the_library_page_is_accessible(browser: Any, live_server: Any, team: Team) -> None:
    log_in(browser, live_server.url, team.editor.username)
    browser.get(f"{live_server.url}/social/library/")
    browser.find_element(By.ID, "canned-title").send_keys("Thanks")
    browser.find_element(By.ID, "canned-text-nl").send_keys("Dag {name}, bedankt!")
    browser.find_element(By.CSS_SELECTOR, "form[aria-labelledby=new-canned] button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "was saved." in d.page_source)
    accessible(browser)
    browser.get(f"{live_server.url}/social/inbox/?state=new")
    browser.find_element(By.ID, "view-name").send_keys("New ones")
    browser.find_element(By.CSS_SELECTOR, "form[aria-labelledby=save-view] button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "was saved." in d.page_source)
    assert "New ones" in browser.page_source
    accessible(browser)
