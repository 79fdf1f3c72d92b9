"""Catalogue rows ↔ exchange records (plain dicts keyed by the DCAT-AP property table)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model

from openingup.catalogue.models import Catalogue, DataService, Dataset, DatasetSeries, Distribution
from openingup.exchange.dcat.fields import (
    CATALOGUE,
    DATA_SERVICE,
    DATASET,
    DATASET_SERIES,
    DISTRIBUTION,
    Prop,
)
from openingup.organisations.queries import agent


def dataset_uri(dataset: Dataset) -> str:
    return dataset.uri or f"{settings.BASE_URL}/datasets/{dataset.slug}"


def distribution_uri(distribution: Distribution) -> str:
    return distribution.uri or f"{settings.BASE_URL}/distributions/{distribution.pk}"


def data_service_uri(service: DataService) -> str:
    return service.uri or f"{settings.BASE_URL}/data-services/{service.slug}"


def series_uri(series: DatasetSeries) -> str:
    return series.uri or f"{settings.BASE_URL}/series/{series.slug}"


def catalogue_uri() -> str:
    return f"{settings.BASE_URL}/catalog"


def _fields(table: tuple[Prop, ...], row: Model) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for prop in table:
        if prop.name == "publisher":
            publisher = getattr(row, "publisher", None)
            if publisher is not None:
                record["publisher"] = agent(publisher)
            continue
        value = getattr(row, prop.name)
        if value not in (None, "", [], {}):
            record[prop.name] = value
    return record


def distribution_record(distribution: Distribution) -> dict[str, Any]:
    record = _fields(DISTRIBUTION, distribution)
    record["uri"] = distribution_uri(distribution)
    return record


def dataset_record(dataset: Dataset, *, distributions: list[Distribution] | None = None) -> dict[str, Any]:
    """The dataset with its distributions; pass ``distributions`` when already fetched."""
    record = _fields(DATASET, dataset)
    record["uri"] = dataset_uri(dataset)
    rows = distributions if distributions is not None else list(dataset.distributions.all())
    record["distributions"] = [distribution_record(d) for d in rows]
    return record


def data_service_record(service: DataService) -> dict[str, Any]:
    record = _fields(DATA_SERVICE, service)
    record["uri"] = data_service_uri(service)
    return record


def series_record(series: DatasetSeries) -> dict[str, Any]:
    record = _fields(DATASET_SERIES, series)
    record["uri"] = series_uri(series)
    return record


def catalogue_record(catalogue: Catalogue) -> dict[str, Any]:
    record = _fields(CATALOGUE, catalogue)
    record["uri"] = catalogue_uri()
    return record
