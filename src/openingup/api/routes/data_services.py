"""/data-services: APIs and endpoints that serve data (dcat:DataService)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel, Field

from openingup.api import dcat_schemas as dcat
from openingup.api.auth import actor, public
from openingup.api.pagination import page
from openingup.api.representations import data_service_out
from openingup.api.routes.datasets import publisher_by_slug
from openingup.api.schemas import Paging, page_of
from openingup.catalogue import queries, services

router = Router(tags=["data services"])


class DataServiceFilters(BaseModel):
    publisher: str = Field(
        "", max_length=500, description="Only services of the organisation with this slug."
    )


@router.get("", response=page_of(dcat.DataService), exclude_unset=True, **public())
def list_data_services(
    request: HttpRequest, filters: Query[DataServiceFilters], paging: Query[Paging]
) -> dict[str, Any]:
    """The catalogue's data services, by slug."""
    rows = queries.public_data_services().order_by("slug")
    if filters.publisher:
        rows = rows.filter(publisher__slug=filters.publisher)
    return page(request, rows, paging, data_service_out)


@router.get("/{slug}", response=dcat.DataService, exclude_unset=True, **public())
def get_data_service(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One data service."""
    return data_service_out(queries.data_service_by_slug(slug))


@router.post("", response={201: dcat.DataService}, exclude_unset=True)
def create_data_service(request: HttpRequest, payload: dcat.DataServiceCreate) -> dict[str, Any]:
    """Add a data service for ``publisher``; the caller must be an editor there. It is public at once."""
    data = payload.model_dump(exclude_unset=True)
    publisher = publisher_by_slug(data.pop("publisher"))
    slug = data.pop("slug", None) or ""
    service = services.create_data_service(actor=actor(request), publisher=publisher, data=data, slug=slug)
    return data_service_out(service)


@router.put("/{slug}", response=dcat.DataService, exclude_unset=True)
def replace_data_service(request: HttpRequest, slug: str, payload: dcat.DataServiceUpdate) -> dict[str, Any]:
    """Replace every property; those left out are cleared. Slug and publisher do not change."""
    service = queries.data_service_by_slug(slug)
    changed = services.update_data_service(actor=actor(request), service=service, data=payload.model_dump())
    return data_service_out(changed)


@router.patch("/{slug}", response=dcat.DataService, exclude_unset=True)
def update_data_service(request: HttpRequest, slug: str, payload: dcat.DataServicePatch) -> dict[str, Any]:
    """Change the properties given; ``null`` (or an empty value) clears one."""
    service = queries.data_service_by_slug(slug)
    data = payload.model_dump(exclude_unset=True)
    return data_service_out(services.update_data_service(actor=actor(request), service=service, data=data))


@router.delete("/{slug}", response={204: None})
def delete_data_service(request: HttpRequest, slug: str) -> None:
    """Delete the data service."""
    services.delete_data_service(actor=actor(request), service=queries.data_service_by_slug(slug))
