"""WCAG 2.1 AA of the quality pages in headless Chromium with axe-core (skipped without them)."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.organisations.models import Membership
from openingup.quality import services
from tests.browser import axe_violations, format_violations
from tests.web.test_accessibility import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scored(build: Any) -> Any:
    dataset = build(dataset={"keywords": {}, "hvd_categories": ["http://data.europa.eu/bna/c_dd313021"]})
    build(distributions=[])
    services.score_all()
    return dataset


@pytest.mark.parametrize(
    "path", ["/datasets/dataset-0/quality/", "/datasets/dataset-0/", "/quality/", "/quality/hvd/"]
)
def test_quality_pages_have_no_serious_violations(
    browser: Any, live_server: Any, scored: Any, path: str
) -> None:
    violations = axe_violations(browser, f"{live_server.url}{path}")
    assert not violations, format_violations(violations)


def test_the_dashboard_has_no_serious_violations(
    browser: Any, live_server: Any, scored: Any, user: Any, org: Any
) -> None:
    Membership.objects.create(user=user, organisation=org, role="editor")
    log_in(browser, live_server.url, user.username)
    violations = axe_violations(browser, f"{live_server.url}/organisations/{org.slug}/quality/")
    assert not violations, format_violations(violations)
