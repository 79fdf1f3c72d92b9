"""The team's library page: canned replies, response targets and working hours, and who may change them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openingup.social.inbox import timing
from openingup.social.inbox.models import BusinessHours, CannedReply, ResponseTarget
from tests.social.webcare import Team, places, team

__all__ = ["places", "team"]

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def test_an_editor_keeps_canned_replies(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    form = {
        "what": "canned",
        "organisation": str(team.municipality.pk),
        "title": "Thanks",
        "text_nl": "Dag {name}!",
    }
    assert client.post("/social/library/", form).status_code == 302
    assert CannedReply.objects.get().texts == {"nl": "Dag {name}!"}
    again = client.post("/social/library/", form)
    assert again.status_code == 400 and "another canned reply has this title" in again.content.decode()
    bad = client.post("/social/library/", {**form, "title": "Other", "text_nl": "Hoi {email}"})
    assert bad.status_code == 400 and "{email} is not a placeholder" in bad.content.decode()
    reply = CannedReply.objects.get()
    client.force_login(team.viewer)
    assert client.post(f"/social/library/canned/{reply.pk}/delete/").status_code == 403
    client.force_login(team.outsider)
    assert client.post(f"/social/library/canned/{reply.pk}/delete/").status_code == 404
    client.force_login(team.editor)
    assert client.post(f"/social/library/canned/{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.exists()


def test_targets_and_working_hours(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    target = {"what": "target", "channel": str(team.channel.pk)}
    assert (
        client.post(
            "/social/library/", {**target, "first_response_hours": "2", "resolution_hours": "16"}
        ).status_code
        == 302
    )
    assert timing.targets(team.channel) == (2.0, 16.0)
    refused = client.post(
        "/social/library/", {**target, "first_response_hours": "0", "resolution_hours": "x"}
    )
    assert refused.status_code == 400 and ResponseTarget.objects.get().first_response_hours == 2.0

    hours = {"what": "hours", "organisation": str(team.municipality.pk), "time_zone": "Europe/Amsterdam"}
    bad = client.post("/social/library/", {**hours, "hours": "mon-fri 17:00-09:00"})
    assert bad.status_code == 400 and "ends before it starts" in bad.content.decode()
    assert not BusinessHours.objects.exists()
    assert client.post("/social/library/", {**hours, "hours": "mon-sat 08:00-20:00"}).status_code == 302
    saturday = datetime(2026, 12, 5, 8, 0, tzinfo=AMS), datetime(2026, 12, 5, 20, 0, tzinfo=AMS)
    assert timing.business_seconds(team.channel, *saturday) == 12 * 3600
    # a department without hours of its own works its parent's
    assert timing.schedule_for(team.department).weekly_hours == 72


def test_viewers_may_not_change_the_library(client: Any, team: Team) -> None:
    client.force_login(team.viewer)
    page = client.get("/social/library/").content.decode()
    assert "New canned reply" not in page and "Save targets" not in page
    answer = client.post(
        "/social/library/",
        {
            "what": "target",
            "channel": str(team.channel.pk),
            "first_response_hours": "1",
            "resolution_hours": "2",
        },
    )
    assert answer.status_code == 403 and not ResponseTarget.objects.exists()
