"""The quality report tab, and the ingest state of the newest version as JSON for its progress bar."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openingup.catalogue.queries import distribution_by_id
from openingup.datastore import queries
from openingup.datastore.models import Table
from openingup.web.views.common import service_errors
from openingup.web.views.datastore.page import data_page, job_state, status_text


def per_code(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Problem counts per Frictionless error code (the report counts per code and field)."""
    totals: dict[str, int] = {}
    for key, count in (report.get("counts") or {}).items():
        code = str(key).split(":", 1)[0]
        totals[code] = totals.get(code, 0) + int(count)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


@require_safe
@service_errors
def data_quality(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    context = page.context("quality")
    report = page.table.report or {}
    context["report"] = report
    context["problems"] = report.get("errors") or []
    context["per_code"] = per_code(report)
    context["error_count"] = report.get("error_count") or 0
    context["status_url"] = reverse("web:distribution-data-status", args=[pk])
    if context["newer"] is not None:
        context["newer_job"] = job_state(context["newer"])
        context["newer_status_text"] = status_text(context["newer"].status)
    return render(request, "web/datastore/quality.html", context)


@never_cache
@require_safe
@service_errors
def data_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The newest version's ingest state, for the progress bar's script (``static/web/job.js``)."""
    distribution = distribution_by_id(pk, request.user)
    latest = queries.latest(distribution)
    if latest is None:
        return JsonResponse({"error": "no data"}, status=404)
    state = job_state(latest)
    return JsonResponse(
        {
            "status": latest.status,
            "status_text": status_text(latest.status),
            "version": latest.version,
            "progress": state["progress"],
            "message": state["message"],
            "finished": latest.status != Table.Status.LOADING,
        }
    )
