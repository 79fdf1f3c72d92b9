"""Small JSON answers for the report form's script: address search, category suggestion, nearby reports.
The form does the same without the script; these only make it quicker."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from openingup.reports import addresses, nearby, queries, suggest, workflow
from openingup.reports.records import w3c
from openingup.reports.texts import pick

MAX_TEXT = 4000


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


@require_safe
def address_search(request: HttpRequest) -> JsonResponse:
    found = addresses.search_addresses(request.GET.get("q", "")[:200])
    return JsonResponse([{"label": a.label, "lat": a.lat, "long": a.long} for a in found], safe=False)


@require_safe
def suggestions(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("text", "")[:MAX_TEXT]
    names = {s.code: pick(s.name) or s.code for s in queries.services()}
    found = suggest.suggest_services(text, translation.get_language() or "en")[:3]
    body = [{"service_code": c, "service_name": names[c], "confidence": p} for c, p in found if c in names]
    return JsonResponse(body, safe=False)


@require_safe
def similar(request: HttpRequest) -> JsonResponse:
    lat, long = _float(request.GET.get("lat")), _float(request.GET.get("long"))
    code = request.GET.get("service", "")[:100]
    if lat is None or long is None or not code:
        return JsonResponse([], safe=False)
    found = nearby.similar_open_requests(service_code=code, lat=lat, long=long)
    body = [
        {
            "service_request_id": str(n.request.pk),
            "description": n.request.description,
            "status": str(workflow.state(n.request.status).label),
            "requested_datetime": w3c(n.request.requested_datetime),
            "metres": round(n.metres),
        }
        for n in found
    ]
    return JsonResponse(body, safe=False)
