"""The demo municipality: loaded through the services, complete, bilingual, and DCAT-AP 3 (+ HVD) conformant.

Loading publishes thirty datasets through the SHACL check, so the read-only tests share one load per module
(inside a transaction that is rolled back at the end, like ``TestCase.setUpTestData``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from django.db import transaction
from django.test import override_settings
from rdflib import RDF, BNode, URIRef

from openingup.catalogue import rdf
from openingup.catalogue.demo import generators, loader
from openingup.catalogue.demo.loader import load_demo
from openingup.catalogue.models import Catalogue, DataService, Dataset, DatasetSeries, Distribution, Status
from openingup.catalogue.records import data_service_uri, dataset_uri, series_uri
from openingup.core.errors import FieldProblem, InvalidInput
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations.models import Organisation
from openingup.vocabularies.registry import vocabulary

pytestmark = pytest.mark.django_db

AVAILABILITY_STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
OPEN_LICENCES = {
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    "http://publications.europa.eu/resource/authority/licence/CC0",
}


@pytest.fixture(scope="module")
def demo_load(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Any], Path]]:
    """One demo load for the module: (summary, media folder holding its files)."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo(), media
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_load: tuple[dict[str, Any], Path]) -> dict[str, Any]:
    return demo_load[0]


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "datasets": Dataset.objects.count(),
        "distributions": Distribution.objects.count(),
        "services": DataService.objects.count(),
        "series": DatasetSeries.objects.count(),
        "catalogue": Catalogue.objects.count(),
    }


def test_loads_about_thirty_published_datasets(demo: dict[str, Any]) -> None:
    assert demo["loaded"] is True
    assert 28 <= demo["datasets"] <= 32
    assert {k: demo[k] for k in _counts()} == _counts()
    assert (
        demo["organisations"] == 3
        and demo["services"] == 1
        and demo["series"] == 2
        and demo["catalogue"] == 1
    )
    assert set(Dataset.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert all(d.published_at is not None for d in Dataset.objects.all())


def test_second_call_creates_nothing(demo: dict[str, Any]) -> None:
    before = _counts()
    again = load_demo()
    assert again["loaded"] is False
    assert "already" in again["message"]
    assert again["datasets"] == again["distributions"] == again["organisations"] == 0
    assert _counts() == before


def test_every_dataset_speaks_dutch_and_english(demo: dict[str, Any]) -> None:
    for dataset in Dataset.objects.all():
        for field in ("title", "description"):
            texts = getattr(dataset, field)
            assert texts.get("nl") and texts.get("en"), (dataset.slug, field)
        assert dataset.description["nl"] != dataset.description["en"], dataset.slug
        assert dataset.keywords.get("nl") and dataset.keywords.get("en"), dataset.slug
        for distribution in dataset.distributions.all():
            assert distribution.title.get("nl") and distribution.title.get("en"), (
                dataset.slug,
                distribution.pk,
            )


def test_metadata_is_complete(demo: dict[str, Any]) -> None:
    themes = vocabulary("data-theme")
    for dataset in Dataset.objects.select_related("publisher"):
        assert dataset.themes and all(t in themes for t in dataset.themes), dataset.slug
        assert dataset.contact_points[0]["email"].startswith("mailto:"), dataset.slug
        assert dataset.contact_points[0]["fn"]["en"], dataset.slug
        assert dataset.publisher is not None, dataset.slug
        assert dataset.temporal and dataset.temporal[0]["start"], dataset.slug
        assert dataset.spatial[0]["bbox"].startswith("POLYGON(("), dataset.slug
        assert dataset.frequency in vocabulary("frequency"), dataset.slug
        assert dataset.access_rights.endswith("/access-right/PUBLIC"), dataset.slug
        assert dataset.language and dataset.landing_page, dataset.slug


def test_themes_and_publishers(demo: dict[str, Any]) -> None:
    themes = {theme for dataset in Dataset.objects.all() for theme in dataset.themes}
    assert len(themes) >= 6
    municipality = Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY)
    assert municipality.publisher_type == "http://purl.org/adms/publishertype/LocalAuthority"
    departments = list(Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT))
    assert len(departments) == 2
    for department in departments:
        assert department.parent == municipality
        assert department.name.get("nl") and department.name.get("en")
        assert Dataset.objects.filter(publisher=department).exists(), department.slug
    catalogue = Catalogue.objects.get()
    assert catalogue.publisher == municipality
    assert {"nl", "en", "de", "fr", "da", "sv", "nb"} <= set(catalogue.title)
    assert catalogue.theme_taxonomy == ["http://publications.europa.eu/resource/authority/data-theme"]


def test_high_value_datasets_are_served_by_the_api(demo: dict[str, Any]) -> None:
    hvd = [d for d in Dataset.objects.all() if d.hvd_categories]
    assert len(hvd) >= 5
    categories = vocabulary("hvd-category")
    service = DataService.objects.get()
    assert set(service.serves_dataset) == {dataset_uri(d) for d in hvd}
    assert HVD_LEGISLATION in service.applicable_legislation and service.hvd_categories
    assert (
        service.endpoint_description and service.documentation and service.contact_points and service.licence
    )
    for dataset in hvd:
        assert all(c in categories for c in dataset.hvd_categories), dataset.slug
        assert HVD_LEGISLATION in dataset.applicable_legislation, dataset.slug
        for distribution in dataset.distributions.all():
            assert HVD_LEGISLATION in distribution.applicable_legislation, dataset.slug
            assert distribution.licence in OPEN_LICENCES, dataset.slug
            assert distribution.access_services == [data_service_uri(service)], dataset.slug


def test_series_hold_their_datasets(demo: dict[str, Any]) -> None:
    for series in DatasetSeries.objects.all():
        members = [d for d in Dataset.objects.all() if series_uri(series) in d.in_series]
        assert len(members) >= 2, series.slug
        assert series.title.get("nl") and series.description.get("en")


def test_every_file_is_stored_with_its_checksum(demo_load: tuple[dict[str, Any], Path]) -> None:
    media = demo_load[1]
    uploaded = list(Distribution.objects.exclude(file=""))
    assert len(uploaded) >= 40
    for distribution in uploaded:
        name = str(distribution.file.name)
        content = (media / name).read_bytes()
        assert distribution.checksum is not None, name
        assert hashlib.sha256(content).hexdigest() == distribution.checksum["value"], name
        assert distribution.byte_size == len(content)
        assert distribution.format.startswith("http://publications.europa.eu/resource/authority/file-type/")
        assert distribution.media_type.startswith("https://www.iana.org/assignments/media-types/")
        assert distribution.download_url == distribution.access_url
        assert distribution.licence in OPEN_LICENCES
        assert distribution.availability == AVAILABILITY_STABLE
    kinds = {d.format.rsplit("/", 1)[-1] for d in uploaded}
    assert {"CSV", "GEOJSON", "JSON"} <= kinds
    links = list(Distribution.objects.filter(file=""))
    assert links, "some distributions are plain links"
    for distribution in links:
        assert distribution.access_url and distribution.checksum is None
        assert distribution.format.endswith("/file-type/HTML")


def test_generated_files_are_the_same_on_every_run() -> None:
    town = loader.town()
    for item in loader.municipality()["datasets"]:
        for spec in item["distributions"]:
            if "generator" in spec:
                ext = spec["file"].rsplit(".", 1)[-1]
                first = generators.generate(spec["generator"], ext, town, spec.get("params"))
                assert first == generators.generate(spec["generator"], ext, town, spec.get("params"))
                assert 200 < len(first) < 2_000_000, spec["file"]


def _empty_catalogue() -> None:
    """Remove what the module's shared load created (rolled back after the test)."""
    Dataset.objects.all().delete()
    for model in (DataService, DatasetSeries, Catalogue):
        model.objects.all().delete()
    Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).delete()
    Organisation.objects.all().delete()


def test_a_failure_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch, media_root: Path) -> None:
    _empty_catalogue()

    def refuse(*, actor: Any, dataset: Dataset) -> Dataset:
        raise InvalidInput(
            "This dataset does not meet DCAT-AP 3 yet.", [FieldProblem("dct:title", "made up")]
        )

    monkeypatch.setattr(loader.services, "publish_dataset", refuse)
    with pytest.raises(InvalidInput, match="Demo dataset"):
        load_demo()
    assert all(n == 0 for n in _counts().values()), _counts()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


# --------------------------------------------------------------------------- official shapes


def _hvd_graph(graph: rdflib.Graph) -> rdflib.Graph:
    """The high-value datasets and the services serving them, with everything they link to except
    other datasets, series and the catalogue: the official HVD shapes target every resource in a graph."""
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    category = URIRef("http://data.europa.eu/r5r/hvdCategory")
    start = set(graph.subjects(category, None))
    stop = {
        s for cls in (dcat.Dataset, dcat.Catalog, dcat.DatasetSeries) for s in graph.subjects(RDF.type, cls)
    } - start
    out, todo, seen = rdflib.Graph(), list(start), set()
    while todo:
        subject = todo.pop()
        if subject in seen or subject in stop:
            continue
        seen.add(subject)
        for predicate, obj in graph.predicate_objects(subject):
            out.add((subject, predicate, obj))
            if isinstance(obj, URIRef | BNode) and (obj, None, None) in graph:
                todo.append(obj)
    return out


@pytest.mark.conformance
def test_catalogue_meets_the_official_shapes(demo: dict[str, Any], reference_data: Path) -> None:
    from tests.conformance_shapes import official_validate

    graph = rdflib.Graph().parse(data="".join(rdf.catalogue_page("ttl", page=None)), format="turtle")
    conforms, report = official_validate(graph)
    assert conforms, report
    hvd = _hvd_graph(graph)
    assert len(set(hvd.subjects(URIRef("http://data.europa.eu/r5r/hvdCategory"), None))) >= 6
    conforms, report = official_validate(hvd, hvd=True)
    assert conforms, report
