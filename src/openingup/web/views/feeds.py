"""The DCAT-AP catalogue feeds (Hydra-paged) and downloads of uploaded files."""

from __future__ import annotations

import mimetypes
import uuid
from datetime import date, datetime, time

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from openingup.catalogue import queries, rdf
from openingup.engagement import services as engagement
from openingup.exchange.dcat import profiles
from openingup.web.presentation import media_type_code
from openingup.web.views.common import not_found, service_errors
from openingup.web.views.twins import TWINS, ProfileError, bad_profile, name_profile, negotiate, profile_param


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def page_param(raw: str | None) -> int | None:
    """The page number (default 1), or None when it is not a whole number ≥ 1."""
    text = (raw if raw is not None else "1").strip()
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        return None
    return int(text)


def modified_since_param(raw: str) -> str | None:
    """An ISO 8601 date or date-time as an aware date-time string; None when it is not one.

    A date means its midnight, a date-time without offset is in the site's time zone."""
    text = raw.strip()
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else None
        if moment is None:
            moment = datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.isoformat()


@require_safe
def catalogue_feed(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """``/catalog.ttl|rdf|jsonld?page=N&modified_since=ISO&profile=nl|no|dk|se``: one Hydra page of the
    public catalogue, as DCAT-AP 3.0.1 or for a national profile."""
    try:
        profile = profile_param(request, fmt)
    except ProfileError as exc:
        return bad_profile(exc)
    page = page_param(request.GET.get("page"))
    if page is None:
        return _bad_request(f"page must be a whole number of 1 or more, got {request.GET.get('page')!r}.")
    modified_since = ""
    if request.GET.get("modified_since"):
        parsed = modified_since_param(request.GET["modified_since"])
        if parsed is None:
            given = request.GET["modified_since"][:100]
            return _bad_request(
                f"modified_since must be an ISO 8601 date or date-time such as 2024-05-01 "
                f"or 2024-05-01T12:00:00Z, got {given!r}."
            )
        modified_since = parsed
    try:
        chunks = rdf.catalogue_page(fmt, page=page, modified_since=modified_since, profile=profile)
    except rdf.PageOutOfRange as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(chunks, content_type=TWINS[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    name_profile(response, profile)
    return response


@require_safe
def catalogue_resource(request: HttpRequest) -> HttpResponse:
    """The catalogue's URI: a page about the feeds for people, on to the feed for machines."""
    fmt = negotiate(request)
    if fmt == "html":
        context = {
            "catalogue": queries.catalogue(),
            "page_size": settings.CATALOGUE_PAGE_SIZE,
            "national_profiles": list(profiles.PROFILES.values()),
        }
        response = render(request, "web/feeds.html", context)
    else:
        response = redirect(f"/catalog.{'jsonld' if fmt == 'json' else fmt}")
        response.status_code = 303
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
@service_errors
def distribution_resource(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A distribution's URI: to its row on the dataset page."""
    distribution = queries.distribution_by_id(pk, request.user)
    response = redirect(f"/datasets/{distribution.dataset.slug}/#distribution-{distribution.pk}")
    response.status_code = 303
    return response


@require_safe
@service_errors
def download(request: HttpRequest, pk: uuid.UUID, name: str) -> HttpResponseBase:
    """An uploaded file, as an attachment; 404 when there is none or its dataset is not visible."""
    distribution = queries.distribution_by_id(pk, request.user)
    if not distribution.file.name or not distribution.file.storage.exists(distribution.file.name):
        return not_found(request)
    content_type = media_type_code(distribution.media_type) if distribution.media_type else ""
    if "/" not in content_type:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    engagement.record_download(dataset_id=distribution.dataset_id)
    return FileResponse(
        distribution.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
