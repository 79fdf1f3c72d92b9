"""Real CKAN API answers and CSW responses from the reference data, served by small fake servers on
127.0.0.1 that page them as CKAN and CSW do: every record harvested or refused with a reason, a second
run changes nothing, a record removed upstream is withdrawn."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from openingup.catalogue.models import Dataset, Status
from openingup.harvest import services
from openingup.harvest.models import HarvestJob, HarvestRecord
from tests.harvest.conftest import Server, counts, harvest

pytestmark = pytest.mark.django_db
CSW = "http://www.opengis.net/cat/csw/2.0.2"


def _packages(reference_data: Path) -> list[dict[str, Any]]:
    folder = reference_data / "catalogues" / "ckan-api"
    search = json.loads((folder / "dados-gov-br_package_search_organization.json").read_text())
    shown = json.loads((folder / "dados-gov-br_package_show_bolsa-familia.json").read_text())
    multilingual = json.loads((folder / "ckanext-dcat_ckan_dataset_multilingual.json").read_text())
    return [*search["result"]["results"], shown["result"], multilingual]


def _ckan(packages: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path != "/api/3/action/package_search":
            return 404, "application/json", b'{"success": false}'
        start, rows = int(query.get("start", 0)), int(query.get("rows", 10))
        result = {"count": len(packages), "results": packages[start : start + rows]}
        return 200, "application/json", json.dumps({"success": True, "result": result}).encode()

    return handle


def _outcome(job: HarvestJob, expected: int) -> None:
    assert job.status == HarvestJob.Status.DONE, job.error
    records = list(HarvestRecord.objects.filter(source=job.source))
    assert len(records) == expected
    for record in records:
        assert record.status in ("created", "failed")
        assert record.status == "created" or record.errors[0]
    assert job.created + job.failed == expected and job.created > 0


def test_a_ckan_site_is_harvested_page_by_page(
    reference_data: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_HARVEST_PAGE_SIZE", "3")
    packages = _packages(reference_data)
    server.handler = _ckan(packages)
    source = services.add_source(actor=None, type="ckan", url=server.url)
    first = harvest(source)
    _outcome(first, len(packages))
    assert len(server.requests) == 3  # 8 packages, 3 per page
    bolsa = Dataset.objects.get(uri=f"{server.url}/dataset/bolsa-familia-pagamentos")
    usable = [r for r in packages[6]["resources"] if r["url"].startswith("http") and " " not in r["url"]]
    assert bolsa.distributions.count() == len(usable) < len(packages[6]["resources"])
    record = HarvestRecord.objects.get(dataset_id=bolsa.pk)
    assert any("no usable URL" in w for w in record.warnings)
    assert bolsa.publisher is not None and "Cidadania" in bolsa.publisher.display_name("en")
    assert bolsa.identifier == [packages[6]["id"]]

    second = harvest(source)
    assert counts(second) == {**counts(first), "created": 0, "unchanged": first.created}

    server.handler = _ckan(packages[1:])
    third = harvest(source)
    assert third.withdrawn == 1
    gone = HarvestRecord.objects.get(source=source, remote_id=packages[0]["id"])
    assert Dataset.objects.get(pk=gone.dataset_id).status == Status.ARCHIVED


def test_a_ckan_error_answer_fails_the_job_with_its_message(reference_data: Path, server: Server) -> None:
    body = (reference_data / "catalogues" / "ckan-api" / "dados-gov-br_package_show_404.json").read_bytes()
    server.handler = lambda path, query: (404, "application/json", body)
    source = services.add_source(actor=None, type="ckan", url=server.url)
    job = harvest(source)
    assert (
        job.status == HarvestJob.Status.FAILED and "HTTP 404" in job.error and "Not Found Error" in job.error
    )


def _csw(records: list[ET.Element]):  # type: ignore[no-untyped-def]
    """A CSW 2.0.2 GetRecords endpoint over the given records, honouring startPosition and maxRecords."""

    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if query.get("request") != "GetRecords":
            return 400, "text/plain", b"only GetRecords"
        start, size = int(query["startPosition"]), int(query["maxRecords"])
        chosen = records[start - 1 : start - 1 + size]
        following = start + len(chosen) if start - 1 + size < len(records) else 0
        root = ET.Element(f"{{{CSW}}}GetRecordsResponse")
        results = ET.SubElement(
            root,
            f"{{{CSW}}}SearchResults",
            numberOfRecordsMatched=str(len(records)),
            numberOfRecordsReturned=str(len(chosen)),
            nextRecord=str(following),
        )
        results.extend(chosen)
        return 200, "application/xml", ET.tostring(root, xml_declaration=True, encoding="utf-8")

    return handle


def _records(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    results = root.find(f"{{{CSW}}}SearchResults")
    return list(results) if results is not None else [root]


@pytest.mark.parametrize(
    "name",
    [
        "csw_getrecords_geoide_iso19139_single.xml",
        "csw_getrecords_geonetwork_dcat_page1.xml",
        "csw_getrecords_geonetwork_geodcatap_page1.xml",
        "iso19139_geoide_record.xml",
        "iso19115-2_datagov_valid_iso1.xml",
    ],
)
def test_a_csw_source_is_harvested_again_unchanged_and_withdrawn(
    name: str, reference_data: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_HARVEST_PAGE_SIZE", "1")
    records = _records(reference_data / "geo" / name)
    server.handler = _csw(records)
    source = services.add_source(actor=None, type="csw", url=f"{server.url}/csw")
    first = harvest(source)
    assert first.status == HarvestJob.Status.DONE, first.error
    found = list(HarvestRecord.objects.filter(source=source))
    assert found and all(r.status == "created" or r.errors for r in found)
    assert first.created > 0, [(r.remote_id, r.errors) for r in found]
    second = harvest(source)
    assert counts(second) == {**counts(first), "created": 0, "unchanged": first.created}
    server.handler = _csw(records[1:])
    third = harvest(source)
    assert third.withdrawn == 1
    gone = HarvestRecord.objects.get(source=source, status=HarvestRecord.Status.WITHDRAWN)
    assert third.report["withdrawn"] == [gone.remote_id]
    assert Dataset.objects.get(pk=gone.dataset_id).status == Status.ARCHIVED


def test_an_iso_record_is_mapped_to_geodcat_ap_fields(reference_data: Path, server: Server) -> None:
    server.handler = _csw(_records(reference_data / "geo" / "csw_getrecords_geoide_iso19139_single.xml"))
    source = services.add_source(actor=None, type="csw", url=f"{server.url}/csw")
    assert harvest(source).created == 1
    dataset = Dataset.objects.get()
    assert dataset.title == {"fr": "Plan local d'urbanisme de la commune de Combles"}
    assert dataset.description["fr"].startswith("Le présent standard")
    assert "Aménagement Urbanisme/Zonages Planification" in dataset.keywords["fr"]
    assert dataset.spatial[0]["bbox"].startswith("POLYGON((")
    assert dataset.issued == "2017-10-07"
    assert dataset.language == ["http://publications.europa.eu/resource/authority/language/FRA"]
    assert dataset.contact_points[0]["email"] == "mailto:ddtm-sap-bsig@somme.gouv.fr"
    assert dataset.distributions.exists()
    record = HarvestRecord.objects.get()
    assert record.remote_id == "fr-120066022-ldd-3f4cc8c8-5c3e-4a0e-8b56-0a569a7e12f6"
    assert "GetRecordById" in record.remote_url
