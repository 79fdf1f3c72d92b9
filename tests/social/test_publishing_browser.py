"""In headless Chromium: a second person approves a post, which goes out to Mastodon and Bluesky; the
compose, post, calendar and archive pages pass axe's WCAG 2.1 AA rules.

Skipped (with the reason) when Chromium, chromedriver or axe-core is missing; see ``tests/browser.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from openingup.social.publishing import services
from openingup.social.publishing.models import Post
from tests.social.publishing_fakes import Desk, Platforms, desk, platforms
from tests.social.test_inbox_browser import accessible, log_in

__all__ = ["desk", "platforms"]

pytestmark = pytest.mark.django_db(transaction=True)


def test_approving_a_post_and_the_publishing_pages(
    browser: Any, live_server: Any, desk: Desk, platforms: Platforms
) -> None:
    post = services.compose(
        actor=desk.author,
        channels=[desk.mastodon, desk.bluesky],
        text="Nieuwe open data 🚲 https://data.example.org #fietsen",
        submit=True,
    )
    log_in(browser, live_server.url, desk.approver.username)

    browser.get(f"{live_server.url}/social/posts/new/")
    accessible(browser)
    browser.get(f"{live_server.url}/social/posts/{post.pk}/")
    accessible(browser)
    browser.find_element(By.CSS_SELECTOR, "button[name=action][value=approve]").click()
    WebDriverWait(browser, 10).until(lambda d: "The post was approved" in d.page_source)
    accessible(browser)
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    assert len(platforms.statuses) == 1 and len(platforms.records) == 1

    browser.get(f"{live_server.url}/social/calendar/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.calendar"))
    assert f"/social/posts/{post.pk}/" in browser.page_source
    accessible(browser)
    browser.get(f"{live_server.url}/social/announcements/")
    accessible(browser)
    browser.get(f"{live_server.url}/social/archive/")
    accessible(browser)
    browser.find_element(By.CSS_SELECTOR, "form[aria-labelledby=verify-heading] button").click()
    WebDriverWait(browser, 10).until(lambda d: "the chain is intact" in d.page_source)
    accessible(browser)
