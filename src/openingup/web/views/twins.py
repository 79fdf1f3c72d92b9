"""Machine-readable twins of the dataset and data service pages: the same resource as JSON, Turtle,
JSON-LD or RDF/XML."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from openingup.catalogue import queries, rdf, records
from openingup.catalogue.models import DataService, Dataset
from openingup.exchange.dcat import triples, writers
from openingup.web.views.common import service_errors

# Extension → Content-Type of the response.
TWINS: dict[str, str] = {
    "json": "application/json",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
# Accept-header media type → extension; HTML comes first, so it wins ties and */*.
NEGOTIABLE: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/json": "json",
}


def negotiate(request: HttpRequest) -> str:
    """``html``, ``ttl``, ``jsonld``, ``rdf`` or ``json`` from the Accept header; HTML by default."""
    if not request.headers.get("Accept"):
        return "html"
    preferred = request.get_preferred_type(list(NEGOTIABLE))
    return NEGOTIABLE.get(preferred or "", "html")


def twin_response(dataset: Dataset, fmt: str) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(records.dataset_record(dataset), ensure_ascii=False, indent=2)
    else:
        body = rdf.dataset_document(dataset, fmt)
    return _public(body, fmt)


def service_twin_response(service: DataService, fmt: str) -> HttpResponse:
    """The data service alone (``dcat:DataService``), as its record or as DCAT-AP RDF."""
    record = records.data_service_record(service)
    if fmt == "json":
        body = json.dumps(record, ensure_ascii=False, indent=2)
    else:
        body = "".join(writers.stream(fmt, triples.resources("data_service", record)))
    return _public(body, fmt)


def _public(body: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=TWINS[fmt])
    # Public metadata: any web page may read it (no credentials are sent with "*").
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@service_errors
def dataset_twin(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return twin_response(queries.dataset_by_slug(slug, request.user), fmt)
