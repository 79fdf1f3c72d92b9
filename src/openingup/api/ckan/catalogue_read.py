"""CKAN's catalogue reads: ``status_show``, ``package_list``, ``package_show``,
``current_package_list_with_resources``, ``organization_list``, ``organization_show``, ``group_list``,
``tag_list`` and ``resource_show`` (``package_search`` is in :mod:`openingup.api.ckan.catalogue_search`).

Lists show published datasets only; ``package_show`` and ``resource_show`` show what the caller may see
(a draft only to members of its organisation — anyone else gets Not Found, as CKAN answers for a private
dataset). Shapes are built by :mod:`openingup.api.ckan.ckan_shapes`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from openingup.api.ckan.actions import Param, Params, boolean, natural_number, one_of, text, validate
from openingup.api.ckan.ckan_shapes import (
    THEME_PREFIX,
    catalogue_action,
    group_dict,
    organization_dict,
    package_dict,
    pick,
    ready_tables,
    tags_of,
)
from openingup.catalogue import queries
from openingup.catalogue.models import Dataset
from openingup.core.errors import NotFound
from openingup.organisations import permissions
from openingup.organisations.models import Organisation

CKAN_VERSION = "2.11.0"
LIST_SORTS = [f"{f} {d}" for f in ("name", "title", "package_count") for d in ("asc", "desc")]


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        return None


def published() -> QuerySet[Dataset]:
    return queries.public_datasets().select_related("publisher")


def find_dataset(key: str, user: Any) -> Dataset:
    """The dataset by id or name (slug) if the caller may see it; NotFound otherwise."""
    pk = as_uuid(key)
    dataset = (
        Dataset.objects.select_related("publisher").filter(Q(pk=pk) if pk else Q(slug=key[:200])).first()
    )
    if dataset is None or not permissions.can_view_dataset(user, dataset):
        raise NotFound("Dataset not found")
    return dataset


def show_many(datasets: list[Dataset]) -> list[dict[str, Any]]:
    """package_show dictionaries of many datasets, their DataStore states looked up at once."""
    ids = [d.pk for ds in datasets for d in ds.distributions.all()]
    ready = ready_tables(ids)
    return [package_dict(ds, ready=ready) for ds in datasets]


# ---------------------------------------------------------------------------------------------- status


@catalogue_action("status_show", side_effect_free=True)
def status_show(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Return a dictionary with information about the site's configuration.

    :rtype: dictionary
    """
    site = queries.catalogue()
    return {
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "extensions": ["datastore", "dcat", "scheming_datasets", "fluent"],
        "locale_default": settings.LANGUAGE_CODE,
        "site_description": pick(site.description),
        "site_title": pick(site.title),
        "site_url": settings.BASE_URL,
    }


# -------------------------------------------------------------------------------------------- packages

PAGE_SCHEMA = {"limit": Param(natural_number), "offset": Param(natural_number, default=0)}


def _page(rows: QuerySet[Any], values: Params) -> QuerySet[Any]:
    offset = values["offset"]
    limit = values.get("limit")
    return rows[offset : offset + limit] if limit is not None else rows[offset:]


@catalogue_action("package_list", side_effect_free=True)
def package_list(request: HttpRequest, params: Params) -> list[str]:
    """Return a list of the names of the site's datasets (packages).

    :param limit: if given, the list of datasets will be broken into pages of
        at most ``limit`` datasets per page and only one page will be returned
        at a time (optional)
    :type limit: int
    :param offset: when ``limit`` is given, the offset to start
        returning packages from
    :type offset: int

    :rtype: list of strings
    """
    values = validate(params, PAGE_SCHEMA, junk=False)
    rows = queries.public_datasets().order_by("slug").values_list("slug", flat=True)
    return list(_page(rows, values))


@catalogue_action("package_show", side_effect_free=True)
def package_show(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Return the metadata of a dataset (package) and its resources.

    :param id: the id or name of the dataset
    :type id: string
    :param include_tracking: accepted, ignored
    :type include_tracking: bool

    :rtype: dictionary
    """
    values = validate(params, {"id": Param(text, required=True)}, renames={"name": "id"}, junk=False)
    return package_dict(find_dataset(values["id"], request.auth))  # type: ignore[attr-defined]


@catalogue_action("current_package_list_with_resources", side_effect_free=True)
def current_package_list_with_resources(request: HttpRequest, params: Params) -> list[dict[str, Any]]:
    """Return a list of the site's datasets (packages) and their resources, most recently modified first.

    :param limit: if given, the list of datasets will be broken into pages of
        at most ``limit`` datasets per page and only one page will be returned
        at a time (optional)
    :type limit: int
    :param offset: when ``limit`` is given, the offset to start
        returning packages from
    :type offset: int

    :rtype: list of dictionaries
    """
    values = validate(params, PAGE_SCHEMA, junk=False)
    rows = published().prefetch_related("distributions").order_by("-updated_at", "pk")
    return show_many(list(_page(rows, values)))


# --------------------------------------------------------------------------------------- organisations

LIST_SCHEMA = {
    "all_fields": Param(boolean, default=False),
    "sort": Param(one_of(LIST_SORTS), default="title asc"),
    "limit": Param(natural_number),
    "offset": Param(natural_number, default=0),
}


def _sorted(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    field, direction = sort.split()
    if field == "package_count":
        return sorted(items, key=lambda i: (i["package_count"], i["name"]), reverse=direction == "desc")
    return sorted(items, key=lambda i: str(i[field]).casefold(), reverse=direction == "desc")


def _paged(items: list[Any], values: Params) -> list[Any]:
    offset, limit = values["offset"], values.get("limit")
    return items[offset : offset + limit] if limit is not None else items[offset:]


@catalogue_action("organization_list", side_effect_free=True)
def organization_list(request: HttpRequest, params: Params) -> list[Any]:
    """Return a list of the names of the site's organizations.

    :param sort: sorting of the search results: ``name``, ``title`` or ``package_count``, each
        ``asc`` or ``desc`` (optional, default: ``"title asc"``)
    :type sort: string
    :param limit: the maximum number of organizations returned (optional)
    :type limit: int
    :param offset: when ``limit`` is given, the offset to start returning organizations from
    :type offset: int
    :param all_fields: return group dictionaries instead of just names (optional, default: false)
    :type all_fields: bool

    :rtype: list of strings or dictionaries
    """
    values = validate(params, LIST_SCHEMA, junk=False)
    counts = dict(
        queries.public_datasets()
        .values_list("publisher_id")
        .annotate(n=Count("pk"))
        .values_list("publisher_id", "n")
    )
    orgs = Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL)
    items = _sorted([organization_dict(o, package_count=counts.get(o.pk, 0)) for o in orgs], values["sort"])
    page = _paged(items, values)
    return page if values["all_fields"] else [o["name"] for o in page]


@catalogue_action("organization_show", side_effect_free=True)
def organization_show(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Return the details of an organization.

    :param id: the id or name of the organization
    :type id: string
    :param include_datasets: include a truncated list of the organization's datasets (optional,
        default: ``False``)
    :type include_datasets: bool

    :rtype: dictionary
    """
    schema = {"id": Param(text, required=True), "include_datasets": Param(boolean, default=False)}
    values = validate(params, schema, renames={"name": "id"}, junk=False)
    pk = as_uuid(values["id"])
    org = Organisation.objects.filter(Q(pk=pk) if pk else Q(slug=values["id"][:200])).first()
    if org is None:
        raise NotFound("Organization was not found.")
    rows = published().filter(publisher=org).order_by("-updated_at", "pk")
    out = organization_dict(org, package_count=rows.count())
    out.update({"extras": [], "groups": [], "tags": [], "users": []})
    if values["include_datasets"]:
        out["packages"] = show_many(list(rows.prefetch_related("distributions")[:1000]))
    return out


# ------------------------------------------------------------------------------------- groups and tags


@catalogue_action("group_list", side_effect_free=True)
def group_list(request: HttpRequest, params: Params) -> list[Any]:
    """Return a list of the names of the site's groups: the EU data themes its datasets use.

    :param sort: ``name``, ``title`` or ``package_count``, each ``asc`` or ``desc``
        (optional, default: ``"title asc"``)
    :type sort: string
    :param limit: the maximum number of groups returned (optional)
    :type limit: int
    :param offset: when ``limit`` is given, the offset to start returning groups from
    :type offset: int
    :param all_fields: return group dictionaries instead of just names (optional, default: false)
    :type all_fields: bool

    :rtype: list of strings or dictionaries
    """
    values = validate(params, LIST_SCHEMA, junk=False)
    counts: Counter[str] = Counter()
    for themes in queries.public_datasets().values_list("themes", flat=True):
        counts.update({t for t in themes or [] if isinstance(t, str) and t.startswith(THEME_PREFIX)})
    items = _sorted([group_dict(t, package_count=n) for t, n in counts.items()], values["sort"])
    page = _paged(items, values)
    return page if values["all_fields"] else [g["name"] for g in page]


@catalogue_action("tag_list", side_effect_free=True)
def tag_list(request: HttpRequest, params: Params) -> list[Any]:
    """Return a list of the site's tags (the keywords of its published datasets).

    :param query: a tag name query to search for, if given only tags whose names contain this string
        (case-insensitive) will be returned (optional)
    :type query: string
    :param vocabulary_id: accepted, ignored
    :type vocabulary_id: string
    :param all_fields: return full tag dictionaries instead of just names (optional, default: ``False``)
    :type all_fields: bool

    :rtype: list of dictionaries
    """
    schema = {"query": Param(text, default=""), "all_fields": Param(boolean, default=False)}
    values = validate(params, schema, junk=False)
    query = values["query"].casefold()[:500]
    names: set[str] = set()
    for dataset in queries.public_datasets().only("keywords"):
        names.update(t for t in tags_of(dataset) if query in t.casefold())
    found = sorted(names, key=str.casefold)
    if values["all_fields"]:
        return [{"id": n, "name": n, "vocabulary_id": None} for n in found]
    return found


# ------------------------------------------------------------------------------------------- resources


@catalogue_action("resource_show", side_effect_free=True)
def resource_show(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Return the metadata of a resource.

    :param id: the id of the resource
    :type id: string
    :param include_tracking: accepted, ignored
    :type include_tracking: bool

    :rtype: dictionary
    """
    values = validate(params, {"id": Param(text, required=True)}, junk=False)
    pk = as_uuid(values["id"])
    if pk is None:
        raise NotFound("Resource was not found.")
    try:
        distribution = queries.distribution_by_id(pk, request.auth)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound("Resource was not found.") from None
    shown = package_dict(distribution.dataset)
    return next(r for r in shown["resources"] if r["id"] == str(pk))
