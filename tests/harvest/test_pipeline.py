"""The pipeline with an injected transport: CKAN and CSW paging, retries, timeouts, SSRF refusals."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from openingup.core.errors import InvalidInput
from openingup.harvest import pipeline, services
from openingup.harvest.fetching import Fetcher
from openingup.harvest.harvesters import Gathering
from openingup.harvest.models import HarvestJob, HarvestRecord
from tests.harvest.conftest import Server, harvest

pytestmark = pytest.mark.django_db
PUBLIC = "http://93.184.216.34"  # an IP literal: no DNS; never contacted (mock transport)


def _package(n: int) -> dict[str, Any]:
    return {
        "id": f"id-{n}",
        "name": f"ds-{n}",
        "title": f"Dataset {n}",
        "notes": "About it",
        "license_id": "CC-BY-4.0",
        "resources": [{"id": f"r{n}", "url": f"https://files.test/{n}.csv", "format": "CSV"}],
    }


def _run(source: Any, handler: Any, sleeps: list[float] | None = None, **fetcher: Any) -> HarvestJob:
    job = services.start_harvest(actor=None, source=source)
    gathering = Gathering(
        url=source.url,
        fetcher=Fetcher(
            transport=httpx.MockTransport(handler),
            sleep=(sleeps if sleeps is not None else []).append,
            **fetcher,
        ),
        page_size=2,
    )
    return pipeline.run_job(job.pk, gathering=gathering)


def test_ckan_package_search_is_paged_with_rows_and_start() -> None:
    asked: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        asked.append((query["rows"][0], query["start"][0]))
        start = int(query["start"][0])
        results = [_package(n) for n in range(start, min(start + 2, 5))]
        return httpx.Response(200, json={"success": True, "result": {"count": 5, "results": results}})

    source = services.add_source(actor=None, type="ckan", url=PUBLIC + "/api/3/action/package_search")
    job = _run(source, handler)
    assert job.status == "done" and job.created == 5
    assert asked == [("2", "0"), ("2", "2"), ("2", "4")]
    record = HarvestRecord.objects.get(remote_id="id-3")
    assert record.remote_url.endswith("package_show?id=id-3")


def test_transient_errors_are_retried_with_backoff_and_others_are_not() -> None:
    answers = [httpx.Response(503), httpx.Response(429, headers={"retry-after": "7"})]

    def handler(request: httpx.Request) -> httpx.Response:
        if answers:
            return answers.pop(0)
        return httpx.Response(200, json={"success": True, "result": {"count": 1, "results": [_package(1)]}})

    sleeps: list[float] = []
    source = services.add_source(actor=None, type="ckan", url=PUBLIC)
    job = _run(source, handler, sleeps)
    assert job.status == "done" and job.created == 1
    assert sleeps == [1.0, 7.0]

    calls: list[int] = []

    def missing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(404)

    failed = _run(source, missing)
    assert failed.status == "failed" and "HTTP 404" in failed.error and calls == [1]
    assert failed.withdrawn == 0 and HarvestRecord.objects.get(remote_id="id-1").status == "created"


def test_a_job_past_its_deadline_fails_and_withdraws_nothing() -> None:
    now = [0.0]

    def handler(request: httpx.Request) -> httpx.Response:
        now[0] += 100  # each page takes 100 s
        start = int(parse_qs(request.url.query.decode())["start"][0])
        results = [_package(n) for n in range(start, start + 2)]
        return httpx.Response(200, json={"success": True, "result": {"count": 10, "results": results}})

    source = services.add_source(actor=None, type="ckan", url=PUBLIC)
    job = _run(source, handler, deadline=250.0, clock=lambda: now[0])
    assert job.status == "failed" and "OPENINGUP_HARVEST_TIMEOUT" in job.error
    assert job.created == 4 and job.withdrawn == 0


CSW_PAGE = """<?xml version="1.0"?>
<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"
  xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">
<csw:SearchResults numberOfRecordsMatched="3" numberOfRecordsReturned="{returned}"
  nextRecord="{next}">{records}
</csw:SearchResults></csw:GetRecordsResponse>"""
ISO = """<gmd:MD_Metadata><gmd:fileIdentifier>
<gco:CharacterString>rec-{n}</gco:CharacterString></gmd:fileIdentifier>
<gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation><gmd:title>
<gco:CharacterString>Record {n}</gco:CharacterString></gmd:title></gmd:CI_Citation></gmd:citation>
</gmd:MD_DataIdentification></gmd:identificationInfo></gmd:MD_Metadata>"""


def test_csw_get_records_is_paged_by_next_record() -> None:
    starts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        assert query["request"] == ["GetRecords"] and query["outputSchema"] == [
            "http://www.isotc211.org/2005/gmd"
        ]
        start = int(query["startPosition"][0])
        starts.append(str(start))
        numbers = [n for n in (start, start + 1) if n <= 3]
        body = CSW_PAGE.format(
            returned=len(numbers),
            next=start + 2 if start + 2 <= 3 else 0,
            records="".join(ISO.format(n=n) for n in numbers),
        )
        return httpx.Response(200, content=body.encode(), headers={"content-type": "application/xml"})

    source = services.add_source(actor=None, type="csw", url=PUBLIC + "/csw?service=CSW")
    job = _run(source, handler)
    assert job.status == "done" and job.created == 3 and starts == ["1", "3"]


def test_csw_paging_that_does_not_move_forward_stops() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=CSW_PAGE.format(returned=1, next=1, records=ISO.format(n=1)).encode()
        )

    source = services.add_source(actor=None, type="csw", url=PUBLIC + "/csw")
    job = _run(source, handler)
    assert job.status == "done" and job.created == 1
    assert any("does not move forward" in w for w in job.report["warnings"])


def test_xml_with_entities_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    source = services.add_source(actor=None, type="csw", url=PUBLIC + "/csw")
    job = _run(source, lambda request: httpx.Response(200, content=bomb))
    assert job.status == "failed" and "entities are not accepted" in job.error


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/catalog.ttl",
        "http://127.0.0.1:9/catalog.ttl",
    ],
)
def test_sources_at_private_or_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.add_source(actor=None, type="dcat", url=url)
    problem = caught.value.problems[0]
    assert problem.field == "url" and ("private address" in problem.problem or "metadata" in problem.problem)


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://localhost:9/"]
)
def test_redirects_to_private_addresses_are_refused_and_nothing_is_fetched(
    server: Server, target: str
) -> None:
    server.handler = lambda path, query: (302, "text/plain", target.encode())
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/catalog.ttl")
    job = harvest(source)
    assert job.status == "failed"
    assert "private address" in job.error or "metadata" in job.error
    assert server.requests == ["/catalog.ttl"]  # only the redirecting page was asked for


def test_a_source_that_became_private_is_refused_when_run(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/catalog.ttl")
    monkeypatch.setenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", "")
    job = harvest(source)
    assert job.status == "failed" and "OPENINGUP_ALLOW_PRIVATE_HOSTS" in job.error
    assert server.requests == []


def test_a_second_job_is_refused_while_one_is_queued() -> None:
    from openingup.core.errors import Conflict

    source = services.add_source(actor=None, type="dcat", url=PUBLIC + "/c.ttl")
    services.start_harvest(actor=None, source=source)
    with pytest.raises(Conflict):
        services.start_harvest(actor=None, source=source)


def test_due_sources_follow_their_frequency() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openingup.harvest.queries import due_sources

    daily = services.add_source(actor=None, type="dcat", url=PUBLIC + "/d.ttl", frequency="daily")
    services.add_source(actor=None, type="dcat", url=PUBLIC + "/m.ttl")
    assert due_sources() == [daily]
    daily.last_run_at = timezone.now() - timedelta(hours=2)
    daily.save()
    assert due_sources() == []
    assert due_sources(timezone.now() + timedelta(days=1)) == [daily]
    started = services.start_due_harvests()
    assert started == []  # not due yet at the real now
    daily.last_run_at = timezone.now() - timedelta(days=2)
    daily.save()
    assert [job.source for job in services.start_due_harvests()] == [daily]
    assert due_sources(timezone.now() + timedelta(days=5)) == []  # its job is queued


def test_a_lost_connection_is_retried() -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("connection reset", request=request)
        return httpx.Response(200, json={"success": True, "result": {"count": 1, "results": [_package(1)]}})

    sleeps: list[float] = []
    source = services.add_source(actor=None, type="ckan", url=PUBLIC)
    job = _run(source, handler, sleeps)
    assert job.status == "done" and job.created == 1 and len(attempts) == 2 and sleeps == [1.0]


def test_jobs_left_running_by_a_dead_worker_are_failed() -> None:
    from datetime import timedelta

    from django.utils import timezone

    source = services.add_source(actor=None, type="dcat", url=PUBLIC + "/c.ttl")
    old = HarvestJob.objects.create(
        source=source, status="running", started_at=timezone.now() - timedelta(days=1)
    )
    fresh = HarvestJob.objects.create(source=source, status="running", started_at=timezone.now())
    assert services.fail_stale_jobs() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "failed" and "worker" in old.error and fresh.status == "running"


def test_removing_a_source_keeps_its_datasets(server: Server) -> None:
    from openingup.catalogue.models import Dataset
    from openingup.harvest.models import HarvestSource

    ttl = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl ."""
    server.handler = lambda path, query: (200, "text/turtle", ttl)
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/c.ttl")
    assert harvest(source).created == 1
    services.delete_source(actor=None, source=source)
    assert not HarvestSource.objects.exists() and not HarvestRecord.objects.exists()
    assert Dataset.objects.filter(uri="https://n.test/ds/1").exists()


def test_an_item_that_breaks_the_import_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from openingup.harvest import records

    real = records._import

    def flaky(source: Any, item: Any, existing: Any) -> Any:
        if item.remote_id == "id-1":
            raise RuntimeError("disk on fire")
        return real(source, item, existing)

    monkeypatch.setattr(records, "_import", flaky)

    def handler(request: httpx.Request) -> httpx.Response:
        results = [_package(0), _package(1)]
        return httpx.Response(200, json={"success": True, "result": {"count": 2, "results": results}})

    source = services.add_source(actor=None, type="ckan", url=PUBLIC)
    job = _run(source, handler)
    assert job.status == "done" and job.created == 1 and job.failed == 1
    assert HarvestRecord.objects.get(remote_id="id-1").errors == ["RuntimeError: disk on fire"]
