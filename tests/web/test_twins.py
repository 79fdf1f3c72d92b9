"""Machine-readable twins of the dataset page, by extension and by content negotiation."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from openingup.catalogue import records
from openingup.catalogue.models import Dataset

pytestmark = pytest.mark.django_db


def vary(response: Any) -> list[str]:
    return [part.strip() for part in response["Vary"].split(",")]


RDF_TWINS = [
    ("ttl", "text/turtle; charset=utf-8", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("rdf", "application/rdf+xml", "xml"),
]


@pytest.mark.parametrize(("ext", "content_type", "parser"), RDF_TWINS)
def test_rdf_twins_parse_and_describe_the_dataset(
    client: Any, dataset: Dataset, ext: str, content_type: str, parser: str
) -> None:
    response = client.get(f"/datasets/{dataset.slug}.{ext}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    graph = rdflib.Graph().parse(data=response.content.decode(), format=parser)
    subject = rdflib.URIRef(records.dataset_uri(dataset))
    assert (subject, RDF.type, DCAT.Dataset) in graph
    assert rdflib.Literal("Trees in the city", lang="en") in set(graph.objects(subject, DCTERMS.title))
    assert len(list(graph.objects(subject, DCAT.distribution))) == 1


def test_json_twin_is_the_record(client: Any, dataset: Dataset) -> None:
    response = client.get(f"/datasets/{dataset.slug}.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == json.loads(json.dumps(records.dataset_record(dataset)))
    assert json.loads(response.content)["title"]["en"] == "Trees in the city"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8"),
        ("text/html;q=0.5, text/turtle", "text/turtle; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        ("image/png", "text/html; charset=utf-8"),
    ],
)
def test_content_negotiation_on_the_dataset_page(
    client: Any, dataset: Dataset, accept: str, content_type: str
) -> None:
    response = client.get(f"/datasets/{dataset.slug}/", headers={"accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Accept" in vary(response)


def test_the_dataset_uri_gives_rdf_or_sends_people_to_the_page(client: Any, dataset: Dataset) -> None:
    turtle = client.get(f"/datasets/{dataset.slug}", headers={"accept": "text/turtle"})
    html = client.get(f"/datasets/{dataset.slug}", headers={"accept": "text/html"})

    assert turtle.status_code == 200 and turtle["Content-Type"] == "text/turtle; charset=utf-8"
    rdflib.Graph().parse(data=turtle.content.decode(), format="turtle")
    assert html.status_code == 303 and html["Location"] == f"/datasets/{dataset.slug}/"
    assert "Accept" in vary(turtle) and "Accept" in vary(html)


@pytest.mark.parametrize("url", ["/datasets/{slug}.ttl", "/datasets/{slug}.json", "/datasets/{slug}"])
def test_twins_of_drafts_are_not_found(client: Any, draft: Dataset, url: str) -> None:
    assert client.get(url.format(slug=draft.slug), headers={"accept": "text/turtle"}).status_code == 404


def test_members_get_twins_of_their_drafts(editor_client: Any, draft: Dataset) -> None:
    assert editor_client.get(f"/datasets/{draft.slug}.ttl").status_code == 200


def test_head_requests_are_answered(client: Any, dataset: Dataset) -> None:
    for url in (f"/datasets/{dataset.slug}/", f"/datasets/{dataset.slug}.ttl", "/catalog.ttl", "/datasets/"):
        assert client.head(url).status_code == 200, url
