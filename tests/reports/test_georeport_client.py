"""A GeoReport v2 client from PyPI (``georeport``, a dev dependency) against our endpoint on a live
server at 127.0.0.1, unchanged: it reads services, definitions and requests in JSON and in XML."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.reports.conftest import INSIDE

georeport = pytest.importorskip("georeport")


@pytest.fixture
def endpoint(live_server: Any, litter: Any, pothole: Any, api_key: str) -> str:
    root = f"{live_server.url}/open311/v2"
    fields = {"api_key": api_key, "service_code": "litter", **INSIDE, "attribute[size]": "large"}
    for description in ("Broken glass", "Bags by the bench"):
        response = httpx.post(f"{root}/requests.json", data={**fields, "description": description})
        assert response.status_code == 200, response.text
    return root


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything(endpoint: str, fmt: str) -> None:
    client = georeport.GeoReport(endpoint, output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["litter", "pothole"]
    definition = client.get_service_definition("litter")
    assert definition["service_code"] == "litter"
    # xmltodict reads <attributes><attribute>… as a record holding the list
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert {a["datatype"] for a in attributes} >= {"singlevaluelist", "multivaluelist", "number"}
    requests = client.get_service_requests(service_code="litter", status="open")
    assert sorted(r["description"] for r in requests) == ["Bags by the bench", "Broken glass"]
    # For one request the client takes element [0] of our JSON array, or the single <request> of the XML
    one = client.get_service_request(requests[0]["service_request_id"])
    assert one["service_request_id"] == requests[0]["service_request_id"] and one["status"] == "open"


def test_georeport_client_sees_errors_as_http_errors(endpoint: str) -> None:
    import requests

    client = georeport.GeoReport(endpoint, output_format="json")
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("no-such-service")
    assert refused.value.response.status_code == 404
