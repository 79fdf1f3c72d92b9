"""The CKAN-compatible catalogue actions at /api/3/action/: reads, package_search, writes, CKAN 2.11's
envelope, errors and shapes (compared with real CKAN answers when OPENINGUP_REFERENCE_DATA is set), hostile
input, and the real ``ckanapi`` client against a live server."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ckanapi
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openingup.api.ckan.actions import ValidationError
from openingup.api.ckan.catalogue_search import parse_fq
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Status
from openingup.datastore import services as datastore
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation

ACTION = "/api/3/action/"
CC_BY = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
CSV_TYPE = "http://publications.europa.eu/resource/authority/file-type/CSV"
CSV = b"id,name\n1,Oak\n2,Beech\n"


# ----------------------------------------------------------------------------------------- helpers


def _query(params: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}


def get(client: Client, action_name: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return client.get(ACTION + action_name, _query(params), headers=headers or {})


def post(client: Client, name: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(ACTION + name, data, content_type="application/json", headers=headers or {})


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["help", "success", "result"] and body["success"] is True
    return body["result"]


def failed(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["help", "success", "error"] and body["success"] is False
    assert body["error"]["__type"] == kind, body
    return body["error"]


def token_of(user: Any) -> dict[str, str]:
    _, secret = organisations.create_token(actor=user, user=user, name="ckan")
    return {"Authorization": secret}


@pytest.fixture
def trees(make_dataset: Callable[..., Dataset]) -> Dataset:
    """A published dataset with themes, keywords, contact, coverage and a CSV resource in the DataStore."""
    dataset = make_dataset(
        "Trees of Kortrijk",
        description={"en": "Every tree the city plants.", "nl": "Elke boom die de stad plant."},
        keywords={"en": ["trees", "green"], "nl": ["bomen"]},
        themes=[ENVI],
        contact_points=[{"fn": {"en": "Green team"}, "email": "mailto:green@example.org"}],
        temporal=[{"start": "2020-01-01", "end": "2024-12-31"}],
        identifier=["trees-1"],
    )
    dataset.title = {"en": "Trees of Kortrijk", "nl": "Bomen van Kortrijk"}
    dataset.save()
    distribution = catalogue.add_distribution(
        actor=None,
        dataset=dataset,
        data={"licence": CC_BY, "title": {"en": "Trees CSV"}},
        upload=SimpleUploadedFile("trees.csv", CSV),
    )
    datastore.ingest_distribution(distribution)
    return dataset


@pytest.fixture
def roads(make_dataset: Callable[..., Dataset]) -> Dataset:
    dataset = make_dataset(
        "Roads", description={"en": "Road works."}, keywords={"en": ["roads"]}, themes=[TRAN]
    )
    catalogue.add_distribution(
        actor=None,
        dataset=dataset,
        data={"access_url": ["https://example.org/roads.json"]},
    )
    return dataset


@pytest.fixture
def secret(make_dataset: Callable[..., Dataset]) -> Dataset:
    return make_dataset("Secret trees", status="draft", description={"en": "Not yet."})


# ------------------------------------------------------------------------------------------- reads


def test_status_show(client: Client, db: None) -> None:
    status = ok(get(client, "status_show"))
    assert status["ckan_version"].startswith("2.11")
    assert {"datastore", "dcat"} <= set(status["extensions"])
    assert set(status) >= {"site_title", "site_url", "site_description", "locale_default"}


def test_package_list_and_current_package_list(
    client: Client, trees: Dataset, roads: Dataset, secret: Dataset
) -> None:
    assert ok(get(client, "package_list")) == ["roads", "trees-of-kortrijk"]
    assert ok(get(client, "package_list", limit=1, offset=1)) == ["trees-of-kortrijk"]
    listed = ok(get(client, "current_package_list_with_resources"))
    assert [p["name"] for p in listed] == ["roads", "trees-of-kortrijk"]  # most recently modified first
    assert listed[1] == ok(get(client, "package_show", id="trees-of-kortrijk"))
    assert [p["name"] for p in ok(get(client, "current_package_list_with_resources", limit=1, offset=1))] == [
        "trees-of-kortrijk"
    ]
    assert failed(get(client, "package_list", limit=-1), 409, "Validation Error")["limit"]
    assert failed(get(client, "package_list", offset="x"), 409, "Validation Error")["offset"]


def test_package_show_shape(client: Client, trees: Dataset, leiedal: Organisation) -> None:
    shown = ok(get(client, "package_show", id="trees-of-kortrijk"))
    assert ok(get(client, "package_show", id=str(trees.pk))) == shown
    assert ok(get(client, "package_show", name="trees-of-kortrijk", include_tracking="true"))["id"] == str(
        trees.pk
    )
    assert (
        shown["id"] == str(trees.pk) and shown["name"] == "trees-of-kortrijk" and shown["type"] == "dataset"
    )
    assert shown["title"] == "Trees of Kortrijk"
    assert shown["title_translated"] == {"en": "Trees of Kortrijk", "nl": "Bomen van Kortrijk"}
    assert shown["notes_translated"]["nl"] == "Elke boom die de stad plant."
    assert shown["state"] == "active" and shown["private"] is False
    assert shown["owner_org"] == str(leiedal.pk) and shown["organization"]["name"] == "leiedal"
    assert shown["organization"]["is_organization"] is True
    assert [t["name"] for t in shown["tags"]] == ["bomen", "green", "trees"]
    assert set(shown["tags"][0]) == {"display_name", "id", "name", "state", "vocabulary_id"}
    assert shown["num_tags"] == 3 and shown["num_resources"] == 1
    assert [g["name"] for g in shown["groups"]] == ["envi"] and shown["groups"][0]["title"]
    assert shown["license_id"] == "CC_BY_4_0" and shown["license_url"] == CC_BY and shown["license_title"]
    assert shown["theme"] == [ENVI] and shown["identifier"] == "trees-1"
    assert shown["contact"][0]["email"] == "green@example.org" and shown["contact"][0]["name"] == "Green team"
    assert shown["temporal_coverage"] == [{"start": "2020-01-01", "end": "2024-12-31"}]
    assert shown["publisher"][0]["name"] == "Leiedal"
    resource = shown["resources"][0]
    assert resource["package_id"] == str(trees.pk) and resource["position"] == 0
    assert resource["format"] == "CSV" and resource["mimetype"] == "text/csv"
    assert resource["url_type"] == "upload" and resource["datastore_active"] is True
    assert resource["size"] == len(CSV) and len(resource["hash"]) == 64
    assert resource["url"].endswith("/trees.csv") and resource["name"] == "Trees CSV"
    assert resource["license"] == CC_BY
    assert "T" in shown["metadata_created"] and "+" not in shown["metadata_modified"]


def test_unknown_ids_are_not_found(client: Client, secret: Dataset) -> None:
    for name, params in [
        ("package_show", {"id": "nope"}),
        ("package_show", {"id": str(uuid.uuid4())}),
        ("package_show", {"id": "secret-trees"}),
        ("resource_show", {"id": "nope"}),
        ("resource_show", {"id": str(uuid.uuid4())}),
        ("organization_show", {"id": "nope"}),
    ]:
        error = failed(get(client, name, **params), 404, "Not Found Error")
        assert error["message"].startswith("Not found")
    assert failed(get(client, "package_show"), 409, "Validation Error")["id"] == ["Missing value"]


def test_drafts_are_shown_to_members(client: Client, secret: Dataset, editor: Any, outsider: Any) -> None:
    assert ok(get(client, "package_show", token_of(editor), id="secret-trees"))["private"] is True
    failed(get(client, "package_show", token_of(outsider), id="secret-trees"), 404, "Not Found Error")


def test_resource_show(client: Client, trees: Dataset) -> None:
    rid = str(trees.distributions.get().pk)
    resource = ok(get(client, "resource_show", id=rid))
    assert resource == ok(get(client, "package_show", id=trees.slug))["resources"][0]


def test_organizations(
    client: Client, trees: Dataset, roads: Dataset, secret: Dataset, other: Organisation
) -> None:
    assert ok(get(client, "organization_list")) == ["leiedal", "other"]
    assert ok(get(client, "organization_list", sort="package_count desc", limit=1)) == ["leiedal"]
    full = ok(get(client, "organization_list", all_fields=True, offset=1))
    assert full[0]["name"] == "other" and full[0]["package_count"] == 0 and full[0]["type"] == "organization"
    assert failed(get(client, "organization_list", sort="nope"), 409, "Validation Error")["sort"]
    shown = ok(get(client, "organization_show", id="leiedal", include_datasets=True))
    assert shown["package_count"] == 2 and {p["name"] for p in shown["packages"]} == {
        "roads",
        "trees-of-kortrijk",
    }
    assert "packages" not in ok(get(client, "organization_show", id=str(other.pk)))


def test_groups_and_tags(client: Client, trees: Dataset, roads: Dataset, secret: Dataset) -> None:
    assert set(ok(get(client, "group_list"))) == {"envi", "tran"}
    groups = ok(get(client, "group_list", all_fields=True, sort="name asc"))
    assert [g["name"] for g in groups] == ["envi", "tran"] and groups[0]["package_count"] == 1
    assert groups[0]["title"] == "Environment"
    assert ok(get(client, "tag_list")) == ["bomen", "green", "roads", "trees"]
    assert ok(get(client, "tag_list", query="TREE", vocabulary_id="x")) == ["trees"]


# ------------------------------------------------------------------------------------ package_search


def search(client: Client, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    # Tests roll back instead of committing, so the index's after-commit listeners never ran: index now.
    from openingup.search.services import reindex

    reindex()
    result: dict[str, Any] = ok(get(client, "package_search", headers, **params))
    return result


def names(result: dict[str, Any]) -> list[str]:
    return [r["name"] for r in result["results"]]


def test_package_search(client: Client, trees: Dataset, roads: Dataset, secret: Dataset) -> None:
    everything = search(client)
    assert everything["count"] == 2 and set(everything) == {
        "count",
        "facets",
        "results",
        "search_facets",
        "sort",
    }
    assert everything["facets"] == {} and everything["search_facets"] == {}
    assert names(search(client, q="TREE")) == ["trees-of-kortrijk"]
    assert names(search(client, q="bomen")) == ["trees-of-kortrijk"]
    # Through the search index: singular and plural meet by stemming, and every word must match.
    assert names(search(client, q="tree")) == ["trees-of-kortrijk"]
    assert names(search(client, q="plants city")) == ["trees-of-kortrijk"]
    assert names(search(client, q="trees nothinglikethis")) == []
    assert names(search(client, q="works")) == ["roads"]
    assert search(client, q="tree nothing")["count"] == 0
    assert names(search(client, q="tags:roads")) == ["roads"]
    assert names(search(client, q="groups:envi organization:leiedal")) == ["trees-of-kortrijk"]
    assert search(client, q="tags:roads OR x")["count"] == 0  # not clauses: plain words
    assert names(search(client, fq="organization:leiedal", sort="name asc")) == ["roads", "trees-of-kortrijk"]
    assert names(search(client, fq='tags:"trees"')) == ["trees-of-kortrijk"]
    assert names(search(client, fq="groups:tran")) == ["roads"]
    assert names(search(client, fq="res_format:CSV")) == ["trees-of-kortrijk"]
    assert names(search(client, fq="license_id:CC_BY_4_0")) == ["trees-of-kortrijk"]
    assert names(search(client, fq="+organization:leiedal AND groups:envi")) == ["trees-of-kortrijk"]
    assert names(search(client, fq="organization:leiedal groups:envi")) == ["trees-of-kortrijk"]
    assert search(client, fq="organization:other")["count"] == 0
    assert names(search(client, sort="title_string asc")) == ["roads", "trees-of-kortrijk"]
    assert names(search(client, sort="name desc")) == ["trees-of-kortrijk", "roads"]
    assert names(search(client, sort="metadata_modified desc", rows=1, start=1))
    assert search(client, rows=0)["results"] == []


def test_package_search_facets(client: Client, trees: Dataset, roads: Dataset) -> None:
    fields = ["organization", "groups", "tags", "res_format", "license_id"]
    result = search(client, **{"facet.field": fields})
    assert result["facets"]["organization"] == {"leiedal": 2}
    assert result["facets"]["groups"] == {"envi": 1, "tran": 1}
    assert result["facets"]["res_format"] == {"CSV": 1}
    items = result["search_facets"]["organization"]["items"]
    assert items == [{"name": "leiedal", "display_name": "Leiedal", "count": 2}]
    assert result["search_facets"]["groups"]["title"] == "groups"
    limited = search(client, **{"facet.field": '["tags"]', "facet.limit": 1})
    assert len(limited["facets"]["tags"]) == 1
    assert failed(get(client, "package_search", **{"facet.field": ["nope"]}), 409, "Validation Error")[
        "facet.field"
    ]


def test_package_search_private(
    client: Client, trees: Dataset, secret: Dataset, editor: Any, outsider: Any
) -> None:
    assert search(client, include_private=True)["count"] == 1
    assert search(client, token_of(outsider), include_private=True)["count"] == 1
    mine = search(client, token_of(editor), include_private=True, q="secret")
    assert names(mine) == ["secret-trees"] and mine["results"][0]["private"] is True
    assert search(client, token_of(editor), q="secret")["count"] == 0


def test_rows_cap(client: Client, trees: Dataset, editor: Any, admin: Any, viewer: Any) -> None:
    assert failed(get(client, "package_search", rows=1001), 409, "Validation Error")["rows"]
    failed(get(client, "package_search", token_of(viewer), rows=1001), 409, "Validation Error")
    assert search(client, token_of(editor), rows=50000)["count"] == 1
    assert search(client, token_of(admin), rows=10**30)["count"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "title:* OR *:*"},
        {"q": '") OR 1=1 --'},
        {"q": "{!lucene}name:x"},
        {"q": "a" * 10_000},
        {"q": "\x00"},
        {"q": "% _ \\"},
        {"start": 10_000_000},
        {"start": 10**40},
        {"fq": "*:*"},
        {"q": "[", "sort": "score desc"},
    ],
)
def test_hostile_search_is_answered(client: Client, trees: Dataset, params: dict[str, Any]) -> None:
    result = search(client, **params)
    assert isinstance(result["count"], int) and isinstance(result["results"], list)
    if "start" in params:
        assert result["results"] == [] and result["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fq": "organization:"}, "fq"),
        ({"fq": "name:x OR name:y"}, "fq"),
        ({"fq": "{!frange l=1}sum(x)"}, "fq"),
        ({"fq": "metadata_modified:[* TO NOW]"}, "fq"),
        ({"fq": 'tags:"unclosed'}, "fq"),
        ({"fq": "-organization:x"}, "fq"),
        ({"fq": "title:x"}, "fq"),
        ({"fq": "organization:x)"}, "fq"),
        ({"rows": -1}, "rows"),
        ({"rows": "ten"}, "rows"),
        ({"start": -5}, "start"),
        ({"sort": "nope asc"}, "sort"),
        ({"sort": "name; drop"}, "sort"),
        ({"facet.field": "{junk"}, "facet.field"),
        ({"facet.field": '[1, {"a": 2}]'}, "facet.field"),
        ({"facet.limit": "many"}, "facet.limit"),
    ],
)
def test_malformed_search_is_a_validation_error(
    client: Client, trees: Dataset, params: dict[str, Any], field: str
) -> None:
    error = failed(get(client, "package_search", **params), 409, "Validation Error")
    assert error[field] and all(isinstance(m, str) for m in error[field])


def test_json_junk(client: Client, trees: Dataset, editor: Any) -> None:
    assert post(client, "package_search", b"{not json").status_code == 400
    assert post(client, "package_search", "[1, 2]").status_code == 400
    failed(post(client, "package_search", {"q": {"a": 1}, "rows": [1]}), 409, "Validation Error")
    assert search(client, q=["a", "b"])["count"] == 0
    assert failed(get(client, "package_show", id="\x00trees"), 404, "Not Found Error")
    headers = token_of(editor)
    draft = {"owner_org": "leiedal", "private": True}
    for body, status in (
        ({**draft, "title": "T", "resources": [1]}, 409),
        ({**draft, "title": "T", "resources": "x"}, 409),
        ({**draft, "title": "T1", "tags": "notalist", "groups": 5, "contact": "x", "extras": "junk"}, 200),
        ({**draft, "title": "T2", "tags": [{"name": 5}, None, {"x": []}], "spatial_coverage": [[]]}, 200),
        ({**draft, "title": "\x00T3\x00", "notes": "a\x00b", "tags": [{"name": "x\x00"}]}, 200),
        ({"owner_org": ["leiedal"], "title": "T"}, 409),
        ({**draft, "title": "T", "issued": "not a date", "language": 7}, 409),
        ({**draft, "title": "T", "temporal_coverage": [{"start": {"a": 1}}]}, 409),
        ({**draft, "title": "T", "groups": [{"name": "nope"}]}, 409),
        ({**draft, "title": ["T"]}, 409),
        ({**draft, "title": "T4", "private": "maybe"}, 409),  # not private: published, needs notes
    ):
        response = post(client, "package_create", body, headers)
        assert response.status_code == status, (body, response.content)
    assert Dataset.objects.get(slug="t3").title == {"en": "T3"}


SOLR = st.sampled_from(
    [
        "organization:",
        "tags:",
        "groups:",
        "res_format:",
        '"',
        "\\",
        "*",
        ":",
        "(",
        ")",
        "[",
        " TO ",
        " AND ",
        " OR ",
        "+",
        "-",
        "!",
        "{!",
        "}",
        "^",
        "~",
        " ",
        "\x00",
        "é",
        "leiedal",
        "envi",
    ]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.lists(SOLR | st.text(max_size=5), max_size=8), fq=st.lists(SOLR | st.text(max_size=5), max_size=8)
)
def test_fuzzed_search_never_fails(client: Client, trees: Dataset, q: list[str], fq: list[str]) -> None:
    response = get(client, "package_search", q="".join(q), fq="".join(fq), sort="name asc")
    assert response.status_code in (200, 409), response.content
    if response.status_code == 409:
        assert set(response.json()["error"]) == {"__type", "fq"}


def test_help_show_documents_the_actions(client: Client, db: None) -> None:
    assert "fq" in ok(get(client, "help_show", name="package_search"))
    assert "owner_org" in ok(get(client, "help_show", name="package_create"))


def test_unicode_tags(client: Client, make_dataset: Callable[..., Dataset]) -> None:
    make_dataset("Café", description={"en": "Cafés."}, keywords={"fr": ["café"]})
    assert names(search(client, fq='tags:"café"')) == ["cafe"]
    assert names(search(client, fq="tags:café")) == ["cafe"]
    assert search(client, fq="tags:CAFÉ")["count"] == 0  # a tag is an exact string, as in CKAN's Solr
    assert search(client, fq="tags:fr")["count"] == 0  # a language of the keywords is no tag


def test_parse_fq() -> None:
    assert parse_fq('organization:leiedal +tags:"big trees" AND res_format:CSV') == [
        ("organization", "leiedal"),
        ("tags", "big trees"),
        ("res_format", "CSV"),
    ]
    assert parse_fq('tags:"say \\"hi\\""') == [("tags", 'say "hi"')]
    with pytest.raises(ValidationError):
        parse_fq("organization:a OR organization:b")


# ------------------------------------------------------------------------------------------- writes


def test_package_create_update_patch_delete(client: Client, editor: Any, leiedal: Organisation) -> None:
    headers = token_of(editor)
    body = {
        "name": "bike-counts",
        "title": "Bike counts",
        "title_translated": {"nl": "Fietstellingen"},
        "notes": "Bikes counted per hour.",
        "owner_org": "leiedal",
        "tags": [{"name": "bikes"}],
        "groups": [{"name": "tran"}],
        "license_id": "CC_BY_4_0",
        "issued": "2024-05-01",
        "contact": [{"name": "Mobility", "email": "mobility@example.org"}],
        "temporal_coverage": [{"start": "2024-01-01"}],
        "extras": [{"key": "ignored", "value": "yes"}],
        "resources": [{"url": "https://example.org/bikes.csv", "format": "CSV", "name": "Counts"}],
    }
    created = ok(post(client, "package_create", body, headers))
    assert created["name"] == "bike-counts" and created["state"] == "active" and created["private"] is False
    assert created["title_translated"] == {"en": "Bike counts", "nl": "Fietstellingen"}
    assert created["groups"][0]["name"] == "tran" and created["tags"][0]["name"] == "bikes"
    assert created["license_id"] == "CC_BY_4_0" and created["issued"] == "2024-05-01"
    assert created["contact"][0]["email"] == "mobility@example.org"
    assert (
        created["resources"][0]["format"] == "CSV"
        and created["resources"][0]["url"] == "https://example.org/bikes.csv"
    )
    assert Dataset.objects.get(slug="bike-counts").status == Status.PUBLISHED

    taken = failed(post(client, "package_create", body, headers), 409, "Validation Error")
    assert taken["name"] == ["That URL is already in use."]

    patched = ok(post(client, "package_patch", {"id": "bike-counts", "notes": "Per quarter hour."}, headers))
    assert patched["notes"] == "Per quarter hour." and patched["tags"][0]["name"] == "bikes"
    assert [r["id"] for r in patched["resources"]] == [r["id"] for r in created["resources"]]

    update = {
        "id": created["id"],
        "title": "Bike counts",
        "notes": "Replaced.",
        "resources": created["resources"],
    }
    updated = ok(post(client, "package_update", update, headers))
    assert updated["notes"] == "Replaced." and updated["tags"] == [] and updated["groups"] == []
    assert len(updated["resources"]) == 1

    resource = ok(
        post(
            client,
            "resource_create",
            {"package_id": "bike-counts", "url": "https://example.org/b.json", "format": "JSON"},
            headers,
        )
    )
    assert (
        resource["package_id"] == created["id"] and resource["position"] == 1 and resource["format"] == "JSON"
    )

    assert ok(post(client, "package_delete", {"id": "bike-counts"}, headers)) is None
    assert ok(get(client, "package_show", id="bike-counts"))["state"] == "deleted"
    assert "bike-counts" not in ok(get(client, "package_list"))


def test_package_update_takes_back_what_package_show_gives(
    client: Client, editor: Any, trees: Dataset
) -> None:
    shown = ok(get(client, "package_show", id=trees.slug))
    shown["notes_translated"]["en"] = "Round trip."
    updated = ok(post(client, "package_update", shown, token_of(editor)))
    assert updated["notes"] == "Round trip."
    unchanged = {"notes", "notes_translated", "metadata_modified", "modified", "resources"}
    assert {k: v for k, v in updated.items() if k not in unchanged} == {
        k: v for k, v in shown.items() if k not in unchanged
    }
    assert [r["id"] for r in updated["resources"]] == [r["id"] for r in shown["resources"]]


def test_resource_create_by_upload(client: Client, editor: Any, trees: Dataset) -> None:
    headers = token_of(editor)
    response = client.post(
        ACTION + "resource_create",
        {"package_id": trees.slug, "name": "More trees", "upload": SimpleUploadedFile("more.csv", CSV)},
        headers=headers,
    )
    resource = ok(response)
    assert resource["url_type"] == "upload" and resource["format"] == "CSV" and resource["size"] == len(CSV)
    assert resource["name"] == "More trees"
    error = failed(
        post(client, "resource_create", {"package_id": trees.slug}, headers), 409, "Validation Error"
    )
    assert error["url"]
    assert failed(
        post(client, "resource_create", {"package_id": "nope", "url": "https://x.org"}, headers),
        409,
        "Validation Error",
    )["package_id"]


def test_write_permissions(client: Client, trees: Dataset, editor: Any, outsider: Any, viewer: Any) -> None:
    body = {"name": "x-y", "title": "X", "notes": "Y", "owner_org": "leiedal"}
    for headers in ({}, token_of(outsider), token_of(viewer)):
        error = failed(post(client, "package_create", body, headers), 403, "Authorization Error")
        assert error["message"].startswith("Access denied")
        failed(
            post(client, "package_patch", {"id": trees.slug, "notes": "x"}, headers),
            403,
            "Authorization Error",
        )
        failed(post(client, "package_delete", {"id": trees.slug}, headers), 403, "Authorization Error")
        failed(
            post(client, "resource_create", {"package_id": trees.slug, "url": "https://x.org/a"}, headers),
            403,
            "Authorization Error",
        )
    assert get(client, "package_create", **body).status_code == 400  # writes need POST


def test_write_validation(client: Client, editor: Any, trees: Dataset) -> None:
    headers = token_of(editor)
    assert failed(post(client, "package_create", {"owner_org": "leiedal"}, headers), 409, "Validation Error")[
        "title"
    ]
    assert failed(post(client, "package_create", {"title": "X"}, headers), 409, "Validation Error")[
        "owner_org"
    ]
    assert failed(
        post(client, "package_create", {"title": "X", "owner_org": "nope"}, headers), 409, "Validation Error"
    )["owner_org"]
    bad_name = {"title": "X", "owner_org": "leiedal", "name": "Not A Name"}
    assert failed(post(client, "package_create", bad_name, headers), 409, "Validation Error")["name"]
    bad = {"title": "X", "owner_org": "leiedal", "private": True, "issued": "yesterday"}
    assert failed(post(client, "package_create", bad, headers), 409, "Validation Error")["issued"]
    bad_url = {"id": trees.slug, "url": "not a url"}
    assert failed(post(client, "package_patch", bad_url, headers), 409, "Validation Error")["url"]
    # publishing runs the DCAT-AP check; a draft needs none
    draft = ok(
        post(client, "package_create", {"title": "Draft", "owner_org": "leiedal", "private": True}, headers)
    )
    assert draft["private"] is True and draft["name"] == "draft"
    failed(post(client, "package_patch", {"id": "nope", "notes": "x"}, headers), 404, "Not Found Error")
    update = {"id": trees.slug, "title": "T", "owner_org": "other"}
    failed(post(client, "package_update", update, headers), 409, "Validation Error")


# ------------------------------------------------------------------------------- the real CKAN answers


def _compare(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Keys of CKAN's answer missing from ours, and type differences (None matches any type)."""
    problems = []
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: not an object"]
        for key, value in theirs.items():
            if key in ("revision_id", "approval_status", "relationships_as_object") and key not in ours:
                continue
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += _compare(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, list):
        if not isinstance(ours, list):
            return [f"{path}: not a list"]
        if theirs and ours:
            problems += _compare(ours[0], theirs[0], f"{path}[0]")
    elif (
        theirs is not None
        and ours is not None
        and type(theirs) is not type(ours)
        and not (isinstance(theirs, int | float) and isinstance(ours, int | float))
    ):
        problems.append(f"{path}: {type(ours).__name__} instead of {type(theirs).__name__}")
    return problems


def test_shapes_match_real_ckan(client: Client, reference_data: Path, trees: Dataset) -> None:
    folder = reference_data / "catalogues" / "ckan-api"
    show = json.loads((folder / "dados-gov-br_package_show_bolsa-familia.json").read_text(encoding="utf-8"))
    ours = get(client, "package_show", id=trees.slug).json()
    assert list(ours) == list(show)
    assert _compare(ours["result"], show["result"]) == []

    found = json.loads((folder / "dados-gov-br_package_search_organization.json").read_text(encoding="utf-8"))
    answer = ok(get(client, "package_search", fq="organization:leiedal"))
    assert set(answer) == set(found["result"])
    assert _compare(answer, found["result"]) == []

    missing = json.loads((folder / "dados-gov-br_package_show_404.json").read_text(encoding="utf-8"))
    error = get(client, "package_show", id="nope").json()
    assert list(error) == list(missing) and set(error["error"]) == set(missing["error"])

    dcat = json.loads((folder / "ckanext-dcat_ckan_dataset_multilingual.json").read_text(encoding="utf-8"))
    shown = ok(get(client, "package_show", id=trees.slug))
    assert set(dcat) <= set(shown), set(dcat) - set(shown)
    assert set(dcat["resources"][0]) - {"rights"} <= set(shown["resources"][0])


# --------------------------------------------------------------------------------- the real client


@pytest.mark.django_db(transaction=True)
def test_the_ckanapi_client(live_server: Any, editor: Any, make_dataset: Callable[..., Dataset]) -> None:
    make_dataset("Trees", description={"en": "Every tree."}, keywords={"en": ["trees"]}, themes=[ENVI])
    _, token = organisations.create_token(actor=editor, user=editor, name="ckanapi")
    with ckanapi.RemoteCKAN(live_server.url, apikey=token) as ck:
        assert ck.action.status_show()["ckan_version"].startswith("2.11")
        assert ck.action.package_list() == ["trees"]
        assert ck.action.package_show(id="trees")["notes"] == "Every tree."
        assert ck.action.package_search(q="tree", fq="groups:envi")["count"] == 1
        created = ck.action.package_create(
            name="bikes",
            title="Bikes",
            notes="Bike counts.",
            owner_org="leiedal",
            tags=[{"name": "bikes"}],
            resources=[{"url": "https://example.org/bikes.csv", "format": "CSV"}],
        )
        assert created["name"] == "bikes" and created["num_resources"] == 1
        updated = ck.action.package_update(
            id=created["id"], title="Bikes", notes="Counted.", resources=created["resources"]
        )
        assert updated["notes"] == "Counted." and updated["tags"] == []
        patched = ck.action.package_patch(id="bikes", tags=[{"name": "cycling"}])
        assert [t["name"] for t in patched["tags"]] == ["cycling"] and patched["notes"] == "Counted."
        with open(Path(__file__), "rb") as handle:
            uploaded = ck.action.resource_create(package_id="bikes", name="Code", upload=handle)
        assert uploaded["url_type"] == "upload" and uploaded["position"] == 1
        assert ck.action.resource_show(id=uploaded["id"])["name"] == "Code"
        linked = ck.action.resource_create(
            package_id="bikes", url="https://example.org/b.json", format="JSON"
        )
        assert linked["format"] == "JSON"
        assert sorted(ck.action.package_list()) == ["bikes", "trees"]
        assert ck.action.organization_show(id="leiedal")["package_count"] == 2
        ck.action.package_delete(id="bikes")
        assert ck.action.package_show(id="bikes")["state"] == "deleted"
        with pytest.raises(ckanapi.errors.NotFound):
            ck.action.package_show(id="nope")
        with pytest.raises(ckanapi.errors.ValidationError) as invalid:
            ck.action.package_search(fq="name:a OR name:b")
        assert invalid.value.error_dict["fq"]
    with ckanapi.RemoteCKAN(live_server.url) as anonymous, pytest.raises(ckanapi.errors.NotAuthorized):
        anonymous.action.package_create(name="x-y", title="X", owner_org="leiedal")
