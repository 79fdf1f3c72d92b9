"""/api/v1/data-services."""

from __future__ import annotations

from openingup.catalogue.models import DataService
from openingup.organisations.models import Organisation
from tests.api.conftest import Api, assert_error

BODY = {
    "publisher": "leiedal",
    "title": {"en": "Tree API"},
    "endpoint_url": ["https://example.org/api/trees"],
    "endpoint_description": ["https://example.org/api/trees/openapi.json"],
}


def test_create_read_change_replace_delete(as_editor: Api, anon: Api) -> None:
    created = as_editor.post("/data-services", BODY)
    assert created.status_code == 201, created.content
    service = created.json()
    assert (
        service["slug"] == "tree-api"
        and service["publisher"] == "leiedal"
        and service["status"] == "published"
    )
    one = f"/data-services/{service['slug']}"
    assert anon.get(one).json() == service
    assert anon.get("/data-services").json() == {"items": [service], "count": 1, "next": None}
    assert anon.get("/data-services", {"publisher": "' OR 1=1 --"}).json()["count"] == 0

    patched = as_editor.patch(one, {"keywords": {"en": ["trees"]}}).json()
    assert patched["keywords"] == {"en": ["trees"]} and patched["endpoint_url"] == BODY["endpoint_url"]

    replaced = as_editor.put(
        one, {"title": {"en": "Trees"}, "endpoint_url": ["https://example.org/v2"]}
    ).json()
    assert "keywords" not in replaced and "endpoint_description" not in replaced

    assert as_editor.delete(one).status_code == 204
    assert_error(anon.get(one), 404, "not_found")


def test_endpoint_url_is_required(as_editor: Api) -> None:
    body = {k: v for k, v in BODY.items() if k != "endpoint_url"}
    assert_error(as_editor.post("/data-services", body), 400, "invalid", "endpoint_url")


def test_permissions(
    anon: Api, as_viewer: Api, as_outsider: Api, as_editor: Api, leiedal: Organisation
) -> None:
    slug = as_editor.post("/data-services", BODY).json()["slug"]
    assert_error(anon.post("/data-services", BODY), 401, "unauthorized")
    for api in (as_viewer, as_outsider):
        assert_error(api.post("/data-services", BODY), 403, "forbidden")
        assert_error(api.patch(f"/data-services/{slug}", {"title": {"en": "x"}}), 403, "forbidden")
        assert_error(api.delete(f"/data-services/{slug}"), 403, "forbidden")
    assert DataService.objects.count() == 1
