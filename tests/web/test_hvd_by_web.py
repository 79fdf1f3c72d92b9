"""A high-value dataset published through the web from start to end, and the distribution's access
service, which links a distribution to the data service (API) it can be reached through."""

from __future__ import annotations

from typing import Any

import pytest
import rdflib
from django.core.files.uploadedfile import SimpleUploadedFile
from rdflib.namespace import DCAT

from openingup.catalogue import records
from openingup.catalogue.models import Dataset, Distribution
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.web.conftest import CC_BY, ENVIRONMENT, make_dataset
from tests.web.test_data_services import ADDRESSES, make_service, service_form, text

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- access service


def test_a_distribution_names_its_access_service(
    editor_client: Any, organisation: Organisation, department: Organisation, admin_user_: Any
) -> None:
    """The choice holds the services of the dataset's publisher and of the organisations above it."""
    dataset = make_dataset(department, "Benches in parks")
    service = make_service(organisation)
    other = organisations.create_organisation(actor=admin_user_, name={"en": "Other"}, slug="other")
    make_service(other, "Other API")
    distribution = dataset.distributions.get()
    address = f"/datasets/{dataset.slug}/distributions/{distribution.pk}/edit/"
    page = text(editor_client.get(address))
    assert f'<option value="{records.data_service_uri(service)}">Trees API</option>' in page
    assert "Other API" not in page

    editor_client.post(
        address,
        {"title_en": "Benches", "licence": CC_BY, "access_service": records.data_service_uri(service)},
    )
    distribution.refresh_from_db()
    assert distribution.access_services == [records.data_service_uri(service)]
    assert f'<option value="{records.data_service_uri(service)}" selected>' in text(
        editor_client.get(address)
    )

    editor_client.post(address, {"title_en": "Benches", "licence": CC_BY, "access_service": ""})
    distribution.refresh_from_db()
    assert distribution.access_services == []


def test_without_services_an_hvd_dataset_points_to_creating_one(
    editor_client: Any, organisation: Organisation
) -> None:
    dataset = make_dataset(organisation, "Addresses", publish=False, hvd_categories=[ADDRESSES])

    page = text(editor_client.get(f"/datasets/{dataset.slug}/distributions/new/"))

    assert 'name="access_service"' not in page
    assert 'href="/data-services/new/"' in page


# ----------------------------------------------------------------------------- end to end


def test_a_high_value_dataset_is_published_entirely_through_the_web(
    editor_client: Any, organisation: Organisation
) -> None:
    created = editor_client.post(
        "/datasets/new/",
        {
            "publisher": "example",
            "title_en": "Addresses",
            "description_en": "Every address in the municipality.",
            "themes": [ENVIRONMENT],
            "licence": CC_BY,
            "contact_name": "Data desk",
            "contact_email": "data@example.org",
            "hvd_categories": [ADDRESSES],
        },
    )
    dataset = Dataset.objects.get()
    assert created.status_code == 302 and dataset.applicable_legislation == [HVD_LEGISLATION]

    upload = SimpleUploadedFile("addresses.csv", b"id,street\n1,Main street\n", content_type="text/csv")
    added = editor_client.post(
        f"/datasets/{dataset.slug}/distributions/new/", {"file": upload, "licence": CC_BY}
    )
    assert added.status_code == 302
    assert Distribution.objects.get().applicable_legislation == [HVD_LEGISLATION]

    refused = editor_client.post(f"/datasets/{dataset.slug}/publish/", follow=True)
    assert "The dataset was not published" in text(refused)
    assert "no data service gives access to the high-value dataset" in text(refused)
    assert Dataset.objects.get().status == "draft"

    form_page = text(editor_client.get("/data-services/new/"))
    assert f'<option value="{records.dataset_uri(dataset)}">Addresses (draft)</option>' in form_page
    made = editor_client.post(
        "/data-services/new/",
        service_form(serves_dataset=[records.dataset_uri(dataset)], hvd_categories=[ADDRESSES]),
    )
    assert made.status_code == 302

    published = editor_client.post(f"/datasets/{dataset.slug}/publish/")

    assert published.status_code == 302 and published["Location"] == f"/datasets/{dataset.slug}/"
    assert Dataset.objects.get().status == "published"
    turtle = editor_client.get(f"/datasets/{dataset.slug}.ttl").content.decode()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (None, DCAT.servesDataset, rdflib.URIRef(records.dataset_uri(dataset))) in graph
