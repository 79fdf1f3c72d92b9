"""Read side of readiness: progress, assessments, frozen results, the cohort, history and advice.

Results are read from what was stored at submission (``Result.tree``), never recomputed, so a later
instrument version or scoring change does not move them. The cohort is every benchmark entry (local
submissions and imports) of an instrument, any version: driver references do not depend on the version.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openingup.organisations.models import Organisation
from openingup.readiness import recommendations
from openingup.readiness.instruments import instrument
from openingup.readiness.models import (
    Assessment,
    BenchmarkEntry,
    EvidenceFile,
    ReadinessProfile,
    Response,
    Result,
)
from openingup.readiness.scoring import driver_scores


def progress(assessment: Assessment, user: Any) -> tuple[int, int]:
    """(answered, total) questions of the user's response; an n/a answer counts as answered."""
    total = len(instrument(assessment.instrument_id, assessment.instrument_version).questions())
    response = Response.objects.filter(assessment=assessment, respondent_id=getattr(user, "pk", None)).first()
    if response is None:
        return 0, total
    keys = {q.key for q in instrument(assessment.instrument_id, assessment.instrument_version).questions()}
    answered = sum(
        1
        for key, a in response.answers.items()
        if key in keys and isinstance(a, dict) and (a.get("na") or a.get("value") is not None)
    )
    return answered, total


def response_of(assessment: Assessment, user: Any) -> Response | None:
    return Response.objects.filter(assessment=assessment, respondent_id=getattr(user, "pk", None)).first()


response_for = response_of


def responses(assessment: Assessment) -> QuerySet[Response]:
    return Response.objects.filter(assessment=assessment).select_related("respondent").order_by("pk")


def evidence_files(assessment: Assessment, question_key: str | None = None) -> QuerySet[EvidenceFile]:
    """The documents uploaded to the assessment (for one question when given), oldest first."""
    rows = EvidenceFile.objects.filter(assessment=assessment).select_related("uploaded_by")
    return rows.filter(question_key=question_key) if question_key else rows


def assessments_for(organisation: Organisation) -> QuerySet[Assessment]:
    """The organisation's assessments, newest year first, with their results when submitted."""
    return Assessment.objects.filter(organisation=organisation).select_related("result")


def assessment(pk: Any) -> Assessment | None:
    return Assessment.objects.select_related("organisation").filter(pk=pk).first()


def profile(organisation: Organisation) -> ReadinessProfile | None:
    return ReadinessProfile.objects.filter(organisation=organisation).first()


def result(assessment: Assessment) -> Result | None:
    return Result.objects.filter(assessment=assessment).first()


def entries(
    instrument_id: str, *, country: str | None = None, size_band: str | None = None, year: int | None = None
) -> QuerySet[BenchmarkEntry]:
    """The benchmark entries of an instrument, narrowed by country, size band and year when given."""
    rows = BenchmarkEntry.objects.filter(instrument_id=instrument_id)
    if country:
        rows = rows.filter(country=country.upper())
    if size_band:
        rows = rows.filter(size_band=size_band)
    if year:
        rows = rows.filter(year=year)
    return rows


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def cohort(
    instrument_id: str, *, country: str | None = None, size_band: str | None = None, year: int | None = None
) -> dict[str, Any]:
    """``{"count": n, "overall": mean, "measures": {key: mean}, "drivers": {path: mean}}`` over the
    matching entries; a mean leaves out entries without that score and is None when none has it."""
    rows = list(
        entries(instrument_id, country=country, size_band=size_band, year=year).values("overall", "tree")
    )
    drivers: dict[str, list[float]] = {}
    measures: dict[str, list[float]] = {}
    for row in rows:
        for path, value in driver_scores(row["tree"]).items():
            if value is not None:
                drivers.setdefault(path, []).append(value)
        for m in row["tree"].get("measures", []):
            if m.get("score") is not None:
                measures.setdefault(m["key"], []).append(m["score"])
    return {
        "count": len(rows),
        "overall": _mean([r["overall"] for r in rows if r["overall"] is not None]),
        "measures": {k: _mean(v) for k, v in measures.items()},
        "drivers": {k: _mean(v) for k, v in drivers.items()},
    }


def cohort_facets(instrument_id: str) -> dict[str, list[Any]]:
    """The countries, size bands and years present in an instrument's benchmark (for filters)."""
    rows = BenchmarkEntry.objects.filter(instrument_id=instrument_id)
    return {
        "countries": sorted(set(rows.exclude(country="").values_list("country", flat=True))),
        "size_bands": sorted(set(rows.exclude(size_band="").values_list("size_band", flat=True))),
        "years": sorted(set(rows.values_list("year", flat=True))),
    }


def history(organisation: Organisation, instrument_id: str) -> list[tuple[int, float | None, dict[str, Any]]]:
    """(year, overall, tree) of the organisation's submitted results on an instrument, oldest first."""
    rows = Result.objects.filter(
        assessment__organisation=organisation, instrument_id=instrument_id
    ).select_related("assessment")
    return sorted(((r.assessment.year, r.overall, r.tree) for r in rows), key=lambda item: item[0])


def strengths_weaknesses(result: Result, n: int = 3) -> dict[str, list[dict[str, Any]]]:
    """The ``n`` best and ``n`` weakest scored drivers, ``{"path", "score"}`` each; best first for
    strengths, weakest first for weaknesses; ties go by path so the order is stable."""
    scored = [(p, s) for p, s in driver_scores(result.tree).items() if s is not None]
    best = sorted(scored, key=lambda item: (-item[1], item[0]))[:n]
    worst = sorted(scored, key=lambda item: (item[1], item[0]))[:n]
    return {
        "strengths": [{"path": p, "score": s} for p, s in best],
        "weaknesses": [{"path": p, "score": s} for p, s in worst],
    }


def recommendations_for(result: Result, n: int = 3) -> list[dict[str, Any]]:
    """The recommendations for the ``n`` weakest drivers, weakest first, each once; every item is the
    recommendation with the ``driver`` path and its ``score`` added."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for weak in strengths_weaknesses(result, n)["weaknesses"]:
        for item in recommendations.for_driver(f"{result.instrument_id}/{weak['path']}"):
            if item["key"] not in seen:
                seen.add(item["key"])
                found.append({**item, "driver": weak["path"], "score": weak["score"]})
    return found


def export_organisation(organisation: Organisation) -> dict[str, Any]:
    """The organisation's assessments and frozen results as JSON-ready data (``readiness export``)."""
    found = profile(organisation)
    return {
        "format": "openingup-readiness-results",
        "version": 1,
        "organisation": organisation.slug,
        "country": found.country if found else None,
        "size_band": found.size_band if found else None,
        "assessments": [
            {
                "id": str(a.pk),
                "instrument_id": a.instrument_id,
                "instrument_version": a.instrument_version,
                "year": a.year,
                "status": a.status,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "result": _result_json(a),
            }
            for a in assessments_for(organisation).order_by("instrument_id", "year")
        ],
    }


def _result_json(assessment: Assessment) -> dict[str, Any] | None:
    found = getattr(assessment, "result", None) if assessment.status == Assessment.Status.SUBMITTED else None
    if found is None:
        return None
    return {
        "overall": found.overall,
        "level": found.level or None,
        "tree": found.tree,
        "answers": found.answers,
        "computed_at": found.computed_at.isoformat(),
    }
