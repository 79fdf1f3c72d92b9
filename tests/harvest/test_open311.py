"""Harvesting another city's Open311 GeoReport v2 endpoint into the back office: JSON and XML, the
90-day windows and ``page``, reruns that change nothing, remote status changes kept as updates, the
variants real servers send, and what must be refused (error documents, hostile payloads, private
addresses)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from openingup.core.errors import InvalidInput
from openingup.exchange import open311 as wire
from openingup.harvest import services
from openingup.harvest.harvesters import open311
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource
from openingup.organisations.models import Organisation
from openingup.reports import queries as report_queries
from openingup.reports.models import RequestUpdate, Service, ServiceRequest
from tests.harvest.conftest import Server, counts, harvest

pytestmark = pytest.mark.django_db


NOW = timezone.now().replace(microsecond=0)  # one clock for every payload: a rebuilt payload is equal


def _request(n: int, *, status: str = "open", days_ago: float = 1, code: str = "001") -> dict[str, Any]:
    when = NOW - timedelta(days=days_ago)
    return {
        "service_request_id": str(1000 + n),
        "status": status,
        "status_notes": None,
        "service_name": "Cans left out",
        "service_code": code,
        "description": f"Bin {n} left out",
        "agency_responsible": "Sanitation",
        "service_notice": None,
        "requested_datetime": when.isoformat(),
        "updated_datetime": when.isoformat(),
        "expected_datetime": None,
        "address": f"{n} Main St",
        "address_id": None,
        "zipcode": "94122",
        "lat": 37.76 + n / 10000,
        "long": -122.46,
        "media_url": None,
    }


SERVICES = [
    {
        "service_code": "001",
        "service_name": "Cans left out 24x7",
        "description": "Garbage cans left out.",
        "metadata": False,
        "type": "realtime",
        "keywords": "bins, garbage",
        "group": "sanitation",
    }
]


class City:
    """A remote Open311 server: its requests, served in JSON or XML, paged or not."""

    def __init__(self, requests: list[dict[str, Any]], *, pages: bool = True, fmt: str = "json") -> None:
        self.requests = requests
        self.pages = pages
        self.fmt = fmt
        self.asked: list[dict[str, str]] = []

    def body(self, root: str, document: Any) -> tuple[str, bytes]:
        if self.fmt == "xml":
            return "text/xml; charset=utf-8", wire.to_xml(root, document)
        return "application/json", json.dumps(document).encode()

    def __call__(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if not path.startswith("/open311/v2/") or not path.endswith("." + self.fmt):
            return 404, "text/plain", b"not here"
        resource = path[len("/open311/v2/") : -len(self.fmt) - 1]
        if resource == "services":
            return (200, *self.body("services", SERVICES))
        if resource != "requests":
            return 404, "text/plain", b"not here"
        self.asked.append(query)
        start = datetime.fromisoformat(query["start_date"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(query["end_date"].replace("Z", "+00:00"))
        assert end - start <= timedelta(days=90), query
        found = [r for r in self.requests if start <= datetime.fromisoformat(r["requested_datetime"]) <= end]
        if self.pages:
            size = int(query.get("page_size", "1000"))
            page = int(query.get("page", "1"))
            found = found[(page - 1) * size : page * size]
        else:
            found = found[:5]  # a server with a cap of 5 that ignores page
        return (200, *self.body("service_requests", found))


def _source(server: Server, organisation: Organisation, path: str = "/open311/v2") -> HarvestSource:
    return services.add_source(actor=None, type="open311", url=server.url + path, organisation=organisation)


def test_requests_are_harvested_once_and_updated_when_their_status_changes(
    organisation: Organisation, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_HARVEST_PAGE_SIZE", "4")
    monkeypatch.setenv("OPENINGUP_OPEN311_HARVEST_DAYS", "120")
    city = City([_request(n, days_ago=1 + n * 12) for n in range(10)])  # 1 … 109 days ago: two windows
    server.handler = city
    source = _source(server, organisation)

    job = harvest(source)

    assert job.status == HarvestJob.Status.DONE, job.error
    assert counts(job) == {"created": 10, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 0}
    assert {q.get("page", "1") for q in city.asked} >= {"1", "2"}  # paged within a window
    assert len({q["start_date"] for q in city.asked}) == 2  # 90 days + the rest: two windows
    harvested = ServiceRequest.objects.filter(harvest_source=source).order_by("remote_id")
    first = harvested[0]
    assert (first.remote_id, first.status, first.description) == ("1000", "received", "Bin 0 left out")
    assert first.remote_url == f"{server.url}/open311/v2/requests/1000.json"
    assert (first.address_string, first.zipcode, first.agency_responsible) == (
        "0 Main St",
        "94122",
        "Sanitation",
    )
    service = first.service
    assert service.code.endswith(".001") and not service.active
    assert (service.name, service.group, service.keywords) == (
        {"": "Cans left out 24x7"},
        "sanitation",
        ["bins", "garbage"],
    )
    assert service.organisation == organisation
    assert not report_queries.services().filter(pk=service.pk).exists()  # not offered here

    again = harvest(source)
    assert counts(again) == {"created": 0, "updated": 0, "unchanged": 10, "withdrawn": 0, "failed": 0}
    assert ServiceRequest.objects.filter(harvest_source=source).count() == 10

    city.requests[3] = {
        **city.requests[3],
        "status": "closed",
        "status_notes": "Collected.",
        "updated_datetime": timezone.now().replace(microsecond=0).isoformat(),
    }
    city.requests = city.requests[:9]  # one no longer answered (older than the span): not withdrawn
    third = harvest(source)

    assert counts(third) == {"created": 0, "updated": 1, "unchanged": 8, "withdrawn": 0, "failed": 0}
    changed = ServiceRequest.objects.get(harvest_source=source, remote_id="1003")
    assert (changed.status, changed.status_notes) == ("done", "Collected.")
    update = RequestUpdate.objects.get(request=changed)
    assert (update.previous_status, update.status, update.description) == ("received", "done", "Collected.")
    assert ServiceRequest.objects.filter(harvest_source=source).count() == 10


def test_an_xml_endpoint_named_by_its_requests_url(organisation: Organisation, server: Server) -> None:
    server.handler = City([_request(1, status="investigating"), _request(2)], fmt="xml")
    source = _source(server, organisation, "/open311/v2/requests.xml?jurisdiction_id=city.test")

    job = harvest(source)

    assert job.status == HarvestJob.Status.DONE, job.error
    assert job.created == 2
    assert all("jurisdiction_id=city.test" in r for r in server.requests if "/requests.xml" in r)
    statuses = dict(ServiceRequest.objects.filter(harvest_source=source).values_list("remote_id", "status"))
    assert statuses == {"1001": "on_hold", "1002": "received"}  # FixMyStreet's investigating


def test_the_format_is_found_when_the_url_does_not_say(organisation: Organisation, server: Server) -> None:
    server.handler = City([_request(1)], fmt="xml")  # services.json answers 404
    job = harvest(_source(server, organisation))
    assert (job.status, job.created) == (HarvestJob.Status.DONE, 1)
    assert any(r.startswith("/open311/v2/services.json") for r in server.requests)


def test_discovery_names_the_endpoint_and_its_format(organisation: Organisation, server: Server) -> None:
    city = City([_request(1)], fmt="xml")

    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/discovery.json":
            document = {
                "changeset": "2026-01-01T00:00:00Z",
                "contact": "311@city.test",
                "key_service": "",
                "endpoints": [
                    {
                        "specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": server.url + "/open311/v2",
                        "changeset": "2026-01-01T00:00:00Z",
                        "type": "production",
                        "formats": ["text/xml"],
                    }
                ],
            }
            return 200, "application/json", json.dumps(document).encode()
        return city(path, query)

    server.handler = handle
    job = harvest(_source(server, organisation, "/discovery.json"))
    assert (job.status, job.created) == (HarvestJob.Status.DONE, 1), job.error
    assert not any(r.startswith("/open311/v2/services.json") for r in server.requests)


def test_a_server_that_ignores_page_gets_its_windows_split(
    organisation: Organisation, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_HARVEST_PAGE_SIZE", "5")
    city = City([_request(n, days_ago=1 + n * 7) for n in range(12)], pages=False)
    server.handler = city
    source = _source(server, organisation)

    job = harvest(source)

    assert job.status == HarvestJob.Status.DONE, job.error
    assert (job.created, job.failed) == (12, 0)
    assert len({(q["start_date"], q["end_date"]) for q in city.asked}) > 2  # halves were asked for


def test_variants_are_tolerated_and_bad_values_left_out_with_warnings(
    organisation: Organisation, server: Server
) -> None:
    odd = [
        {**_request(1), "requested_datetime": "2026-12-01 10:00:00Z", "lat": "37.7", "long": "-122.4"},
        {**_request(2), "media_url": "javascript:alert(1)", "lat": "north"},
        {**_request(3), "status": "Acknowledged", "agency_responsible": {"recipient": ["Roads", "Oslo"]}},
        {**_request(4), "service_request_id": None},
        {**_request(5), "requestor_name": "Petter Reinholdtsen", "service_request_id": "A/5 x"},
    ]

    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path.endswith("services.json"):
            return 200, "application/json", json.dumps({"services": SERVICES}).encode()
        return 200, "application/json", json.dumps({"service_requests": odd}).encode()  # wrapped

    server.handler = handle
    source = _source(server, organisation)
    job = harvest(source)

    assert job.status == HarvestJob.Status.DONE, job.error
    assert (job.created, job.failed) == (4, 1)
    assert "service_request_id" in job.report["failed"][0]["reason"]
    rows = {r.remote_id: r for r in ServiceRequest.objects.filter(harvest_source=source)}
    assert rows["1001"].requested_datetime == datetime.fromisoformat("2026-12-01T10:00:00+00:00")
    assert (rows["1001"].lat, rows["1001"].long) == (37.7, -122.4)
    assert (rows["1002"].media_url, rows["1002"].lat) == ("", None)
    assert (rows["1003"].status, rows["1003"].agency_responsible) == ("received", "Roads, Oslo")
    assert rows["A/5 x"].remote_url == f"{server.url}/open311/v2/requests/A%2F5%20x.json"
    warnings = {r.remote_id: r.warnings for r in HarvestRecord.objects.filter(source=source)}
    assert any("media_url" in w for w in warnings["1002"])
    assert any("Acknowledged" in w for w in warnings["1003"])
    assert "Petter" not in json.dumps(
        list(ServiceRequest.objects.filter(harvest_source=source).values()), default=str
    )


@pytest.mark.parametrize(
    ("status", "content_type", "body", "reason"),
    [
        (
            403,
            "text/xml",
            b"<?xml version='1.0'?><errors><error><code>403</code><description>Invalid api_key</description>"
            b"</error></errors>",
            "HTTP 403",
        ),
        (
            200,
            "application/json",
            b'[{"code": 400, "description": "start_date too early"}]',
            "start_date too early",
        ),
        (200, "application/json", b'[{"service_request_id": 1, ', "neither GeoReport v2 XML nor JSON"),
        (200, "text/xml", b"<service_requests><request></service_requests>", "not well-formed"),
        (
            200,
            "text/xml",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b"<service_requests><request><description>&b;</description></request></service_requests>",
            "neither GeoReport v2 XML nor JSON",
        ),
    ],
)
def test_errors_and_hostile_payloads_fail_the_job_with_a_reason(
    organisation: Organisation,
    server: Server,
    status: int,
    content_type: str,
    body: bytes,
    reason: str,
) -> None:
    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path.endswith("services.json"):
            return 200, "application/json", json.dumps(SERVICES).encode()
        return status, content_type, body

    server.handler = handle
    job = harvest(_source(server, organisation, "/open311/v2/requests.json"))

    assert job.status == HarvestJob.Status.FAILED
    assert reason in job.error
    assert not ServiceRequest.objects.exists()


def test_a_redirect_to_a_private_address_is_refused(organisation: Organisation, server: Server) -> None:
    server.handler = lambda path, query: (302, "text/plain", b"http://10.0.0.1/open311/v2/services.json")
    job = harvest(_source(server, organisation, "/open311/v2/services.json"))
    assert job.status == HarvestJob.Status.FAILED
    assert "10.0.0.1" in job.error
    assert all(urlsplit(r).path.startswith("/open311/") for r in server.requests)


def test_a_source_needs_an_organisation_and_a_safe_url(organisation: Organisation) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.add_source(actor=None, type="open311", url="https://city.test/open311/v2")
    assert "organisation" in [p.field for p in refused.value.problems]
    with pytest.raises(InvalidInput):
        services.add_source(
            actor=None, type="open311", url="http://169.254.169.254/open311", organisation=organisation
        )


@pytest.mark.parametrize(
    ("url", "base", "fmt", "query", "discovery"),
    [
        ("https://c.test/open311/v2/", "https://c.test/open311/v2", "", {}, ""),
        (
            "https://c.test/v2/requests.xml?jurisdiction_id=c&page=3",
            "https://c.test/v2",
            "xml",
            {"jurisdiction_id": "c"},
            "",
        ),
        ("https://c.test/v2/requests/12.json", "https://c.test/v2", "", {}, ""),
        (
            "https://c.test/api/discovery.json",
            "https://c.test/api",
            "",
            {},
            "https://c.test/api/discovery.json",
        ),
    ],
)
def test_the_endpoint_is_found_from_any_of_its_urls(
    url: str, base: str, fmt: str, query: dict[str, str], discovery: str
) -> None:
    found = open311.endpoint(url)
    assert (found.base, found.format, found.query, found.discovery) == (base, fmt, query, discovery)


def test_harvested_services_never_take_a_local_code(organisation: Organisation, server: Server) -> None:
    server.handler = City([_request(1, code="Abandoned Vehicle / Car")])
    source = _source(server, organisation)
    assert harvest(source).created == 1
    code = Service.objects.get(requests__harvest_source=source).code
    assert code.startswith("o311-") and " " not in code and "/" not in code


def test_harvested_requests_stay_out_of_our_own_open311(
    organisation: Organisation, server: Server, client: Any
) -> None:
    server.handler = City([_request(1), _request(2, status="closed")])
    source = _source(server, organisation)
    assert harvest(source).created == 2
    server.handler = City([_request(1, status="closed"), _request(2, status="closed")])
    assert harvest(source).updated == 1  # a status change, kept as an update

    assert client.get("/open311/v2/requests.json").json() == []
    start = (timezone.now() - timedelta(days=5)).isoformat()
    answer = client.get("/open311/v2/servicerequestupdates.json", {"start_date": start})
    assert answer.status_code == 200 and answer.json() == []


@pytest.mark.django_db(transaction=True)
def test_the_command_line_adds_and_runs_an_open311_source(
    organisation: Organisation, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from openingup.cli.main import main

    server.handler = City([_request(1), _request(2)], fmt="xml")
    url = f"{server.url}/open311/v2/requests.xml"
    assert main(["harvest", "add", "--type", "open311", url]) == 2  # no organisation
    assert "organisation" in capsys.readouterr().err
    assert main(["harvest", "add", "--type", "open311", url, "--organisation", organisation.slug]) == 0
    source_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["harvest", "run", source_id]) == 0
    assert "2 created" in capsys.readouterr().out
    assert main(["harvest", "run", source_id]) == 0
    assert "2 unchanged" in capsys.readouterr().out
    assert ServiceRequest.objects.filter(harvest_source_id=source_id).count() == 2


def test_only_site_administrators_add_open311_sources_on_the_web(
    client: Any, editor: Any, admin_user_: Any, organisation: Organisation, server: Server
) -> None:
    form = {"type": "open311", "url": f"{server.url}/open311/v2", "organisation": "example", "title": "Buren"}
    form["frequency"] = "daily"
    client.force_login(editor)
    page = client.get("/harvest/new/").content.decode()
    assert 'value="open311"' in page
    assert client.post("/harvest/new/", form).status_code == 403
    assert not HarvestSource.objects.exists()

    client.force_login(admin_user_)
    response = client.post("/harvest/new/", form)
    source = HarvestSource.objects.get()
    assert response.status_code == 302 and (source.type, source.organisation) == ("open311", organisation)
    page = client.get(f"/harvest/{source.pk}/").content.decode()
    assert "Open311 GeoReport v2" in page
