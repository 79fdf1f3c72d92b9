"""``openingup social``: add a channel, poll it, import an archive, list messages, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openingup.cli.main import main
from openingup.social import crypto
from openingup.social.models import Channel
from tests.social.conftest import FakePlatform, Reply

pytestmark = pytest.mark.django_db(transaction=True)

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Gemeente</title><language>nl</language>
<item><title>Kerkstraat afgesloten</title><guid>n1</guid><pubDate>Tue, 27 Jun 2017 15:05:00 +0100</pubDate>
<description>De Kerkstraat is maandag afgesloten voor onderhoud.</description></item></channel></rss>"""


def test_channel_add_poll_and_messages(platform: FakePlatform, capsys: pytest.CaptureFixture[str]) -> None:
    platform.route("/feed.xml", Reply(200, FEED))
    assert main(["social", "channel", "add", "--type", "rss", "--base-url", f"{platform.url}/feed.xml"]) == 0
    channel_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert Channel.objects.get(pk=channel_id).kind == "rss"
    assert main(["social", "poll", channel_id]) == 0
    assert "1 new" in capsys.readouterr().out
    assert main(["social", "messages", "--channel", channel_id, "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["external_id"] == "n1" and record["language"] == "nl" and record["kind"] == "feed-item"


def test_token_given_on_the_command_line_is_encrypted(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "social",
        "channel",
        "add",
        "--type",
        "mastodon",
        "--base-url",
        "https://m.test",
        "--token",
        "tok-123",
    ]
    assert main(args) == 0
    channel = Channel.objects.get(pk=capsys.readouterr().out.strip().splitlines()[-1])
    assert "tok-123" not in channel.credentials and crypto.decrypt(channel.credentials)["token"] == "tok-123"


def test_bad_channel_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["social", "channel", "add", "--type", "bluesky", "--base-url", "ftp://x"]) == 2
    assert "base_url" in capsys.readouterr().err and not Channel.objects.exists()


def test_import_and_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "tweets.js"
    good.write_text(
        'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "full_text": "Hallo", '
        '"created_at": "Wed Oct 10 20:19:24 +0000 2018"}}]'
    )
    assert main(["social", "import", "--format", "twitter", str(good)]) == 0
    assert "1 new" in capsys.readouterr().out
    bad = tmp_path / "posts.json"
    bad.write_text("not json")
    assert main(["social", "import", "--format", "facebook", str(bad)]) == 2
    assert "nothing was imported" in capsys.readouterr().err


def test_evaluate_prints_every_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["social", "evaluate"]) == 0
    out = capsys.readouterr().out
    for code in ("en", "nl", "fr", "de", "da", "sv", "nb"):
        assert f"\n{code} " in out
