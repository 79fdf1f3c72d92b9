"""A dataset's quality page (score, reasons, fixes) and its twins: JSON, and DQV in Turtle or JSON-LD."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from openingup.catalogue import queries as catalogue_queries
from openingup.catalogue.models import Dataset
from openingup.quality import dqv, hvd, queries, services
from openingup.quality.indicators import DIMENSIONS, TOTAL
from openingup.quality.models import QualityScore
from openingup.web.views.common import service_errors
from openingup.web.views.quality.common import band_label, dimension_rows, fix_rows, rows, score_json


def stored_score(dataset: Dataset) -> QualityScore | None:
    """The stored score; computed now when the dataset has none yet or a change awaits scoring."""
    found = queries.score_for(dataset)
    if found is None or services.is_pending(dataset.pk):
        return services.score_dataset(dataset_id=dataset.pk)
    return found


@require_safe
@service_errors
def dataset_quality(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = catalogue_queries.dataset_by_slug(slug, request.user)
    score = stored_score(dataset)
    hvd_report = None
    if hvd.hvd_datasets(Dataset.objects.filter(pk=dataset.pk)).exists():
        served = list(catalogue_queries.public_data_services())
        hvd_report = hvd.report(dataset, list(dataset.distributions.all()), served)
    context = {
        "dataset": dataset,
        "score": score,
        "maximum": TOTAL,
        "band": band_label(score.band) if score else "",
        "rows": rows(score) if score else [],
        "fixes": fix_rows(score) if score else [],
        "dimensions": dimension_rows({d: getattr(score, d) for d in DIMENSIONS}) if score else [],
        "hvd": hvd_report,
    }
    return render(request, "web/quality/dataset_quality.html", context)


@require_safe
@service_errors
def dataset_quality_twin(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = catalogue_queries.dataset_by_slug(slug, request.user)
    score = stored_score(dataset)
    if score is None:  # pragma: no cover - the dataset was deleted between the two reads
        return HttpResponse(status=404)
    if fmt == "json":
        body = json.dumps(score_json(score), ensure_ascii=False, indent=2)
        return HttpResponse(body, content_type="application/json")
    return HttpResponse(dqv.serialise(dqv.dataset_graph(score), fmt), content_type=dqv.FORMATS[fmt][1])
