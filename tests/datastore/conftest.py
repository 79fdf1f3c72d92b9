"""Fixtures of the datastore tests: a published dataset and ``load`` to ingest content synchronously."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Distribution
from openingup.datastore import reading, services
from openingup.datastore.models import Table
from openingup.organisations.models import Membership, Organisation


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    reading.clear_cache()


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(slug="haven", name={"nl": "Gemeente Haven"})


@pytest.fixture
def editor(org: Organisation) -> Any:
    user = get_user_model().objects.create_user("ds-editor", password="x" * 12)
    Membership.objects.create(user=user, organisation=org, role="editor")
    return user


@pytest.fixture
def dataset(org: Organisation, editor: Any) -> Dataset:
    ds = catalogue.create_dataset(
        actor=editor, publisher=org, data={"title": {"en": "Spending"}, "description": {"en": "All of it"}}
    )
    Dataset.objects.filter(pk=ds.pk).update(status="published")
    ds.refresh_from_db()
    return ds


Loader = Callable[..., Table]


@pytest.fixture
def load(dataset: Dataset, editor: Any) -> Loader:
    """``load(name, content, distribution=None)`` uploads content and ingests it; returns the new version."""

    def _load(name: str, content: bytes, distribution: Distribution | None = None) -> Table:
        upload = SimpleUploadedFile(name, content)
        if distribution is None:
            distribution = catalogue.add_distribution(actor=editor, dataset=dataset, data={}, upload=upload)
        else:
            distribution = catalogue.update_distribution(
                actor=editor, distribution=distribution, data={}, upload=upload
            )
        table = services.ingest_distribution(distribution)
        assert table is not None
        return table

    return _load
