"""/api/v1/datasets: CRUD, lifecycle, visibility, filters and pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.urls import resolve
from django.utils import timezone

from openingup.catalogue import services
from openingup.catalogue.models import Change, Dataset
from openingup.core.errors import FieldProblem
from tests.api.conftest import CC_BY, ENVI, Api, assert_error

RICH = {
    "title": {"en": "Street trees", "nl": "Straatbomen"},
    "description": {"en": "Every tree the city looks after."},
    "keywords": {"en": ["green", "trees"]},  # sorted, as the catalogue keeps them
    "themes": [ENVI],
    "contact_points": [{"fn": {"en": "Green desk"}, "email": "mailto:green@example.org"}],
    "temporal": [{"start": "2020-01-01", "end": "2024-12-31"}],
    "spatial": [{"label": {"en": "Leiedal"}, "bbox": "POLYGON((3 50,4 50,4 51,3 51,3 50))"}],
    "creator": {"name": {"en": "Parks department"}},
    "landing_page": ["https://example.org/trees"],
    "version": "2.1",
    "temporal_resolution": "P1D",
    "spatial_resolution": "12.5",
    "other_identifiers": [{"notation": "TREES-1"}],
}


def test_create_read_update_replace_delete(as_editor: Api, anon: Api) -> None:
    created = as_editor.post("/datasets", {"publisher": "leiedal", **RICH})
    assert created.status_code == 201, created.content
    body = created.json()
    slug = body["slug"]
    assert body["status"] == "draft" and body["publisher"] == "leiedal"
    for name, value in RICH.items():
        assert body[name] == value, name
    assert body["links"]["ttl"] == f"{settings.BASE_URL}/datasets/{slug}.ttl"
    assert body["links"]["html"] == f"{settings.BASE_URL}/datasets/{slug}/"
    for url in body["links"].values():
        assert resolve(url.removeprefix(settings.BASE_URL)).namespace == "web"
    assert body["uri"].endswith(f"/datasets/{slug}")

    assert as_editor.get(f"/datasets/{slug}").json() == body

    patched = as_editor.patch(f"/datasets/{slug}", {"version": "3.0", "keywords": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == "3.0"
    assert "keywords" not in patched.json()
    assert patched.json()["description"] == RICH["description"]

    replaced = as_editor.put(f"/datasets/{slug}", {"title": {"en": "Trees"}, "themes": [ENVI]})
    assert replaced.status_code == 200, replaced.content
    after = replaced.json()
    assert after["title"] == {"en": "Trees"} and after["themes"] == [ENVI]
    assert "description" not in after and "contact_points" not in after
    assert after["issued"] == body["issued"]  # kept by a full replacement that leaves it out

    assert as_editor.delete(f"/datasets/{slug}").status_code == 204
    assert_error(as_editor.get(f"/datasets/{slug}"), 404, "not_found")
    assert not Dataset.objects.filter(slug=slug).exists()


def test_writes_are_recorded_by_the_services(as_editor: Api, editor: Any) -> None:
    slug = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "Bins"}}).json()["slug"]
    as_editor.patch(f"/datasets/{slug}", {"version": "2"})
    dataset = Dataset.objects.get(slug=slug)
    actions = list(Change.objects.filter(resource_id=dataset.pk).values_list("action", "actor"))
    assert ("created", editor.pk) in actions and ("updated", editor.pk) in actions


def test_create_needs_an_existing_publisher(as_editor: Api) -> None:
    response = as_editor.post("/datasets", {"publisher": "nowhere", "title": {"en": "x"}})
    assert_error(response, 400, "invalid", "publisher")
    assert_error(as_editor.post("/datasets", {"title": {"en": "x"}}), 400, "invalid", "publisher")


def test_title_is_required(as_editor: Api, make_dataset: Callable[..., Dataset]) -> None:
    assert_error(as_editor.post("/datasets", {"publisher": "leiedal"}), 400, "invalid", "title")
    slug = make_dataset().slug
    assert_error(as_editor.patch(f"/datasets/{slug}", {"title": None}), 400, "invalid", "title")
    assert_error(as_editor.put(f"/datasets/{slug}", {"version": "1"}), 400, "invalid", "title")


def test_unknown_theme_is_refused(as_editor: Api) -> None:
    body = {"publisher": "leiedal", "title": {"en": "x"}, "themes": ["http://example.org/not-a-theme"]}
    assert_error(as_editor.post("/datasets", body), 400, "invalid", "themes")


def test_publish_and_archive(as_editor: Api, anon: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.datasets, "publication_problems", lambda dataset: [])
    slug = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "Bins"}}).json()["slug"]
    assert_error(anon.get(f"/datasets/{slug}"), 404, "not_found")

    published = as_editor.post(f"/datasets/{slug}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert anon.get(f"/datasets/{slug}").json()["status"] == "published"

    archived = as_editor.post(f"/datasets/{slug}/archive")
    assert archived.json()["status"] == "archived"
    assert anon.get(f"/datasets/{slug}").status_code == 200


def test_publish_lists_every_violation(as_editor: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [FieldProblem("description", "is required"), FieldProblem("contact_points", "is missing")]
    monkeypatch.setattr(services.datasets, "publication_problems", lambda dataset: problems)
    slug = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "Bins"}}).json()["slug"]
    error = assert_error(as_editor.post(f"/datasets/{slug}/publish"), 400, "invalid", "description")
    assert [d["field"] for d in error["details"]] == ["description", "contact_points"]
    assert Dataset.objects.get(slug=slug).status == "draft"


def test_publish_checks_dcat_ap_for_real(as_editor: Api, anon: Api) -> None:
    pytest.importorskip("openingup.exchange.shacl")
    slug = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "Bins"}}).json()["slug"]
    error = assert_error(as_editor.post(f"/datasets/{slug}/publish"), 400, "invalid")
    assert any("description" in d["field"] for d in error["details"]), error
    assert_error(anon.get(f"/datasets/{slug}"), 404, "not_found")

    as_editor.patch(f"/datasets/{slug}", {"description": {"en": "Where the bins are."}})
    distribution = {"access_url": ["https://example.org/bins.csv"], "licence": CC_BY}
    as_editor.post(f"/datasets/{slug}/distributions", distribution)
    published = as_editor.post(f"/datasets/{slug}/publish")
    assert published.status_code == 200, published.content
    assert anon.get(f"/datasets/{slug}").json()["status"] == "published"


def test_publication_problems_name_the_api_field(as_editor: Api) -> None:
    pytest.importorskip("openingup.exchange.shacl")
    slug = as_editor.post("/datasets", {"publisher": "leiedal", "title": {"en": "Bins"}}).json()["slug"]
    assert_error(as_editor.post(f"/datasets/{slug}/publish"), 400, "invalid", "description")


# Permissions ------------------------------------------------------------------------------------------


def test_anonymous_cannot_write(anon: Api, make_dataset: Callable[..., Dataset]) -> None:
    slug = make_dataset().slug
    assert_error(anon.post("/datasets", {"publisher": "leiedal", "title": {"en": "x"}}), 401, "unauthorized")
    assert_error(anon.patch(f"/datasets/{slug}", {"version": "2"}), 401, "unauthorized")
    assert_error(anon.put(f"/datasets/{slug}", {"title": {"en": "x"}}), 401, "unauthorized")
    assert_error(anon.delete(f"/datasets/{slug}"), 401, "unauthorized")
    assert_error(anon.post(f"/datasets/{slug}/archive"), 401, "unauthorized")
    assert Dataset.objects.get(slug=slug).version == ""


@pytest.mark.parametrize("who", ["as_viewer", "as_outsider"])
def test_viewers_and_editors_elsewhere_are_forbidden(
    who: str, request: pytest.FixtureRequest, make_dataset: Callable[..., Dataset]
) -> None:
    api: Api = request.getfixturevalue(who)
    slug = make_dataset().slug
    assert_error(api.post("/datasets", {"publisher": "leiedal", "title": {"en": "x"}}), 403, "forbidden")
    assert_error(api.patch(f"/datasets/{slug}", {"version": "2"}), 403, "forbidden")
    assert_error(api.put(f"/datasets/{slug}", {"title": {"en": "x"}}), 403, "forbidden")
    assert_error(api.post(f"/datasets/{slug}/archive"), 403, "forbidden")
    assert_error(api.delete(f"/datasets/{slug}"), 403, "forbidden")
    assert Dataset.objects.get(slug=slug).status == "published"


def test_drafts_are_invisible_to_whoever_may_not_see_them(
    anon: Api, as_outsider: Api, as_viewer: Api, as_admin: Api, make_dataset: Callable[..., Dataset]
) -> None:
    draft = make_dataset("Secret plans", status="draft").slug
    make_dataset("Open trees")
    for api in (anon, as_outsider):
        assert_error(api.get(f"/datasets/{draft}"), 404, "not_found")
        assert_error(api.get(f"/datasets/{draft}/distributions"), 404, "not_found")
        assert draft not in [d["slug"] for d in api.get("/datasets").json()["items"]]
    assert_error(as_outsider.patch(f"/datasets/{draft}", {"version": "2"}), 404, "not_found")
    for api in (as_viewer, as_admin):
        assert api.get(f"/datasets/{draft}").status_code == 200
        assert draft in [d["slug"] for d in api.get("/datasets").json()["items"]]


# Lists --------------------------------------------------------------------------------------------------


def test_filters(anon: Api, other: Any, make_dataset: Callable[..., Dataset]) -> None:
    trees = make_dataset("Trees", themes=[ENVI]).slug
    bins = make_dataset("Bins").slug
    theirs = make_dataset("Roads", publisher=other).slug

    def slugs(**params: Any) -> set[str]:
        response = anon.get("/datasets", params)
        assert response.status_code == 200, response.content
        return {d["slug"] for d in response.json()["items"]}

    assert slugs() == {trees, bins, theirs}
    assert slugs(publisher="leiedal") == {trees, bins}
    assert slugs(theme=ENVI) == {trees}
    assert slugs(status="published", publisher="other") == {theirs}
    assert slugs(status="draft") == set()
    Dataset.objects.filter(slug=bins).update(updated_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert slugs(modified_since=since) == {trees, theirs}
    assert slugs(modified_since="2000-01-01") == {trees, bins, theirs}


def test_bad_filter_values_are_400(anon: Api) -> None:
    assert_error(anon.get("/datasets", {"status": "deleted"}), 400, "invalid", "status")
    assert_error(anon.get("/datasets", {"modified_since": "yesterday"}), 400, "invalid", "modified_since")
    assert_error(anon.get("/datasets", {"limit": 1001}), 400, "invalid", "limit")
    assert_error(anon.get("/datasets", {"limit": 0}), 400, "invalid", "limit")
    assert_error(anon.get("/datasets", {"offset": -1}), 400, "invalid", "offset")


@pytest.mark.parametrize(
    "value", ["' OR 1=1 --", "x'; DROP TABLE catalogue_dataset; --", '" OR ""="', "%' OR '%'='", "\\"]
)
def test_sql_looking_filters_find_nothing(
    value: str, anon: Api, make_dataset: Callable[..., Dataset]
) -> None:
    make_dataset()
    for name in ("publisher", "theme"):
        response = anon.get("/datasets", {name: value})
        assert response.status_code == 200, response.content
        assert response.json() == {"items": [], "count": 0, "next": None}
    assert Dataset.objects.count() == 1


def test_next_links_walk_every_item_exactly_once(
    anon: Api, as_editor: Api, make_dataset: Callable[..., Dataset]
) -> None:
    expected = {make_dataset(f"Dataset {n}").slug for n in range(7)}
    expected.add(make_dataset("Draft", status="draft").slug)  # seen by the editor only
    seen: list[str] = []
    url: str | None = "/datasets?limit=3"
    pages = 0
    while url:
        body = as_editor.get(url).json()
        assert body["count"] == 8
        seen += [d["slug"] for d in body["items"]]
        url = body["next"]
        pages += 1
        if url:
            assert "limit=3" in url
    assert pages == 3
    assert sorted(seen) == sorted(expected)
    assert anon.get("/datasets", {"limit": 3, "offset": 6}).json()["next"] is None


def test_default_page_size_is_50(anon: Api, make_dataset: Callable[..., Dataset]) -> None:
    for n in range(51):
        make_dataset(f"Dataset {n}")
    body = anon.get("/datasets").json()
    assert len(body["items"]) == 50 and body["count"] == 51 and "offset=50" in body["next"]


def test_lists_show_what_detail_pages_show(
    as_viewer: Api, leiedal: Any, make_dataset: Callable[..., Dataset]
) -> None:
    from openingup.organisations.services import create_organisation

    parks = create_organisation(actor=None, name={"en": "Parks"}, kind="department", parent=leiedal)
    draft = make_dataset("Parks draft", status="draft", publisher=parks).slug
    assert as_viewer.get(f"/datasets/{draft}").status_code == 200
    assert draft in [d["slug"] for d in as_viewer.get("/datasets").json()["items"]]
