"""Public pages: home, dataset list and page, organisations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openingup.catalogue import queries, records, services
from openingup.catalogue.models import Dataset
from openingup.engagement import services as engagement
from openingup.harvest import queries as harvest_queries
from openingup.organisations import permissions
from openingup.organisations import services as org_services
from openingup.organisations.models import Organisation
from openingup.organisations.queries import public_organisations
from openingup.search import queries as search_queries
from openingup.web import schemaorg
from openingup.web.presentation import active_language, concept_label, script_json
from openingup.web.views.common import offset_param, service_errors
from openingup.web.views.twins import TWINS, negotiate, twin_response

PAGE_SIZE = 20


@dataclass
class FacetItem:
    """One value of a facet as a page shows it (the search page also keeps the raw ``value``)."""

    label: str
    count: int
    selected: bool
    url: str
    value: str = ""


@dataclass
class Facet:
    name: str
    title: str
    items: list[FacetItem]


@dataclass
class Pager:
    offset: int
    total: int
    shown: int
    previous_url: str
    next_url: str

    @property
    def first(self) -> int:
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.offset + self.shown


def _url(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    return f"?{query.urlencode()}" if query else "?"


def _pager(params: QueryDict, offset: int, total: int, shown: int) -> Pager:
    previous = _url(params, offset=max(0, offset - PAGE_SIZE) or None) if offset > 0 else ""
    following = _url(params, offset=offset + PAGE_SIZE) if offset + PAGE_SIZE < total else ""
    return Pager(offset, total, shown, previous, following)


def _organisation_names(slugs: list[str]) -> dict[str, str]:
    lang = active_language()
    return {o.slug: o.display_name(lang) for o in Organisation.objects.filter(slug__in=slugs)}


def _facets(params: QueryDict, found: dict[str, list[tuple[str, int]]]) -> list[Facet]:
    """Facet link lists; a link toggles its value and goes back to the first page."""
    titles = {
        "publisher": _("Publisher"),
        "theme": _("Theme"),
        "format": _("Format"),
        "licence": _("Licence"),
        "hvd": _("High-value data"),
    }
    vocabularies = {"theme": "data-theme", "format": "file-type", "licence": "licence"}
    names = _organisation_names([v for v, _c in found.get("publisher", [])])
    facets = []
    for name, title in titles.items():
        items = []
        for value, count in found.get(name, []):
            if name == "publisher":
                text = names.get(value, value)
            elif name == "hvd":
                text = _("High-value dataset")
            else:
                text = concept_label(vocabularies[name], value)
            selected = params.get(name) == value
            items.append(
                FacetItem(
                    text, count, selected, _url(params, offset=None, **{name: None if selected else value})
                )
            )
        if items:
            facets.append(Facet(name, title, sorted(items, key=lambda i: (-i.count, i.label.casefold()))))
    return facets


def _listing(user: Any, criteria: queries.DatasetFilter, *, offset: int = 0, limit: int = PAGE_SIZE,
             facets: bool = True) -> queries.DatasetList:  # fmt: skip
    """Datasets with their facets through the search index when it is built (milliseconds at any
    size), else through the catalogue's own query."""
    found = search_queries.dataset_listing(user, criteria, offset=offset, limit=limit, facets=facets)
    return found or queries.list_datasets(user, criteria, offset=offset, limit=limit, facets=facets)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    listing = _listing(None, queries.DatasetFilter(), limit=6)
    themes = [
        (uri, concept_label("data-theme", uri), count) for uri, count in listing.facets.get("theme", [])
    ]
    context = {
        "catalogue": queries.catalogue(),
        "counts": queries.counts(),
        "organisations": public_organisations().count(),
        "latest": listing.datasets,
        "themes": sorted(themes, key=lambda t: t[1].casefold()),
    }
    return render(request, "web/home.html", context)


@require_safe
def dataset_list(request: HttpRequest) -> HttpResponse:
    criteria = queries.DatasetFilter.from_params(request.GET)
    offset = offset_param(request.GET.get("offset"))
    listing = _listing(request.user, criteria, offset=offset)
    context = {
        "criteria": criteria,
        "datasets": listing.datasets,
        "facets": _facets(request.GET, listing.facets),
        "pager": _pager(request.GET, offset, listing.total, len(listing.datasets)),
        "filtered": any(getattr(criteria, n) for n in ("q", *queries.FACETS)),
    }
    return render(request, "web/dataset_list.html", context)


@require_safe
@service_errors
def dataset_resource(request: HttpRequest, slug: str) -> HttpResponse:
    """The dataset's URI without the slash: RDF or JSON as asked, otherwise on to the HTML page."""
    fmt = negotiate(request)
    response: HttpResponse
    if fmt == "html":
        queries.dataset_by_slug(slug, request.user)
        response = redirect("web:dataset", slug=slug)
        response.status_code = 303
    else:
        response = twin_response(queries.dataset_by_slug(slug, request.user), fmt)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
@service_errors
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = queries.dataset_by_slug(slug, request.user)
    fmt = negotiate(request)
    if fmt != "html":
        response = twin_response(dataset, fmt)
    else:
        engagement.record_view(dataset_id=dataset.pk)
        response = render(request, "web/dataset_detail.html", _detail_context(request, dataset))
    patch_vary_headers(response, ["Accept"])
    return response


def _detail_context(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    distributions = list(dataset.distributions.all())
    can_edit = permissions.can_edit_dataset(request.user, dataset)
    record = records.dataset_record(dataset, distributions=distributions)
    page_url = f"{settings.BASE_URL}{reverse('web:dataset', args=[dataset.slug])}"
    twins = [
        (fmt, media.split(";")[0], reverse("web:dataset-twin", args=[dataset.slug, fmt]))
        for fmt, media in TWINS.items()
    ]
    return {
        "dataset": dataset,
        "distributions": distributions,
        "can_edit": can_edit,
        "history": queries.history(dataset.pk) if can_edit else [],
        "problems": services.publication_problems(dataset)
        if can_edit and dataset.status != "published"
        else [],
        "schema_org": script_json(schemaorg.dataset(record, page_url, active_language())),
        "twins": twins,
        "uri": record["uri"],
        "harvested_from": harvest_queries.origin_of(dataset.pk),
    }


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = list(public_organisations().select_related("parent"))
    per_publisher = queries.public_datasets().values("publisher__slug").annotate(n=Count("pk"))
    counts = {row["publisher__slug"]: row["n"] for row in per_publisher}
    lang = active_language()
    top = sorted(
        (o for o in organisations if o.parent_id is None), key=lambda o: o.display_name(lang).casefold()
    )
    children: dict[Any, list[Organisation]] = {}
    for org in organisations:
        if org.parent_id is not None:
            children.setdefault(org.parent_id, []).append(org)
    tree = [
        (org, counts.get(org.slug, 0), [(c, counts.get(c.slug, 0)) for c in children.get(org.pk, [])])
        for org in top
    ]
    return render(request, "web/organisation_list.html", {"tree": tree})


@require_safe
@service_errors
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = org_services.get_organisation(slug)
    offset = offset_param(request.GET.get("offset"))
    criteria = queries.DatasetFilter(publisher=organisation.slug)
    listing = _listing(request.user, criteria, offset=offset, facets=False)
    context = {
        "organisation": organisation,
        "departments": list(organisation.children.order_by("slug")),
        "datasets": listing.datasets,
        "pager": _pager(request.GET, offset, listing.total, len(listing.datasets)),
        "can_create": permissions.can_create_dataset(request.user, organisation),
    }
    return render(request, "web/organisation_detail.html", context)
