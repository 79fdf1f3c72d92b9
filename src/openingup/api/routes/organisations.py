"""/organisations: the publishers of the catalogue. Anyone reads; only administrators write."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from openingup.api import schemas
from openingup.api.auth import actor, public
from openingup.api.pagination import page
from openingup.api.representations import organisation_out
from openingup.api.schemas import OrganisationCreate, OrganisationPatch, OrganisationUpdate, Paging, page_of
from openingup.core.errors import FieldProblem, InvalidInput, NotFound
from openingup.organisations import queries, services
from openingup.organisations.models import Organisation

router = Router(tags=["organisations"])

_TEXT_FIELDS = ("uri", "publisher_type", "homepage", "email")


def _parent(slug: str | None, of: Organisation | None = None) -> Organisation | None:
    if not slug:
        return None
    try:
        parent = services.get_organisation(slug)
    except NotFound:
        raise InvalidInput("Unknown parent.", [FieldProblem("parent", f"no organisation {slug!r}")]) from None
    if of is not None and parent.pk == of.pk:
        raise InvalidInput("An organisation cannot be its own parent.", [FieldProblem("parent", "is itself")])
    return parent


def _fields(data: dict[str, Any], organisation: Organisation | None = None) -> dict[str, Any]:
    """Request fields as the services take them: ``parent`` as a row, clears as the column's empty value."""
    fields = dict(data)
    if "name" in fields:
        fields["name"] = {k: v.strip() for k, v in (fields["name"] or {}).items() if v and v.strip()}
        if not fields["name"]:
            raise InvalidInput("An organisation needs a name.", [FieldProblem("name", "is empty")])
    if "parent" in fields:
        fields["parent"] = _parent(fields["parent"], organisation)
    if "description" in fields:
        fields["description"] = fields["description"] or {}
    for name in _TEXT_FIELDS:
        if name in fields:
            fields[name] = fields[name] or ""
    if fields.get("kind") is None:
        fields.pop("kind", None)
    return fields


@router.get("", response=page_of(schemas.Organisation), **public())
def list_organisations(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The platform's organisations (municipality, departments, publishers), by kind and slug."""
    return page(request, queries.public_organisations().select_related("parent"), paging, organisation_out)


@router.get("/{slug}", response=schemas.Organisation, **public())
def get_organisation(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One organisation."""
    return organisation_out(services.get_organisation(slug))


@router.post("", response={201: schemas.Organisation})
def create_organisation(request: HttpRequest, payload: OrganisationCreate) -> dict[str, Any]:
    """Create an organisation (administrators only)."""
    fields = _fields(payload.model_dump(exclude_unset=True))
    name, slug = fields.pop("name"), fields.pop("slug", None) or ""
    organisation = services.create_organisation(actor=actor(request), name=name, slug=slug, **fields)
    return organisation_out(organisation)


@router.put("/{slug}", response=schemas.Organisation)
def replace_organisation(request: HttpRequest, slug: str, payload: OrganisationUpdate) -> dict[str, Any]:
    """Replace every field (administrators only); fields left out are cleared, kind becomes publisher."""
    organisation = services.get_organisation(slug)
    fields = _fields(payload.model_dump(), organisation)
    fields.setdefault("kind", Organisation.Kind.PUBLISHER)
    changed = services.update_organisation(actor=actor(request), organisation=organisation, **fields)
    return organisation_out(changed)


@router.patch("/{slug}", response=schemas.Organisation)
def update_organisation(request: HttpRequest, slug: str, payload: OrganisationPatch) -> dict[str, Any]:
    """Change the fields given (administrators only); ``null`` clears one."""
    organisation = services.get_organisation(slug)
    fields = _fields(payload.model_dump(exclude_unset=True), organisation)
    changed = services.update_organisation(actor=actor(request), organisation=organisation, **fields)
    return organisation_out(changed)


@router.delete("/{slug}", response={204: None})
def delete_organisation(request: HttpRequest, slug: str) -> None:
    """Delete an organisation that publishes nothing and has no departments (administrators only)."""
    services.delete_organisation(actor=actor(request), organisation=services.get_organisation(slug))
