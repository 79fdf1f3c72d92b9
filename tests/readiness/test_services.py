"""Taking an assessment: answers, evidence prefill and overrides, consolidation, frozen results."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openingup.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from openingup.organisations.models import Organisation
from openingup.readiness import evidence, queries, services
from openingup.readiness.models import Assessment, BenchmarkEntry, Result
from tests.readiness.conftest import TINY_ANSWERS, TINY_OVERALL, tiny_data

pytestmark = pytest.mark.django_db


def _start(editor: Any, org: Organisation, **kw: Any) -> Assessment:
    return services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2026, **kw)


def _upload(assessment: Assessment, who: Any) -> None:
    services.add_evidence_file(
        actor=who,
        assessment=assessment,
        question_key="q-evidence",
        file=SimpleUploadedFile(
            "policy.pdf", b"%PDF-1.4 social media policy", content_type="application/pdf"
        ),
    )


def test_start_assessment_takes_the_latest_version_and_one_per_year(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    assert (a.instrument_id, a.instrument_version, a.year, a.status) == ("tiny", "1.0", 2026, "open")
    assert a.created_by == editor
    with pytest.raises(Conflict, match="already has a tiny assessment for 2026"):
        _start(editor, org)
    with pytest.raises(NotFound):
        services.start_assessment(actor=editor, organisation=org, instrument_id="nope")
    with pytest.raises(InvalidInput) as caught:
        services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=1850)
    assert caught.value.problems[0].field == "year"
    other = Organisation.objects.create(slug="noord-ict", parent=org, name={"en": "ICT"})
    started = services.start_assessment(actor=editor, organisation=other, instrument_id="tiny")
    assert started.year == timezone.localdate().year


def test_answers_are_resumable_and_progress_counts_them(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    assert queries.progress(a, editor) == (0, 10)
    services.save_answers(actor=editor, assessment=a, answers={"q-single": {"value": "b"}})
    services.save_answers(
        actor=editor, assessment=a, answers={"q-scale": {"value": 4}, "q-yesno": {"na": True}}
    )
    assert queries.progress(a, editor) == (3, 10)
    response = services.save_answers(actor=editor, assessment=a, answers={"q-single": {"value": None}})
    assert "q-single" not in response.answers and queries.progress(a, editor) == (2, 10)
    assert not response.completed


def test_invalid_answers_save_nothing_and_name_each_question(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    with pytest.raises(InvalidInput) as caught:
        services.save_answers(
            actor=editor,
            assessment=a,
            answers={
                "q-single": {"value": "b"},
                "q-scale": {"value": 9},
                "q-unknown": {"value": 1},
                "q-evidence": {"value": True},  # no document uploaded
                "q-number": 3,
            },
        )
    fields = {p.field: p.problem for p in caught.value.problems}
    assert set(fields) == {"q-scale", "q-unknown", "q-evidence", "q-number"}
    assert "from 1 to 5" in fields["q-scale"] and "upload a document" in fields["q-evidence"]
    assert queries.progress(a, editor) == (0, 10)


def test_completed_when_every_question_is_answered(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    _upload(a, editor)
    response = services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    assert response.completed and queries.progress(a, editor) == (10, 10)


@pytest.fixture
def platform_figures(monkeypatch: pytest.MonkeyPatch) -> dict[str, float | None]:
    """Indicator values the platform 'measures' (None: nothing to measure)."""
    figures: dict[str, float | None] = {
        "social.first_response_hours": 6.0,
        "reports.open311_enabled": 1.0,
        "catalogue.open_licence_share": 0.5,
        "quality.average_share": None,
    }
    for key in figures:
        monkeypatch.setitem(
            evidence.PROVIDERS,
            key,
            lambda org, today, key=key: (
                None if figures[key] is None else (figures[key], f"test source {key}")
            ),
        )
    return figures


def test_prefill_records_indicator_value_source_and_date(
    editor: Any, org: Organisation, platform_figures: dict[str, Any]
) -> None:
    a = _start(editor, org)
    response = services.prefill(actor=editor, assessment=a)
    today = timezone.localdate().isoformat()
    hours = response.answers["q-hours"]
    assert hours["value"] == 6.0 and hours["override_reason"] == ""
    assert hours["evidence"] == {
        "indicator": "social.first_response_hours",
        "value": 6.0,
        "source": "test source social.first_response_hours",
        "date": today,
    }
    assert response.answers["q-open311"]["value"] is True  # 1.0 ≥ at_least 0.5
    assert response.answers["q-licence"]["value"] == "some"  # 0.5: last step ≤ 0.5 is [0.25, "some"]
    assert "q-quality" not in response.answers  # nothing measured: not prefilled as a zero


def test_overriding_a_prefilled_answer_needs_a_reason(
    editor: Any, org: Organisation, platform_figures: dict[str, Any]
) -> None:
    a = _start(editor, org)
    services.prefill(actor=editor, assessment=a)
    with pytest.raises(InvalidInput) as caught:
        services.save_answers(actor=editor, assessment=a, answers={"q-licence": {"value": "most"}})
    assert caught.value.problems[0].field == "q-licence"
    assert "give a reason" in caught.value.problems[0].problem
    with pytest.raises(InvalidInput):
        services.save_answers(actor=editor, assessment=a, answers={"q-licence": {"na": True}})
    response = services.save_answers(
        actor=editor,
        assessment=a,
        answers={"q-licence": {"value": "most", "override_reason": "Old datasets are being relicensed."}},
    )
    answer = response.answers["q-licence"]
    assert answer["value"] == "most" and answer["override_reason"] == "Old datasets are being relicensed."
    assert answer["evidence"]["value"] == 0.5  # the evidence stays on record
    # giving the prefilled value back needs no reason
    again = services.save_answers(actor=editor, assessment=a, answers={"q-licence": {"value": "some"}})
    assert again.answers["q-licence"]["override_reason"] == ""


def test_prefill_again_keeps_an_override_and_a_manual_answer(
    editor: Any, org: Organisation, platform_figures: dict[str, Any]
) -> None:
    a = _start(editor, org)
    services.save_answers(actor=editor, assessment=a, answers={"q-hours": {"value": 30}})
    services.prefill(actor=editor, assessment=a)
    services.save_answers(
        actor=editor, assessment=a, answers={"q-open311": {"value": False, "override_reason": "Pilot only."}}
    )
    platform_figures["reports.open311_enabled"] = 0.0
    platform_figures["catalogue.open_licence_share"] = 0.9
    response = services.prefill(actor=editor, assessment=a)
    assert response.answers["q-hours"]["value"] == 30  # answered by hand before: kept
    assert response.answers["q-hours"]["evidence"] is None
    assert response.answers["q-open311"]["value"] is False
    assert response.answers["q-open311"]["override_reason"] == "Pilot only."
    assert response.answers["q-open311"]["evidence"]["value"] == 0.0  # refreshed record
    assert response.answers["q-licence"]["value"] == "most"  # an untouched prefill follows the new figure


def test_consolidation_takes_the_common_answer_and_the_median(
    editor: Any, editor2: Any, editor3: Any, org: Organisation
) -> None:
    a = _start(editor, org)
    services.save_answers(
        actor=editor,
        assessment=a,
        answers={
            "q-single": {"value": "a"},
            "q-multiple": {"value": ["x", "y"]},
            "q-scale": {"value": 2},
            "q-yesno": {"value": True},
            "q-number": {"value": 10},
        },
    )
    services.save_answers(
        actor=editor2,
        assessment=a,
        answers={
            "q-single": {"value": "c"},
            "q-multiple": {"value": ["y"]},
            "q-scale": {"value": 5},
            "q-yesno": {"na": True},
            "q-number": {"value": 40},
        },
    )
    services.save_answers(
        actor=editor3,
        assessment=a,
        answers={
            "q-single": {"value": "c"},
            "q-multiple": {"value": ["z"]},
            "q-scale": {"value": 4},
            "q-yesno": {"na": True},
            "q-number": {"value": 100},
        },
    )
    _upload(a, editor2)
    answers = services.consolidate(actor=editor, assessment=a)
    assert answers["q-single"]["value"] == "c"  # 2 of 3
    assert answers["q-multiple"]["value"] == ["y"]  # y by 2 of 3; x and z by 1
    assert answers["q-scale"]["value"] == 4  # median of 2, 4, 5
    assert answers["q-yesno"] == {**answers["q-yesno"], "value": None, "na": True}  # n/a by 2 of 3
    assert answers["q-number"]["value"] == 40
    assert answers["q-evidence"]["value"] is True  # a document was uploaded
    assert "q-hours" not in answers  # nobody answered it
    assert answers["q-single"]["respondents"] == 3 and not answers["q-single"]["chosen"]
    # the coordinator's own choice wins; an invalid one is refused
    chosen = services.consolidate(actor=editor, assessment=a, choices={"q-single": {"value": "b"}})
    assert chosen["q-single"]["value"] == "b" and chosen["q-single"]["chosen"]
    with pytest.raises(InvalidInput) as caught:
        services.consolidate(actor=editor, assessment=a, choices={"q-single": {"value": "q"}, "zz": {}})
    assert {p.field for p in caught.value.problems} == {"q-single", "zz"}


def test_ties_go_to_the_lower_answer(editor: Any, editor2: Any, org: Organisation) -> None:
    a = _start(editor, org)
    services.save_answers(
        actor=editor, assessment=a, answers={"q-single": {"value": "c"}, "q-open311": {"value": True},
                                             "q-scale": {"value": 2}}
    )  # fmt: skip
    services.save_answers(
        actor=editor2, assessment=a, answers={"q-single": {"value": "a"}, "q-open311": {"value": False},
                                              "q-scale": {"value": 5}}
    )  # fmt: skip
    answers = services.consolidate(actor=editor, assessment=a)
    assert answers["q-single"]["value"] == "a"
    assert answers["q-open311"]["value"] is False
    assert answers["q-scale"]["value"] == 2  # median_low of 2 and 5


def test_consolidation_keeps_evidence_and_override_reasons(
    editor: Any, editor2: Any, org: Organisation, platform_figures: dict[str, Any]
) -> None:
    a = _start(editor, org)
    services.prefill(actor=editor, assessment=a)
    services.prefill(actor=editor2, assessment=a)
    services.save_answers(
        actor=editor2, assessment=a, answers={"q-hours": {"value": 20, "override_reason": "Weekend gap."}}
    )
    answers = services.consolidate(actor=editor, assessment=a)
    assert answers["q-hours"]["value"] == 13.0  # median of 6 and 20
    assert answers["q-hours"]["evidence"]["indicator"] == "social.first_response_hours"
    assert answers["q-hours"]["override_reason"] == "Weekend gap."
    assert answers["q-licence"]["override_reason"] == ""  # equal to the evidence


def test_submit_freezes_the_result_and_adds_a_local_benchmark_entry(editor: Any, org: Organisation) -> None:
    services.set_profile(actor=editor, organisation=org, country="nl", population=48_000)
    a = _start(editor, org)
    _upload(a, editor)
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    result = services.submit(actor=editor, assessment=a)
    assert result.overall == pytest.approx(TINY_OVERALL) and result.level == "mid"
    assert result.instrument_version == "1.0"
    assert result.answers["q-single"]["value"] == "b"
    a.refresh_from_db()
    assert a.status == "submitted" and a.submitted_at is not None
    entry = BenchmarkEntry.objects.get(result=result)
    assert (entry.origin, entry.country, entry.size_band, entry.year) == ("local", "NL", "20k-50k", 2026)
    assert entry.overall == pytest.approx(TINY_OVERALL)
    with pytest.raises(PermissionDenied):  # closed for answers and a second submission
        services.save_answers(actor=editor, assessment=a, answers={"q-single": {"value": "c"}})
    with pytest.raises(PermissionDenied):
        services.submit(actor=editor, assessment=a)


def test_a_new_instrument_version_keeps_old_results_unchanged(
    editor: Any, org: Organisation, extra_instruments: Path
) -> None:
    a = _start(editor, org)
    _upload(a, editor)
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    old = services.submit(actor=editor, assessment=a)
    frozen = json.dumps(Result.objects.get(pk=old.pk).tree, sort_keys=True)
    # version 2.0 scores option "b" as 0 and weighs m2 three times: the same answers would score lower
    data = tiny_data()
    data["version"] = "2.0"
    data["measures"][0]["dimensions"][0]["drivers"][0]["questions"][0]["options"][1]["score"] = 0.0
    data["measures"][1]["weight"] = 3
    (extra_instruments / "tiny").mkdir()
    (extra_instruments / "tiny" / "2.0.json").write_text(json.dumps(data), encoding="utf-8")
    from openingup.readiness import instruments

    instruments.clear_cache()
    b = services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2027)
    assert b.instrument_version == "2.0"
    _upload(b, editor)
    services.save_answers(actor=editor, assessment=b, answers=TINY_ANSWERS)
    new = services.submit(actor=editor, assessment=b)
    # 2.0 by hand: r1 = 100 × (0 + 2 + 0.75) / 4 = 68.75; d1 = (68.75 + 157.5) / 4 = 56.5625;
    # m1 = (56.5625 + 50) / 2 = 53.28125; overall = (53.28125·2 + 75·3) / 5 = 66.3125
    assert new.overall == pytest.approx(66.3125)
    old.refresh_from_db()
    assert old.overall == pytest.approx(TINY_OVERALL) and old.instrument_version == "1.0"
    assert json.dumps(old.tree, sort_keys=True) == frozen
    assert [(y, round(o, 4)) for y, o, _t in queries.history(org, "tiny")] == [
        (2026, 61.5625),
        (2027, 66.3125),
    ]


def test_set_profile_validates(editor: Any, org: Organisation) -> None:
    profile = services.set_profile(actor=editor, organisation=org, country=" be ", population=None)
    assert (profile.country, profile.size_band) == ("BE", "")
    with pytest.raises(InvalidInput) as caught:
        services.set_profile(actor=editor, organisation=org, country="Belgium", population=-5)
    assert {p.field for p in caught.value.problems} == {"country", "population"}


@pytest.mark.parametrize(
    ("population", "band"),
    [(0, "<20k"), (19_999, "<20k"), (20_000, "20k-50k"), (99_999, "50k-100k"), (100_000, "100k-250k"),
     (250_000, ">250k"), (None, "")],
)  # fmt: skip
def test_size_bands(population: int | None, band: str) -> None:
    from openingup.readiness.models import size_band

    assert size_band(population) == band


def test_evidence_file_checks(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    with pytest.raises(InvalidInput, match="Not an evidence question"):
        services.add_evidence_file(
            actor=editor, assessment=a, question_key="q-single", file=SimpleUploadedFile("a.txt", b"x")
        )
    with pytest.raises(InvalidInput, match="empty"):
        services.add_evidence_file(
            actor=editor, assessment=a, question_key="q-evidence", file=SimpleUploadedFile("a.txt", b"")
        )
    _upload(a, editor)
    assert a.evidence_files.get().name == "policy.pdf"
    assert queries.response_of(a, editor).answers["q-evidence"]["value"] is True  # type: ignore[union-attr]


def test_history_and_strengths(editor: Any, org: Organisation) -> None:
    a = _start(editor, org)
    _upload(a, editor)
    services.save_answers(actor=editor, assessment=a, answers=TINY_ANSWERS)
    result = services.submit(actor=editor, assessment=a)
    found = queries.strengths_weaknesses(result, n=2)
    assert found["strengths"] == [{"path": "m1/d1/r1", "score": 81.25}, {"path": "m2/d3/r4", "score": 75.0}]
    assert found["weaknesses"] == [{"path": "m1/d2/r3", "score": 50.0}, {"path": "m1/d1/r2", "score": 52.5}]
    exported = queries.export_organisation(org)
    assert exported["assessments"][0]["result"]["overall"] == pytest.approx(TINY_OVERALL)


def test_today_is_used_for_evidence_dates(monkeypatch: pytest.MonkeyPatch, org: Organisation) -> None:
    monkeypatch.setitem(evidence.PROVIDERS, "catalogue.datasets_published", lambda o, today: (3.0, "src"))
    figure = evidence.indicator("catalogue.datasets_published", org, today=date(2026, 3, 1))
    assert figure is not None and figure.as_json() == {
        "indicator": "catalogue.datasets_published",
        "value": 3.0,
        "source": "src",
        "date": "2026-03-01",
    }
    with pytest.raises(LookupError):
        evidence.indicator("nope", org)


def test_submit_consolidates_again_after_later_answers_keeping_the_coordinators_choices(
    editor: Any, editor2: Any, org: Organisation
) -> None:
    a = _start(editor, org)
    services.save_answers(
        actor=editor2, assessment=a, answers={"q-single": {"value": "a"}, "q-scale": {"value": 2}}
    )
    services.consolidate(actor=editor, assessment=a, choices={"q-scale": {"value": 5}})
    services.save_answers(
        actor=editor2, assessment=a, answers={"q-single": {"value": "c"}}
    )  # after consolidation
    result = services.submit(actor=editor, assessment=a)
    assert result.answers["q-single"]["value"] == "c"  # the later answer counts
    assert result.answers["q-scale"]["value"] == 5 and result.answers["q-scale"]["chosen"]  # the choice stays
    # r1 = 100 × (1.0 + 0 + 1.0) / 4 = 50; d1 = 50 / 4 = 12.5; m1 = 6.25; overall = 6.25 × 2 / 3
    assert result.overall == pytest.approx(6.25 * 2 / 3)


def test_a_failing_indicator_does_not_stop_the_others(
    editor: Any, org: Organisation, platform_figures: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(organisation: Any, today: Any) -> None:
        raise RuntimeError("the social hub is down")

    monkeypatch.setitem(evidence.PROVIDERS, "social.first_response_hours", broken)
    response = services.prefill(actor=editor, assessment=_start(editor, org))
    assert "q-hours" not in response.answers and response.answers["q-open311"]["value"] is True
