"""The site administrators' page of Open311 API keys: list, create (shown once), revoke; others refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openingup.reports import services
from openingup.reports.models import ApiKey


def test_admin_creates_and_revokes_a_key(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)
    page = client.get("/account/api-keys/")
    assert page.status_code == 200 and "There are no API keys yet." in page.content.decode()
    created = client.post("/account/api-keys/new/", {"name": "Partner <b>app</b>"})
    html = created.content.decode()
    assert created.status_code == 200 and created["Cache-Control"].startswith("max-age=0")
    secret = re.search(r'id="key-secret"[^>]*value="([^"]+)"', html)
    assert secret is not None
    key = services.authenticate_api_key(secret.group(1))
    assert key is not None and key.created_by == admin_user_
    listing = client.get("/account/api-keys/").content.decode()
    assert "Partner &lt;b&gt;app&lt;/b&gt;" in listing and secret.group(1) not in listing
    client.post(f"/account/api-keys/{key.pk}/revoke/")
    assert services.authenticate_api_key(secret.group(1)) is None


def test_empty_name_is_shown_next_to_the_field(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)
    response = client.post("/account/api-keys/new/", {"name": ""})
    assert "Give the key a name." in response.content.decode() and not ApiKey.objects.exists()


def test_others_may_not_manage_keys(client: Any, user: Any) -> None:
    key, _ = services.create_api_key(actor=None, name="app")
    assert client.get("/account/api-keys/").status_code == 302  # to the login page
    client.force_login(user)
    assert client.get("/account/api-keys/").status_code == 403
    assert client.post("/account/api-keys/new/", {"name": "mine"}).status_code == 403
    assert client.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None and ApiKey.objects.count() == 1


def test_page_speaks_dutch(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)
    page = client.get("/account/api-keys/", headers={"accept-language": "nl"}).content.decode()
    assert "Open311-API-sleutels" in page and "Sleutel maken" in page


@pytest.mark.django_db(transaction=True)
def test_key_pages_have_no_serious_accessibility_violations(
    browser: Any, live_server: Any, admin_user_: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from tests.browser import axe_violations, axe_violations_here, format_violations
    from tests.web.test_accessibility import log_in

    services.create_api_key(actor=None, name="Partner app")
    log_in(browser, live_server.url, admin_user_.username)
    violations = axe_violations(browser, f"{live_server.url}/account/api-keys/")
    assert violations == [], format_violations(violations)
    browser.find_element(By.ID, "id_name").send_keys("Second app")
    browser.find_element(By.CSS_SELECTOR, "#main-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "key-secret"))
    assert browser.find_element(By.ID, "key-secret").get_attribute("value").startswith("o311_")
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)
