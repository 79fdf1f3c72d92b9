"""Catalogue services: validation before writing, permissions, history, publication checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.catalogue import services
from openingup.catalogue.models import Change, DataService, Dataset, Distribution, Status
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.exchange.dcat.fields import CLASSES
from openingup.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def org() -> Organisation:
    return Organisation.objects.create(slug="noord", name={"nl": "Gemeente Noord"})


@pytest.fixture
def editor(org: Organisation) -> Any:
    user = get_user_model().objects.create_user("editor", password="x" * 12)
    Membership.objects.create(user=user, organisation=org, role="editor")
    return user


def _data(**extra: Any) -> dict[str, Any]:
    return {"title": {"nl": "Bomen", "en": "Trees"}, "description": {"nl": "Alle bomen"}, **extra}


@pytest.mark.parametrize("kind", ["dataset", "distribution", "data_service", "dataset_series", "catalogue"])
def test_every_table_property_has_a_column(kind: str) -> None:
    from openingup.catalogue import models

    model = {
        "dataset": models.Dataset,
        "distribution": models.Distribution,
        "data_service": models.DataService,
        "dataset_series": models.DatasetSeries,
        "catalogue": models.Catalogue,
    }[kind]
    columns = {f.name for f in model._meta.get_fields()}
    missing = [p.name for p in CLASSES[kind][1] if p.name not in columns]
    assert not missing


def test_create_records_history_and_mints_dates(editor: Any, org: Organisation) -> None:
    dataset = services.create_dataset(
        actor=editor, publisher=org, data=_data(keywords={"nl": ["eik", "beuk"]})
    )
    assert dataset.status == Status.DRAFT and dataset.slug == "bomen"
    assert dataset.keywords == {"nl": ["beuk", "eik"]}
    assert dataset.issued and dataset.modified
    services.update_dataset(actor=editor, dataset=dataset, data={"title": {"nl": "Bomenkaart"}})
    changes = list(Change.objects.filter(resource_id=dataset.pk).order_by("id"))
    assert [c.action for c in changes] == ["created", "updated"]
    assert changes[1].changes["title"] == [{"nl": "Bomen", "en": "Trees"}, {"nl": "Bomenkaart"}]
    assert changes[1].actor == editor


@pytest.mark.parametrize(
    ("data", "field", "needle"),
    [
        (_data(title={"en": "x" * 100_000}), "title", "100,000 characters"),
        (_data(title={}), "title", "required"),
        (_data(themes=[EU + "data-theme/NOPE"]), "themes", "not in the EU data-theme"),
        (_data(frequency="https://example.org/weekly"), "frequency", "frequency"),
        (_data(issued="yesterday"), "issued", "ISO 8601"),
        (_data(landing_page=["javascript:alert(1)"]), "landing_page", "not an absolute"),
        (_data(contact_points=[{"fn": {"nl": "A"}, "evil": 1}]), "contact_points", "not a property"),
        (_data(title={"<script>": "x"}), "title", "not a language code"),
        (_data(colour="red"), "colour", "not a DCAT-AP property"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    editor: Any, org: Organisation, data: dict[str, Any], field: str, needle: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        services.create_dataset(actor=editor, publisher=org, data=data)
    assert any(p.field == field and needle in p.problem for p in raised.value.problems), raised.value.problems
    assert Dataset.objects.count() == 0 and Change.objects.count() == 0


def test_unknown_licence_uri_on_a_distribution_is_refused(editor: Any, org: Organisation) -> None:
    dataset = services.create_dataset(actor=editor, publisher=org, data=_data())
    with pytest.raises(InvalidInput) as raised:
        services.add_distribution(
            actor=editor,
            dataset=dataset,
            data={"access_url": ["https://x.test/f.csv"], "licence": "https://licences.example/mine"},
        )
    assert raised.value.problems[0].field == "licence"
    assert Distribution.objects.count() == 0


def test_markup_is_stored_verbatim(editor: Any, org: Organisation) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    dataset = services.create_dataset(actor=editor, publisher=org, data=_data(title={"en": evil}))
    assert dataset.title == {"en": evil}


def test_permissions(org: Organisation, editor: Any) -> None:
    other_org = Organisation.objects.create(slug="zuid", name={"nl": "Zuid"})
    viewer = get_user_model().objects.create_user("viewer", password="x" * 12)
    Membership.objects.create(user=viewer, organisation=org, role="viewer")
    with pytest.raises(PermissionDenied):
        services.create_dataset(actor=viewer, publisher=org, data=_data())
    with pytest.raises(PermissionDenied):
        services.create_dataset(actor=editor, publisher=other_org, data=_data())
    dept = Organisation.objects.create(slug="noord-mobiliteit", name={"nl": "Mobiliteit"}, parent=org)
    assert services.create_dataset(actor=editor, publisher=dept, data=_data()).publisher == dept


def test_upload_over_the_limit_is_refused(editor: Any, org: Organisation, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    dataset = services.create_dataset(actor=editor, publisher=org, data=_data())
    with pytest.raises(InvalidInput, match="larger than the limit"):
        services.add_distribution(
            actor=editor, dataset=dataset, data={}, upload=SimpleUploadedFile("big.csv", b"a,b\n" * 10)
        )
    assert Distribution.objects.count() == 0


def test_upload_mints_urls_checksum_and_format(editor: Any, org: Organisation) -> None:
    import hashlib

    dataset = services.create_dataset(actor=editor, publisher=org, data=_data())
    content = b"id,name\n1,eik\n"
    dist = services.add_distribution(
        actor=editor, dataset=dataset, data={}, upload=SimpleUploadedFile("bomen.csv", content)
    )
    assert dist.byte_size == len(content)
    assert dist.checksum == {
        "algorithm": "https://spdx.org/rdf/terms#checksumAlgorithm_sha256",
        "value": hashlib.sha256(content).hexdigest(),
    }
    assert dist.access_url == dist.download_url and dist.access_url[0].endswith("/bomen.csv")
    assert dist.format == EU + "file-type/CSV"


def test_publish_requires_dcat_ap_and_reports_problems(editor: Any, org: Organisation) -> None:
    dataset = services.create_dataset(
        actor=editor, publisher=org, data={"title": {"nl": "Zonder beschrijving"}}
    )
    with pytest.raises(InvalidInput) as raised:
        services.publish_dataset(actor=editor, dataset=dataset)
    assert any("description" in p.problem for p in raised.value.problems)
    services.update_dataset(actor=editor, dataset=dataset, data={"description": {"nl": "Nu wel"}})
    assert services.publish_dataset(actor=editor, dataset=dataset).status == Status.PUBLISHED
    assert services.archive_dataset(actor=editor, dataset=dataset).status == Status.ARCHIVED


def test_data_service_crud(editor: Any, org: Organisation) -> None:
    service = services.create_data_service(
        actor=editor, publisher=org, data={"title": {"en": "API"}, "endpoint_url": ["https://x.test/api"]}
    )
    services.update_data_service(actor=editor, service=service, data={"description": {"en": "The API"}})
    service.refresh_from_db()
    assert service.description == {"en": "The API"}
    services.delete_data_service(actor=editor, service=service)
    assert DataService.objects.count() == 0
