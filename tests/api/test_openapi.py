"""The OpenAPI document: committed, current, complete, and true to what the API answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.api.openapi import UPDATE_COMMAND, document, render
from openingup.exchange.dcat.fields import DATA_SERVICE, DATASET, DISTRIBUTION, Prop
from tests.api.conftest import CC_BY, ENVI, Api
from tests.api.jsonschema_lite import problems

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
STALE = f"docs/openapi.json is out of date: run `{UPDATE_COMMAND}` and commit the result."


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def test_committed_document_is_current(anon: Api, db: None) -> None:
    served = anon.get("/openapi.json")
    assert served.status_code == 200
    assert COMMITTED.exists(), STALE
    assert served.json() == json.loads(COMMITTED.read_text(encoding="utf-8")), STALE
    assert COMMITTED.read_text(encoding="utf-8") == render(), STALE


def test_docs_page_is_served(anon: Api, db: None) -> None:
    response = anon.get("/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_document_identity(doc: dict[str, Any]) -> None:
    assert doc["info"]["title"] == "Opening Up API"
    assert doc["info"]["version"] == "1"
    assert doc["openapi"].startswith("3.1")
    assert {"BearerAuth", "SessionAuth"} <= set(doc["components"]["securitySchemes"])


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_operation_is_documented(doc: dict[str, Any]) -> None:
    operations = _operations(doc)
    assert len(operations) >= 28
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert path.startswith("/api/v1/"), where
        assert op.get("description"), f"{where} has no description"
        assert op["responses"]["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorEnvelope"
        }, where
        security = op.get("security", [])
        assert {"BearerAuth": []} in security and {"SessionAuth": []} in security, where
        assert ({} in security) == (method == "get" and not path.startswith("/api/v1/tokens")), where


def test_the_upload_is_documented(doc: dict[str, Any]) -> None:
    content = doc["paths"]["/api/v1/datasets/{slug}/distributions"]["post"]["requestBody"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/DistributionCreate")
    form = content["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert "licence" in form["properties"] and "access_url" not in form["properties"]
    assert "DistributionCreate" in doc["components"]["schemas"]


@pytest.mark.parametrize(
    ("table", "models"),
    [
        (DATASET, ("Dataset", "DatasetCreate", "DatasetUpdate", "DatasetPatch")),
        (DISTRIBUTION, ("Distribution", "DistributionCreate", "DistributionUpdate", "DistributionPatch")),
        (DATA_SERVICE, ("DataService", "DataServiceCreate", "DataServiceUpdate", "DataServicePatch")),
    ],
)
def test_every_dcat_property_is_described(
    table: tuple[Prop, ...], models: tuple[str, ...], doc: dict[str, Any]
) -> None:
    schemas = doc["components"]["schemas"]
    for model in models:
        properties = schemas[model]["properties"]
        for prop in table:
            if prop.name == "publisher":
                assert "publisher" in properties or model.endswith(("Update", "Patch")), model
                continue
            field = properties[prop.name]
            assert prop.predicate in field["description"], (model, prop.name)
            assert field["x-rdf-property"] == prop.iri, (model, prop.name)
        for name, field in properties.items():
            assert field.get("description"), (model, name)


def test_mandatory_properties_are_required(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert set(schemas["DatasetCreate"]["required"]) == {"title", "publisher"}
    assert schemas["DistributionCreate"]["required"] == ["access_url"]
    assert set(schemas["DataServiceCreate"]["required"]) == {"title", "endpoint_url", "publisher"}
    assert "required" not in schemas["DatasetPatch"]
    assert schemas["DatasetCreate"]["additionalProperties"] is False


# Real responses against the document's response schemas ---------------------------------------------


def _check(doc: dict[str, Any], method: str, path: str, response: Any) -> None:
    status = str(response.status_code)
    responses = doc["paths"][path][method]["responses"]
    declared = responses.get(status) or responses["default"]
    if "content" not in declared:
        assert not response.content, f"{method} {path} {status} should be empty"
        return
    schema = declared["content"]["application/json"]["schema"]
    found = problems(response.json(), schema, doc)
    assert not found, f"{method.upper()} {path} → {status}: {found}"


def test_responses_match_the_document(
    doc: dict[str, Any], as_editor: Api, as_admin: Api, anon: Api, make_dataset: Callable[..., Any]
) -> None:
    v1 = "/api/v1"
    rich = {
        "publisher": "leiedal",
        "title": {"en": "Trees"},
        "keywords": {"en": ["trees"]},
        "themes": [ENVI],
        "contact_points": [{"fn": {"en": "Desk"}, "email": "mailto:desk@example.org"}],
        "temporal": [{"start": "2020-01-01"}],
        "creator": {"name": {"en": "Parks"}},
        "other_identifiers": [{"notation": "T-1"}],
    }
    created = as_editor.post("/datasets", rich)
    slug = created.json()["slug"]
    _check(doc, "post", f"{v1}/datasets", created)
    dist = as_editor.post(
        f"/datasets/{slug}/distributions", {"access_url": ["https://e.org/x"], "licence": CC_BY}
    )
    _check(doc, "post", f"{v1}/datasets/{{slug}}/distributions", dist)
    upload = as_editor.upload(
        f"/datasets/{slug}/distributions", {"file": SimpleUploadedFile("t.csv", b"a,b\n")}
    )
    _check(doc, "post", f"{v1}/datasets/{{slug}}/distributions", upload)
    make_dataset("Other")

    checks = [
        ("get", f"{v1}/datasets", as_editor.get("/datasets")),
        ("get", f"{v1}/datasets/{{slug}}", as_editor.get(f"/datasets/{slug}")),
        ("patch", f"{v1}/datasets/{{slug}}", as_editor.patch(f"/datasets/{slug}", {"version": "2"})),
        ("get", f"{v1}/datasets/{{slug}}/distributions", as_editor.get(f"/datasets/{slug}/distributions")),
        (
            "get",
            f"{v1}/distributions/{{distribution_id}}",
            as_editor.get(f"/distributions/{upload.json()['id']}"),
        ),
        ("get", f"{v1}/organisations", anon.get("/organisations")),
        ("get", f"{v1}/organisations/{{slug}}", anon.get("/organisations/leiedal")),
        ("post", f"{v1}/organisations", as_admin.post("/organisations", {"name": {"en": "New"}})),
        ("post", f"{v1}/tokens", as_editor.post("/tokens", {"name": "x"})),
        ("get", f"{v1}/tokens", as_editor.get("/tokens")),
        (
            "post",
            f"{v1}/data-services",
            as_editor.post("/data-services", {**rich, "endpoint_url": ["https://e.org/api"]}),
        ),
        ("get", f"{v1}/data-services", anon.get("/data-services")),
        ("get", f"{v1}/datasets/{{slug}}", anon.get("/datasets/nope")),
        ("post", f"{v1}/datasets", as_editor.post("/datasets", {"title": 1})),
        ("post", f"{v1}/datasets", anon.post("/datasets", {})),
        ("delete", f"{v1}/datasets/{{slug}}", as_editor.delete(f"/datasets/{slug}")),
    ]
    for method, path, response in checks:
        assert response.status_code < 500, response.content
        _check(doc, method, path, response)


def test_the_checker_finds_a_wrong_response(
    doc: dict[str, Any], as_editor: Api, make_dataset: Callable[..., Any]
) -> None:
    body = as_editor.get(f"/datasets/{make_dataset().slug}").json()
    schema = {"$ref": "#/components/schemas/Dataset"}
    assert problems(body, schema, doc) == []
    assert problems({**body, "status": "lost"}, schema, doc)
    assert problems({k: v for k, v in body.items() if k != "id"}, schema, doc)
    assert problems({**body, "themes": "not a list"}, schema, doc)
    assert problems({**body, "temporal": [{"start": 2020}]}, schema, doc)
