"""Accessibility tests in a real headless Chromium, checked with axe-core.

``tests/conftest.py`` registers this module as a plugin, so every test can ask for the ``browser``
fixture (a Selenium Chrome driver); serve pages with pytest-django's ``live_server``::

    from tests.browser import axe_violations, format_violations

    def test_catalogue_page_is_accessible(browser, live_server):
        violations = axe_violations(browser, f"{live_server.url}/datasets/")
        assert not violations, format_violations(violations)

``axe_violations_here(browser)`` checks the page the browser shows now (after a form post, say).

``from tests.browser import browser`` works as well. Tests using ``browser`` get the ``browser`` mark and
are skipped, with the reason, when Chromium, chromedriver or axe-core (``OPENINGUP_AXE_JS``, the path of
``axe.min.js``; ``.ci/run`` installs it) is missing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1024",
)
# The WCAG 2.1 A and AA rules; axe's "best-practice" rules are left out on purpose.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
AXE_IMPACTS = ("minor", "moderate", "serious", "critical")
PAGE_TIMEOUT_SECONDS = 30
AXE_TIMEOUT_SECONDS = 60

_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: arguments[0], resultTypes: ["violations"]})
    .then((results) => done({violations: results.violations}))
    .catch((error) => done({error: String(error)}));
"""


def _missing_prerequisite() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed"
    if not os.access(CHROMEDRIVER, os.X_OK):
        return f"{CHROMEDRIVER} is not installed"
    axe = os.environ.get("OPENINGUP_AXE_JS", "")
    if not axe:
        return "OPENINGUP_AXE_JS (path of axe.min.js) not set"
    if not Path(axe).is_file():
        return f"OPENINGUP_AXE_JS={axe!r} is not a file"
    return None


@pytest.fixture(scope="session")
def chromium_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the whole run, with a fresh profile; quit at the end."""
    missing = _missing_prerequisite()
    if missing:
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    folder = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={folder / 'profile'}")
    # Pages come out in English whatever the machine's locale (LocaleMiddleware reads Accept-Language).
    options.add_experimental_option("prefs", {"intl.accept_languages": "en"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(folder / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(PAGE_TIMEOUT_SECONDS)
    driver.set_script_timeout(AXE_TIMEOUT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium_session: Any) -> Iterator[Any]:
    """The headless Chromium driver, on a blank page with no cookies or storage left by earlier tests."""
    _reset(chromium_session)
    yield chromium_session
    _reset(chromium_session)


def _reset(driver: Any) -> None:
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": "*", "storageTypes": "all"})


@functools.cache
def _axe_source(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def axe_violations(
    driver: Any, url: str, impacts: Iterable[str] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Load ``url``, run axe-core's WCAG 2.1 A/AA rules on it and return the violations at ``impacts``.

    Each violation is ``{"id", "impact", "help", "help_url", "targets"}``, ``targets`` being the CSS
    selectors of the offending elements. Raises ``RuntimeError`` when axe itself fails on the page.
    """
    _check_impacts(impacts)
    driver.get(url)
    return axe_violations_here(driver, impacts)


def axe_violations_here(
    driver: Any, impacts: Iterable[str] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Like :func:`axe_violations`, on the page the browser shows now instead of a freshly loaded URL.

    For pages that only exist as the answer to something done in the browser: a form sent with
    validation errors, a page after a click or a script's change::

        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        violations = axe_violations_here(browser)
    """
    wanted = _check_impacts(impacts)
    driver.execute_script(_axe_source(os.environ["OPENINGUP_AXE_JS"]))
    outcome = driver.execute_async_script(_RUN_AXE, list(AXE_TAGS))
    if "error" in outcome:
        raise RuntimeError(f"axe-core failed on {driver.current_url}: {outcome['error']}")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "help_url": violation["helpUrl"],
            "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in outcome["violations"]
        if violation["impact"] in wanted
    ]


def _check_impacts(impacts: Iterable[str]) -> set[str]:
    wanted = set(impacts)
    unknown = wanted - set(AXE_IMPACTS)
    if unknown:
        raise ValueError(f"unknown axe impact(s) {sorted(unknown)}; choose from {AXE_IMPACTS}")
    return wanted


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])} — {v['help_url']}"
        for v in violations
    )
