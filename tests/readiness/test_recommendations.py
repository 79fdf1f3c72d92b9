"""The recommendation library: loading, and advice for the weakest drivers of a result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.organisations.models import Organisation
from openingup.readiness import queries, recommendations, services
from openingup.readiness.recommendations import RecommendationError
from tests.readiness.conftest import TINY_ANSWERS


def _item(key: str, *drivers: str) -> dict[str, Any]:
    return {
        "key": key,
        "drivers": list(drivers),
        "title": {"en": f"Do {key}"},
        "text": {"en": "Some advice."},
        "sources": [{"title": "A source", "url": "https://example.org"}],
        "features": [],
    }


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "recommendations"
    folder.mkdir()
    items = [
        _item("open-up-reports", "tiny/m1/d2/r3"),
        _item("answer-faster", "tiny/m1/d1/r2", "tiny/m1/d2/r3"),
        _item("keep-it-up", "tiny/m1/d1/r1"),
        _item("elsewhere", "other/m1/d1/r1"),
    ]
    (folder / "tiny.json").write_text(json.dumps(items), encoding="utf-8")
    monkeypatch.setattr(recommendations, "ROOT", folder)
    return folder


def test_for_driver_and_topic(library: Path) -> None:
    found = recommendations.for_driver("tiny/m1/d2/r3")
    assert [r["key"] for r in found] == ["open-up-reports", "answer-faster"]
    assert found[0]["topic"] == "tiny"
    assert len(recommendations.all_recommendations()) == 4


@pytest.mark.django_db
def test_recommendations_for_the_weakest_drivers(library: Path, editor: Any, org: Organisation) -> None:
    a = services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2026)
    services.add_evidence_file(
        actor=editor, assessment=a, question_key="q-evidence", file=SimpleUploadedFile("x.pdf", b"%PDF")
    )
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    result = services.submit(actor=editor, assessment=a)
    # weakest: r3 50, r2 52.5 (then r4 75, r1 81.25)
    found = queries.recommendations_for(result, n=2)
    assert [(r["key"], r["driver"], r["score"]) for r in found] == [
        ("open-up-reports", "m1/d2/r3", 50.0),
        ("answer-faster", "m1/d2/r3", 50.0),  # listed once, under its weakest driver
    ]


def test_bad_library_files_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.json").write_text(json.dumps([_item("x", "not-a-path"), {"key": "x"}]), encoding="utf-8")
    monkeypatch.setattr(recommendations, "ROOT", tmp_path)
    with pytest.raises(RecommendationError) as caught:
        recommendations.all_recommendations()
    text = str(caught.value)
    assert "a.json[0].drivers" in text and "a.json[1].title" in text and "'x' is used twice" in text
