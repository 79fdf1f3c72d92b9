"""Data services on the web: the public pages and twins, the editor pages, the distribution's access
service, and a high-value dataset published from start to end through the web."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from openingup.catalogue import records
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import DataService, Dataset
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.web.conftest import CC_BY, make_dataset

pytestmark = pytest.mark.django_db

ADDRESSES = "http://data.europa.eu/bna/c_ac64a52d"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


def text(response: Any) -> str:
    return response.content.decode()


def make_service(organisation: Organisation, title: str = "Trees API", **extra: Any) -> DataService:
    data = {
        "title": {"en": title, "nl": f"{title} (nl)"},
        "description": {"en": "Every tree, one request away."},
        "endpoint_url": ["https://api.example.org/trees"],
        "endpoint_description": ["https://api.example.org/openapi.json"],
        "licence": CC_BY,
        "contact_points": [{"fn": {"": "API desk"}, "email": "mailto:api@example.org"}],
        **extra,
    }
    return catalogue.create_data_service(actor=None, publisher=organisation, data=data)


def service_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "publisher": "example",
        "title_en": "Open data API",
        "title_nl": "Open data-API",
        "description_en": "The REST API of the catalogue.",
        "endpoint_url": "https://api.example.org/v1\n\n https://api.example.org/v2 ",
        "endpoint_description": "https://api.example.org/openapi.json",
        "licence": CC_BY,
        "access_rights": PUBLIC,
        "contact_name": "API desk",
        "contact_email": "api@example.org",
        "documentation": "https://example.org/api-docs",
    }
    data.update(overrides)
    return data


# ----------------------------------------------------------------------------- public pages


def test_the_list_shows_public_services(client: Any, organisation: Organisation, dataset: Dataset) -> None:
    make_service(organisation, serves_dataset=[records.dataset_uri(dataset)])

    page = text(client.get("/data-services/"))

    assert 'href="/data-services/trees-api/"' in page and "Trees API" in page
    assert "Serves 1 dataset" in page
    assert 'href="/data-services/new/"' not in page  # not for visitors
    assert 'href="/data-services/" aria-current="page"' in page


def test_the_page_shows_the_service_and_resolves_served_datasets(
    client: Any, organisation: Organisation, dataset: Dataset, draft: Dataset
) -> None:
    elsewhere = "https://other.example/datasets/7"
    make_service(
        organisation,
        serves_dataset=[records.dataset_uri(dataset), records.dataset_uri(draft), elsewhere],
        hvd_categories=[ADDRESSES],
        applicable_legislation=[HVD_LEGISLATION],
    )

    page = text(client.get("/data-services/trees-api/"))

    assert "<h1>Trees API</h1>" in page and "Every tree, one request away." in page
    assert '<a href="https://api.example.org/trees">' in page
    assert '<a href="https://api.example.org/openapi.json">' in page
    assert f'<a href="/datasets/{dataset.slug}/">Trees in the city</a>' in page
    # A draft is not revealed to visitors: only its IRI shows, never its title.
    draft_uri = records.dataset_uri(draft)
    assert "Draft benches" not in page and f'<a href="{draft_uri}">{draft_uri}</a>' in page
    assert f'<a href="{elsewhere}">{elsewhere}</a>' in page
    assert "Creative Commons Attribution 4.0 International" in page
    assert ">Geospatial</li>" in page and "API desk" in page and "mailto:api@example.org" in page
    assert 'rel="alternate" type="text/turtle" href="/data-services/trees-api.ttl"' in page
    assert "/data-services/trees-api/edit/" not in page


def test_members_see_their_drafts_named(
    viewer_client: Any, organisation: Organisation, draft: Dataset
) -> None:
    make_service(organisation, serves_dataset=[records.dataset_uri(draft)])

    assert f'<a href="/datasets/{draft.slug}/">Draft benches</a>' in text(
        viewer_client.get("/data-services/trees-api/")
    )


def test_an_unknown_service_is_not_found(client: Any) -> None:
    assert client.get("/data-services/nothing/").status_code == 404
    assert client.get("/data-services/nothing.ttl").status_code == 404


@pytest.mark.parametrize(
    ("ext", "content_type", "parser"),
    [
        ("ttl", "text/turtle; charset=utf-8", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdf", "application/rdf+xml", "xml"),
    ],
)
def test_rdf_twins_describe_the_service(
    client: Any, organisation: Organisation, dataset: Dataset, ext: str, content_type: str, parser: str
) -> None:
    service = make_service(organisation, serves_dataset=[records.dataset_uri(dataset)])

    response = client.get(f"/data-services/{service.slug}.{ext}")

    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Access-Control-Allow-Origin"] == "*"
    graph = rdflib.Graph().parse(data=response.content.decode(), format=parser)
    subject = rdflib.URIRef(records.data_service_uri(service))
    assert (subject, RDF.type, DCAT.DataService) in graph
    assert (subject, DCAT.endpointURL, rdflib.URIRef("https://api.example.org/trees")) in graph
    assert (subject, DCAT.servesDataset, rdflib.URIRef(records.dataset_uri(dataset))) in graph
    assert rdflib.Literal("Trees API", lang="en") in set(graph.objects(subject, DCTERMS.title))


def test_the_json_twin_is_the_record(client: Any, organisation: Organisation) -> None:
    service = make_service(organisation)

    response = client.get(f"/data-services/{service.slug}.json")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == json.loads(json.dumps(records.data_service_record(service)))


def test_the_service_uri_negotiates(client: Any, organisation: Organisation) -> None:
    service = make_service(organisation)
    uri_path = f"/data-services/{service.slug}"

    html = client.get(uri_path, headers={"accept": "text/html"})
    turtle = client.get(uri_path, headers={"accept": "text/turtle"})
    page_as_json = client.get(f"{uri_path}/", headers={"accept": "application/ld+json"})

    assert html.status_code == 303 and html["Location"] == f"{uri_path}/"
    assert turtle.status_code == 200 and turtle["Content-Type"].startswith("text/turtle")
    assert page_as_json["Content-Type"] == "application/ld+json"
    assert "Accept" in html["Vary"] and "Accept" in turtle["Vary"]


# ----------------------------------------------------------------------------- editor pages


@pytest.mark.parametrize(
    "url", ["/data-services/new/", "/data-services/{slug}/edit/", "/data-services/{slug}/delete/"]
)
def test_only_editors_of_the_publisher_may_change_services(
    client: Any, organisation: Organisation, viewer: Any, user: Any, url: str
) -> None:
    service = make_service(organisation)
    address = url.format(slug=service.slug)

    assert client.get(address)["Location"].startswith("/login/?next=")
    for person in (viewer, user):
        client.force_login(person)
        assert client.get(address).status_code == 403
    assert client.post(address, service_form()).status_code == 403
    assert DataService.objects.get() == service


def test_an_editor_creates_a_service_serving_their_datasets(
    editor_client: Any, editor: Any, organisation: Organisation, dataset: Dataset, admin_user_: Any
) -> None:
    other = organisations.create_organisation(actor=admin_user_, name={"en": "Other town"}, slug="other")
    foreign = make_dataset(other, "Foreign benches")
    page = text(editor_client.get("/data-services/new/"))
    assert f'<option value="{records.dataset_uri(dataset)}">Trees in the city</option>' in page
    assert "Foreign benches" not in page and 'name="title_da"' in page

    response = editor_client.post(
        "/data-services/new/",
        service_form(serves_dataset=[records.dataset_uri(dataset)], hvd_categories=[ADDRESSES]),
    )

    service = DataService.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data-services/{service.slug}/"
    assert service.publisher == organisation and service.status == "published"
    assert service.title == {"en": "Open data API", "nl": "Open data-API"}
    assert service.endpoint_url == ["https://api.example.org/v1", "https://api.example.org/v2"]
    assert service.endpoint_description == ["https://api.example.org/openapi.json"]
    assert service.serves_dataset == [records.dataset_uri(dataset)]
    assert service.licence == CC_BY and service.access_rights == PUBLIC
    assert service.contact_points == [{"email": "mailto:api@example.org", "fn": {"": "API desk"}}]
    assert service.documentation == ["https://example.org/api-docs"]
    assert service.hvd_categories == [ADDRESSES] and service.applicable_legislation == [HVD_LEGISLATION]
    assert "The data service was saved" in text(editor_client.get(response["Location"]))
    assert records.dataset_uri(foreign) not in service.serves_dataset


def test_a_service_needs_a_title_and_good_endpoints(editor_client: Any, organisation: Organisation) -> None:
    response = editor_client.post(
        "/data-services/new/",
        service_form(title_en="", title_nl="", endpoint_url="ftp://files.example.org/\njavascript:alert(1)"),
    )

    page = text(response)
    assert response.status_code == 200 and not DataService.objects.exists()
    assert "There is a problem" in page
    assert 'href="#id_title_en"' in page and 'href="#id_endpoint_url"' in page
    assert "“ftp://files.example.org/” is not a web address (http or https)." in page
    assert re.search(
        r'<textarea[^>]*aria-invalid="true"[^>]*name="endpoint_url"|<textarea[^>]*name="endpoint_url"[^>]*aria-invalid="true"',
        page,
    )

    empty = text(editor_client.post("/data-services/new/", service_form(endpoint_url="  \n")))
    assert "Give at least one endpoint URL." in empty and not DataService.objects.exists()


def test_a_service_may_not_serve_another_publishers_datasets(
    client: Any, admin_user_: Any, organisation: Organisation, dataset: Dataset
) -> None:
    """An editor of two organisations chooses among both, but a service serves its own publisher's."""
    other = organisations.create_organisation(actor=admin_user_, name={"en": "Other town"}, slug="other")
    theirs = make_dataset(other, "Benches of elsewhere")
    person = organisations.create_user(username="two-hats", password="correct-horse-battery-staple")
    for org in (organisation, other):
        organisations.add_member(actor=admin_user_, organisation=org, user=person, role="editor")
    client.force_login(person)
    page = text(client.get("/data-services/new/"))
    assert '<optgroup label="Other town">' in page and "Benches of elsewhere" in page

    response = client.post("/data-services/new/", service_form(serves_dataset=[records.dataset_uri(theirs)]))

    assert 'id="id_serves_dataset_error"' in text(response) and not DataService.objects.exists()
    client.post(
        "/data-services/new/", service_form(publisher="other", serves_dataset=[records.dataset_uri(theirs)])
    )
    assert DataService.objects.get().serves_dataset == [records.dataset_uri(theirs)]


def test_an_editor_edits_a_service_and_keeps_iris_the_form_does_not_offer(
    editor_client: Any, organisation: Organisation, dataset: Dataset
) -> None:
    elsewhere = "https://other.example/datasets/7"
    service = make_service(
        organisation,
        serves_dataset=[elsewhere],
        hvd_categories=[ADDRESSES],
        applicable_legislation=[HVD_LEGISLATION],
    )
    page = text(editor_client.get(f"/data-services/{service.slug}/edit/"))
    assert 'value="Trees API"' in page and "https://api.example.org/trees</textarea>" in page
    assert f"<code>{elsewhere}</code>" in page and 'name="publisher"' not in page

    response = editor_client.post(
        f"/data-services/{service.slug}/edit/",
        service_form(
            title_en="Trees API v2", serves_dataset=[records.dataset_uri(dataset)], hvd_categories=[]
        ),
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title["en"] == "Trees API v2" and service.slug == "trees-api"
    assert sorted(service.serves_dataset) == sorted([elsewhere, records.dataset_uri(dataset)])
    assert service.hvd_categories == [] and service.applicable_legislation == []
    assert service.endpoint_url == ["https://api.example.org/v1", "https://api.example.org/v2"]


def test_an_editor_deletes_a_service(
    editor_client: Any, organisation: Organisation, dataset: Dataset
) -> None:
    service = make_service(organisation, serves_dataset=[records.dataset_uri(dataset)])
    page = text(editor_client.get(f"/data-services/{service.slug}/delete/"))
    assert "cannot be undone" in page and "high-value datasets among them" in page

    response = editor_client.post(f"/data-services/{service.slug}/delete/")

    assert response.status_code == 302 and response["Location"] == "/data-services/"
    assert not DataService.objects.exists()
    assert "was deleted" in text(editor_client.get("/data-services/"))


@pytest.mark.parametrize(("lang", "heading"), [("de", "Datendienste"), ("fr", "Services de données")])
def test_the_pages_speak_the_visitors_language(
    client: Any, organisation: Organisation, lang: str, heading: str
) -> None:
    make_service(organisation)

    listing = text(client.get("/data-services/", headers={"accept-language": lang}))

    assert f"<h1>{heading}</h1>" in listing
