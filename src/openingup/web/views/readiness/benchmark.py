"""The public benchmark: cohort figures per instrument, filtered by country, size band and year, compared
across countries; the anonymised open data (JSON and CSV of the exchange format) and, for site
administrators, the import of another instance's file. No organisation is ever named here."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from openingup.catalogue.models import Dataset
from openingup.core.errors import InvalidInput
from openingup.readiness import exchange, permissions, queries, services
from openingup.readiness.demo import DEMO_ORIGIN
from openingup.readiness.instruments import Instrument, all_instruments
from openingup.readiness.models import SIZE_BANDS
from openingup.web.views.common import service_errors
from openingup.web.views.readiness.common import Cohort, cohort_from, driver_labels, radar, radar_rows, text

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _chosen(request: HttpRequest) -> Instrument | None:
    offered = all_instruments()
    wanted = request.GET.get("instrument", "")
    return next((i for i in offered if i.id == wanted), offered[0] if offered else None)


def _figures(inst: Instrument, cohort: Cohort) -> dict[str, Any]:
    """What the page and its JSON twin show for one instrument and cohort."""
    rows = queries.entries(inst.id, country=cohort.country or None, size_band=cohort.size_band or None,
                           year=cohort.year)  # fmt: skip
    levels = Counter(rows.values_list("level", flat=True))
    # Across countries: the same size band and year, any country (one query, no score trees read).
    across = queries.entries(inst.id, size_band=cohort.size_band or None, year=cohort.year).exclude(
        country=""
    )
    per_country: dict[str, list[float | None]] = {}
    for country, overall in across.values_list("country", "overall"):
        per_country.setdefault(country, []).append(overall)
    countries = []
    for country, values in sorted(per_country.items()):
        scored = [v for v in values if v is not None]
        mean = sum(scored) / len(scored) if scored else None
        countries.append({"country": country, "count": len(values), "overall": mean})
    measures = cohort.figures.get("measures", {})
    return {
        "count": cohort.figures.get("count", 0),
        "overall": cohort.figures.get("overall"),
        "measures": [
            {"key": m.key, "title": text(m.title), "score": measures.get(m.key)} for m in inst.measures
        ],
        "levels": [
            {"key": lv.key, "title": text(lv.title), "count": levels.get(lv.key, 0)} for lv in inst.levels
        ],
        "countries": countries,
    }


@require_safe
def benchmark(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    inst = _chosen(request)
    if inst is None:
        return render(request, "web/readiness/benchmark.html", {"instruments": []})
    cohort = cohort_from(request, inst.id, {})
    figures = _figures(inst, cohort)
    if fmt == "json":
        labels = driver_labels(inst)
        body = {
            "instrument": {"id": inst.id, "version": inst.version},
            "cohort": {
                "country": cohort.country or None,
                "size_band": cohort.size_band or None,
                "year": cohort.year,
            },
            **{k: v for k, v in figures.items() if k != "measures"},
            "measures": {m["key"]: m["score"] for m in figures["measures"]},
            "levels": {lv["key"]: lv["count"] for lv in figures["levels"]},
            "drivers": {path: cohort.figures.get("drivers", {}).get(path) for path in labels},
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
    return render(request, "web/readiness/benchmark.html", _context(request, inst, cohort, figures))


def _context(
    request: HttpRequest, inst: Instrument, cohort: Cohort, figures: dict[str, Any]
) -> dict[str, Any]:
    return {
        "instruments": [{"id": i.id, "title": text(i.title)} for i in all_instruments()],
        "instrument": inst,
        "instrument_title": text(inst.title),
        "cohort": cohort,
        "figures": figures,
        "facets": queries.cohort_facets(inst.id),
        "size_bands": SIZE_BANDS,
        "radar": radar(inst, None, cohort, own_label=""),
        "radar_rows": radar_rows(inst, None, cohort),
        "dataset": Dataset.objects.filter(slug=exchange.SLUG).first(),
        "demo_origin": DEMO_ORIGIN if queries.entries(inst.id).filter(origin=DEMO_ORIGIN).exists() else "",
        "can_import": permissions.can_import_benchmark(request.user),
        "query": request.GET.urlencode(),
    }


@require_safe
def entries_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """This instance's anonymised entries in the exchange format, as JSON or CSV (open data, CC0)."""
    wanted = request.GET.get("instrument") or None
    if fmt == "csv":
        response = HttpResponse(exchange.export_benchmark_csv(wanted), content_type="text/csv; charset=utf-8")
    else:
        body = json.dumps(exchange.export_benchmark(wanted), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="readiness-benchmark.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_POST
@service_errors
def import_entries(request: HttpRequest) -> HttpResponse:
    """Import another instance's benchmark file; all or nothing, every problem listed."""
    upload = request.FILES.get("file")
    problems: list[str] = []
    if upload is None:
        problems.append(_("Choose a benchmark file (JSON or CSV) to import."))
    elif upload.size and upload.size > MAX_IMPORT_BYTES:
        problems.append(_("The file is larger than 20 MB."))
    if not problems and upload is not None:
        try:
            count = services.import_benchmark(
                actor=request.user, payload=upload.read(), origin=request.POST.get("origin", "")
            )
        except InvalidInput as exc:
            problems = [exc.message] + [f"{p.field}: {p.problem}" for p in exc.problems]
        else:
            template = ngettext(
                "%(count)s benchmark entry was imported.", "%(count)s benchmark entries were imported.", count
            )
            flash.success(request, template % {"count": count})
            return redirect("web:readiness-benchmark")
    inst = _chosen(request)
    if inst is None:
        return redirect("web:readiness-benchmark")
    cohort = cohort_from(request, inst.id, {})
    context = {**_context(request, inst, cohort, _figures(inst, cohort)), "import_problems": problems,
               "origin": request.POST.get("origin", "")}  # fmt: skip
    return render(request, "web/readiness/benchmark.html", context, status=400)
