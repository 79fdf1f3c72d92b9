"""The dashboard's figures against a count by hand, its JSON twin, its charts, and the readiness evidence."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openingup.organisations.models import Organisation
from openingup.social import analytics, queries, services
from openingup.social.connectors import Item
from openingup.social.inbox import replies
from openingup.social.inbox import services as inbox
from openingup.social.inbox.models import InboxItem
from openingup.social.models import Channel, Message
from tests.social.webcare import FakeMastodon, Team, mastodon, places, team

__all__ = ["mastodon", "places", "team"]

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
START, END = date(2026, 12, 1), date(2026, 12, 7)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)  # type: ignore[misc]


def incoming(channel: Channel, external_id: str, text: str, when: datetime) -> InboxItem:
    services.record_items(
        channel=channel, items=[Item(external_id, "mention", when, text=text, author_handle="anna")]
    )
    return InboxItem.objects.get(conversation__messages__external_id=external_id, channel=channel)


@pytest.fixture
def history(team: Team, mastodon: FakeMastodon) -> Channel:
    """Two channels: three conversations, two answered (1 h and 6 h of business time), one closed."""
    second = services.add_channel(
        actor=None,
        kind="mastodon",
        base_url="http://127.0.0.1:9",
        token="t2",
        name="Second",
        organisation=team.municipality,
    )
    inbox.set_response_target(actor=None, channel=second, first_response_hours=8, resolution_hours=16)
    first = incoming(
        team.channel, "m1", "Het afval is niet opgehaald, echt vies en slecht!", at(2026, 12, 1, 10, 0)
    )
    mastodon.reply_at = at(2026, 12, 1, 11, 0)
    replies.reply(actor=None, item=first, text="We sturen iemand.")
    inbox.close(actor=None, item=InboxItem.objects.get(pk=first.pk), when=at(2026, 12, 2, 10, 0))
    # 00:30 on Wednesday in Amsterdam is still Tuesday in UTC: it counts on Wednesday
    night = incoming(team.channel, "m2", "Bedankt voor de snelle hulp, fantastisch!", at(2026, 12, 2, 0, 30))
    mastodon.reply_at = at(2026, 12, 2, 15, 0)
    replies.reply(actor=None, item=night, text="Graag gedaan!")
    incoming(second, "m3", "The rubbish bins were not emptied again.", at(2026, 12, 3, 9, 0))
    incoming(second, "m4", "Before the period", at(2026, 11, 30, 12, 0))
    incoming(second, "m5", "After the period", at(2026, 12, 8, 0, 0))
    InboxItem.objects.filter(conversation__messages__external_id__in=["m4", "m5"]).delete()
    return second


def by_hand(channels: list[Channel]) -> dict[tuple[str, str], list[int]]:
    days = [START + timedelta(days=n) for n in range(7)]
    counts: dict[tuple[str, str], Counter[date]] = {}
    for message in Message.objects.filter(channel__in=channels):
        day = message.created_at.astimezone(AMS).date()
        counts.setdefault((str(message.channel_id), message.direction), Counter())[day] += 1
    return {key: [c[d] for d in days] for key, c in counts.items()}


def test_figures_equal_a_count_by_hand(team: Team, history: Channel) -> None:
    channels = [team.channel, history]
    figures = analytics.dashboard(channels, analytics.Period(START, END, "day"))

    hand = by_hand(channels)
    for row in figures["volume"]:
        assert row["counts"] == hand.get((row["channel"], row["direction"]), [0] * 7)
    first_channel = {(r["channel"], r["direction"]): r["counts"] for r in figures["volume"]}
    assert first_channel[(str(team.channel.pk), "in")] == [1, 1, 0, 0, 0, 0, 0]
    assert first_channel[(str(team.channel.pk), "out")] == [1, 1, 0, 0, 0, 0, 0]
    incoming_rows = Message.objects.filter(
        direction="in", created_at__gte=at(2026, 12, 1), created_at__lt=at(2026, 12, 8)
    )
    assert sum(sum(v) for v in figures["sentiment"].values()) == incoming_rows.exclude(sentiment="").count()
    topic_counts: Counter[str] = Counter(t for m in incoming_rows for t in set(m.topics))
    assert {t["topic"]: t["messages"] for t in figures["topics"]} == dict(topic_counts)

    times = {row["name"]: row for row in figures["response_times"]["channels"]}
    mine = times["Gemeente on Mastodon"]
    assert (mine["conversations"], mine["answered"], mine["answered_within_target"]) == (2, 2, 1)
    assert mine["share_answered_within_target"] == 0.5
    assert mine["median_first_response_hours"] == 3.5  # median of 1 and 6
    assert (mine["closed"], mine["median_resolution_hours"]) == (1, 8.0)  # Tue 10:00 to Wed 10:00
    other = times["Second"]
    assert (other["conversations"], other["answered"], other["first_response_target_hours"]) == (1, 0, 8)
    assert other["share_answered_within_target"] == 0.0 and other["median_first_response_hours"] is None
    overall = figures["response_times"]["overall"]
    assert overall == {
        "conversations": 3,
        "answered_within_target": 1,
        "share_answered_within_target": 0.3333,
        "median_first_response_hours": 3.5,
        "median_resolution_hours": 8.0,
    }


def test_weeks_and_months_add_up_the_days(team: Team, history: Channel) -> None:
    channels = [team.channel, history]
    days = analytics.dashboard(channels, analytics.Period(START, END, "day"))
    weeks = analytics.dashboard(channels, analytics.Period(START, END, "week"))
    assert weeks["buckets"] == ["2026-11-30", "2026-12-07"]
    for day_row, week_row in zip(days["volume"], weeks["volume"], strict=True):
        assert sum(week_row["counts"]) == sum(day_row["counts"])
        assert week_row["counts"][1] == day_row["counts"][6]


def test_the_page_and_its_json_twin(client: Any, team: Team, history: Channel) -> None:
    client.force_login(team.editor)
    query = {"end": "2026-12-07", "days": "7"}
    twin = client.get("/social/dashboard/", {**query, "format": "json"})
    assert twin.status_code == 200 and twin["Content-Type"] == "application/json"
    body = json.loads(twin.content)
    expected = analytics.dashboard([team.channel, history], analytics.Period(START, END, "day"))
    assert body["response_times"] == json.loads(json.dumps(expected["response_times"]))
    assert body["volume"] == expected["volume"]

    page = client.get("/social/dashboard/", query)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") == 4 and 'role="img"' in html
    assert "<td data-median-first-response>3.5</td>" in html
    assert "1 of 3 conversations answered within target." in html


def test_bad_dashboard_parameters_are_named(client: Any, team: Team) -> None:
    client.force_login(team.editor)
    answer = client.get("/social/dashboard/", {"days": "0", "end": "yesterday", "bucket": "year"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "whole number of days" in page and "YYYY-MM-DD" in page and "day, week or month" in page


def test_readiness_evidence(team: Team, history: Channel) -> None:
    evidence = queries.readiness_evidence(team.municipality, today=END, days=7)

    assert evidence["organisation"] == "gemeente"
    assert evidence["share_answered_within_target"]["value"] == 0.3333
    assert evidence["median_first_response_hours"]["value"] == 3.5
    assert evidence["median_first_response_hours"]["unit"] == "business hours"
    assert evidence["channels_in_use"]["value"] == 2 and evidence["channels_in_use"]["kinds"] == ["mastodon"]
    for figure in ("share_answered_within_target", "median_first_response_hours", "channels_in_use"):
        assert evidence[figure]["source"] and evidence[figure]["date"] == "2026-12-07"
        assert evidence[figure]["period"] == {"start": "2026-12-01", "end": "2026-12-07", "bucket": "day"}
    Channel.objects.filter(pk=history.pk).update(active=False)
    assert queries.readiness_evidence(team.municipality, today=END, days=7)["channels_in_use"]["value"] == 1


def test_readiness_evidence_of_an_organisation_without_channels(team: Team) -> None:
    lone = Organisation.objects.create(slug="elsewhere", name={"en": "Elsewhere"})
    evidence = queries.readiness_evidence(lone, today=END)
    assert evidence["channels_in_use"]["value"] == 0
    assert evidence["share_answered_within_target"]["value"] is None


def test_period_rules() -> None:
    with pytest.raises(ValueError, match="ends before"):
        analytics.Period(END, START, "day")
    with pytest.raises(ValueError, match="longer than"):
        analytics.Period(date(2020, 1, 1), END, "day")
    assert analytics.Period.ending(END, 7) == analytics.Period(START, END, "day")
    assert datetime(2026, 12, 1, tzinfo=UTC) < analytics.Period(START, END, "day").bounds()[1]
