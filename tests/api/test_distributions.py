"""Distributions: by URL (JSON) and by upload (multipart), changed, replaced and deleted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.catalogue.models import Dataset, Distribution
from tests.api.conftest import CC_BY, CSV, Api, assert_error

CSV_BYTES = b"id,species\n1,oak\n2,beech\n"


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def trees(make_dataset: Callable[..., Dataset]) -> Dataset:
    return make_dataset("Trees")


def test_add_by_url_then_read_change_replace_delete(as_editor: Api, anon: Api, trees: Dataset) -> None:
    body = {
        "title": {"en": "Trees as CSV"},
        "access_url": ["https://example.org/trees.csv"],
        "licence": CC_BY,
    }
    created = as_editor.post(f"/datasets/{trees.slug}/distributions", body)
    assert created.status_code == 201, created.content
    distribution = created.json()
    assert distribution["dataset"] == trees.slug
    assert {k: distribution[k] for k in body} == body
    one = f"/distributions/{distribution['id']}"

    assert anon.get(one).json() == distribution
    listed = anon.get(f"/datasets/{trees.slug}/distributions").json()
    assert listed == {"items": [distribution], "count": 1, "next": None}
    assert anon.get(f"/datasets/{trees.slug}").json()["distributions"] == [distribution]

    patched = as_editor.patch(one, {"format": CSV, "byte_size": 1234}).json()
    assert patched["format"] == CSV and patched["byte_size"] == 1234 and patched["licence"] == CC_BY

    replaced = as_editor.put(one, {"access_url": ["https://example.org/trees-v2.csv"]}).json()
    assert replaced["access_url"] == ["https://example.org/trees-v2.csv"]
    assert "licence" not in replaced and "title" not in replaced

    assert as_editor.delete(one).status_code == 204
    assert_error(anon.get(one), 404, "not_found")


def test_access_url_is_required_for_json(as_editor: Api, trees: Dataset) -> None:
    response = as_editor.post(f"/datasets/{trees.slug}/distributions", {"title": {"en": "x"}})
    assert_error(response, 400, "invalid", "access_url")
    assert not Distribution.objects.exists()


def test_unknown_licence_is_refused_naming_the_field(as_editor: Api, trees: Dataset) -> None:
    body = {"access_url": ["https://example.org/x.csv"], "licence": "https://example.org/my-own-licence"}
    error = assert_error(
        as_editor.post(f"/datasets/{trees.slug}/distributions", body), 400, "invalid", "licence"
    )
    assert "licence" in next(d["problem"] for d in error["details"] if d["field"] == "licence")
    assert not Distribution.objects.exists()


def test_malformed_json_body(as_editor: Api, trees: Dataset) -> None:
    response = as_editor.post(f"/datasets/{trees.slug}/distributions", raw="{'access_url':")
    assert_error(response, 400, "invalid", "body")


def test_upload_a_file(as_editor: Api, trees: Dataset, media_root: Path) -> None:
    upload = SimpleUploadedFile("street trees.csv", CSV_BYTES, content_type="text/csv")
    fields = {"file": upload, "title": json.dumps({"en": "Trees"}), "licence": CC_BY}
    response = as_editor.upload(f"/datasets/{trees.slug}/distributions", fields)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == {"en": "Trees"} and body["licence"] == CC_BY
    assert body["byte_size"] == len(CSV_BYTES)
    assert body["checksum"]["value"] == hashlib.sha256(CSV_BYTES).hexdigest()
    assert body["format"] == CSV
    assert body["download_url"][0].endswith(".csv")
    assert [p.read_bytes() for p in _files(media_root)] == [CSV_BYTES]


def test_upload_over_the_limit_is_refused_and_nothing_is_kept(
    as_editor: Api, trees: Dataset, media_root: Path, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.csv", b"x" * 2048, content_type="text/csv")
    response = as_editor.upload(f"/datasets/{trees.slug}/distributions", {"file": upload})
    assert_error(response, 400, "invalid", "file")
    assert not Distribution.objects.exists()
    assert _files(media_root) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "not json"}, "title"),
        ({"access_url": json.dumps(["https://example.org/x"])}, "access_url"),
        ({"colour": "blue"}, "colour"),
        ({"licence": "https://example.org/mine"}, "licence"),
        ({"byte_size": "-3"}, "byte_size"),
    ],
)
def test_bad_upload_fields(
    fields: dict[str, str], field: str, as_editor: Api, trees: Dataset, media_root: Path
) -> None:
    upload = SimpleUploadedFile("a.csv", CSV_BYTES)
    response = as_editor.upload(f"/datasets/{trees.slug}/distributions", {"file": upload, **fields})
    assert_error(response, 400, "invalid", field)
    assert not Distribution.objects.exists()
    assert _files(media_root) == []


def test_multipart_without_a_file(as_editor: Api, trees: Dataset) -> None:
    response = as_editor.upload(f"/datasets/{trees.slug}/distributions", {"title": json.dumps({"en": "x"})})
    assert_error(response, 400, "invalid", "file")


def test_replace_the_file(as_editor: Api, trees: Dataset) -> None:
    first = SimpleUploadedFile("a.csv", CSV_BYTES)
    created = as_editor.upload(f"/datasets/{trees.slug}/distributions", {"file": first}).json()
    second = SimpleUploadedFile("b.csv", CSV_BYTES * 2)
    response = as_editor.upload(f"/distributions/{created['id']}/file", {"file": second})
    assert response.status_code == 200, response.content
    assert response.json()["byte_size"] == 2 * len(CSV_BYTES)
    assert response.json()["access_url"] != created["access_url"]


def test_full_replacement_keeps_the_facts_of_an_uploaded_file(as_editor: Api, trees: Dataset) -> None:
    upload = SimpleUploadedFile("a.csv", CSV_BYTES)
    created = as_editor.upload(f"/datasets/{trees.slug}/distributions", {"file": upload}).json()
    body = {"access_url": created["access_url"], "title": {"en": "Renamed"}}
    replaced = as_editor.put(f"/distributions/{created['id']}", body).json()
    for name in ("byte_size", "checksum", "download_url", "format"):
        assert replaced[name] == created[name], name
    assert replaced["title"] == {"en": "Renamed"}


def test_permissions(
    anon: Api,
    as_viewer: Api,
    as_outsider: Api,
    as_editor: Api,
    trees: Dataset,
    make_dataset: Callable[..., Any],
) -> None:
    body = {"access_url": ["https://example.org/x.csv"]}
    one = "/distributions/" + as_editor.post(f"/datasets/{trees.slug}/distributions", body).json()["id"]
    assert_error(anon.post(f"/datasets/{trees.slug}/distributions", body), 401, "unauthorized")
    assert_error(anon.patch(one, {"format": CSV}), 401, "unauthorized")
    for api in (as_viewer, as_outsider):
        assert_error(api.post(f"/datasets/{trees.slug}/distributions", body), 403, "forbidden")
        assert_error(api.patch(one, {"format": CSV}), 403, "forbidden")
        assert_error(api.delete(one), 403, "forbidden")
    assert Distribution.objects.count() == 1

    draft = make_dataset("Draft", status="draft")
    hidden = as_editor.post(f"/datasets/{draft.slug}/distributions", body).json()["id"]
    assert_error(anon.get(f"/distributions/{hidden}"), 404, "not_found")
    assert_error(as_outsider.get(f"/distributions/{hidden}"), 404, "not_found")
    assert as_viewer.get(f"/distributions/{hidden}").status_code == 200


def test_ids_that_are_not_uuids_are_404(anon: Api, db: None) -> None:
    assert_error(anon.get("/distributions/not-a-uuid"), 404, "not_found")
    assert_error(anon.get("/distributions/00000000-0000-0000-0000-000000000000"), 404, "not_found")
