"""Fixtures for the web shell: an organisation, its editor and viewer, a published dataset with a file.

Everything is made through the organisations and catalogue services, as the pages themselves do.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.conftest import PASSWORD

CC_BY = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
CSV = "http://publications.europa.eu/resource/authority/file-type/CSV"
ENVIRONMENT = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


@pytest.fixture
def organisation(admin_user_: Any) -> Organisation:
    return organisations.create_organisation(
        actor=admin_user_,
        name={"en": "City of Example", "nl": "Gemeente Voorbeeld"},
        kind="municipality",
        slug="example",
        email="data@example.org",
    )


@pytest.fixture
def department(admin_user_: Any, organisation: Organisation) -> Organisation:
    return organisations.create_organisation(
        actor=admin_user_,
        name={"en": "Parks department", "nl": "Afdeling Parken"},
        kind="department",
        slug="parks",
        parent=organisation,
    )


def _member(admin: Any, organisation: Organisation, username: str, role: str) -> Any:
    person = organisations.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    organisations.add_member(actor=admin, organisation=organisation, user=person, role=role)
    return person


@pytest.fixture
def editor(admin_user_: Any, organisation: Organisation) -> Any:
    return _member(admin_user_, organisation, "eddie", "editor")


@pytest.fixture
def viewer(admin_user_: Any, organisation: Organisation) -> Any:
    return _member(admin_user_, organisation, "vera", "viewer")


@pytest.fixture
def editor_client(client: Any, editor: Any) -> Any:
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client: Any, viewer: Any) -> Any:
    client.force_login(viewer)
    return client


def dataset_data(title: str = "Trees in the city", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": {"en": title, "nl": f"{title} (nl)"},
        "description": {"en": f"Every {title.lower()}, with species and height.", "nl": "Alle bomen."},
        "keywords": {"en": ["trees", "green"], "nl": ["bomen"]},
        "themes": [ENVIRONMENT],
        "frequency": ANNUAL,
        "contact_points": [{"fn": {"": "Data desk"}, "email": "mailto:data@example.org"}],
        "temporal": [{"start": "2020-01-01", "end": "2024-12-31"}],
    }
    data.update(extra)
    return data


def make_dataset(
    organisation: Organisation, title: str = "Trees in the city", *, publish: bool = True, **extra: Any
) -> Dataset:
    dataset = catalogue.create_dataset(actor=None, publisher=organisation, data=dataset_data(title, **extra))
    catalogue.add_distribution(
        actor=None,
        dataset=dataset,
        data={"title": {"en": "Trees as CSV"}, "licence": CC_BY},
        upload=SimpleUploadedFile("trees.csv", b"id,species\n1,oak\n", content_type="text/csv"),
    )
    if publish:
        dataset = catalogue.publish_dataset(actor=None, dataset=dataset)
    return dataset


@pytest.fixture
def dataset(organisation: Organisation) -> Dataset:
    return make_dataset(organisation)


@pytest.fixture
def draft(organisation: Organisation) -> Dataset:
    return make_dataset(organisation, "Draft benches", publish=False)
