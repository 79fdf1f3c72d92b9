"""Machine-readable twins of the dataset and data service pages: the same resource as JSON, Turtle,
JSON-LD or RDF/XML; the RDF twins also for a national profile (``?profile=nl|no|dk|se``)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from openingup.catalogue import queries, rdf, records
from openingup.catalogue.models import DataService, Dataset
from openingup.exchange.dcat import profiles, triples, writers
from openingup.exchange.dcat.profiles import Profile
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


class ProfileError(ValueError):
    """A ``?profile=`` that cannot be served; its message says why and what can be asked for."""


def profile_param(request: HttpRequest, fmt: str) -> Profile | None:
    """The national profile named by ``?profile=``, else by the ``Accept-Profile`` header; None for
    plain DCAT-AP. Raises ProfileError for an unknown ``?profile=``, or a profile asked of the JSON
    record (profiles shape the RDF only)."""
    code = request.GET.get("profile", "")
    try:
        profile = profiles.get(code)
    except profiles.UnknownProfile as exc:
        raise ProfileError(f"{exc}.") from None
    if profile is None and not code and fmt != "json":
        profile = profiles.from_accept_profile(request.headers.get("Accept-Profile", ""))
    if profile is not None and fmt == "json":
        raise ProfileError(
            f"profile={profile.code} applies to the RDF formats (.ttl, .jsonld, .rdf), "
            "not to the JSON record."
        )
    return profile


def bad_profile(exc: ProfileError) -> HttpResponse:
    return HttpResponseBadRequest(str(exc) + "\n", content_type="text/plain; charset=utf-8")


def name_profile(response: HttpResponseBase, profile: Profile | None) -> HttpResponseBase:
    """Say which profile the body follows (W3C Content Negotiation by Profile); the body depends on
    the Accept-Profile header."""
    patch_vary_headers(response, ["Accept-Profile"])
    if profile is not None:
        response["Content-Profile"] = f"<{profile.uri}>"
        response["Link"] = f'<{profile.uri}>; rel="profile"'
    return response


def twin_response(dataset: Dataset, fmt: str, profile: Profile | None = None) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(records.dataset_record(dataset), ensure_ascii=False, indent=2)
    else:
        body = rdf.dataset_document(dataset, fmt, profile)
    return _public(body, fmt, profile)


def service_twin_response(service: DataService, fmt: str, profile: Profile | None = None) -> HttpResponse:
    """The data service alone (``dcat:DataService``), as its record or as DCAT-AP RDF."""
    record = records.data_service_record(service)
    if fmt == "json":
        body = json.dumps(record, ensure_ascii=False, indent=2)
    else:
        resources = triples.resources("data_service", record, profile=profile)
        body = "".join(writers.stream(fmt, resources, profile))
    return _public(body, fmt, profile)


def _public(body: str, fmt: str, profile: Profile | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=TWINS[fmt])
    # Public metadata: any web page may read it (no credentials are sent with "*").
    response["Access-Control-Allow-Origin"] = "*"
    if profile is not None:
        name_profile(response, profile)
    return response


@require_safe
@service_errors
def dataset_twin(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    try:
        profile = profile_param(request, fmt)
    except ProfileError as exc:
        return bad_profile(exc)
    response = twin_response(queries.dataset_by_slug(slug, request.user), fmt, profile)
    if fmt != "json":
        patch_vary_headers(response, ["Accept-Profile"])
    return response
