"""The readiness pages: start, the resumable questionnaire, consolidation, the result (page, JSON, PDF)
and the public benchmark; who may see and answer what."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openingup.organisations.models import Organisation
from openingup.readiness import exchange, queries, services
from openingup.readiness.instruments import instrument
from openingup.readiness.models import Assessment, BenchmarkEntry, EvidenceFile, Response
from tests.readiness.conftest import TINY_ANSWERS
from tests.readiness.test_report_pdf import non_white_share, rendered_pages

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(editor: Any, org: Organisation, year: int = 2026) -> Assessment:
    return services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=year)


def answer_all(assessment: Assessment, who: Any, answers: dict[str, Any] = TINY_ANSWERS) -> None:
    services.add_evidence_file(
        actor=who,
        assessment=assessment,
        question_key="q-evidence",
        file=SimpleUploadedFile("policy.pdf", b"%PDF-1.4 policy", content_type="application/pdf"),
    )
    services.save_answers(actor=who, assessment=assessment, answers=answers)


def submitted(editor: Any, org: Organisation, country: str = "NL", population: int = 30_000) -> Assessment:
    services.set_profile(actor=editor, organisation=org, country=country, population=population)
    assessment = start(editor, org)
    answer_all(assessment, editor)
    services.submit(actor=editor, assessment=assessment)
    return assessment


def url(assessment: Assessment, tail: str = "") -> str:
    return f"/readiness/{assessment.pk}/{tail}"


# --- start page ------------------------------------------------------------------------------------


def test_the_start_page_lists_instruments_and_the_benchmark_for_everyone(client: Client, db: None) -> None:
    page = client.get("/readiness/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Tiny test instrument" in body and "/readiness/benchmark/" in body
    assert "Log in to take an assessment" in body
    listed = json.loads(client.get("/readiness/instruments.json").content)
    tiny = next(i for i in listed if i["id"] == "tiny")
    assert tiny["questions"] == 10 and set(tiny["title"]) == {"en", "nl", "fr", "de", "da", "sv", "nb"}


def test_an_editor_starts_an_assessment_and_sets_the_profile(editor: Any, org: Organisation) -> None:
    client = client_for(editor)

    profile = client.post(
        "/readiness/profile/", {"organisation": "noord", "country": "nl", "population": "31.250"}
    )
    started = client.post(
        "/readiness/start/", {"organisation": "noord", "instrument": "tiny", "year": "2026"}
    )

    assert profile.status_code == 302
    found = queries.profile(org)
    assert found is not None and (found.country, found.population, found.size_band) == (
        "NL",
        31250,
        "20k-50k",
    )
    assessment = Assessment.objects.get(organisation=org)
    assert started.status_code == 302 and started["Location"] == url(assessment)
    page = client.get("/readiness/").content.decode()
    assert "North Town" in page and "0 of 10" in page
    again = client.post(
        "/readiness/start/", {"organisation": "noord", "instrument": "tiny", "year": "2026"}, follow=True
    )
    assert "already has a tiny assessment for 2026" in again.content.decode()


def test_a_viewer_or_stranger_cannot_start(viewer: Any, user: Any, org: Organisation) -> None:
    for person in (viewer, user):
        response = client_for(person).post(
            "/readiness/start/", {"organisation": "noord", "instrument": "tiny", "year": "2026"}
        )
        assert response.status_code == 403
    assert not Assessment.objects.exists()


# --- questionnaire ---------------------------------------------------------------------------------


def test_the_questionnaire_shows_one_driver_per_page_with_progress(editor: Any, org: Organisation) -> None:
    assessment = start(editor, org)
    client = client_for(editor)

    page = client.get(url(assessment)).content.decode()

    assert "0 of 10 questions answered" in page
    assert 'max="10" value="0"' in page
    assert "Part 1 of 4" in page
    assert 'name="q-q-single"' in page and 'name="q-q-yesno"' not in page  # driver r1 only


def test_answers_are_saved_and_the_questionnaire_resumes(editor: Any, org: Organisation) -> None:
    assessment = start(editor, org)
    client = client_for(editor)

    sent = client.post(
        url(assessment), {"q-q-single": "b", "q-q-multiple": ["y", "z"], "q-q-scale": "4", "go": "next"}
    )

    assert sent.status_code == 302 and sent["Location"] == url(assessment) + "?page=2"
    response = Response.objects.get(assessment=assessment, respondent=editor)
    assert response.answers["q-single"]["value"] == "b"
    assert response.answers["q-multiple"]["value"] == ["y", "z"]
    assert response.answers["q-scale"]["value"] == 4
    again = client.get(url(assessment) + "?page=1").content.decode()
    assert "3 of 10 questions answered" in again
    assert re.search(r'name="q-q-single" value="b" checked', again)
    assert re.search(r'name="q-q-scale" value="4" checked', again)


def test_every_question_type_on_its_page(editor: Any, org: Organisation) -> None:
    assessment = start(editor, org)
    client = client_for(editor)

    client.post(url(assessment) + "?page=2", {"q-q-yesno-na": "1", "q-q-number": "30,5", "q-q-hours": "12"})
    upload = SimpleUploadedFile("policy.pdf", b"%PDF-1.4 policy", content_type="application/pdf")
    client.post(url(assessment) + "?page=3", {"q-q-evidence-file": upload, "q-q-open311": "no"})

    answers = Response.objects.get(assessment=assessment, respondent=editor).answers
    assert answers["q-yesno"] == {**answers["q-yesno"], "value": None, "na": True}
    assert answers["q-number"]["value"] == 30.5 and answers["q-hours"]["value"] == 12
    assert answers["q-evidence"]["value"] is True and answers["q-open311"]["value"] is False
    assert EvidenceFile.objects.get(assessment=assessment).name == "policy.pdf"
    page = client.get(url(assessment) + "?page=3").content.decode()
    assert "Uploaded: policy.pdf" in page


def test_an_invalid_answer_is_shown_next_to_its_question_and_nothing_is_saved(
    editor: Any, org: Organisation
) -> None:
    assessment = start(editor, org)

    page = client_for(editor).post(url(assessment) + "?page=2", {"q-q-number": "a lot", "q-q-hours": "3"})

    assert page.status_code == 400
    body = page.content.decode()
    assert "There is a problem" in body and 'href="#q-q-number-value"' in body and "give a number" in body
    assert not Response.objects.filter(assessment=assessment).exists()


def test_prefilled_evidence_shows_its_source_and_needs_a_reason_to_override(
    editor: Any, org: Organisation
) -> None:
    assessment = start(editor, org)
    record = {
        "indicator": "social.first_response_hours",
        "value": 6.0,
        "source": "social.queries.response_times",
        "date": "2026-12-01",
    }
    Response.objects.create(
        assessment=assessment,
        respondent=editor,
        answers={"q-hours": {"value": 6.0, "na": False, "evidence": record, "override_reason": ""}},
    )
    client = client_for(editor)

    page = client.get(url(assessment) + "?page=2").content.decode()
    refused = client.post(url(assessment) + "?page=2", {"q-q-hours": "20", "q-q-number": "10"})
    accepted = client.post(
        url(assessment) + "?page=2", {"q-q-hours": "20", "q-q-number": "10", "q-q-hours-reason": "Weekends"}
    )

    assert "Measured by the platform: 6" in page and "social.queries.response_times" in page
    assert "2026-12-01" in page
    assert refused.status_code == 400 and "give a reason" in refused.content.decode()
    assert accepted.status_code == 302
    saved = Response.objects.get(assessment=assessment, respondent=editor).answers["q-hours"]
    assert saved["value"] == 20 and saved["override_reason"] == "Weekends" and saved["evidence"] == record


def test_a_stranger_cannot_see_or_answer_and_a_viewer_cannot_answer(
    editor: Any, viewer: Any, user: Any, org: Organisation
) -> None:
    assessment = start(editor, org)
    stranger, reader = client_for(user), client_for(viewer)

    assert stranger.get(url(assessment)).status_code == 404
    assert stranger.post(url(assessment), {"q-q-single": "a"}).status_code == 404
    assert stranger.post(url(assessment, "prefill/")).status_code == 404
    assert stranger.get(url(assessment, "consolidate/")).status_code == 404
    assert reader.get(url(assessment)).status_code == 403
    assert reader.post(url(assessment), {"q-q-single": "a"}).status_code == 403
    assert not Response.objects.exists()
    anonymous = Client().get(url(assessment))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


# --- consolidation ---------------------------------------------------------------------------------


def test_the_coordinator_sees_answers_side_by_side_chooses_and_submits(
    editor: Any, editor2: Any, org: Organisation
) -> None:
    assessment = start(editor, org)
    answer_all(assessment, editor)
    services.save_answers(actor=editor2, assessment=assessment, answers={"q-single": {"value": "a"}})
    coordinator = client_for(editor)

    page = coordinator.get(url(assessment, "consolidate/")).content.decode()
    assert "edith" in page and "eddie" in page and "The answers differ." in page
    assert client_for(editor2).get(url(assessment, "consolidate/")).status_code == 403
    select = page.split('id="choice-q-single"')[1].split("</select>")[0]
    options = dict(
        (label, value) for value, label in re.findall(r'<option value="(r\d)"[^>]*>([^<]*)</option>', select)
    )
    assert set(options) == {"Option a", "Option b"}
    chosen = options["Option a"]

    sent = coordinator.post(url(assessment, "consolidate/"), {"choice-q-single": chosen, "action": "submit"})

    assert sent.status_code == 302 and sent["Location"] == url(assessment, "result/")
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert assessment.answers["q-single"]["value"] == "a" and assessment.answers["q-single"]["chosen"]
    assert client_for(editor).get(url(assessment)).status_code == 302  # the questionnaire is closed


# --- result ----------------------------------------------------------------------------------------


def test_the_result_page_shows_scores_stage_radar_and_history(
    editor: Any, viewer: Any, org: Organisation
) -> None:
    assessment = submitted(editor, org)

    page = client_for(viewer).get(url(assessment, "result/"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Overall score 61.6 of 100" in body and "Mid" in body
    assert body.count('role="img"') >= 1 and "Driver scores from 0 to 100" in body
    assert "Cohort: NL · 20k-50k · 2026 (1 result)" in body
    assert "/result.pdf" in body and "@media print" not in body  # the print style is a linked sheet
    assert "Strengths" in body and "Weaknesses" in body


def test_the_result_json_twin(editor: Any, org: Organisation) -> None:
    assessment = submitted(editor, org)

    body = json.loads(client_for(editor).get(url(assessment, "result.json") + "?country=").content)

    assert body["overall"] == pytest.approx(61.5625)
    assert body["level"] == "mid" and body["instrument"] == {"id": "tiny", "version": "1.0"}
    assert body["cohort"]["country"] is None and body["cohort"]["count"] == 1
    assert [s["path"] for s in body["weaknesses"]][:1] == ["m1/d2/r3"]


def test_the_result_pdf_renders_to_non_empty_pages(editor: Any, org: Organisation, tmp_path: Path) -> None:
    assessment = submitted(editor, org)

    response = client_for(editor).get(url(assessment, "result.pdf"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "readiness-tiny-noord-2026.pdf" in response["Content-Disposition"]
    pages = rendered_pages(response.content, tmp_path)
    assert len(pages) >= 3 and all(non_white_share(p) > 0.002 for p in pages)


def test_a_stranger_cannot_see_a_result(editor: Any, user: Any, org: Organisation) -> None:
    assessment = submitted(editor, org)
    stranger = client_for(user)

    for tail in ("result/", "result.json", "result.pdf"):
        assert stranger.get(url(assessment, tail)).status_code == 404
    assert Client().get(url(assessment, "result/")).status_code == 404


def test_an_open_assessment_has_no_result_yet(editor: Any, org: Organisation) -> None:
    assessment = start(editor, org)

    assert client_for(editor).get(url(assessment, "result/")).status_code == 404


# --- benchmark -------------------------------------------------------------------------------------


def test_the_public_benchmark_names_no_organisation(editor: Any, org: Organisation, client: Client) -> None:
    submitted(editor, org)

    page = client.get("/readiness/benchmark/?instrument=tiny")

    assert page.status_code == 200
    body = page.content.decode()
    assert "North Town" not in body and "noord" not in body and "edith" not in body
    assert "Cohort: all countries · all sizes · all years (1 result)" in body
    assert "61.6" in body
    twin = json.loads(client.get("/readiness/benchmark.json?instrument=tiny&country=NL").content)
    assert twin["count"] == 1 and twin["countries"] == [{"country": "NL", "count": 1, "overall": 61.5625}]
    assert "noord" not in json.dumps(twin)
    download = client.get("/readiness/benchmark/entries.json")
    assert download.status_code == 200 and b"noord" not in download.content
    assert json.loads(download.content)["format"] == "openingup-readiness-benchmark"
    assert client.get("/readiness/benchmark/entries.csv").content.startswith(b"entry,")


def _foreign_file(editor: Any, org: Organisation) -> bytes:
    """A benchmark file as another instance would publish it: this one's export under new entry ids."""
    submitted(editor, org)
    document = exchange.export_benchmark("tiny")
    for item in document["entries"]:
        item["entry"] = "0b7a4c2e-0000-4000-8000-000000000001"
        item["country"] = "DK"
        item["overall"] = 40.0
    return json.dumps(document).encode()


def test_an_administrator_imports_another_instances_file(
    editor: Any, org: Organisation, admin_user_: Any
) -> None:
    payload = _foreign_file(editor, org)
    admin = client_for(admin_user_)

    sent = admin.post(
        "/readiness/benchmark/import/",
        {
            "origin": "https://data.example.dk",
            "file": SimpleUploadedFile("b.json", payload, "application/json"),
        },
    )

    assert sent.status_code == 302
    assert BenchmarkEntry.objects.filter(origin="https://data.example.dk", country="DK").count() == 1
    page = admin.get("/readiness/benchmark/?instrument=tiny").content.decode()
    assert "(2 results)" in page and ">DK<" in page
    twin = json.loads(admin.get("/readiness/benchmark.json?instrument=tiny").content)
    assert twin["count"] == 2 and twin["overall"] == pytest.approx((61.5625 + 40.0) / 2)
    assert twin["countries"] == [
        {"country": "DK", "count": 1, "overall": 40.0},
        {"country": "NL", "count": 1, "overall": 61.5625},
    ]
    danish = json.loads(admin.get("/readiness/benchmark.json?instrument=tiny&country=DK").content)
    assert danish["count"] == 1 and danish["overall"] == 40.0


def test_a_bad_import_lists_its_problems_and_imports_nothing(admin_user_: Any, db: None) -> None:
    admin = client_for(admin_user_)
    bad = json.dumps({"format": "something-else", "version": 1, "entries": []}).encode()

    sent = admin.post(
        "/readiness/benchmark/import/",
        {"origin": "https://data.example.dk", "file": SimpleUploadedFile("b.json", bad, "application/json")},
    )
    missing = admin.post("/readiness/benchmark/import/", {"origin": "https://data.example.dk"})

    assert sent.status_code == 400
    body = sent.content.decode()
    assert "The file was not imported" in body and "openingup-readiness-benchmark" in body
    assert missing.status_code == 400 and "Choose a benchmark file" in missing.content.decode()
    assert not BenchmarkEntry.objects.exists()


def test_only_administrators_import(editor: Any, org: Organisation) -> None:
    payload = b'{"format": "openingup-readiness-benchmark", "version": 1, "entries": []}'

    sent = client_for(editor).post(
        "/readiness/benchmark/import/",
        {"origin": "https://x.example", "file": SimpleUploadedFile("b.json", payload, "application/json")},
    )

    assert sent.status_code == 403
    assert "Import another instance" not in client_for(editor).get("/readiness/benchmark/").content.decode()


# --- a shipped instrument: recommendations and the platform features that help --------------------


def smri_submitted(editor: Any, org: Organisation) -> Assessment:
    """The Social Media Readiness Indicator answered with each question's first (lowest) option."""
    services.set_profile(actor=editor, organisation=org, country="NL", population=120_000)
    assessment = services.start_assessment(actor=editor, organisation=org, instrument_id="smri", year=2026)
    inst = instrument("smri")
    services.save_answers(
        actor=editor,
        assessment=assessment,
        answers={q.key: {"value": min(q.options, key=lambda o: o.score).key} for q in inst.questions()},
    )
    services.submit(actor=editor, assessment=assessment)
    return assessment


def test_the_result_recommends_for_the_weakest_drivers_with_feature_links(
    editor: Any, org: Organisation
) -> None:
    assessment = smri_submitted(editor, org)
    client = client_for(editor)

    body = json.loads(client.get(url(assessment, "result.json")).content)
    page = client.get(url(assessment, "result/")).content.decode()

    advice = body["recommendations"]
    assert advice, "the weakest drivers of the SMRI have recommendations"
    weakest = {w["path"] for w in body["weaknesses"]}
    assert {a["driver"] for a in advice} <= weakest
    for item in advice:
        assert item["title"] in page.replace("&#x27;", "'")
        for feature in item["features"]:
            assert f'href="{feature["url"]}"' in page
        assert all(s["url"].startswith("https://") for s in item["sources"])
    assert page.count('class="series"') == 2  # the organisation and the cohort (itself, here)


def test_the_result_page_and_pdf_follow_the_language(editor: Any, org: Organisation, tmp_path: Path) -> None:
    assessment = smri_submitted(editor, org)
    client = client_for(editor)

    page = client.get(url(assessment, "result/"), headers={"accept-language": "nl"}).content.decode()
    pdf = client.get(url(assessment, "result.pdf"), headers={"accept-language": "de"})

    assert (
        '<html lang="nl">' in page
        and "Totaalscore" in page
        and "Aanbevelingen voor de zwakste drijfveren" in page
    )
    assert text_nl(instrument("smri").title) in page
    pages = rendered_pages(pdf.content, tmp_path)
    assert len(pages) >= 4 and all(non_white_share(p) > 0.002 for p in pages)


def text_nl(value: dict[str, str]) -> str:
    return value["nl"].replace("'", "&#x27;")


def test_prefill_fills_what_the_platform_measures(editor: Any, org: Organisation) -> None:
    assessment = start(editor, org)
    client = client_for(editor)

    sent = client.post(url(assessment, "prefill/"), {"page": "3"})
    page = client.get(url(assessment) + "?page=3").content.decode()

    assert sent.status_code == 302 and sent["Location"] == url(assessment) + "?page=3"
    saved = Response.objects.get(assessment=assessment, respondent=editor).answers["q-open311"]
    assert saved["value"] is False and saved["evidence"]["indicator"] == "reports.open311_enabled"
    assert "Measured by the platform: No — source: Citizen reports" in page
    assert re.search(r'name="q-q-open311" value="no" checked', page)
    assert 'id="q-q-open311-reason"' in page


def test_markup_in_an_organisation_name_stays_text(editor: Any, org: Organisation, tmp_path: Path) -> None:
    org.name = {"en": 'North <script>alert(1)</script>"><img src=x onerror=alert(1)>'}
    org.save()
    assessment = submitted(editor, org)
    client = client_for(editor)

    pages = [client.get(path).content.decode() for path in ("/readiness/", url(assessment, "result/"))]
    pdf = client.get(url(assessment, "result.pdf"))

    for page in pages:
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "North &lt;script&gt;" in page
    assert pdf.status_code == 200 and rendered_pages(pdf.content, tmp_path)


def test_the_result_shows_the_change_over_the_years(editor: Any, org: Organisation) -> None:
    earlier = start(editor, org, year=2025)
    answer_all(earlier, editor, {**TINY_ANSWERS, "q-single": {"value": "a"}, "q-scale": {"value": 1}})
    services.submit(actor=editor, assessment=earlier)
    later = submitted(editor, org)
    client = client_for(editor)

    body = json.loads(client.get(url(later, "result.json")).content)
    page = client.get(url(later, "result/")).content.decode()

    years = [row["year"] for row in body["history"]]
    overall = [row["overall"] for row in body["history"]]
    assert years == [2025, 2026] and overall[0] < overall[1] == pytest.approx(61.5625)
    assert "Overall score over the years" in page and 'class="lines"' in page
    assert "Take the assessment again next year" not in page
