"""The benchmark exchange: export, all-or-nothing import, the cohort's figures and the DCAT-AP record."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.core.errors import InvalidInput
from openingup.organisations.models import Organisation
from openingup.readiness import exchange, queries, services
from openingup.readiness.models import BenchmarkEntry, Result
from tests.readiness.conftest import TINY_ANSWERS, TINY_OVERALL

pytestmark = pytest.mark.django_db
OTHER = "https://data.andere-stad.example"


def _tree(r1: float | None, r2: float | None, r3: float | None, r4: float | None) -> dict[str, Any]:
    """A tree as another instance exports it (the dimension and measure scores are not checked)."""
    return {
        "measures": [
            {"key": "m1", "score": None, "level": None, "dimensions": [
                {"key": "d1", "score": None,
                 "drivers": [{"key": "r1", "score": r1}, {"key": "r2", "score": r2}]},
                {"key": "d2", "score": r3, "drivers": [{"key": "r3", "score": r3}]},
            ]},
            {"key": "m2", "score": r4, "level": None, "dimensions": [
                {"key": "d3", "score": r4, "drivers": [{"key": "r4", "score": r4}]},
            ]},
        ]
    }  # fmt: skip


def _entry(
    uid: str, country: str, band: str, year: int, overall: float, tree: dict[str, Any]
) -> dict[str, Any]:
    return {
        "entry": uid,
        "instrument_id": "tiny",
        "instrument_version": "1.0",
        "year": year,
        "country": country,
        "size_band": band,
        "overall": overall,
        "level": "mid",
        "tree": tree,
    }


A = _entry("6f1c1d0e-0000-4000-8000-00000000000a", "NL", "20k-50k", 2026, 40.0, _tree(20.0, 60.0, None, 40.0))
B = _entry("6f1c1d0e-0000-4000-8000-00000000000b", "DE", ">250k", 2025, 90.0, _tree(100.0, 80.0, 90.0, 90.0))


def _file(*entries: dict[str, Any], **top: Any) -> bytes:
    document = {"format": "openingup-readiness-benchmark", "version": 1, "entries": list(entries), **top}
    return json.dumps(document).encode()


@pytest.fixture
def local_result(editor: Any, org: Organisation) -> Result:
    services.set_profile(actor=editor, organisation=org, country="NL", population=30_000)
    a = services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2026)
    services.add_evidence_file(
        actor=editor,
        assessment=a,
        question_key="q-evidence",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
    )
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    return services.submit(actor=editor, assessment=a)


def test_export_holds_local_results_and_no_organisation(local_result: Result, admin_user_: Any) -> None:
    services.import_benchmark(actor=admin_user_, payload=_file(A), origin=OTHER)
    document = exchange.export_benchmark()
    assert document["format"] == "openingup-readiness-benchmark" and document["version"] == 1
    (entry,) = document["entries"]  # the imported entry is not re-exported
    assert (entry["country"], entry["size_band"], entry["year"]) == ("NL", "20k-50k", 2026)
    assert entry["overall"] == pytest.approx(TINY_OVERALL)
    text = json.dumps(document)
    assert "noord" not in text and "North Town" not in text and "edith" not in text
    assert "questions" not in entry["tree"]


def test_import_puts_entries_in_the_cohort_with_correct_figures(
    local_result: Result, admin_user_: Any
) -> None:
    assert services.import_benchmark(actor=admin_user_, payload=_file(A, B), origin=OTHER + "/") == 2
    assert BenchmarkEntry.objects.filter(origin=OTHER).count() == 2
    everyone = queries.cohort("tiny")
    assert everyone["count"] == 3
    assert everyone["overall"] == pytest.approx((61.5625 + 40 + 90) / 3)
    assert everyone["drivers"]["m1/d1/r1"] == pytest.approx((81.25 + 20 + 100) / 3)
    assert everyone["drivers"]["m1/d2/r3"] == pytest.approx((50 + 90) / 2)  # A has no r3 score
    dutch = queries.cohort("tiny", country="nl", size_band="20k-50k", year=2026)
    assert dutch["count"] == 2
    assert dutch["overall"] == pytest.approx((61.5625 + 40) / 2)
    assert dutch["drivers"] == {
        "m1/d1/r1": pytest.approx((81.25 + 20) / 2),
        "m1/d1/r2": pytest.approx((52.5 + 60) / 2),
        "m1/d2/r3": pytest.approx(50.0),
        "m2/d3/r4": pytest.approx((75 + 40) / 2),
    }
    assert queries.cohort("tiny", year=2025)["count"] == 1
    assert queries.cohort("tiny", country="FR") == {
        "count": 0,
        "overall": None,
        "measures": {},
        "drivers": {},
    }
    assert queries.cohort_facets("tiny") == {
        "countries": ["DE", "NL"],
        "size_bands": ["20k-50k", ">250k"],
        "years": [2025, 2026],
    }


def test_importing_again_replaces_the_origins_entries(admin_user_: Any) -> None:
    services.import_benchmark(actor=admin_user_, payload=_file(A), origin=OTHER)
    changed = {**A, "overall": 55.0}
    services.import_benchmark(actor=admin_user_, payload=_file(changed), origin=OTHER)
    assert list(BenchmarkEntry.objects.values_list("overall", flat=True)) == [55.0]


NOT_A_LIST = json.dumps({"format": "openingup-readiness-benchmark", "version": 1, "entries": {}}).encode()


def _broken(change: Any) -> bytes:
    entry = copy.deepcopy(A)
    change(entry)
    return _file(B, entry)


@pytest.mark.parametrize(
    ("payload", "field", "problem"),
    [
        (_file(A, format="something-else"), "format", "openingup-readiness-benchmark"),
        (_file(A, version=2), "format", "version 1"),
        (NOT_A_LIST, "entries", "must be a list"),
        (b"{nope", "file", ""),
        (b"\xff\xfe\x00", "file", ""),
        (b"  ", "file", "is empty"),
        (b"entry,year\n1,2026\n", "columns", "missing instrument_id"),
        (_broken(lambda e: e.update(entry="not-a-uuid")), "entries[1].entry", "UUID"),
        (_broken(lambda e: e.update(instrument_id="smri-x")), "entries[1].instrument_id",
         "not an instrument known"),
        (_broken(lambda e: e.update(year=1999)), "entries[1].year", "2000 to 2100"),
        (_broken(lambda e: e.update(country="nld")), "entries[1].country", "ISO 3166-1"),
        (_broken(lambda e: e.update(size_band="huge")), "entries[1].size_band", "must be one of"),
        (_broken(lambda e: e.update(overall=150)), "entries[1].overall", "0 to 100"),
        (_broken(lambda e: e.update(overall="high")), "entries[1].overall", "0 to 100"),
        (_broken(lambda e: e["tree"]["measures"][0]["dimensions"][0]["drivers"][0].update(key="zz")),
         "entries[1].tree", "'m1/d1/zz' is not a driver"),
        (_broken(lambda e: e["tree"]["measures"][1]["dimensions"][0]["drivers"][0].update(score=-1)),
         "entries[1].tree", "between 0 and 100"),
        (_broken(lambda e: e.update(tree=[])), "entries[1].tree", "list of measures"),
        (_file(A, A), "entries[1].entry", "used twice"),
    ],
)  # fmt: skip
def test_bad_files_import_nothing_and_say_why(
    admin_user_: Any, payload: bytes, field: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.import_benchmark(actor=admin_user_, payload=payload, origin=OTHER)
    assert any(p.field == field and problem in p.problem for p in caught.value.problems), (
        caught.value.problems
    )
    assert not BenchmarkEntry.objects.exists()


@pytest.mark.parametrize("origin", ["local", "", "ftp://x.example", "https://"])
def test_origin_must_be_an_instance_url(admin_user_: Any, origin: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.import_benchmark(actor=admin_user_, payload=_file(A), origin=origin)
    assert caught.value.problems[0].field == "origin"


def test_csv_export_imports_back_with_the_same_scores(local_result: Result, admin_user_: Any) -> None:
    text = exchange.export_benchmark_csv()
    header, _row = text.splitlines()
    assert header.startswith("entry,instrument_id,instrument_version,year,country,size_band,overall,level,")
    assert "driver:m1/d1/r1" in header and "dimension:m1/d1" in header and "measure:m2" in header
    assert services.import_benchmark(actor=admin_user_, payload=text.encode(), origin=OTHER) == 1
    imported = BenchmarkEntry.objects.get(origin=OTHER)
    local = BenchmarkEntry.objects.get(origin="local")
    assert imported.entry == local.entry and imported.overall == pytest.approx(local.overall)
    from openingup.readiness.scoring import driver_scores

    assert driver_scores(imported.tree) == pytest.approx(driver_scores(local.tree))
    assert imported.tree["measures"][0]["dimensions"][0]["score"] == pytest.approx(59.6875)


def test_json_export_imports_back(local_result: Result, admin_user_: Any) -> None:
    payload = json.dumps(exchange.export_benchmark()).encode()
    assert services.import_benchmark(actor=admin_user_, payload=payload, origin=OTHER) == 1
    assert queries.cohort("tiny")["count"] == 2


def test_benchmark_is_published_in_the_catalogue(local_result: Result, org: Organisation) -> None:
    from openingup.catalogue.models import Dataset

    dataset = exchange.publish_benchmark(publisher=org)
    dataset = Dataset.objects.get(pk=dataset.pk)
    assert dataset.slug == "readiness-benchmark" and dataset.status == "published"
    assert dataset.publisher == org
    files = {d.file.name.rsplit(".", 1)[-1]: d for d in dataset.distributions.all()}
    assert set(files) == {"json", "csv"}
    assert all(d.licence.endswith("licence/CC0") for d in files.values())
    with files["json"].file.open("rb") as handle:
        assert json.loads(handle.read())["entries"][0]["overall"] == pytest.approx(TINY_OVERALL)
    before = {k: d.file.name for k, d in files.items()}
    exchange.publish_benchmark(publisher=org)  # same content: the files stay
    assert {d.file.name.rsplit(".", 1)[-1]: d.file.name for d in dataset.distributions.all()} == before
    BenchmarkEntry.objects.update(overall=12.5)
    exchange.publish_benchmark(publisher=org)
    after = {d.file.name.rsplit(".", 1)[-1]: d for d in dataset.distributions.all()}
    assert after["csv"].file.name != before["csv"]
    with after["csv"].file.open("rb") as handle:
        assert ",12.5," in handle.read().decode()


def test_a_later_submission_updates_the_published_benchmark(
    local_result: Result, editor: Any, org: Organisation
) -> None:
    from openingup.core.events import Event
    from openingup.core.models import Job
    from openingup.core.tasks import run_job
    from openingup.readiness import events, subscribers

    subscribers.republish_benchmark([Event(events.ASSESSMENT_SUBMITTED, {})])
    assert not Job.objects.exists()  # nothing published yet: nothing to update
    dataset = exchange.publish_benchmark(publisher=org)
    a = services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2027)
    services.submit(actor=editor, assessment=a)
    subscribers.republish_benchmark([Event(events.ASSESSMENT_SUBMITTED, {"assessment_id": str(a.pk)})])
    job = Job.objects.get(name="readiness.publish_benchmark")
    assert run_job(str(job.pk)).result == {"published": True, "entries": 2}
    csv_file = next(d for d in dataset.distributions.all() if d.file.name.endswith(".csv"))
    with csv_file.file.open("rb") as handle:
        assert len(handle.read().decode().splitlines()) == 3  # header and two entries
