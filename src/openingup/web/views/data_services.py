"""Public pages of data services (``dcat:DataService``): the list, one service's page and its twins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from openingup.catalogue import queries, records
from openingup.catalogue.models import DataService, Dataset, Status
from openingup.core.errors import NotFound
from openingup.organisations import permissions
from openingup.organisations.models import Organisation
from openingup.web.presentation import pick
from openingup.web.views.common import offset_param, service_errors
from openingup.web.views.public import PAGE_SIZE, Pager
from openingup.web.views.twins import (
    TWINS,
    ProfileError,
    bad_profile,
    negotiate,
    profile_param,
    service_twin_response,
)


@dataclass
class DatasetLink:
    """An IRI naming a dataset, with the local dataset it names when this person may see it."""

    uri: str
    dataset: Dataset | None


def local_datasets(uris: list[str], user: Any) -> list[DatasetLink]:
    """Each IRI with the catalogue's own dataset behind it (by minted URI, original URI or slug)."""
    base = f"{settings.BASE_URL}/datasets/"
    minted = {uri.removeprefix(base): uri for uri in uris if uri.startswith(base)}
    rows = Dataset.objects.select_related("publisher")
    found: dict[str, Dataset] = {d.uri: d for d in rows.filter(uri__in=uris)}
    for dataset in rows.filter(slug__in=[*minted, *uris], uri=""):
        found.setdefault(minted.get(dataset.slug, dataset.slug), dataset)
    links = []
    for uri in uris:
        match = found.get(uri)
        visible = match is not None and permissions.can_view_dataset(user, match)
        links.append(DatasetLink(uri, match if visible else None))
    return links


def visible_service(slug: str, user: Any) -> DataService:
    """The data service, unless it is not public and this person may not edit it."""
    service = queries.data_service_by_slug(slug)
    if service.status != Status.PUBLISHED and not permissions.can_edit_data_service(user, service):
        raise NotFound(f"No data service {slug!r}.")
    return service


def publisher_services(organisation: Organisation | None) -> list[tuple[str, str]]:
    """``(IRI, title)`` of the data services of the organisation and of the ones it belongs to."""
    chain: list[Organisation] = []
    while organisation is not None and organisation not in chain:
        chain.append(organisation)
        organisation = organisation.parent
    rows = DataService.objects.filter(publisher__in=chain).order_by("slug")
    return [(records.data_service_uri(s), str(pick(s.title)) or s.slug) for s in rows]


@require_safe
def data_service_list(request: HttpRequest) -> HttpResponse:
    rows = queries.public_data_services().order_by("slug")
    offset = offset_param(request.GET.get("offset"))
    total = rows.count()
    shown = list(rows[offset : offset + PAGE_SIZE])
    previous = ""
    if offset > 0:
        previous = f"?offset={max(0, offset - PAGE_SIZE)}" if offset > PAGE_SIZE else "?"
    following = f"?offset={offset + PAGE_SIZE}" if offset + PAGE_SIZE < total else ""
    context = {"services": shown, "pager": Pager(offset, total, len(shown), previous, following)}
    return render(request, "web/data_service_list.html", context)


@require_safe
@service_errors
def data_service_resource(request: HttpRequest, slug: str) -> HttpResponse:
    """The service's URI without the slash: RDF or JSON as asked, otherwise on to the HTML page."""
    service = visible_service(slug, request.user)
    fmt = negotiate(request)
    response: HttpResponse
    if fmt == "html":
        response = redirect("web:data-service", slug=service.slug)
        response.status_code = 303
    else:
        response = service_twin_response(service, fmt)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
@service_errors
def data_service_twin(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    try:
        profile = profile_param(request, fmt)
    except ProfileError as exc:
        return bad_profile(exc)
    response = service_twin_response(visible_service(slug, request.user), fmt, profile)
    if fmt != "json":
        patch_vary_headers(response, ["Accept-Profile"])
    return response


@require_safe
@service_errors
def data_service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = visible_service(slug, request.user)
    fmt = negotiate(request)
    if fmt != "html":
        response = service_twin_response(service, fmt)
    else:
        twins = [
            (ext, media.split(";")[0], reverse("web:data-service-twin", args=[service.slug, ext]))
            for ext, media in TWINS.items()
        ]
        context = {
            "service": service,
            "served": local_datasets(list(service.serves_dataset or []), request.user),
            "can_edit": permissions.can_edit_data_service(request.user, service),
            "twins": twins,
            "uri": records.data_service_uri(service),
        }
        response = render(request, "web/data_service_detail.html", context)
    patch_vary_headers(response, ["Accept"])
    return response
