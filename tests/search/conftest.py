"""Datasets for the search tests, written through the ORM and indexed through the search services."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue.models import Dataset, Distribution
from openingup.organisations.models import Organisation
from openingup.search import services


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(slug="noord", name={"nl": "Gemeente Noord"})


@pytest.fixture
def other_org(db: None) -> Organisation:
    return Organisation.objects.create(slug="zuid", name={"nl": "Gemeente Zuid"})


@pytest.fixture
def make(org: Organisation) -> Any:
    counter = iter(range(10_000))

    def build(
        title: dict[str, str],
        *,
        publisher: Organisation | None = None,
        status: str = "published",
        formats: tuple[str, ...] = (),
        licence: str = "",
        index: bool = True,
        **fields: Any,
    ) -> Dataset:
        n = next(counter)
        dataset = Dataset.objects.create(
            slug=fields.pop("slug", f"dataset-{n}"),
            title=title,
            status=status,
            publisher=publisher or org,
            modified=fields.pop("modified", f"2024-01-{n % 28 + 1:02d}"),
            **fields,
        )
        for i, fmt in enumerate(formats):
            Distribution.objects.create(dataset=dataset, position=i, format=fmt, licence=licence)
        if index:
            services.index_dataset(dataset.pk)
        return dataset

    return build
