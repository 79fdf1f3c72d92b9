"""The accessibility harness itself: axe in headless Chromium must flag a broken page and pass a good one."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.browser import axe_violations, format_violations

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="

# No lang attribute, an image without alternative text and a text field without a label.
INACCESSIBLE = f"""<!doctype html>
<html><head><title>Broken</title></head>
<body><img src="{PIXEL}"><form><input type="text" name="q"></form></body></html>"""

ACCESSIBLE = f"""<!doctype html>
<html lang="en"><head><title>Fine</title></head>
<body><main><h1>Fine</h1><img src="{PIXEL}" alt="A white dot">
<form><label for="q">Search</label><input type="text" id="q" name="q"></form></main></body></html>"""


def _page(html: str):
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(html)

    return view


urlpatterns = [
    path("inaccessible/", _page(INACCESSIBLE)),
    path("accessible/", _page(ACCESSIBLE)),
]

pytestmark = pytest.mark.urls(__name__)


def test_axe_reports_the_violations_of_an_inaccessible_page(browser, live_server):
    violations = axe_violations(browser, f"{live_server.url}/inaccessible/")

    by_id = {v["id"]: v for v in violations}
    assert {"image-alt", "label", "html-has-lang"} <= set(by_id), format_violations(violations)
    assert by_id["image-alt"]["targets"] == ["img"]
    assert by_id["image-alt"]["impact"] == "critical"
    assert "image-alt" in format_violations(violations)


def test_axe_finds_nothing_on_an_accessible_page(browser, live_server):
    violations = axe_violations(browser, f"{live_server.url}/accessible/")

    assert violations == [], format_violations(violations)


def test_impacts_narrow_the_violations_returned(browser, live_server):
    url = f"{live_server.url}/inaccessible/"

    assert {v["id"] for v in axe_violations(browser, url, impacts=("critical",))} == {"image-alt", "label"}
    assert axe_violations(browser, url, impacts=("minor",)) == []


def test_an_unknown_impact_is_refused():
    with pytest.raises(ValueError, match="unknown axe impact"):
        axe_violations(None, "http://127.0.0.1/", impacts=("severe",))
