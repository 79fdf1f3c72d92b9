"""The working-hours form's public-holiday calendar: chosen by the team, validated with a clear error, and
used by the response-time figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from openingup.social import analytics, services
from openingup.social.inbox.models import BusinessHours, InboxItem
from tests.social.webcare import FakeMastodon, Team, mastodon, places, team

__all__ = ["mastodon", "places", "team"]

pytestmark = pytest.mark.django_db

# Thursday 30 October 2025, 16:00 in Amsterdam (UTC+1); Friday 31 October is Reformation Day, a public
# holiday in Lower Saxony (DE-NI) and not in the Netherlands; answered Monday 3 November at 10:00.
OPENED = datetime(2025, 10, 30, 15, 0, tzinfo=UTC)
ANSWERED = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)


def save_hours(client: Any, team: Team, calendar: str | None) -> Any:
    form = {
        "what": "hours",
        "organisation": str(team.municipality.pk),
        "hours": "mon-fri 09:00-17:00",
        "time_zone": "Europe/Amsterdam",
    }
    if calendar is not None:
        form["holidays"] = calendar
    return client.post("/social/library/", form)


def holidays_input(page: str, team: Team) -> str:
    found = re.search(rf'<input id="holidays-{team.municipality.pk}"[^>]*>', page)
    assert found, "the form has no public-holiday field"
    return found.group(0)


def test_the_team_chooses_its_public_holidays(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    page = client.get("/social/library/").content.decode()
    field = holidays_input(page, team)
    assert 'name="holidays"' in field and 'aria-describedby="holidays-hint"' in field
    assert f'<label for="holidays-{team.municipality.pk}">Public holidays</label>' in page
    assert '<option value="DE">' in page  # the calendars offered as suggestions

    assert save_hours(client, team, " de-ni ").status_code == 302
    assert BusinessHours.objects.get().holidays == "DE-NI"
    assert 'value="DE-NI"' in holidays_input(client.get("/social/library/").content.decode(), team)
    # "none": explicitly no public holidays; empty: the instance's calendar again
    assert save_hours(client, team, "none").status_code == 302
    assert BusinessHours.objects.get().holidays == "none"
    assert save_hours(client, team, "").status_code == 302
    assert BusinessHours.objects.get().holidays == ""
    # a form without the field (an older page) keeps the calendar
    assert save_hours(client, team, "BE").status_code == 302
    assert save_hours(client, team, None).status_code == 302
    assert BusinessHours.objects.get().holidays == "BE"


@pytest.mark.parametrize("calendar", ["XX", "DE-XX", "Nederland"])
def test_an_unknown_calendar_is_refused_with_a_clear_error(client: Any, team: Team, calendar: str) -> None:
    client.force_login(team.editor)
    assert save_hours(client, team, "NL").status_code == 302
    refused = save_hours(client, team, calendar)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert f"“{calendar}” is not a known public-holiday calendar" in page
    field = holidays_input(page, team)
    assert 'aria-invalid="true"' in field and f'value="{calendar}"' in field
    error_id = f"holidays-error-{team.municipality.pk}"
    assert f'aria-describedby="{error_id} holidays-hint"' in field and f'id="{error_id}"' in page
    assert BusinessHours.objects.get().holidays == "NL"  # nothing changed


def test_the_error_is_translated(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    refused = client.post(
        "/social/library/",
        {
            "what": "hours",
            "organisation": str(team.municipality.pk),
            "hours": "mon-fri 09:00-17:00",
            "holidays": "XX",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    page = refused.content.decode()
    assert refused.status_code == 400 and "“XX” is geen bekende kalender van feestdagen" in page
    assert "Feestdagen" in page


@pytest.mark.parametrize(("calendar", "hours"), [("DE-NI", 2.0), ("NL", 10.0), ("none", 10.0)])
def test_response_time_figures_skip_the_chosen_holidays(
    client: Any, team: Team, mastodon: FakeMastodon, calendar: str, hours: float
) -> None:
    client.force_login(team.editor)
    assert save_hours(client, team, calendar).status_code == 302
    mastodon.mention("111", "@gemeente Het licht op de Marktstraat is kapot", OPENED)
    mastodon.reply_at = ANSWERED
    assert services.poll_channel(actor=None, channel=team.channel).error == ""
    item = InboxItem.objects.get(conversation__messages__external_id="111")
    assert (
        client.post(f"/social/inbox/{item.pk}/", {"action": "reply", "text": "We kijken ernaar."}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.first_response_seconds == hours * 3600
    period = analytics.Period(date(2025, 10, 1), date(2025, 11, 30), "month")
    figures = analytics.response_times([team.channel], period)
    assert figures["overall"]["median_first_response_hours"] == hours


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_holiday_field_and_its_error_are_accessible(browser: Any, live_server: Any, team: Team) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from tests.social.test_inbox_browser import accessible, log_in

    log_in(browser, live_server.url, team.editor.username)
    browser.get(f"{live_server.url}/social/library/")
    field = browser.find_element(By.ID, f"holidays-{team.municipality.pk}")
    field.send_keys("XX")
    field.submit()
    WebDriverWait(browser, 10).until(lambda d: "is not a known public-holiday calendar" in d.page_source)
    field = browser.find_element(By.ID, f"holidays-{team.municipality.pk}")
    assert field.get_attribute("aria-invalid") == "true"
    accessible(browser)
    field.clear()
    field.send_keys("DE-NI")
    field.submit()
    WebDriverWait(browser, 10).until(lambda d: "were saved." in d.page_source)
    assert BusinessHours.objects.get().holidays == "DE-NI"
    accessible(browser)
