"""The readiness demo: the demo municipality's assessments go through the services, the invented
benchmark is imported under its demo origin, and the pages show both; loading twice loads nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openingup.core.errors import InvalidInput
from openingup.organisations import services as organisations
from openingup.readiness import exchange, queries
from openingup.readiness.demo import DEMO_ORIGIN
from openingup.readiness.demo import loader as demo
from openingup.readiness.instruments import instrument
from openingup.readiness.models import Assessment, BenchmarkEntry, ReadinessProfile, Response, Result
from openingup.readiness.scoring import weighted_mean
from openingup.reports.demo.loader import load_demo as load_reports_demo

pytestmark = pytest.mark.django_db

ORG = demo.assessments_data()["organisation"]
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def town(db: None) -> Any:
    """The demo municipality with its Open311 services (what the readiness demo measures evidence on)."""
    found = organisations.create_organisation(
        actor=None, name={"nl": "Gemeente Noordwijkerhaven"}, kind="municipality", slug=ORG
    )
    assert load_reports_demo()["loaded"] is True
    return found


@pytest.fixture
def loaded(town: Any) -> dict[str, Any]:
    return demo.load_demo()


@pytest.fixture
def admin_client(django_user_model: Any) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x"))
    return client


def _benchmark_file() -> dict[str, Any]:
    return json.loads(demo.benchmark_payload())  # type: ignore[no-any-return]


def _current(instrument_id: str, year: int = THIS_YEAR) -> Assessment:
    return Assessment.objects.get(organisation__slug=ORG, instrument_id=instrument_id, year=year)


def test_nothing_is_loaded_without_the_demo_organisation(db: None) -> None:
    summary = demo.load_demo()

    assert summary["loaded"] is False and "missing" in summary["message"]
    assert not BenchmarkEntry.objects.exists() and not Assessment.objects.exists()


def test_the_demo_loads_profile_four_submitted_assessments_and_the_benchmark(loaded: dict[str, Any]) -> None:
    assert loaded["loaded"] is True
    assert loaded["assessments"] == 4 and loaded["benchmark_entries"] == 22
    profile = ReadinessProfile.objects.get(organisation__slug=ORG)
    assert (profile.country, profile.population, profile.size_band) == ("NL", 38_400, "20k-50k")
    rows = Assessment.objects.filter(organisation__slug=ORG)
    assert sorted((a.instrument_id, a.year, a.status) for a in rows) == [
        ("losi", THIS_YEAR, "submitted"),
        ("odm", THIS_YEAR, "submitted"),
        ("smri", THIS_YEAR - 2, "submitted"),
        ("smri", THIS_YEAR, "submitted"),
    ]
    assert Result.objects.count() == 4
    assert BenchmarkEntry.objects.filter(origin=BenchmarkEntry.LOCAL).count() == 4
    assert BenchmarkEntry.objects.filter(origin=DEMO_ORIGIN).count() == 22


def test_change_over_time_shows_an_improvement(loaded: dict[str, Any]) -> None:
    history = queries.history(_current("smri").organisation, "smri")

    assert [year for year, _overall, _tree in history] == [THIS_YEAR - 2, THIS_YEAR]
    assert history[0][1] < history[1][1]  # the demo municipality got better at social media


def test_every_question_is_answered_and_platform_evidence_is_prefilled(loaded: dict[str, Any]) -> None:
    losi = _current("losi").result
    open311 = losi.answers["serv-open311"]
    assert open311["value"] is True and open311["evidence"]["indicator"] == "reports.open311_enabled"
    assert open311["evidence"]["value"] == 1.0 and open311["override_reason"] == ""
    # Here the catalogue is empty: the platform's evidence (no datasets) wins over the data file's "yes".
    open_data = losi.answers["cont-open-data"]
    assert open_data["value"] is False and open_data["evidence"]["value"] == 0.0
    # The data file overrides a measurement with a reason, as a respondent would.
    social = losi.answers["part-social"]
    assert social["value"] is True and social["evidence"]["indicator"] == "social.channels_in_use"
    assert "not yet connected" in social["override_reason"]
    assert _current("smri").result.answers["context-2"]["override_reason"]
    earlier = _current("smri", THIS_YEAR - 2).result
    assert all(a["evidence"] is None for a in earlier.answers.values())  # no prefill for a past year
    for result in Result.objects.all():
        inst = instrument(result.instrument_id, result.instrument_version)
        assert set(result.answers) == {q.key for q in inst.questions()}
        assert all(a["value"] is not None for a in result.answers.values())


def test_the_demo_respondent_cannot_sign_in_or_act(loaded: dict[str, Any], django_user_model: Any) -> None:
    respondent = django_user_model.objects.get(username=demo.assessments_data()["respondent"]["username"])

    assert respondent.is_active is False and respondent.has_usable_password() is False
    assert set(Response.objects.values_list("respondent", flat=True)) == {respondent.pk}
    assert Client().login(username=respondent.username, password="") is False


def test_loading_again_loads_nothing(loaded: dict[str, Any]) -> None:
    again = demo.load_demo()

    assert again["loaded"] is False and again["assessments"] == 0
    assert Assessment.objects.count() == 4 and BenchmarkEntry.objects.count() == 26


def test_existing_readiness_data_keeps_the_demo_out(town: Any) -> None:
    exchange_file = json.dumps({**_benchmark_file(), "entries": _benchmark_file()["entries"][:1]})
    from openingup.readiness import services

    services.import_benchmark(actor=None, payload=exchange_file.encode(), origin="https://other.example.org")

    assert demo.load_demo()["loaded"] is False
    assert not Assessment.objects.exists() and BenchmarkEntry.objects.count() == 1


def test_a_broken_demo_record_leaves_nothing_behind(town: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = demo.assessments_data()
    data["assessments"][-1]["answers"]["odm-cooperation"] = 9  # not on the 1..5 scale
    monkeypatch.setattr(demo, "assessments_data", lambda: data)

    with pytest.raises(InvalidInput) as raised:
        demo.load_demo()

    assert "odm" in raised.value.message
    assert [p.field for p in raised.value.problems] == ["odm-cooperation"]
    assert not Assessment.objects.exists() and not BenchmarkEntry.objects.exists()
    assert not ReadinessProfile.objects.exists()


def test_the_benchmark_file_is_valid_demo_data_moved_to_the_current_year(db: None) -> None:
    raw = json.loads((demo.resources.files("openingup.readiness.demo") / "benchmark.json").read_text())
    assert raw["note"].startswith("DEMO DATA: invented figures")
    entries = exchange.parse_benchmark(demo.benchmark_payload(2031))
    assert len(entries) == 22 and max(e["year"] for e in entries) == 2031
    assert min(e["year"] for e in entries) == 2031 - (max(e["year"] for e in raw["entries"]) - 2024)
    assert {e["country"] for e in entries} == {"NL", "BE", "DE", "DK", "SE", "NO", "GB"}
    assert len({e["size_band"] for e in entries}) == 5
    assert {e["instrument_id"] for e in entries} == {"smri", "losi", "odm"}


def test_every_demo_entry_is_a_consistent_score_tree(db: None) -> None:
    """Each parent score is the weighted mean of its children (to the file's two decimals), each level
    the instrument's level for the score: the figures are invented, not impossible."""
    for item in _benchmark_file()["entries"]:
        inst = instrument(item["instrument_id"], item["instrument_version"])
        tree = item["tree"]
        measures = []
        for m, spec in zip(tree["measures"], inst.measures, strict=True):
            dims = []
            for d, dspec in zip(m["dimensions"], spec.dimensions, strict=True):
                drivers = [(r["score"], rs.weight) for r, rs in zip(d["drivers"], dspec.drivers, strict=True)]
                assert d["score"] == pytest.approx(weighted_mean(drivers), abs=0.01)
                dims.append((d["score"], dspec.weight))
            assert m["score"] == pytest.approx(weighted_mean(dims), abs=0.01)
            assert m["level"] == inst.level_for(m["score"]).key
            measures.append((m["score"], spec.weight))
        assert item["overall"] == tree["overall"] == pytest.approx(weighted_mean(measures), abs=0.01)
        assert item["level"] == tree["level"] == inst.level_for(item["overall"]).key


def test_the_demo_entries_are_in_the_cohort(loaded: dict[str, Any]) -> None:
    own = _current("smri").result
    demo_nl = [
        e
        for e in _benchmark_file()["entries"]
        if (e["instrument_id"], e["country"], e["size_band"], e["year"])
        == ("smri", "NL", "20k-50k", THIS_YEAR)
    ]
    assert len(demo_nl) == 2

    figures = queries.cohort("smri", country="NL", size_band="20k-50k", year=THIS_YEAR)

    assert figures["count"] == 3
    expected = (own.overall + sum(e["overall"] for e in demo_nl)) / 3
    assert figures["overall"] == pytest.approx(expected)
    assert queries.cohort("smri")["count"] == 16  # 14 demo entries and the two local results


def test_the_result_page_shows_the_scores_the_cohort_and_the_history(
    loaded: dict[str, Any], admin_client: Client
) -> None:
    assessment = _current("smri")

    page = admin_client.get(f"/readiness/{assessment.pk}/result/")

    assert page.status_code == 200
    body = page.content.decode()
    assert f"Overall score {assessment.result.overall:.1f} of 100" in body
    assert f"Cohort: NL · 20k-50k · {THIS_YEAR} (3 results)" in body
    assert "Change over time" in body and 'role="img"' in body
    history = body[body.index("Change over time") :]
    assert (
        f'<th scope="row">{THIS_YEAR - 2}</th>' in history and f'<th scope="row">{THIS_YEAR}</th>' in history
    )
    twin = json.loads(admin_client.get(f"/readiness/{assessment.pk}/result.json").content)
    assert twin["cohort"]["count"] == 3


def test_the_benchmark_page_shows_the_demo_entries_and_says_they_are_invented(
    loaded: dict[str, Any], client: Client
) -> None:
    page = client.get("/readiness/benchmark/?instrument=smri")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Cohort: all countries · all sizes · all years (16 results)" in body
    assert "invented figures" in body and DEMO_ORIGIN in body
    assert "Noordwijkerhaven" not in body and "demo-readiness" not in body
    twin = json.loads(client.get("/readiness/benchmark.json?instrument=smri").content)
    assert {c["country"] for c in twin["countries"]} == {"NL", "BE", "DE", "DK", "SE", "NO", "GB"}
    # The export holds only this instance's own results, not the imported demo entries.
    assert len(exchange.export_benchmark()["entries"]) == 4


def test_without_demo_entries_the_benchmark_page_has_no_demo_note(town: Any, client: Client) -> None:
    body = client.get("/readiness/benchmark/?instrument=smri").content.decode()

    assert "invented figures" not in body


@pytest.mark.django_db(transaction=True)
def test_the_demo_benchmark_and_result_pages_are_accessible(
    browser: Any, live_server: Any, town: Any, admin_user_: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from tests.browser import axe_violations, format_violations
    from tests.conftest import PASSWORD

    demo.load_demo()
    for instrument_id in ("smri", "losi", "odm"):
        violations = axe_violations(
            browser, f"{live_server.url}/readiness/benchmark/?instrument={instrument_id}"
        )
        assert violations == [], f"{instrument_id}:\n{format_violations(violations)}"
        assert "invented figures" in browser.page_source
    browser.get(f"{live_server.url}/login/")
    browser.find_element(By.ID, "id_username").send_keys(admin_user_.username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "Log out" in d.page_source)
    violations = axe_violations(browser, f"{live_server.url}/readiness/{_current('smri').pk}/result/")
    assert violations == [], format_violations(violations)
    assert "Change over time" in browser.page_source
