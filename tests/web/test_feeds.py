"""The paged DCAT-AP catalogue feeds and downloads of uploaded files."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

from openingup.catalogue import records
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from tests.web.conftest import make_dataset

pytestmark = pytest.mark.django_db

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = [
    ("ttl", "turtle", "text/turtle; charset=utf-8"),
    ("rdf", "xml", "application/rdf+xml"),
    ("jsonld", "json-ld", "application/ld+json"),
]


def fetch(client: Any, url: str, parser: str) -> tuple[Any, rdflib.Graph]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode()
    return response, rdflib.Graph().parse(data=body, format=parser)


@pytest.fixture
def five(organisation: Organisation, settings: Any) -> list[Dataset]:
    settings.CATALOGUE_PAGE_SIZE = 2
    return [make_dataset(organisation, f"Dataset number {n}") for n in range(5)]


@pytest.mark.parametrize(("ext", "parser", "content_type"), FORMATS)
def test_walking_next_visits_every_dataset_once(
    client: Any, five: list[Dataset], draft: Dataset, ext: str, parser: str, content_type: str
) -> None:
    url: str | None = f"/catalog.{ext}"
    seen: list[str] = []
    pages = 0
    while url:
        response, graph = fetch(client, url, parser)
        assert response["Content-Type"] == content_type
        pages += 1
        seen += [str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)]
        assert int(next(graph.objects(None, HYDRA.totalItems))) == 5
        view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
        assert str(next(graph.objects(view, HYDRA.last))).endswith(f"/catalog.{ext}?page=3")
        following = next(graph.objects(view, HYDRA.next), None)
        url = None
        if following is not None:
            parts = urlsplit(str(following))
            url = f"{parts.path}?{parts.query}"
    assert pages == 3
    assert sorted(seen) == sorted(records.dataset_uri(d) for d in five)
    assert records.dataset_uri(draft) not in seen


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", ""])
def test_a_bad_page_is_a_clear_400(client: Any, db: None, page: str) -> None:
    response = client.get("/catalog.ttl", {"page": page})

    assert response.status_code == 400
    assert "page must be a whole number of 1 or more" in response.content.decode()


def test_a_page_past_the_last_is_404_and_an_empty_catalogue_has_one_page(client: Any, db: None) -> None:
    assert client.get("/catalog.ttl", {"page": "1"}).status_code == 200
    response = client.get("/catalog.ttl", {"page": "2"})
    assert response.status_code == 404
    assert "the last page is 1" in response.content.decode()


def test_a_bad_modified_since_is_a_clear_400(client: Any, db: None) -> None:
    response = client.get("/catalog.ttl", {"modified_since": "last tuesday"})

    assert response.status_code == 400
    assert "modified_since must be an ISO 8601 date or date-time" in response.content.decode()


@pytest.mark.parametrize("since", ["2000-01-01", "2000-01-01T00:00:00Z", "2000-01-01T00:00:00", "2999-01-01"])
def test_modified_since_selects_recent_changes(client: Any, dataset: Dataset, since: str) -> None:
    _response, graph = fetch(client, f"/catalog.ttl?modified_since={since}", "turtle")

    found = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(found) == (0 if since.startswith("2999") else 1)


def test_the_catalogue_uri_negotiates(client: Any, db: None) -> None:
    turtle = client.get("/catalog", headers={"accept": "text/turtle"})
    page = client.get("/catalog", headers={"accept": "text/html"})

    assert turtle.status_code == 303 and turtle["Location"] == "/catalog.ttl"
    assert page.status_code == 200 and "Catalogue feeds" in page.content.decode()


def test_download_serves_the_uploaded_file(client: Any, dataset: Dataset) -> None:
    distribution = dataset.distributions.get()
    path = urlsplit(distribution.download_url[0]).path

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="trees.csv"'
    assert b"".join(response.streaming_content) == b"id,species\n1,oak\n"


def test_download_of_a_draft_is_not_found(client: Any, editor_client: Any, draft: Dataset) -> None:
    path = urlsplit(draft.distributions.get().download_url[0]).path

    assert editor_client.get(path).status_code == 200
    editor_client.logout()
    assert client.get(path).status_code == 404


def test_distribution_uri_leads_to_its_row(client: Any, dataset: Dataset) -> None:
    distribution = dataset.distributions.get()

    response = client.get(f"/distributions/{distribution.pk}")

    assert response.status_code == 303
    assert response["Location"] == f"/datasets/{dataset.slug}/#distribution-{distribution.pk}"
