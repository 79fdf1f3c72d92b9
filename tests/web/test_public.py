"""Public pages: home, dataset list with facets and paging, dataset page, organisations, login."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from tests.web.conftest import CC_BY, make_dataset

pytestmark = pytest.mark.django_db

TRANSPORT = "http://publications.europa.eu/resource/authority/data-theme/TRAN"


def text(response: Any) -> str:
    return response.content.decode()


def test_home_shows_counts_latest_datasets_and_themes(client: Any, dataset: Dataset, draft: Dataset) -> None:
    response = client.get("/")

    assert response.status_code == 200
    page = text(response)
    assert "Trees in the city" in page
    assert "Draft benches" not in page
    assert (
        'href="/datasets/?theme=http%3A//publications.europa.eu/resource/authority/data-theme/ENVI"' in page
    )
    assert ">Environment</a>" in page
    assert re.search(r"<strong>1</strong>\s*dataset\b", page)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/datasets/",
        "/datasets/trees-in-the-city/",
        "/organisations/",
        "/organisations/example/",
        "/login/",
        "/catalog",
    ],
)
def test_public_pages_answer(client: Any, dataset: Dataset, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = text(response)
    assert '<html lang="en">' in page
    assert 'href="#main"' in page
    assert 'action="/i18n/setlang/"' in page
    assert '<label for="language-select">' in page
    assert 'href="/catalog.ttl"' in page and 'href="/api/v1/openapi.json"' in page


def test_dataset_list_filters_by_text_and_facets(
    client: Any, organisation: Organisation, dataset: Dataset
) -> None:
    make_dataset(organisation, "Bus stops", themes=[TRANSPORT], keywords={"en": ["transport"]})

    everything = text(client.get("/datasets/"))
    by_theme = text(client.get("/datasets/", {"theme": TRANSPORT}))
    by_text = text(client.get("/datasets/", {"q": "trees"}))

    assert "Trees in the city" in everything and "Bus stops" in everything
    assert "Bus stops" in by_theme and "Trees in the city" not in by_theme
    assert "Trees in the city" in by_text and "Bus stops" not in by_text
    assert ">Transport</a>" in everything and ">City of Example</a>" in everything
    assert ">Creative Commons Attribution 4.0 International</a>" in everything
    assert 'aria-current="true"' in by_theme  # the chosen facet value is marked, and removes the filter
    assert "Clear all filters" in by_theme


def test_dataset_list_pages_with_an_offset(client: Any, organisation: Organisation) -> None:
    for n in range(22):
        make_dataset(organisation, f"Counter {n:02d}", publish=False)
    Dataset.objects.update(status="published")

    first = text(client.get("/datasets/"))
    second = text(client.get("/datasets/", {"offset": "20"}))

    assert "Showing 1–20 of 22" in first and 'href="?offset=20"' in first
    assert "Showing 21–22 of 22" in second and 'rel="prev"' in second
    assert text(client.get("/datasets/", {"offset": "nonsense"})).count('class="dataset-item"') == 20


def test_dataset_page_shows_metadata_in_the_active_language(client: Any, dataset: Dataset) -> None:
    page = text(client.get(f"/datasets/{dataset.slug}/"))

    assert "<h1>Trees in the city</h1>" in page
    assert "Every trees in the city, with species and height." in page
    assert '<a href="/organisations/example/">City of Example</a>' in page
    assert 'href="mailto:data@example.org"' in page and "Data desk" in page
    assert "2020-01-01 – 2024-12-31" in page
    assert ">Environment</a>" in page and ">annual<" in page.lower()
    assert ">trees</a>" in page and ">green</a>" in page
    assert "Trees as CSV" in page and ">CSV<" in page and "17\xa0bytes" in page
    assert ">Creative Commons Attribution 4.0 International</a>" in page
    distribution = dataset.distributions.get()
    assert f'href="{distribution.download_url[0]}"' in page
    for media, ext in (
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
    ):
        assert f'<link rel="alternate" type="{media}" href="/datasets/{dataset.slug}.{ext}">' in page
    assert "Change history" not in page and "Editor actions" not in page


def test_dataset_page_in_dutch_uses_dutch_texts_and_vocabulary_labels(client: Any, dataset: Dataset) -> None:
    page = text(client.get(f"/datasets/{dataset.slug}/", headers={"accept-language": "nl"}))

    assert '<html lang="nl">' in page
    assert "<h1>Trees in the city (nl)</h1>" in page
    assert ">Milieu</a>" in page and ">bomen</a>" in page
    assert "Over deze dataset" in page


def test_a_text_missing_in_the_active_language_falls_back_and_says_its_language(
    client: Any, dataset: Dataset
) -> None:
    page = text(client.get(f"/datasets/{dataset.slug}/", headers={"accept-language": "fr"}))

    assert '<h1 lang="en">Trees in the city</h1>' in page


def test_dataset_page_embeds_schema_org(client: Any, dataset: Dataset) -> None:
    page = text(client.get(f"/datasets/{dataset.slug}/"))

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block
    data = json.loads(block.group(1))
    assert data["@type"] == "Dataset" and data["name"] == "Trees in the city"
    assert data["url"].endswith(f"/datasets/{dataset.slug}/")
    assert data["keywords"] == ["green", "trees"]
    assert data["license"] == CC_BY
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"] == "City of Example"
    assert data["temporalCoverage"] == "2020-01-01/2024-12-31"
    download = data["distribution"][0]
    assert download["@type"] == "DataDownload" and download["encodingFormat"] == "text/csv"
    assert download["contentUrl"] == dataset.distributions.get().download_url[0]
    assert data["dateModified"] == Dataset.objects.get().modified


def test_high_value_datasets_carry_a_badge(client: Any, organisation: Organisation) -> None:
    hvd = make_dataset(
        organisation,
        "Addresses",
        publish=False,
        hvd_categories=["http://data.europa.eu/bna/c_ac64a52d"],
        applicable_legislation=["http://data.europa.eu/eli/reg_impl/2023/138/oj"],
    )
    Dataset.objects.filter(pk=hvd.pk).update(status="published")

    assert "High-value dataset" in text(client.get("/datasets/addresses/"))
    assert "High-value dataset" in text(client.get("/datasets/"))


def test_drafts_are_not_found_for_people_who_may_not_see_them(
    client: Any, draft: Dataset, user: Any, viewer: Any
) -> None:
    assert client.get(f"/datasets/{draft.slug}/").status_code == 404
    assert "Draft benches" not in text(client.get("/datasets/"))
    client.force_login(user)
    assert client.get(f"/datasets/{draft.slug}/").status_code == 404
    client.force_login(viewer)  # members of the publisher see its drafts, without editor actions
    page = text(client.get(f"/datasets/{draft.slug}/"))
    assert "Draft benches" in page and "Editor actions" not in page


def test_editors_see_actions_history_and_publication_problems(editor_client: Any, draft: Dataset) -> None:
    page = text(editor_client.get(f"/datasets/{draft.slug}/"))

    assert "Editor actions" in page
    assert f'action="/datasets/{draft.slug}/publish/"' in page
    assert "Change history" in page and "distribution added" in page


def test_unknown_dataset_is_a_404_page(client: Any, db: None) -> None:
    response = client.get("/datasets/nothing-here/")

    assert response.status_code == 404
    assert "Not found" in text(response)


def test_organisation_list_shows_the_tree_with_counts(
    client: Any, dataset: Dataset, department: Organisation
) -> None:
    page = text(client.get("/organisations/"))

    assert '<a href="/organisations/example/">City of Example</a>' in page
    assert '<a href="/organisations/parks/">Parks department</a>' in page
    assert "1 dataset" in page and "0 datasets" in page


def test_organisation_page_lists_its_datasets_and_departments(
    client: Any, dataset: Dataset, department: Organisation
) -> None:
    page = text(client.get("/organisations/example/"))

    assert "<h1>City of Example</h1>" in page
    assert "Trees in the city" in page
    assert '<a href="/organisations/parks/">Parks department</a>' in page
    assert client.get("/organisations/nobody/").status_code == 404


def test_login_and_logout(client: Any, editor: Any) -> None:
    page = text(client.get("/login/"))
    assert '<label for="id_username">' in page and '<label for="id_password">' in page

    failed = client.post("/login/", {"username": "eddie", "password": "wrong"})
    assert "There is a problem" in text(failed)

    response = client.post("/login/", {"username": "eddie", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    home = text(client.get("/"))
    assert "Log out (eddie)" in home and 'href="/datasets/new/"' in home

    assert client.post("/logout/").status_code == 302
    assert "Log in" in text(client.get("/"))


@pytest.mark.django_db
def test_unknown_urls_get_the_sites_own_404_page(client: Any) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b'<html lang="' in response.content and b"skip" in response.content.lower()


@pytest.mark.django_db
def test_the_login_link_on_the_login_page_does_not_nest_next(client: Any) -> None:
    page = client.get("/login/", {"next": "/datasets/"}).content.decode()
    assert 'href="/login/?next=/datasets/"' in page
    assert "next=/login/" not in page and "%3Fnext" not in page
