"""Rows as the API shows them: the catalogue's exchange records plus the API's own identifiers.

A dataset is :func:`~openingup.catalogue.records.dataset_record` with ``publisher`` as a slug and
``id``, ``slug``, ``status`` and ``links`` added; empty properties are absent, as in the records.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from openingup.catalogue.models import DataService, Dataset, Distribution
from openingup.catalogue.records import data_service_record, dataset_record, distribution_record
from openingup.organisations.models import ApiToken, Organisation

RDF_FORMATS = ("ttl", "jsonld", "rdf")


def dataset_links(dataset: Dataset) -> dict[str, str]:
    """The dataset's page and its DCAT-AP twins, as the web shell routes them, under the base URL."""
    links = {"html": settings.BASE_URL + reverse("web:dataset", kwargs={"slug": dataset.slug})}
    for fmt in RDF_FORMATS:
        links[fmt] = settings.BASE_URL + reverse(
            "web:dataset-twin", kwargs={"slug": dataset.slug, "fmt": fmt}
        )
    return links


def distribution_out(distribution: Distribution, dataset: Dataset | None = None) -> dict[str, Any]:
    record = distribution_record(distribution)
    record["id"] = str(distribution.pk)
    record["dataset"] = (dataset or distribution.dataset).slug
    return record


def dataset_out(dataset: Dataset) -> dict[str, Any]:
    rows = list(dataset.distributions.all())
    record = dataset_record(dataset, distributions=rows)
    record.update(
        id=str(dataset.pk),
        slug=dataset.slug,
        status=dataset.status,
        publisher=dataset.publisher.slug if dataset.publisher else None,
        links=dataset_links(dataset),
        distributions=[distribution_out(d, dataset) for d in rows],
    )
    return record


def data_service_out(service: DataService) -> dict[str, Any]:
    record = data_service_record(service)
    record.update(
        id=str(service.pk),
        slug=service.slug,
        status=service.status,
        publisher=service.publisher.slug if service.publisher else None,
    )
    return record


def organisation_out(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": str(organisation.pk),
        "slug": organisation.slug,
        "kind": organisation.kind,
        "name": organisation.name or {},
        "description": organisation.description or {},
        "uri": organisation.agent_uri,
        "publisher_type": organisation.publisher_type,
        "homepage": organisation.homepage,
        "email": organisation.email,
        "parent": organisation.parent.slug if organisation.parent else None,
    }


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": str(token.pk),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }
