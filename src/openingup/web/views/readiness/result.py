"""A submitted assessment's result: scores per measure, dimension and driver, the stage, the radar
against a cohort chosen by country, size band and year, change over time, strengths and weaknesses and
the recommendations for the weakest drivers. The same result as JSON (``result.json``) and as a PDF
report (``result.pdf``); the page itself prints cleanly (print style sheet)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openingup.core.errors import NotFound
from openingup.readiness import queries
from openingup.readiness.charts import Series
from openingup.readiness.models import SIZE_BANDS, Assessment, Result
from openingup.readiness.report_pdf import Advice, Report, ScoreRow, render_pdf
from openingup.web.presentation import active_language
from openingup.web.views.common import service_errors
from openingup.web.views.readiness.common import (
    Cohort,
    cohort_from,
    driver_labels,
    history,
    instrument_of,
    level_description,
    level_title,
    radar,
    radar_rows,
    score_lines,
    strengths_weaknesses,
    text,
    visible_assessment,
)
from openingup.web.views.readiness.common import advice as advice_for


def _result(request: HttpRequest, pk: Any) -> tuple[Assessment, Result]:
    assessment = visible_assessment(request, pk)
    found = queries.result(assessment) if assessment.status == Assessment.Status.SUBMITTED else None
    if found is None:
        raise NotFound("This assessment has no result yet.")
    return assessment, found


def _cohort(request: HttpRequest, assessment: Assessment, result: Result) -> Cohort:
    """By default the organisation's country, size band and the assessment's year."""
    own = queries.profile(assessment.organisation)
    default = {"country": own.country if own else "", "size_band": own.size_band if own else "",
               "year": assessment.year}  # fmt: skip
    return cohort_from(request, result.instrument_id, default)


@require_safe
@service_errors
def result_page(request: HttpRequest, pk: Any) -> HttpResponse:
    assessment, result = _result(request, pk)
    inst = instrument_of(result)
    cohort = _cohort(request, assessment, result)
    years, history_svg = history(result)
    facets = queries.cohort_facets(result.instrument_id)
    context = {
        "assessment": assessment,
        "result": result,
        "instrument_title": text(inst.title),
        "level": level_title(inst, result.level),
        "level_description": level_description(inst, result.level),
        "levels": [
            {"title": text(lv.title), "min": lv.min, "current": lv.key == result.level} for lv in inst.levels
        ],
        "lines": score_lines(inst, result.tree),
        "radar": radar(inst, result.tree, cohort, own_label=_("Your organisation")),
        "radar_rows": radar_rows(inst, result.tree, cohort),
        "cohort": cohort,
        "facets": facets,
        "size_bands": SIZE_BANDS,
        "history": years,
        "history_chart": history_svg,
        "sides": strengths_weaknesses(result, inst),
        "advice": advice_for(result, inst),
        "query": request.GET.urlencode(),
    }
    return render(request, "web/readiness/result.html", context)


@require_safe
@service_errors
def result_json(request: HttpRequest, pk: Any) -> HttpResponse:
    assessment, result = _result(request, pk)
    inst = instrument_of(result)
    cohort = _cohort(request, assessment, result)
    body = {
        "assessment": str(assessment.pk),
        "organisation": assessment.organisation.slug,
        "instrument": {"id": result.instrument_id, "version": result.instrument_version},
        "year": assessment.year,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "overall": result.overall,
        "level": result.level or None,
        "tree": result.tree,
        "cohort": cohort.as_json(),
        "history": history(result)[0],
        **strengths_weaknesses(result, inst),
        "recommendations": advice_for(result, inst),
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")


def build_report(request: HttpRequest, assessment: Assessment, result: Result) -> Report:
    """The PDF's content in the active language, from the stored result and the chosen cohort."""
    inst = instrument_of(result)
    cohort = _cohort(request, assessment, result)
    rows = radar_rows(inst, result.tree, cohort)
    series = [Series(_("Your organisation"), [r["score"] for r in rows])]
    if cohort.figures.get("count"):
        label = _("Cohort average (%(count)s)") % {"count": cohort.figures["count"]}
        series.append(Series(label, [r["cohort"] for r in rows]))
    sides = strengths_weaknesses(result, inst)
    labels = driver_labels(inst)
    return Report(
        language=active_language(),
        organisation=assessment.organisation.display_name(active_language()),
        instrument=text(inst.title),
        version=result.instrument_version,
        year=assessment.year,
        submitted=(assessment.submitted_at or result.computed_at).date(),
        overall=result.overall,
        level=level_title(inst, result.level),
        level_description=level_description(inst, result.level),
        rows=[
            ScoreRow(line.label, line.score, line.depth, line.level)
            for line in score_lines(inst, result.tree)
        ],
        radar_labels=[r["label"] for r in rows],
        radar_series=series,
        cohort=cohort.describe(),
        strengths=[ScoreRow(labels.get(s["path"], s["path"]), s["score"]) for s in sides["strengths"]],
        weaknesses=[ScoreRow(labels.get(s["path"], s["path"]), s["score"]) for s in sides["weaknesses"]],
        recommendations=[
            Advice(
                a["driver_label"],
                a["title"],
                a["text"],
                [(s["title"], s["url"]) for s in a["sources"]],
                [(f["title"], request.build_absolute_uri(f["url"])) for f in a["features"]],
            )
            for a in advice_for(result, inst)
        ],
        url=request.build_absolute_uri(request.path.removesuffix(".pdf") + "/"),
        history=[(row["year"], row["overall"]) for row in history(result)[0]],
    )


@require_safe
@service_errors
def result_pdf(request: HttpRequest, pk: Any) -> HttpResponse:
    assessment, result = _result(request, pk)
    body = render_pdf(build_report(request, assessment, result))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"readiness-{result.instrument_id}-{assessment.organisation.slug}-{assessment.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
