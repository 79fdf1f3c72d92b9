"""``openingup readiness``: instruments, an organisation's export, benchmark export/import/publish."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.cli.main import main
from openingup.organisations.models import Organisation
from openingup.readiness import services
from openingup.readiness.models import BenchmarkEntry
from tests.readiness.conftest import TINY_ANSWERS, TINY_OVERALL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(editor: Any, org: Organisation) -> Any:
    services.set_profile(actor=editor, organisation=org, country="NL", population=120_000)
    a = services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2026)
    services.add_evidence_file(
        actor=editor, assessment=a, question_key="q-evidence", file=SimpleUploadedFile("p.pdf", b"%PDF")
    )
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    return services.submit(actor=editor, assessment=a)


def test_instruments_json_lists_id_version_titles_and_question_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["readiness", "instruments", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    tiny = rows["tiny"]
    assert tiny["version"] == "1.0" and tiny["questions"] == 10
    assert set(tiny["title"]) == {"en", "nl", "fr", "de", "da", "sv", "nb"}
    assert tiny["title"]["nl"] == "Tiny test instrument [nl]"


def test_instruments_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "instruments"]) == 0
    out = capsys.readouterr().out
    assert "tiny\t1.0\t10 questions\tTiny test instrument" in out
    assert "sv: Tiny test instrument [sv]" in out


def test_export_an_organisation(submitted: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "export", "noord"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["organisation"] == "noord" and document["size_band"] == "100k-250k"
    (assessment,) = document["assessments"]
    assert assessment["status"] == "submitted" and assessment["result"]["overall"] == pytest.approx(
        TINY_OVERALL
    )
    assert main(["readiness", "export", "nowhere"]) == 2
    assert "no organisation with slug 'nowhere'" in capsys.readouterr().err


def test_benchmark_export_and_import_round_trip(
    submitted: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["readiness", "benchmark-export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and rows[0]["country"] == "NL" and float(rows[0]["driver:m1/d1/r1"]) == 81.25
    assert main(["readiness", "benchmark-export"]) == 0
    path = tmp_path / "bench.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["readiness", "benchmark-import", str(path), "--origin", "https://other.example"]) == 0
    assert "imported 1 entries from https://other.example" in capsys.readouterr().out
    assert BenchmarkEntry.objects.filter(origin="https://other.example").count() == 1


def test_benchmark_import_of_a_bad_file_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "openingup-readiness-benchmark", "version": 1, "entries": [{}]}))
    assert main(["readiness", "benchmark-import", str(path), "--origin", "https://other.example"]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "entries[0].entry: must be a UUID" in err
    assert (
        main(
            ["readiness", "benchmark-import", str(tmp_path / "missing.json"), "--origin", "https://x.example"]
        )
        == 2
    )
    assert not BenchmarkEntry.objects.exists()


def test_benchmark_publish(submitted: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "benchmark-publish", "--publisher", "noord"]) == 0
    assert "published dataset readiness-benchmark (2 distributions)" in capsys.readouterr().out
