"""``openingup quality``: score, check-links (failures exit 1), hvd."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openingup.cli.main import main
from openingup.quality.models import LinkCheck, QualityScore

pytestmark = pytest.mark.django_db(transaction=True)


def test_score_named_and_all(build: Any, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = build(dataset={"keywords": {}})
    assert main(["quality", "score", dataset.slug]) == 0
    assert capsys.readouterr().out.strip() == f"{dataset.slug}\t375\texcellent"
    assert main(["quality", "score", "no-such-dataset"]) == 2
    assert main(["quality", "score"]) == 2
    QualityScore.objects.all().delete()
    assert main(["quality", "score", "--all"]) == 0
    assert QualityScore.objects.get().total == 375


def test_check_links_records_refusals_and_exits_1(
    build: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build(distributions=[{"access_url": ["http://10.0.0.1/x.csv"], "download_url": None}], links={})
    monkeypatch.setattr(httpx, "Client", _no_network_client)
    assert main(["quality", "check-links"]) == 1
    assert "checked 1 links, 1 failed; rescored 1 datasets" in capsys.readouterr().out
    assert LinkCheck.objects.get().error.startswith("refused")
    assert main(["quality", "check-links", "--dataset", "nope"]) == 2


def test_hvd_prints_json(build: Any, capsys: pytest.CaptureFixture[str]) -> None:
    build(dataset={"hvd_categories": ["http://data.europa.eu/bna/c_dd313021"]})
    assert main(["quality", "hvd"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert len(reports) == 1 and reports[0]["requirements"]["contact_point"]["met"] is True


def _no_network_client(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("no HTTP client may be opened for a refused address")
