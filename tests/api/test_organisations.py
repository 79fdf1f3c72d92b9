"""/api/v1/organisations: anyone reads, administrators write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openingup.api.schemas import OrganisationKind
from openingup.organisations.models import Organisation
from tests.api.conftest import Api, assert_error


def test_admin_creates_reads_changes_replaces_and_deletes(
    as_admin: Api, anon: Api, leiedal: Organisation
) -> None:
    body = {
        "name": {"en": "Parks department", "nl": "Dienst Groen"},
        "kind": "department",
        "parent": "leiedal",
        "homepage": "https://example.org/parks",
        "email": "parks@example.org",
    }
    created = as_admin.post("/organisations", body)
    assert created.status_code == 201, created.content
    org = created.json()
    assert org["slug"] == "parks-department" and org["parent"] == "leiedal" and org["kind"] == "department"
    assert org["uri"].endswith("/organisations/parks-department")
    one = f"/organisations/{org['slug']}"
    assert anon.get(one).json() == org
    assert org in anon.get("/organisations").json()["items"]

    patched = as_admin.patch(one, {"email": None, "description": {"en": "Trees and parks."}}).json()
    assert patched["email"] == "" and patched["description"] == {"en": "Trees and parks."}
    assert patched["homepage"] == body["homepage"]

    replaced = as_admin.put(one, {"name": {"en": "Parks"}}).json()
    assert replaced["name"] == {"en": "Parks"} and replaced["homepage"] == "" and replaced["parent"] is None
    assert replaced["kind"] == "publisher"

    assert as_admin.delete(one).status_code == 204
    assert_error(anon.get(one), 404, "not_found")


def test_only_administrators_write(anon: Api, as_editor: Api, leiedal: Organisation) -> None:
    body = {"name": {"en": "New"}}
    assert_error(anon.post("/organisations", body), 401, "unauthorized")
    assert_error(as_editor.post("/organisations", body), 403, "forbidden")
    assert_error(as_editor.patch("/organisations/leiedal", {"name": {"en": "Mine"}}), 403, "forbidden")
    assert_error(as_editor.delete("/organisations/leiedal"), 403, "forbidden")
    assert Organisation.objects.get(slug="leiedal").name["en"] == "Leiedal"


def test_invalid_organisations(as_admin: Api, leiedal: Organisation) -> None:
    assert_error(as_admin.post("/organisations", {"name": {}}), 400, "invalid", "name")
    assert_error(as_admin.post("/organisations", {"name": {"en": "  "}}), 400, "invalid", "name")
    assert_error(as_admin.post("/organisations", {"name": {"en": "Leiedal"}}), 400, "invalid", "slug")
    assert_error(
        as_admin.post("/organisations", {"name": {"en": "X"}, "kind": "club"}), 400, "invalid", "kind"
    )
    assert_error(
        as_admin.post("/organisations", {"name": {"en": "X"}, "parent": "nope"}), 400, "invalid", "parent"
    )
    assert_error(
        as_admin.post("/organisations", {"name": {"en": "X"}, "homepage": "ftp://x"}),
        400,
        "invalid",
        "homepage",
    )
    assert_error(
        as_admin.post("/organisations", {"name": {"en": "X"}, "email": "not-mail"}), 400, "invalid", "email"
    )
    assert_error(as_admin.patch("/organisations/leiedal", {"parent": "leiedal"}), 400, "invalid", "parent")
    assert_error(as_admin.patch("/organisations/leiedal", {"name": {"en": ""}}), 400, "invalid", "name")
    assert_error(as_admin.patch("/organisations/leiedal", {"slug": "new"}), 400, "invalid", "slug")


def test_an_organisation_that_publishes_cannot_be_deleted(
    as_admin: Api, make_dataset: Callable[..., Any]
) -> None:
    make_dataset()
    assert_error(as_admin.delete("/organisations/leiedal"), 400, "invalid")
    assert Organisation.objects.filter(slug="leiedal").exists()


def test_kinds_match_the_model() -> None:
    assert set(OrganisationKind.__args__) == set(Organisation.Kind.values)
