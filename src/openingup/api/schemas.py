"""Request and response models written out by hand: errors, pages, organisations and tokens.

The DCAT-AP resources are generated from the property table in :mod:`openingup.api.dcat_schemas`.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

ErrorCode = Literal[
    "invalid", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "server_error"
]


class ErrorDetail(BaseModel):
    field: str = Field(
        ..., description="The field at fault, dotted for nested ones (contact_points.0.email)."
    )
    problem: str = Field(..., description="What is wrong with it, in plain words.")


class ErrorBody(BaseModel):
    code: ErrorCode = Field(..., description="Stable, machine-readable kind of error.")
    message: str = Field(..., description="What went wrong, for people.")
    details: list[ErrorDetail] = Field(..., description="One entry per field at fault; empty when none.")


class ErrorEnvelope(BaseModel):
    """Every error of this API, whatever its status."""

    error: ErrorBody


class Paging(BaseModel):
    limit: int = Field(50, ge=1, le=1000, description="How many items per page (at most 1000).")
    offset: int = Field(0, ge=0, description="How many items to skip.")


@cache
def page_of(model: type[BaseModel]) -> type[BaseModel]:
    """The page model ``<Model>Page``: ``{"items": [...], "count": N, "next": url | null}``."""
    fields: dict[str, Any] = {
        "items": (list[model], Field(..., description="The items of this page.")),  # type: ignore[valid-type]
        "count": (int, Field(..., description="How many items match, on all pages together.")),
        "next": (str | None, Field(..., description="The URL of the next page; null on the last page.")),
    }
    return create_model(f"{model.__name__}Page", __doc__="One page of a list.", **fields)


# Organisations --------------------------------------------------------------------------------------

OrganisationKind = Literal["municipality", "department", "publisher", "external"]
Names = Annotated[dict[str, str], Field(min_length=1)]
WebUrl = Annotated[str, Field(max_length=500, pattern=r"^(https?://\S+)?$")]
Email = Annotated[str, Field(max_length=254, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")]

_NAME = 'Name per language code, e.g. {"en": "City of Leiedal", "nl": "Stad Leiedal"}.'
_KIND = "municipality, department, publisher, or external (a harvested source's publisher)."
_PARENT = (
    "Slug of the parent organisation (a department's municipality); editors of a parent may edit for it."
)
_HELP = {
    "description": "Description per language code.",
    "uri": "Persistent IRI of the organisation as a foaf:Agent; minted from the base URL when empty.",
    "publisher_type": "ADMS publisher type IRI (http://purl.org/adms/publishertype/…).",
    "homepage": "The organisation's website.",
    "email": "Contact e-mail address.",
}


class Organisation(BaseModel):
    """An organisation: a municipality, department or other publisher of data."""

    id: str = Field(..., description="The identifier of this organisation.")
    slug: str = Field(..., description="The identifier in URLs of this API and of the website.")
    kind: OrganisationKind = Field(..., description=_KIND)
    name: dict[str, str] = Field(..., description=_NAME)
    description: dict[str, str] = Field(..., description=_HELP["description"])
    uri: str = Field(..., description="The organisation's IRI (dct:publisher of its datasets).")
    publisher_type: str = Field(..., description=_HELP["publisher_type"])
    homepage: str = Field(..., description=_HELP["homepage"])
    email: str = Field(..., description=_HELP["email"])
    parent: str | None = Field(..., description=_PARENT)


class _OrganisationFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OrganisationKind | None = Field(None, description=_KIND + " Default: publisher.")
    parent: str | None = Field(None, description=_PARENT)
    description: dict[str, str] | None = Field(None, description=_HELP["description"])
    uri: WebUrl | None = Field(None, description=_HELP["uri"])
    publisher_type: WebUrl | None = Field(None, description=_HELP["publisher_type"])
    homepage: WebUrl | None = Field(None, description=_HELP["homepage"])
    email: Email | None = Field(None, description=_HELP["email"])


class OrganisationCreate(_OrganisationFields):
    name: Names = Field(..., description=_NAME)
    slug: str | None = Field(
        None, max_length=100, description="Preferred slug; made from the name when absent."
    )


class OrganisationUpdate(_OrganisationFields):
    """The full organisation; fields left out are cleared (the slug never changes)."""

    name: Names = Field(..., description=_NAME)


class OrganisationPatch(_OrganisationFields):
    """Only the fields given change."""

    name: Names | None = Field(None, description=_NAME)


# Tokens ---------------------------------------------------------------------------------------------


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        ..., min_length=1, max_length=100, description="What the token is for, e.g. 'harvester'."
    )


class Token(BaseModel):
    """An API token of the signed-in person; the secret itself is only shown when it is created."""

    id: str = Field(..., description="The identifier of the token (to revoke it).")
    name: str = Field(..., description="What the token is for.")
    prefix: str = Field(..., description="The first characters of the secret, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None = Field(..., description="Last use, to the minute; null when never used.")
    revoked_at: datetime | None = Field(..., description="When it was revoked; null while it is active.")


class TokenCreated(Token):
    """A new token with its secret, which is shown this once and never again."""

    token: str = Field(..., description="The secret: send it as `Authorization: Bearer <token>`.")
