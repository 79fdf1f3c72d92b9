"""Every payload of the reference data's ``open311/`` read by our Open311 client: each one served from
a local server on 127.0.0.1 and fetched through the harvest's fetcher (the safe HTTP client), its
fields mapped; the request lists harvested into the back office; the error payloads reported with
their descriptions. The registry's real endpoints give a base URL each, and every property the
GeoReport v2 definition gives a request is read or deliberately left out."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from openingup.harvest import services
from openingup.harvest.fetching import Fetcher, FetchError
from openingup.harvest.harvesters import open311
from openingup.harvest.models import HarvestJob, HarvestRecord
from openingup.organisations.models import Organisation
from openingup.reports.models import ServiceRequest
from tests.harvest.conftest import Server, harvest

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

SERVICE_LISTS = {
    "georeport-v2-spec-examples/json-service-list.json": ["001", "002", "003"],
    "georeport-v2-spec-examples/xml-service-list.xml": ["001", "002", "003"],
    "fixmystreet/services_with_groups.xml": ["100"],
}
DEFINITIONS = {
    "georeport-v2-spec-examples/json-service-definition.json": ("DMV66", ["WHISHETN"]),
    "georeport-v2-spec-examples/xml-service-definition.xml": ("DMV66", ["WHISHETN"]),
    "georeport-v2-xml/service_definition.xml": None,  # checked below: read, with its attributes
    "fixmystreet/service_definition_attributes.xml": ("100", ["type"]),
}
REQUEST_LISTS = {  # payload: (requests, one id, its workflow state, service code, description)
    "georeport-v2-spec-examples/json-service-requests.json": (2, "638344", "done", "006", ""),
    "georeport-v2-spec-examples/xml-service-requests.xml": (2, "638344", "done", "006", ""),
    "georeport-v2-xml/service_requests.xml": (2, "638349", "received", "006", ""),
    "georeport-v2-xml/service_requests_empty.xml": (0, "", "", "", ""),
    "fixmystreet/getservicerequests_requests.xml": (
        3,
        "638345",
        "on_hold",
        "not_sidewalks",
        "This is a problem",
    ),
    "fixmystreet/fiksgatami-no_requests_example.xml": (
        1,
        "1",
        "received",
        "Annet",
        "Mangler brustein: Det støver veldig på tørre dager.  Her burde det vært brustein.",
    ),
}
SINGLE_REQUESTS = [
    "georeport-v2-spec-examples/json-service-request.json",
    "georeport-v2-spec-examples/xml-service-request.xml",
    "georeport-v2-xml/get_service_request.xml",
]
TOKENS = [
    "georeport-v2-spec-examples/json-request-from-token.json",
    "georeport-v2-spec-examples/xml-request-from-token.xml",
    "georeport-v2-xml/request_id_from_token.xml",
]
POST_ANSWERS = [
    "georeport-v2-spec-examples/json-service-request-post.json",
    "georeport-v2-spec-examples/xml-service-request-post.xml",
    "georeport-v2-xml/post_service_request.xml",
]
UPDATES = ["fixmystreet/servicerequestupdates_extended.xml"]
ERRORS = {  # payload: (HTTP status when the file gives none, words the job's error must carry)
    "georeport-v2-spec-examples/json-errors.json.http": (None, "Invalid api_key received"),
    "georeport-v2-spec-examples/xml-errors.xml.http": (None, "Invalid api_key received"),
    "georeport-v2-xml/403.xml.http": (None, "Invalid api_key received"),
    "georeport-v2-xml/get_service_request_not_found.xml": (404, "Service request not found"),
}
REGISTRY = ["registry/open311-servers.yml", "registry/georeport_v2-1.swagger.yaml"]
# Request properties of the GeoReport v2 definition we read under another name or leave out, and why.
NOT_KEPT = {"address": "kept as address_string", "media_url": "kept when it is an http(s) URL"}


def _folder(reference_data: Path) -> Path:
    return reference_data / "open311"


def _served(path: Path) -> tuple[int, str, bytes]:
    """The payload as a server would answer it: the status line of the ``.http`` files, the type by
    the content."""
    raw = path.read_bytes()
    status = 200
    if raw.startswith(b"HTTP/"):
        line, raw = raw.split(b"\n\n", 1)
        status = int(line.split()[1])
    kind = "text/xml; charset=utf-8" if raw.lstrip().startswith(b"<") else "application/json"
    return status, kind, raw


def _client(server: Server, fmt: str) -> open311.Client:
    return open311.Client(Fetcher(retries=0), open311.Endpoint(base=server.url + "/v2", format=fmt))


def _fmt(name: str) -> str:
    return "json" if ".json" in name else "xml"


def test_every_payload_is_covered(reference_data: Path) -> None:
    named = {
        *SERVICE_LISTS,
        *DEFINITIONS,
        *REQUEST_LISTS,
        *SINGLE_REQUESTS,
        *TOKENS,
        *POST_ANSWERS,
        *UPDATES,
        *ERRORS,
        *REGISTRY,
    }
    folder = _folder(reference_data)
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert present == named


@pytest.mark.parametrize("name", sorted(SERVICE_LISTS))
def test_service_lists(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    found = [open311.service_record(s) for s in _client(server, _fmt(name)).services()]
    assert [s["code"] for s in found] == SERVICE_LISTS[name]
    assert found[0]["name"] == "Cans left out 24x7"
    assert found[0]["keywords"] == ["lorem", "ipsum", "dolor"]
    assert found[0]["type"] == "realtime"
    if "groups" in name:  # mySociety's <groups><group> extension, an &amp; entity
        assert found[0]["group"] == "sanitation & cleaning, street"[:100]
    else:
        assert found[0]["group"] == "sanitation"


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_service_definitions(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    definition = _client(server, _fmt(name)).service_definition("x")
    attributes = definition["attributes"]
    assert attributes and all(isinstance(a, dict) and a.get("code") for a in attributes)
    expected = DEFINITIONS[name]
    if expected is not None:
        assert (definition["service_code"], [a["code"] for a in attributes]) == expected
    for attribute in attributes:
        if attribute.get("datatype") in ("singlevaluelist", "multivaluelist"):
            assert all(v.get("key") and v.get("name") for v in attribute["values"])
    if "attributes.xml" in name:  # escaped markup stays text
        assert attributes[0]["description"] == "<type>Type</type> of <b>bin</b>"


@pytest.mark.parametrize("name", sorted(REQUEST_LISTS))
def test_request_lists_are_harvested(
    reference_data: Path, server: Server, organisation: Organisation, name: str
) -> None:
    payload = _served(_folder(reference_data) / name)
    fmt = _fmt(name)
    server.handler = lambda path, query: (
        payload if path == f"/v2/requests.{fmt}" else (404, "text/plain", b"no services here")
    )
    source = services.add_source(
        actor=None, type="open311", url=f"{server.url}/v2/requests.{fmt}", organisation=organisation
    )

    job = harvest(source)

    count, remote_id, state, code, description = REQUEST_LISTS[name]
    assert job.status == HarvestJob.Status.DONE, job.error
    assert (job.created, job.failed) == (count, 0), job.report
    assert ServiceRequest.objects.filter(harvest_source=source).count() == count
    if not count:
        return
    request = ServiceRequest.objects.get(harvest_source=source, remote_id=remote_id)
    assert request.status == state
    assert request.service.code.endswith("." + code)
    assert request.description == description
    assert request.remote_url == f"{server.url}/v2/requests/{remote_id}.{fmt}"
    assert request.requested_datetime.utcoffset() is not None or request.requested_datetime.tzinfo
    if "fiksgatami" in name:  # two <recipient>s; the reporter's name (requestor_name) is not kept
        assert request.agency_responsible == "Statens vegvesen region øst, Oslo"
        assert request.requested_datetime == datetime.fromisoformat("2011-04-23T09:32:36+02:00")
        assert (request.lat, request.long) == (59.916848, 10.728148)
        assert "Petter" not in str(ServiceRequest.objects.filter(pk=request.pk).values().first())
    if "georeport-v2" in name and remote_id == "638344":
        assert (request.address_string, request.address_id, request.zipcode) == (
            "8TH AVE and JUDAH ST",
            "545483",
            "94122",
        )
        assert request.status_notes == "Duplicate request."
        assert request.media_url.endswith("/requests/media/638344.jpg")
    assert harvest(source).unchanged == count  # a second run changes nothing
    assert HarvestRecord.objects.filter(source=source, status="unchanged").count() == count


@pytest.mark.parametrize("name", SINGLE_REQUESTS)
def test_single_requests(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    found = _client(server, _fmt(name)).request("638344")
    assert found is not None
    record = open311.request_record(found, warnings := [])
    assert (record["service_request_id"], record["service_code"], record["status"]) == (
        "638344",
        "006",
        "closed",
    )
    assert record["requested_datetime"] == "2010-04-14T06:37:38-08:00"
    assert (record["lat"], record["long"]) == (37.762221815, -122.4651145)
    assert warnings == []


@pytest.mark.parametrize("name", TOKENS)
def test_tokens(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    found = _client(server, _fmt(name)).token("12345")
    assert [(open311.text(r["service_request_id"]), open311.text(r["token"])) for r in found] == [
        ("638344", "12345")
    ]


@pytest.mark.parametrize("name", POST_ANSWERS)
def test_answers_to_filing(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    fetched = Fetcher(retries=0).get(f"{server.url}/v2/requests.{_fmt(name)}")
    found = open311.filed(fetched.content, fetched.content_type)
    assert len(found) == 1
    assert open311.text(found[0]["service_request_id"]) == "293944"
    assert open311.text(found[0]["service_notice"]).startswith("The City will inspect")
    assert open311.text(found[0].get("account_id")) == ""


@pytest.mark.parametrize("name", UPDATES)
def test_request_updates(reference_data: Path, server: Server, name: str) -> None:
    server.handler = lambda path, query: _served(_folder(reference_data) / name)
    found = _client(server, "xml").updates(start_date="2024-01-01T00:00:00Z")
    assert [(u["update_id"], u["service_request_id"], u["status"]) for u in found] == [
        ("638344", "1", "open")
    ]
    assert open311.moment(found[0]["updated_datetime"]) == datetime.fromisoformat("2024-01-01T12:00:00+00:00")


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_payloads_fail_the_harvest_with_their_description(
    reference_data: Path, server: Server, organisation: Organisation, name: str
) -> None:
    status, kind, body = _served(_folder(reference_data) / name)
    given, words = ERRORS[name]
    status = given or status
    server.handler = lambda path, query: (status, kind, body)
    source = services.add_source(
        actor=None, type="open311", url=f"{server.url}/v2/requests.{_fmt(name)}", organisation=organisation
    )

    job = harvest(source)

    assert job.status == HarvestJob.Status.FAILED
    assert words in job.error
    assert f"HTTP {status}" in job.error
    # Served with 200, as some servers do, the error document is recognised all the same.
    server.handler = lambda path, query: (200, kind, body)
    with pytest.raises(open311.Open311Error, match=words):
        _client(server, _fmt(name)).requests()
    server.handler = lambda path, query: (status, kind, body)
    with pytest.raises(FetchError, match=words):
        _client(server, _fmt(name)).requests()


def test_every_registered_server_gives_an_endpoint(reference_data: Path) -> None:
    text = (_folder(reference_data) / "registry/open311-servers.yml").read_text(encoding="utf-8")
    urls = re.findall(r'^\s+(base_url|api_discovery): "(https?://[^"]+)"', text, re.MULTILINE)
    assert len(urls) >= 20
    for kind, url in urls:
        found = open311.endpoint(url)
        assert found.base.startswith(("http://", "https://")) and not found.base.endswith("/"), url
        if kind == "api_discovery" and re.search(r"/discovery(\.\w+)?$", url):
            assert found.discovery == url  # read first; it names the endpoint
        else:
            assert not found.discovery, url
            assert found.base == re.sub(r"/(requests|services)(\.\w+)?$", "", url.rstrip("/")), url


def test_every_request_property_of_the_definition_is_read(reference_data: Path) -> None:
    lines = (_folder(reference_data) / "registry/georeport_v2-1.swagger.yaml").read_text("utf-8").splitlines()
    start = lines.index("  Request:")
    properties, inside = [], False
    for line in lines[start + 1 :]:
        if line.startswith("  ") and not line.startswith("   "):
            break  # the next definition
        if line == "    properties:":
            inside = True
        elif inside and re.match(r"^      [a-z_]+:$", line):
            properties.append(line.strip().rstrip(":"))
    assert {"service_request_id", "status", "lat", "long", "media_url"} <= set(properties)
    raw = {name: "1" for name in properties}
    record = open311.request_record(raw, [])
    missing = [p for p in properties if p not in record and p not in NOT_KEPT]
    assert missing == []
    assert record["address_string"] == "1"
