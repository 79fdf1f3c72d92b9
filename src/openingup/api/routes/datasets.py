"""/datasets: list, read, create, replace, change, publish, archive and delete datasets."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import BaseModel, Field

from openingup.api import dcat_schemas as dcat
from openingup.api.auth import actor, public, viewer
from openingup.api.pagination import next_url
from openingup.api.representations import dataset_out
from openingup.api.schemas import Paging, page_of
from openingup.catalogue import models, queries, services
from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.organisations.models import Organisation
from openingup.organisations.services import get_organisation

router = Router(tags=["datasets"])

# Properties that the platform keeps up to date when a full replacement leaves them out.
_MAINTAINED = ("issued", "modified")


class DatasetFilters(BaseModel):
    publisher: str = Field(
        "", max_length=500, description="Only datasets of the organisation with this slug."
    )
    theme: str = Field("", max_length=500, description="Only datasets with this theme IRI (dcat:theme).")
    status: Literal["draft", "published", "archived"] | None = Field(
        None, description="Only datasets in this state (drafts are listed for members of the publisher only)."
    )
    modified_since: datetime | None = Field(
        None, description="Only datasets changed in this catalogue at or after this ISO 8601 date(-time)."
    )


def publisher_by_slug(slug: str) -> Organisation:
    """The organisation a request body names as ``publisher``; InvalidInput naming the field if none."""
    try:
        return get_organisation(slug)
    except NotFound:
        raise InvalidInput(
            "Unknown publisher.", [FieldProblem("publisher", f"no organisation {slug!r}")]
        ) from None


def _dataset(request: HttpRequest, slug: str) -> models.Dataset:
    return queries.dataset_by_slug(slug, viewer(request))


@router.get("", response=page_of(dcat.Dataset), exclude_unset=True, **public())
def list_datasets(
    request: HttpRequest, filters: Query[DatasetFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """Published datasets, plus the drafts and archived ones the caller may see; newest change first."""
    since = filters.modified_since
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    wanted = queries.DatasetFilter(
        publisher=filters.publisher,
        theme=filters.theme,
        status=filters.status or "",
        modified_since=since.isoformat() if since else "",
    )
    listing = queries.list_datasets(
        viewer(request), wanted, offset=paging.offset, limit=paging.limit, facets=False
    )
    prefetch_related_objects(listing.datasets, "distributions")
    return {
        "items": [dataset_out(d) for d in listing.datasets],
        "count": listing.total,
        "next": next_url(request, paging, listing.total),
    }


@router.get("/{slug}", response=dcat.Dataset, exclude_unset=True, **public())
def get_dataset(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One dataset with its distributions; drafts are 404 for whoever may not see them."""
    return dataset_out(_dataset(request, slug))


@router.post("", response={201: dcat.Dataset}, exclude_unset=True)
def create_dataset(request: HttpRequest, payload: dcat.DatasetCreate) -> dict[str, Any]:
    """Create a draft dataset for ``publisher``; the caller must be an editor there."""
    data = payload.model_dump(exclude_unset=True)
    publisher = publisher_by_slug(data.pop("publisher"))
    slug = data.pop("slug", None) or ""
    dataset = services.create_dataset(actor=actor(request), publisher=publisher, data=data, slug=slug)
    return dataset_out(dataset)


@router.put("/{slug}", response=dcat.Dataset, exclude_unset=True)
def replace_dataset(request: HttpRequest, slug: str, payload: dcat.DatasetUpdate) -> dict[str, Any]:
    """Replace every property: those left out are cleared, except issued and modified, which are kept
    and brought up to date. The slug, publisher and status do not change here."""
    dataset = _dataset(request, slug)
    data = payload.model_dump()
    for name in _MAINTAINED:
        if data.get(name) is None:
            data.pop(name, None)
    return dataset_out(services.update_dataset(actor=actor(request), dataset=dataset, data=data))


@router.patch("/{slug}", response=dcat.Dataset, exclude_unset=True)
def update_dataset(request: HttpRequest, slug: str, payload: dcat.DatasetPatch) -> dict[str, Any]:
    """Change the properties given; ``null`` (or an empty value) clears one."""
    dataset = _dataset(request, slug)
    data = payload.model_dump(exclude_unset=True)
    return dataset_out(services.update_dataset(actor=actor(request), dataset=dataset, data=data))


@router.post("/{slug}/publish", response=dcat.Dataset, exclude_unset=True)
def publish_dataset(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Publish after the DCAT-AP 3 (SHACL) check; 400 listing every violation otherwise."""
    dataset = _dataset(request, slug)
    return dataset_out(services.publish_dataset(actor=actor(request), dataset=dataset))


@router.post("/{slug}/archive", response=dcat.Dataset, exclude_unset=True)
def archive_dataset(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Archive: the dataset stays public and citable but is marked as no longer maintained."""
    dataset = _dataset(request, slug)
    return dataset_out(services.archive_dataset(actor=actor(request), dataset=dataset))


@router.delete("/{slug}", response={204: None})
def delete_dataset(request: HttpRequest, slug: str) -> None:
    """Delete the dataset with its distributions and uploaded files."""
    services.delete_dataset(actor=actor(request), dataset=_dataset(request, slug))
