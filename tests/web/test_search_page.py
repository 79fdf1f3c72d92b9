"""The search page: results with snippets, facets, sort, cursor paging, the JSON twin, hostile input,
visibility, stemming, and (in a browser) accessibility."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from openingup.catalogue import services as catalogue_services
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from openingup.search import services as search_services
from openingup.web.views.search import safe_snippet
from tests.browser import AXE_IMPACTS, axe_violations, format_violations
from tests.web.conftest import CC_BY, CSV, ENVIRONMENT, dataset_data, make_dataset

AMSTERDAM = "POLYGON((4.7 52.2, 5.1 52.2, 5.1 52.5, 4.7 52.5, 4.7 52.2))"
TRANSPORT = "http://publications.europa.eu/resource/authority/data-theme/TRAN"


def _page(response: Any) -> str:
    return response.content.decode()


def _slugs(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/datasets/([-\w]+)/"', page)


@pytest.fixture
def catalogue(organisation: Organisation) -> dict[str, Dataset]:
    found = {
        "trees": make_dataset(organisation, "Trees in the city", spatial=[{"bbox": AMSTERDAM}]),
        "bikes": make_dataset(
            organisation,
            "Bicycle parking",
            themes=[TRANSPORT],
            keywords={"en": ["bicycles", "parking"], "nl": ["fietsen"]},
        ),
        "benches": make_dataset(organisation, "Benches", publish=False),
    }
    search_services.reindex()
    return found


@pytest.mark.django_db
def test_results_show_highlighted_snippets_and_the_total(client: Any, catalogue: Any) -> None:
    response = client.get("/search/", {"q": "trees"})

    page = _page(response)
    assert response.status_code == 200
    assert _slugs(page) == ["trees-in-the-city"]
    assert "1 dataset found" in page
    assert "<mark>" in page and "</mark>" in page
    assert 'aria-current="page">Search</a>' in page


@pytest.mark.django_db
def test_an_empty_query_lists_every_public_dataset_with_facets(client: Any, catalogue: Any) -> None:
    page = _page(client.get("/search/"))

    assert sorted(_slugs(page)) == ["bicycle-parking", "trees-in-the-city"]
    assert "2 datasets found" in page
    # vocabulary labels for URIs, organisation names for slugs
    assert ">Environment</a>" in page and ">Transport</a>" in page
    assert ">City of Example</a>" in page
    for title in ("Publisher", "Theme", "Licence", "Keyword"):
        assert f">{title}</h3>" in page


@pytest.mark.django_db
def test_facet_links_add_and_remove_filters(client: Any, catalogue: Any) -> None:
    page = _page(client.get("/search/"))
    add = re.search(r'<a href="(\?[^"]*)">Transport</a>', page)
    assert add is not None
    url = add.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(url).query)["theme"] == [TRANSPORT]

    filtered = _page(client.get(f"/search/{url}"))
    assert _slugs(filtered) == ["bicycle-parking"]
    remove = re.search(r'<a href="(\?[^"]*)" aria-current="true" class="selected">', filtered)
    assert remove is not None and "Remove filter:" in filtered
    assert "theme" not in parse_qs(urlsplit(remove.group(1).replace("&amp;", "&")).query)

    # a second value of another facet narrows further, both stay selected
    both = _page(client.get("/search/", {"theme": TRANSPORT, "licence": CC_BY}))
    assert _slugs(both) == ["bicycle-parking"] and both.count('aria-current="true"') == 2
    none = _page(client.get("/search/", {"theme": [TRANSPORT, ENVIRONMENT]}))
    assert _slugs(none) == [] and "0 datasets found" in none


@pytest.mark.django_db
def test_sort_by_title_and_modified(client: Any, catalogue: Any) -> None:
    by_title = _slugs(_page(client.get("/search/", {"sort": "title"})))
    assert by_title == ["bicycle-parking", "trees-in-the-city"]
    by_modified = _slugs(_page(client.get("/search/", {"sort": "modified"})))
    assert sorted(by_modified) == by_title
    response = client.get("/search/", {"sort": "popularity'; DROP TABLE x"})
    assert response.status_code == 400 and "Sort by relevance" in _page(response)


@pytest.mark.django_db
def test_the_cursor_walks_every_result_once(client: Any, organisation: Organisation) -> None:
    for n in range(45):
        make_dataset(organisation, f"Tree survey {n:02d}")
    search_services.reindex()

    seen: list[str] = []
    url = "/search/?q=tree&sort=title"
    pages = 0
    while url:
        page = _page(client.get(url))
        seen += _slugs(page)
        pages += 1
        found = re.search(r'<a href="(\?[^"]*)" rel="next">', page)
        url = "/search/" + found.group(1).replace("&amp;", "&") if found else ""
        assert pages < 10
    assert pages == 3
    assert len(seen) == 45 == len(set(seen))
    assert seen == sorted(seen)


@pytest.mark.django_db
def test_the_json_twin(client: Any, catalogue: Any) -> None:
    for response in (
        client.get("/search/", {"q": "trees", "format": "json"}),
        client.get("/search/", {"q": "trees"}, headers={"accept": "application/json"}),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "Accept" in response["Vary"]
        body = json.loads(response.content)
        assert body["total"] == 1
        assert [h["slug"] for h in body["hits"]] == ["trees-in-the-city"]
        hit = body["hits"][0]
        assert "<mark>" in hit["snippet"] and hit["url"].endswith("/datasets/trees-in-the-city/")
        assert hit["bbox"] == [4.7, 52.2, 5.1, 52.5]
        assert {"value": "example", "count": 1, "label": "City of Example"} in body["facets"]["organisation"]
        assert body["next"] is None

    # paging through JSON follows the next links
    body = json.loads(client.get("/search/", {"format": "json", "sort": "title"}).content)
    assert body["total"] == 2
    html = client.get("/search/")
    assert html["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_json_next_links(client: Any, organisation: Organisation) -> None:
    for n in range(25):
        make_dataset(organisation, f"Bench {n:02d}")
    search_services.reindex()
    body = json.loads(client.get("/search/", {"format": "json", "q": "bench", "sort": "title"}).content)
    assert len(body["hits"]) == 20 and body["next"]
    following = json.loads(client.get(body["next"]).content)
    assert len(following["hits"]) == 5 and following["next"] is None
    slugs = [h["slug"] for h in body["hits"] + following["hits"]]
    assert len(set(slugs)) == 25


HOSTILE = [
    '"',
    "fiets*",
    "NEAR(trees",
    "trees OR",
    "title:trees",
    "-trees",
    "{text_all}: x",
    "'; DROP TABLE search_document; --",
    "<script>alert(1)</script>",
    "\x00\x01",
]


@pytest.mark.django_db
@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(client: Any, catalogue: Any, q: str) -> None:
    response = client.get("/search/", {"q": q})

    assert response.status_code in (200, 400)
    assert "<script>alert" not in _page(response)
    assert client.get("/search/", {"q": q, "format": "json"}).status_code in (200, 400)


@pytest.mark.django_db
def test_a_very_long_query_gets_a_clear_message(client: Any, catalogue: Any) -> None:
    response = client.get("/search/", {"q": "trees " * 1667})

    assert response.status_code == 400
    assert "The search text is too long" in _page(response)
    body = json.loads(client.get("/search/", {"q": "x" * 10_000, "format": "json"}).content)
    assert "too long" in body["errors"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"bbox": "1,2,3"},
        {"bbox": "5,52,4,53"},
        {"start": "yesterday"},
        {"start": "2024-02-30"},
        {"start": "2024-05-01", "end": "2024-01-01"},
        {"organisation": "x" * 5000},
        {"colour": "red"},
    ],
)
def test_bad_parameters_give_a_message_not_an_error(client: Any, catalogue: Any, params: Any) -> None:
    response = client.get("/search/", params)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "There is a problem" in _page(response)


@pytest.mark.django_db
def test_bbox_and_dates_filter_and_the_map_shows_extents(client: Any, catalogue: Any) -> None:
    page = _page(client.get("/search/", {"bbox": "4,52,5,53"}))
    assert _slugs(page) == ["trees-in-the-city"]
    assert "<svg" in page and 'role="img"' in page and "1 dataset on this page has a spatial extent" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<a " not in svg

    assert _slugs(_page(client.get("/search/", {"bbox": "100,-10,110,0"}))) == []
    assert len(_slugs(_page(client.get("/search/", {"start": "2021-01-01", "end": "2021-12-31"})))) == 2
    assert _slugs(_page(client.get("/search/", {"start": "2030-01-01"}))) == []
    assert "<svg" not in _page(client.get("/search/", {"q": "bicycle"}))


@pytest.mark.django_db
def test_drafts_are_hidden_from_anonymous_visitors(client: Any, catalogue: Any, editor: Any) -> None:
    assert _slugs(_page(client.get("/search/", {"q": "benches"}))) == []
    body = json.loads(client.get("/search/", {"format": "json"}).content)
    assert "benches" not in {h["slug"] for h in body["hits"]} and body["total"] == 2

    client.force_login(editor)
    assert _slugs(_page(client.get("/search/", {"q": "benches"}))) == ["benches"]


@pytest.mark.django_db
def test_dutch_stemming_through_the_page(client: Any, organisation: Organisation) -> None:
    for title in ("Fiets van de gemeente", "Parkeerplaatsen"):
        data = dataset_data(title)
        data.update(title={"nl": title}, description={"nl": f"{title}."}, keywords={"nl": ["gemeente"]})
        catalogue_services.publish_dataset(
            actor=None,
            dataset=catalogue_services.create_dataset(actor=None, publisher=organisation, data=data),
        )
    search_services.reindex()

    page = _page(client.get("/search/", {"q": "fietsen"}, headers={"accept-language": "nl"}))

    assert len(_slugs(page)) == 1 and "Fiets van de gemeente" in page
    assert "Parkeerplaatsen" not in page
    assert "<mark>Fiets</mark>" in page
    assert "1 dataset gevonden" in page


def test_snippets_are_marked_safe_only_when_they_are_text_and_mark() -> None:
    assert str(safe_snippet("a <mark>fiets</mark> &amp; b")) == "a <mark>fiets</mark> &amp; b"
    assert type(safe_snippet("a <mark>fiets</mark>")).__name__ == "SafeString"
    assert type(safe_snippet("<b>x</b>")).__name__ == "str"
    assert type(safe_snippet("a & b")).__name__ == "str"
    assert type(safe_snippet('<mark onclick="x">y</mark>')).__name__ == "str"


@pytest.mark.django_db(transaction=True)
def test_the_search_page_has_no_accessibility_violations(
    browser: Any, live_server: Any, organisation: Organisation
) -> None:
    make_dataset(organisation, "Trees in the city", spatial=[{"bbox": AMSTERDAM}])
    make_dataset(organisation, "Tree benches", spatial=[{"bbox": AMSTERDAM}], themes=[TRANSPORT])
    search_services.reindex()

    url = f"{live_server.url}/search/?q=tree&theme={ENVIRONMENT}&sort=title&bbox=4,52,6,53"
    violations = axe_violations(browser, url, impacts=AXE_IMPACTS)

    assert violations == [], format_violations(violations)
    assert "<mark>" in browser.page_source and "<svg" in browser.page_source


@pytest.mark.django_db
def test_the_file_format_facet_does_not_clash_with_the_json_twin(client: Any, catalogue: Any) -> None:
    page = _page(client.get("/search/"))
    assert re.search(r'<a href="\?filetype=[^"]*CSV">CSV</a>', page)

    assert len(_slugs(_page(client.get("/search/", {"filetype": CSV})))) == 2
    body = json.loads(client.get("/search/", {"filetype": CSV, "format": "json"}).content)
    assert body["total"] == 2 and body["query"]["filters"] == {"format": [CSV]}
    assert _slugs(_page(client.get("/search/", {"filetype": "no-such-format"}))) == []
