"""Read side of organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openingup.organisations.models import ApiToken, Organisation


def public_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL).order_by("kind", "slug")


def agent(organisation: Organisation) -> dict[str, object]:
    """The organisation as a DCAT-AP agent record (see exchange.dcat.fields NODES['agent'])."""
    record: dict[str, object] = {"uri": organisation.agent_uri, "name": dict(organisation.name)}
    if organisation.publisher_type:
        record["type"] = organisation.publisher_type
    if organisation.email:
        record["email"] = f"mailto:{organisation.email}"
    if organisation.homepage:
        record["homepage"] = organisation.homepage
    return record


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's API tokens, newest first (the secrets themselves are never stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def organisation_for_agent(uri: str, name: dict[str, str]) -> Organisation | None:
    """The organisation a DCAT agent stands for: by URI when it has one, else by exactly the same name."""
    if uri:
        return Organisation.objects.filter(uri=uri).first()
    return Organisation.objects.filter(name=name).first() if name else None
