"""The publisher dashboard (organisation members and administrators), the catalogue overview, HVD."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from openingup.catalogue import queries as catalogue_queries
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from openingup.quality import dqv, hvd, queries
from openingup.quality.indicators import BY_KEY, INDICATORS, TOTAL
from openingup.quality.permissions import can_view_quality_dashboard
from openingup.web.views.common import forbidden
from openingup.web.views.quality.common import (
    band_chart,
    band_label,
    dimension_chart,
    dimension_rows,
    fix_rows,
)

WORST = 10


def _overview(datasets: QuerySet[Dataset]) -> dict[str, Any]:
    aggregate = queries.aggregate(datasets)
    worst = [(row, fix_rows(row, limit=3)) for row in queries.worst(datasets, WORST)]
    shares = [
        {
            "label": str(i.label),
            "key": i.key,
            "points": i.points,
            "percent": round(100 * aggregate.shares[i.key]),
        }
        for i in INDICATORS
    ]
    return {
        "aggregate": aggregate,
        "maximum": TOTAL,
        "band": band_label(aggregate.band) if aggregate.band else "",
        "bands": [(band_label(name), count) for name, count in aggregate.bands.items()],
        "band_chart": band_chart(aggregate) if aggregate.scored else "",
        "dimensions": dimension_rows(aggregate.dimensions),
        "dimension_chart": dimension_chart(aggregate) if aggregate.scored else "",
        "shares": shares,
        "worst": worst,
    }


def _json(aggregate: queries.Aggregate, worst: list[Any], reports: list[hvd.Report]) -> HttpResponse:
    body = {
        **aggregate.as_json(),
        "worst": [
            {"dataset": row.dataset.slug, "total": row.total, "band": row.band,
             "fixes": [{"key": r.key, "gain": BY_KEY[r.key].points, "fix": r.fix} for r in fixes]}
            for row, fixes in worst
        ],
        "hvd": [r.as_json() for r in reports],
    }  # fmt: skip
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")


@require_safe
def organisation_dashboard(request: HttpRequest, slug: str, fmt: str = "html") -> HttpResponse:
    """Average score and band, bands, dimensions, worst datasets with their top fixes, HVD report."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_quality_dashboard(request.user, organisation):
        return forbidden(request)
    datasets = queries.organisation_datasets(organisation)
    context = _overview(datasets)
    reports = hvd.reports(datasets, catalogue_queries.public_data_services())
    if fmt == "json":
        return _json(context["aggregate"], context["worst"], reports)
    context.update({"organisation": organisation, "hvd_reports": reports})
    return render(request, "web/quality/dashboard.html", context)


@require_safe
def catalogue_quality(request: HttpRequest, fmt: str = "html") -> HttpResponse | StreamingHttpResponse:
    """The public catalogue's quality: the same overview over published datasets, and its DQV."""
    datasets = queries.catalogue_datasets()
    if fmt in dqv.FORMATS:
        aggregate = queries.aggregate(datasets)
        chunks = dqv.stream_catalogue(
            queries.scores_of(datasets).order_by("dataset_id").iterator(chunk_size=500),
            fmt,
            average=aggregate.average if aggregate.scored else None,
            at=timezone.now().replace(microsecond=0).isoformat(),
        )
        return StreamingHttpResponse(chunks, content_type=dqv.FORMATS[fmt][1])
    context = _overview(datasets)
    if fmt == "json":
        return _json(context["aggregate"], context["worst"], [])
    return render(request, "web/quality/catalogue.html", context)


@require_safe
def hvd_report(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """HVD compliance of every published HVD dataset."""
    reports = hvd.reports(catalogue_queries.public_datasets(), catalogue_queries.public_data_services())
    if fmt == "json":
        body = json.dumps([r.as_json() for r in reports], ensure_ascii=False, indent=2)
        return HttpResponse(body, content_type="application/json")
    return render(request, "web/quality/hvd.html", {"hvd_reports": reports})
