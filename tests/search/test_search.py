"""Search through the real index of the configured backend (FTS5 on SQLite, full text on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
import snowballstemmer
from django.contrib.auth import get_user_model

from openingup.catalogue.models import Dataset
from openingup.core.errors import InvalidInput
from openingup.organisations.models import Membership, Organisation
from openingup.search import queries, services
from openingup.search.backends import backend, configured_name
from openingup.search.backends.base import SearchQuery
from openingup.search.documents import bbox_of, temporal_of
from openingup.search.languages import words

pytestmark = pytest.mark.django_db
EU = "http://publications.europa.eu/resource/authority/"

# (language tag, snowball algorithm, word in the title, another form of it the query uses)
STEMMING = [
    ("nl", "dutch", "Fiets van de gemeente", "fietsen"),
    ("en", "english", "Bicycle parking", "bicycles"),
    ("fr", "french", "École primaire", "écoles"),
    ("de", "german", "Schule und Kindergarten", "Schulen"),
    ("da", "danish", "Skole og børnehave", "skolerne"),
    ("sv", "swedish", "Skola och förskola", "skolorna"),
    ("nb", "norwegian", "Skole og barnehage", "skolene"),
]


def _slugs(result: Any) -> list[str]:
    return [hit.slug for hit in result.hits]


def test_backend_follows_the_database() -> None:
    from django.db import connection

    assert configured_name() == ("postgres" if connection.vendor == "postgresql" else "sqlite")


@pytest.mark.parametrize(("lang", "algorithm", "title", "query"), STEMMING, ids=[s[0] for s in STEMMING])
def test_stemming_per_language(make: Any, lang: str, algorithm: str, title: str, query: str) -> None:
    stemmer = snowballstemmer.stemmer(algorithm)

    def fixpoint(word: str) -> str:
        while (stemmed := stemmer.stemWord(word)) != word:
            word = stemmed
        return word

    assert fixpoint(query.lower()) in {fixpoint(w) for w in title.lower().split()}, "the pair shares a stem"
    assert query.lower() not in title.lower().split(), "the query form is not in the title as such"
    make({lang: title}, slug="target")
    make({lang: "Iets heel anders"}, slug="other")
    result = queries.search(SearchQuery(q=query))
    assert _slugs(result) == ["target"]
    assert result.total == 1
    assert "<mark>" in result.hits[0].snippet


def test_untagged_query_word_matches_exactly(make: Any) -> None:
    make({"nl": "Bomenkaart"}, slug="bomen")
    assert _slugs(queries.search(SearchQuery(q="bomenkaart"))) == ["bomen"]
    assert _slugs(queries.search(SearchQuery(q="BOMENKAART"))) == ["bomen"]
    assert queries.search(SearchQuery(q="bomenkaart lantaarnpalen")).total == 0


def test_description_and_keywords_are_searched_and_titles_rank_first(make: Any) -> None:
    make({"en": "Street lights"}, slug="in-title")
    make({"en": "Lamps"}, description={"en": "Every street light of the city"}, slug="in-description")
    make({"en": "Poles"}, keywords={"en": ["light"]}, slug="in-keyword")
    result = queries.search(SearchQuery(q="lights"))
    assert set(_slugs(result)) == {"in-title", "in-description", "in-keyword"}
    assert _slugs(result)[0] == "in-title"
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores)  # lower is better, relevance order


def test_facets_count_the_matching_set(make: Any, other_org: Organisation) -> None:
    theme = EU + "data-theme/TRAN"
    make(
        {"nl": "Fietsen A"},
        themes=[theme],
        formats=("CSV", "JSON"),
        licence="CC-BY-4.0",
        keywords={"nl": ["mobiliteit"]},
        hvd_categories=["mobility"],
        language=[EU + "language/NLD"],
    )
    make({"nl": "Fietsen B"}, publisher=other_org, formats=("CSV",), keywords={"nl": ["mobiliteit", "fiets"]})
    make({"nl": "Bomen"}, formats=("XLSX",))
    result = queries.search(SearchQuery(q="fietsen"))
    assert result.total == 2
    facets = result.facets
    assert dict(facets["organisation"]) == {"noord": 1, "zuid": 1}
    assert dict(facets["format"]) == {"CSV": 2, "JSON": 1}
    assert dict(facets["licence"]) == {"CC-BY-4.0": 1}
    assert dict(facets["keyword"]) == {"mobiliteit": 2, "fiets": 1}
    assert facets["keyword"][0] == ("mobiliteit", 2)
    assert dict(facets["theme"]) == {theme: 1}
    assert dict(facets["hvd"]) == {"mobility": 1}
    assert dict(facets["language"]) == {EU + "language/NLD": 1}
    everything = queries.search(SearchQuery())
    assert everything.total == 3 and dict(everything.facets["format"])["XLSX"] == 1


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("organisation", "zuid", {"b"}),
        ("format", "CSV", {"a", "b"}),
        ("format", "XLSX", set()),
        ("licence", "CC0", {"b"}),
        ("keyword", "verkeer", {"a"}),
        ("theme", EU + "data-theme/TRAN", {"a"}),
        ("hvd", "mobility", {"b"}),
        ("language", EU + "language/ENG", {"b"}),
    ],
)
def test_filters(make: Any, other_org: Organisation, name: str, value: str, expected: set[str]) -> None:
    make({"nl": "Fietsen"}, slug="a", formats=("CSV",), keywords={"nl": ["verkeer"]},
         themes=[EU + "data-theme/TRAN"])  # fmt: skip
    make({"nl": "Fietsen"}, slug="b", publisher=other_org, formats=("CSV",), licence="CC0",
         hvd_categories=["mobility"], language=[EU + "language/ENG"])  # fmt: skip
    result = queries.search(SearchQuery(q="fiets", filters={name: [value]}))
    assert set(_slugs(result)) == expected
    assert result.total == len(expected)


def test_filters_combine_and_unknown_filter_is_invalid(make: Any) -> None:
    make({"nl": "A"}, slug="a", formats=("CSV", "JSON"))
    make({"nl": "B"}, slug="b", formats=("CSV",))
    assert _slugs(queries.search(SearchQuery(filters={"format": ["CSV", "JSON"]}))) == ["a"]
    with pytest.raises(InvalidInput):
        queries.search(SearchQuery(filters={"colour": ["red"]}))


def test_bbox_and_temporal_filters(make: Any) -> None:
    amsterdam = "POLYGON((4.7 52.2, 5.1 52.2, 5.1 52.5, 4.7 52.5, 4.7 52.2))"
    oslo = '{"type": "Polygon", "coordinates": [[[10.5, 59.8], [10.9, 59.8], [10.9, 60.0], [10.5, 59.8]]]}'
    make({"nl": "Amsterdam"}, slug="ams", spatial=[{"bbox": amsterdam}],
         temporal=[{"start": "2019", "end": "2020-06"}])  # fmt: skip
    make({"nl": "Oslo"}, slug="oslo", spatial=[{"bbox": oslo}], temporal=[{"start": "2022-01-01"}])
    make({"nl": "Nergens"}, slug="none")
    assert _slugs(queries.search(SearchQuery(bbox=(4.0, 52.0, 5.0, 53.0)))) == ["ams"]
    assert set(_slugs(queries.search(SearchQuery(bbox=(-10, 40, 20, 70))))) == {"ams", "oslo"}
    assert _slugs(queries.search(SearchQuery(bbox=(100, -10, 110, 0)))) == []
    assert _slugs(queries.search(SearchQuery(start="2020-03-01", end="2020-04-01"))) == ["ams"]
    assert _slugs(queries.search(SearchQuery(start="2030-01-01"))) == ["oslo"]
    assert set(_slugs(queries.search(SearchQuery(end="2023-01-01")))) == {"ams", "oslo"}
    with pytest.raises(InvalidInput):
        queries.search(SearchQuery(bbox=(5, 52, 4, 53)))


def test_spatial_and_temporal_parsing() -> None:
    assert bbox_of([{"bbox": "ENVELOPE(4, 5, 53, 52)"}]) == (4, 52, 5, 53)
    assert bbox_of([{"bbox": "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(4.9 52.3)"}]) == (
        4.9,
        52.3,
        4.9,
        52.3,
    )
    assert bbox_of([{"bbox": "POINT(400 900)"}]) is None
    assert bbox_of(["not a dict"]) is None
    assert temporal_of([{"start": "2019-05", "end": "2020"}]) == ("2019-05-01", "2020-12-31")


@pytest.mark.parametrize("sort", ["relevance", "modified", "title"])
def test_cursor_walk_visits_every_result_once(make: Any, sort: str) -> None:
    for n in range(23):
        make(
            {"nl": f"Fiets {n:02d}" + " fiets" * (n % 3)},
            slug=f"d{n:02d}",
            modified=f"2024-02-{n % 5 + 1:02d}",
        )
    make({"nl": "Bomen"}, slug="bomen")
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        result = queries.search(SearchQuery(q="fietsen", sort=sort, limit=5, cursor=cursor, facets=False))
        assert result.total == 23
        seen += _slugs(result)
        pages += 1
        cursor = result.next_cursor
        if not cursor:
            break
    assert pages == 5
    assert sorted(seen) == [f"d{n:02d}" for n in range(23)] and len(seen) == 23
    if sort == "title":
        assert seen == sorted(seen)
    if sort == "modified":
        rows = dict(Dataset.objects.values_list("slug", "modified"))
        assert [rows[s] for s in seen] == sorted((rows[s] for s in seen), reverse=True)


def test_sort_by_title_folds_case_and_accents(make: Any) -> None:
    make({"fr": "Zèbres"}, slug="z")
    make({"fr": "école"}, slug="e")
    make({"fr": "Arbres"}, slug="a")
    assert _slugs(queries.search(SearchQuery(sort="title"))) == ["a", "e", "z"]


def test_bad_cursor_and_sort_are_invalid_input(make: Any) -> None:
    make({"nl": "Fiets"})
    for cursor in ["garbage", "e30", "WyJ0aXRsZSIsIDEsIDFd", "!!!"]:
        with pytest.raises(InvalidInput):
            queries.search(SearchQuery(q="fiets", cursor=cursor))
    with pytest.raises(InvalidInput):
        queries.search(SearchQuery(sort="loudest"))
    with pytest.raises(InvalidInput):
        queries.search(SearchQuery(limit="many"))  # type: ignore[arg-type]
    assert queries.search(SearchQuery(limit=10**9, filters={"keyword": "x"})).total == 0


def test_visibility(make: Any, org: Organisation, other_org: Organisation) -> None:
    make({"nl": "Fiets gepubliceerd"}, slug="public")
    make({"nl": "Fiets concept"}, slug="draft", status="draft")
    make({"nl": "Fiets concept zuid"}, slug="draft-zuid", status="draft", publisher=other_org)
    member = get_user_model().objects.create_user("member", password="x" * 12)
    Membership.objects.create(user=member, organisation=org, role="viewer")
    admin = get_user_model().objects.create_superuser("root", password="x" * 12)
    assert _slugs(queries.search(SearchQuery(q="fiets"))) == ["public"]
    assert set(_slugs(queries.search(SearchQuery(q="fiets", user=member)))) == {"public", "draft"}
    assert queries.search(SearchQuery(q="fiets", user=admin)).total == 3
    assert queries.search(SearchQuery(q="fiets")).facets["organisation"] == [("noord", 1)]
    assert queries.suggest("fie") == ["Fiets gepubliceerd"]
    assert set(queries.suggest("fie", user=member)) == {"Fiets gepubliceerd", "Fiets concept"}


def test_suggest_titles_then_keywords(make: Any) -> None:
    make({"nl": "Parkeerplaatsen", "en": "Parking places"}, keywords={"nl": ["parkeren", "auto"]})
    make({"nl": "Bomen"}, keywords={"nl": ["park"]})
    assert queries.suggest("park") == ["Parkeerplaatsen", "Parking places", "park", "parkeren"]
    assert queries.suggest("bom") == ["Bomen"]
    assert queries.suggest("") == [] and queries.suggest('"*(') == []
    assert queries.suggest("park", limit=1) == ["Parkeerplaatsen"]


HOSTILE = [
    '"', '""', '"fiets', "fiets*", "*", "NEAR(fiets bomen)", "NEAR(", "fiets OR bomen", "OR", "AND", "NOT",
    "-fiets", "fiets -bomen", "title_all:fiets", "text_nl : fiets", "{text_all}: x", "^fiets", "fiets^",
    "(", ")", "fiets)", "'", "\\", "%", "%%s", "_", "fiets; DROP TABLE search_document; --", "\x00fiets",
    "\u200bfiets", "🚲 fiets", "fiets" * 100, "a & b | !c", "fiets:*", "<->", "x" * 1000,
]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_give_results_or_invalid_input(make: Any, q: str) -> None:
    make({"nl": "Fietsen en bomen"}, slug="a")
    make({"nl": "Iets anders"}, slug="b")
    result = queries.search(SearchQuery(q=q))
    assert result.total == len(result.hits) <= 2
    terms = set(words(q))
    if terms and terms <= {"fiets", "fietsen", "bomen", "en"}:
        assert _slugs(result) == ["a"]
    if terms - {"fiets", "fietsen", "bomen", "en", "iets", "anders"}:
        assert result.total == 0
    queries.suggest(q)
    assert Dataset.objects.count() == 2


@pytest.mark.parametrize("q", ["x" * 10_000, "fiets " * 2_000])
def test_very_long_queries_are_invalid_input(make: Any, q: str) -> None:
    make({"nl": "Fiets"})
    with pytest.raises(InvalidInput):
        queries.search(SearchQuery(q=q))
    with pytest.raises(InvalidInput):
        queries.suggest(q)


def test_snippet_is_escaped(make: Any) -> None:
    make({"en": "<script>alert(1)</script> bicycle"}, slug="x")
    hit = queries.search(SearchQuery(q="bicycles")).hits[0]
    assert "<script>" not in hit.snippet and "&lt;/script&gt;" in hit.snippet  # escaped
    assert "<mark>bicycle</mark>" in hit.snippet


def test_reindex_is_batched_and_removes_stale_documents(make: Any) -> None:
    for n in range(7):
        make({"nl": f"Fiets {n}"}, index=False)
    gone = make({"nl": "Fiets weg"})
    Dataset.objects.filter(pk=gone.pk).delete()  # behind the services' back: no event
    calls: list[tuple[int, int]] = []
    assert services.reindex(lambda done, total: calls.append((done, total)), batch=3) == 7
    assert calls == [(0, 7), (3, 7), (6, 7), (7, 7)]
    assert queries.search(SearchQuery(q="fiets")).total == 7
    backend().clear()
    assert queries.search(SearchQuery(q="fiets")).total == 0
