"""RSS and Atom feeds from a fake server, safe XML, conditional GET; Twitter and Facebook exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openingup.core.errors import InvalidInput
from openingup.social import services
from openingup.social.connectors import ConnectorError
from openingup.social.connectors.feeds import parse_feed
from openingup.social.models import Message
from tests.social.conftest import FakePlatform, NoSleep, Reply

pytestmark = pytest.mark.django_db


@pytest.mark.conformance
@pytest.mark.parametrize(
    ("name", "count", "first_id"),
    [
        ("news-gov-scot_rss2.xml", 2, "f5efd7f6-e9e4-4e70-a47c-e8dec8cb0400"),
        (
            "inspire-atom_dgm200-bayern.xml",
            1,
            "http://www.weichand.de/inspire/dls/dgm200.DEBY_1d4ab890-27e7-3ebb-95ba-2d2ab8071871",
        ),
    ],
)
def test_feed_is_polled_once_and_conditional_get_is_used(
    platform: FakePlatform, social_data: Path, no_sleep: NoSleep, name: str, count: int, first_id: str
) -> None:
    content = (social_data / "feeds" / name).read_bytes()
    platform.route("/feed", Reply(200, content, {"ETag": '"v1"', "Content-Type": "application/xml"}))
    channel = services.add_channel(actor=None, kind="rss", base_url=f"{platform.url}/feed")
    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert report.error == "" and report.recorded.created == count
    first = Message.objects.get(channel=channel, external_id=first_id)
    assert first.kind == "feed-item" and first.text
    again = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert again.recorded.created == 0 and Message.objects.filter(channel=channel).count() == count
    assert platform.requests[-1].headers.get("If-None-Match") == '"v1"'


def test_304_means_nothing_new(platform: FakePlatform, no_sleep: NoSleep) -> None:
    platform.route("/feed", Reply(304, b""))
    channel = services.add_channel(actor=None, kind="rss", base_url=f"{platform.url}/feed")
    report = services.poll_channel(actor=None, channel=channel, sleep=no_sleep)
    assert report.error == "" and report.recorded.created == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<rss><channel><item>", "well-formed"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><rss><channel/></rss>', "safe XML"),
        (b"<html><body>not a feed</body></html>", "not an RSS"),
    ],
)
def test_bad_feeds_are_refused_with_a_reason(content: bytes, problem: str) -> None:
    with pytest.raises(ConnectorError, match=problem):
        parse_feed(content)


TWEETS = """window.YTD.tweets.part0 = [
  {"tweet": {"id_str": "1050118621198921728", "full_text": "De Kerkstraat is weer open, dank aan iedereen!",
    "created_at": "Wed Oct 10 20:19:24 +0000 2018", "lang": "nl", "entities": {"hashtags": []}}},
  {"tweet": {"id_str": "1050118621198921729", "full_text": "@buurman Bedankt voor de melding.",
    "created_at": "Wed Oct 10 21:00:00 +0000 2018", "in_reply_to_status_id_str": "1050000000000000000",
    "lang": "nl"}}
]"""


def test_twitter_archive_imports_once() -> None:
    channel, first = services.import_export(actor=None, fmt="twitter", content=TWEETS.encode())
    assert channel.kind == "twitter" and first.created == 2
    reply = Message.objects.get(external_id="1050118621198921729")
    assert reply.kind == "reply" and reply.in_reply_to_external_id == "1050000000000000000"
    assert reply.created_at.isoformat() == "2018-10-10T21:00:00+00:00" and reply.direction == "out"
    _, second = services.import_export(actor=None, fmt="twitter", content=TWEETS.encode())
    assert second.created == 0 and second.unchanged == 2


def test_facebook_export_repairs_text_and_imports_once() -> None:
    posts = [
        {
            "timestamp": 1577836800,
            "data": [{"post": "Caf\u00c3\u00a9 op de Markt is open"}],
            "title": "Gemeente",
        },
        {"timestamp": 1577923200, "data": [{"post": "Wegwerkzaamheden"}]},
    ]
    content = json.dumps(posts).encode()
    channel, recorded = services.import_export(actor=None, fmt="facebook", content=content)
    assert recorded.created == 2
    assert Message.objects.filter(channel=channel, text="Café op de Markt is open").exists()
    assert services.import_export(actor=None, fmt="facebook", content=content)[1].created == 0


@pytest.mark.parametrize(
    ("fmt", "content", "problem"),
    [
        ("twitter", b"window.YTD.tweets.part0 = [{", "JSON array"),
        ("twitter", b'[{"tweet": {"full_text": "no id"}}]', "no id_str"),
        ("facebook", b'[{"data": []}]', "timestamp"),
        ("facebook", b"{}", "no list of posts"),
    ],
)
def test_bad_exports_import_nothing(fmt: str, content: bytes, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        services.import_export(actor=None, fmt=fmt, content=content)
    assert not Message.objects.exists()
