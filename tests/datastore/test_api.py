"""The datastore over /api/v1: pages, formats, exports, SQL, versions, dictionary — and hostile input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openingup.datastore.models import Table

from .conftest import Loader

CSV = b"id,name,amount,lat,lon\n1,Eik,10.5,52.1,4.5\n2,Beuk,20,52.2,4.6\n3,Linde,,52.3,4.7\n"


@pytest.fixture
def table(load: Loader) -> Table:
    return load("bomen.csv", CSV)


def _get(client: Client, url: str, **params: Any) -> Any:
    return client.get(url, params)


def test_rows_json_with_total_next_and_facets(client: Client, table: Table) -> None:
    base = f"/api/v1/distributions/{table.distribution_id}/rows"
    r = client.get(base, {"limit": 2, "sort": "-amount", "facet": "name"})
    body = r.json()
    assert r.status_code == 200
    assert body["total"] == 3 and body["fields"][0] == "_id"
    assert [row["name"] for row in body["rows"]] == ["Beuk", "Eik"]
    assert {f["value"] for f in body["facets"]["name"]} == {"Eik", "Beuk", "Linde"}
    nxt = client.get(body["next"].replace("http://testserver", "")).json()
    assert [row["name"] for row in nxt["rows"]] == ["Linde"] and nxt["next"] is None


def test_csv_and_geojson_pages(client: Client, table: Table) -> None:
    base = f"/api/v1/distributions/{table.distribution_id}/rows"
    text = client.get(base, {"format": "csv", "name": "Eik"}).content.decode()
    assert text.splitlines() == ["_id,id,name,amount,lat,lon", "1,1,Eik,10.5,52.1,4.5"]
    geo = client.get(base, {"format": "geojson", "bbox": "4.55,52.15,4.65,52.25"}).json()
    assert [f["properties"]["name"] for f in geo["features"]] == ["Beuk"]
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.6, 52.2]}


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson", "parquet", "xlsx"])
def test_exports_stream_every_row(client: Client, table: Table, fmt: str) -> None:
    r = client.get(f"/api/v1/distributions/{table.distribution_id}/export.{fmt}")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    if fmt == "csv":
        assert data.decode().count("\n") == 4
    elif fmt == "json":
        assert len(json.loads(data)["rows"]) == 3
    elif fmt == "geojson":
        assert len(json.loads(data)["features"]) == 3
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(io.BytesIO(data))
        assert t.num_rows == 3 and t.column("name").to_pylist() == ["Eik", "Beuk", "Linde"]
    else:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        assert rows[0][:3] == ["_id", "id", "name"] and len(rows) == 4


def test_table_info_schema_openapi_and_datapackage(client: Client, table: Table) -> None:
    base = f"/api/v1/distributions/{table.distribution_id}"
    info = client.get(base + "/table").json()
    assert info["row_count"] == 3 and info["profile"]["amount"]["nulls"] == 1
    schema = client.get(base + "/schema.json").json()
    assert [f["type"] for f in schema["fields"]] == ["integer", "string", "number", "number", "number"]
    doc = client.get(base + "/openapi.json").json()
    params = {p["name"] for p in next(iter(doc["paths"].values()))["get"]["parameters"]}
    assert {"name", "amount__gte", "name__contains", "q", "cursor"} <= params
    package = client.get(f"/api/v1/datasets/{table.distribution.dataset.slug}/datapackage.json").json()
    assert package["resources"][0]["schema"]["fields"][1]["name"] == "name"


def test_new_upload_is_a_new_version_and_the_old_stays_queryable(
    client: Client, table: Table, load: Loader
) -> None:
    second = load("bomen.csv", b"id,name\n9,Es\n", distribution=table.distribution)
    assert second.version == 2
    base = f"/api/v1/distributions/{table.distribution_id}/rows"
    assert client.get(base).json()["total"] == 1
    assert client.get(base, {"version": 1}).json()["total"] == 3
    assert client.get(base, {"version": 7}).status_code == 404
    table.refresh_from_db()
    assert table.expires_at is not None


def test_dictionary_edit_titles_and_types(client: Client, table: Table, editor: Any) -> None:
    from openingup.core.errors import InvalidInput
    from openingup.datastore import services
    from openingup.organisations.services import create_token

    url = f"/api/v1/distributions/{table.distribution_id}/schema.json"
    body = {"fields": [{"name": "name", "title": "Boomsoort", "description": "Soort"}]}
    assert client.patch(url, body, content_type="application/json").status_code == 401
    _, secret = create_token(actor=editor, user=editor, name="dictionary")
    r = client.patch(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["fields"][1] == {
        "name": "name",
        "title": "Boomsoort",
        "description": "Soort",
        "type": "string",
    }
    table.refresh_from_db()
    assert table.fields[1]["title"] == "Boomsoort"
    with pytest.raises(InvalidInput):  # names are text: they do not fit integers, nothing changes
        services.update_dictionary(actor=editor, table=table, fields=[{"name": "name", "type": "integer"}])
    assert Table.objects.filter(distribution=table.distribution, status="ready").count() == 1
    new = services.update_dictionary(actor=editor, table=table, fields=[{"name": "amount", "type": "string"}])
    assert new.version == 3 and {f["name"]: f["type"] for f in new.fields}["amount"] == "string"
    assert new.fields[1]["title"] == "Boomsoort"  # the dictionary survives a re-typing


def test_sql(client: Client, table: Table) -> None:
    d = table.distribution_id
    r = client.get("/api/v1/sql", {"sql": f'SELECT name, amount FROM "{d}" WHERE amount > 15'})
    assert r.status_code == 200 and r.json()["rows"] == [{"name": "Beuk", "amount": 20}]
    for bad in (
        "DROP TABLE x",
        f'SELECT * FROM "{d}"; DELETE FROM "{d}"',
        "SELECT * FROM read_csv('/etc/passwd')",
    ):
        r = client.get("/api/v1/sql", {"sql": bad})
        assert r.status_code == 400 and r.json()["error"]["details"]


def test_draft_tables_are_hidden(client: Client, table: Table) -> None:
    from openingup.catalogue.models import Dataset

    Dataset.objects.filter(pk=table.distribution.dataset_id).update(status="draft")
    assert client.get(f"/api/v1/distributions/{table.distribution_id}/rows").status_code == 404
    r = client.get("/api/v1/sql", {"sql": f'SELECT * FROM "{table.distribution_id}"'})
    assert r.status_code == 400 and "unknown table" in json.dumps(r.json())


HOSTILE = st.one_of(
    st.sampled_from(["'", '"', ";", "--", "/*", "*/", "DROP TABLE data", "1 OR 1=1", "' OR '1'='1", "\x00",
                     "%", "_", "\\", "NULL", "read_csv('/etc/passwd')", "ATTACH '/tmp/x' AS y", "$1", "?"]),
    st.text(max_size=40),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(param=st.sampled_from(["name", "amount__gt", "name__in", "name__contains", "q", "sort", "fields",
                              "cursor", "facet", "group_by", "bbox", "limit", "version", "amount__isnull",
                              "x'; DROP TABLE data; --"]), value=HOSTILE)  # fmt: skip
def test_injection_in_every_parameter_is_harmless(
    client: Client, table: Table, param: str, value: str
) -> None:
    r = client.get(f"/api/v1/distributions/{table.distribution_id}/rows", {param: value})
    assert r.status_code in {200, 400, 404}, r.content
    if r.status_code != 200:
        assert r.json()["error"]["message"]
    assert client.get(f"/api/v1/distributions/{table.distribution_id}/rows").json()["total"] == 3


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=HOSTILE, suffix=HOSTILE)
def test_injection_in_sql_is_harmless(client: Client, table: Table, prefix: str, suffix: str) -> None:
    sql = f"SELECT * FROM \"{table.distribution_id}\" WHERE name = '{prefix}' {suffix}"
    r = client.get("/api/v1/sql", {"sql": sql})
    assert r.status_code in {200, 400}, r.content
    assert client.get(f"/api/v1/distributions/{table.distribution_id}/rows").json()["total"] == 3


def test_replaced_versions_expire(client: Client, table: Table, load: Loader, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from openingup.datastore import services

    load("bomen.csv", b"id,name\n9,Es\n", distribution=table.distribution)
    Table.objects.filter(pk=table.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.expire_versions() == 1
    base = f"/api/v1/distributions/{table.distribution_id}/rows"
    assert client.get(base, {"version": 1}).status_code == 404
    assert client.get(base).json()["total"] == 1
    assert not (settings.DATASTORE_DIR / f"{table.pk}.duckdb").exists()
