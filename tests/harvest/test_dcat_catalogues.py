"""Each real DCAT catalogue in the reference data, served on 127.0.0.1 and harvested: every dataset
harvested or refused with a reason; a second run changes nothing; an item removed upstream is withdrawn."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, URIRef

from openingup.catalogue.models import Dataset, Status
from openingup.harvest import services
from openingup.harvest.models import HarvestJob, HarvestRecord
from tests.harvest.conftest import Server, counts, harvest

pytestmark = pytest.mark.django_db
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
SINGLE = {
    "data-gov-be_wallonie_dataset.rdf": ("xml", "application/rdf+xml"),
    "datos-gob-es_madrid_dataset.ttl": ("turtle", "text/turtle"),
    "multilingual_dataset_ca-en-es.ttl": ("turtle", "text/turtle"),
    "open-datara_geonetwork_geodcat-ap.rdf": ("xml", "application/rdf+xml"),
    "sweden_nobelprize_catalog.rdf": ("xml", "application/rdf+xml"),
}


def _datasets(graph: rdflib.Graph) -> list[str]:
    """The oracle: every subject typed dcat:Dataset that says more than its type."""
    return sorted(
        str(s)
        for s in set(graph.subjects(RDF.type, DCAT_DATASET))
        if any(p != RDF.type for p in graph.predicates(s, None))
    )


def _check_first_run(job: HarvestJob, expected: list[str]) -> None:
    assert job.status == HarvestJob.Status.DONE, job.error
    records = {r.remote_id: r for r in HarvestRecord.objects.filter(source=job.source)}
    assert sorted(records) == expected
    for uri, record in records.items():
        if record.status == HarvestRecord.Status.FAILED:
            assert record.errors and record.errors[0], f"{uri} failed without a reason"
        else:
            assert record.status == HarvestRecord.Status.CREATED
            dataset = Dataset.objects.get(pk=record.dataset_id)
            assert dataset.uri == uri and dataset.status == Status.PUBLISHED
    assert job.created + job.failed == len(expected)


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_a_real_catalogue_is_harvested_again_unchanged_and_withdrawn(
    name: str, reference_data: Path, server: Server
) -> None:
    data = (reference_data / "catalogues" / "dcat" / name).read_bytes()
    rdf_format, content_type = SINGLE[name]
    graph = rdflib.Graph().parse(data=data, format=rdf_format)
    expected = _datasets(graph)
    assert expected, "the reference file has datasets"
    served = {"body": data}
    server.handler = lambda path, query: (200, content_type, served["body"])
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/{name}")

    first = harvest(source)
    _check_first_run(first, expected)
    before = {d.pk: d.updated_at for d in Dataset.objects.all()}

    second = harvest(source)
    assert counts(second) == {**counts(first), "created": 0, "unchanged": first.created}
    assert {d.pk: d.updated_at for d in Dataset.objects.all()} == before

    harvested = [r for r in HarvestRecord.objects.filter(source=source) if r.dataset_id]
    if not harvested:
        return
    gone = harvested[0]
    graph.remove((URIRef(gone.remote_id), None, None))
    served["body"] = graph.serialize(format=rdf_format).encode()
    third = harvest(source)
    assert third.withdrawn == 1 and third.report["withdrawn"] == [gone.remote_id]
    assert Dataset.objects.get(pk=gone.dataset_id).status == Status.ARCHIVED
    assert HarvestRecord.objects.get(pk=gone.pk).status == HarvestRecord.Status.WITHDRAWN


def _hydra_handler(reference_data: Path, server: Server, kind: str, pages: dict[int, bytes] | None = None):  # type: ignore[no-untyped-def]
    folder = reference_data / "catalogues" / "dcat"
    bodies = pages or {n: (folder / f"hydra-{kind}-collection-page{n}.jsonld").read_bytes() for n in (1, 2)}

    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        page = int(query.get("page", "1"))
        if path != "/catalog.jsonld" or page not in bodies:
            return 404, "text/plain", b"no such page"
        body = bodies[page].replace(
            b"http://data.test.org/catalog.jsonld", f"{server.url}/catalog.jsonld".encode()
        )
        return 200, "application/ld+json", body

    return handle


@pytest.mark.parametrize("kind", ["paged", "partial"])
def test_hydra_paged_catalogues_are_followed_to_their_last_page(
    kind: str, reference_data: Path, server: Server
) -> None:
    server.handler = _hydra_handler(reference_data, server, kind)
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/catalog.jsonld?page=1")
    job = harvest(source)
    assert job.status == HarvestJob.Status.DONE, job.error
    assert job.report["pages"] == 2
    uris = sorted(HarvestRecord.objects.filter(source=source).values_list("remote_id", flat=True))
    assert uris == [f"http://data.test.org/datasets/{n}" for n in (1, 2, 3, 4)]
    assert job.created + job.failed == 4
    assert harvest(source).unchanged == job.created


def test_a_hydra_loop_ends_and_withdraws_nothing(reference_data: Path, server: Server) -> None:
    folder = reference_data / "catalogues" / "dcat"
    page1 = (folder / "hydra-paged-collection-page1.jsonld").read_bytes()
    # Page 2 points back at page 1: a loop.
    page2 = (folder / "hydra-paged-collection-page2.jsonld").read_bytes()
    hydra = b"http://www.w3.org/ns/hydra/core#"
    back = b'"' + hydra + b'nextPage": [{"@value": "http://data.test.org/catalog.jsonld?page=1"}], '
    looped = page2.replace(b'"' + hydra + b'lastPage"', back + b'"' + hydra + b'lastPage"')
    assert looped != page2
    server.handler = _hydra_handler(reference_data, server, "paged", {1: page1, 2: looped})
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/catalog.jsonld?page=1")
    first = harvest(source)
    assert first.status == HarvestJob.Status.DONE and first.created == 4
    assert any("points back" in w for w in first.report["warnings"])
    assert len(server.requests) == 2
    server.handler = _hydra_handler(reference_data, server, "paged", {1: page1, 2: page1})
    second = harvest(source)
    assert second.withdrawn == 0 and any("no dataset was withdrawn" in w for w in second.report["warnings"])


def test_a_dcat_us_data_json_is_refused_as_a_whole_with_the_reason(
    reference_data: Path, server: Server
) -> None:
    body = (reference_data / "catalogues" / "dcat" / "evian_arcgis-hub_dcat-us.json").read_bytes()
    server.handler = lambda path, query: (200, "application/json", body)
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/data.json")
    job = harvest(source)
    assert job.status == HarvestJob.Status.FAILED
    assert "DCAT-US" in job.error and "nothing was withdrawn" in job.error
    assert not Dataset.objects.exists()
