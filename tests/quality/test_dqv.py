"""DQV output parses (Turtle and JSON-LD) and holds one measurement per indicator and per dimension."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from openingup.catalogue.records import catalogue_uri, dataset_uri, distribution_uri
from openingup.quality import dqv, services
from openingup.quality.indicators import INDICATORS, PV
from openingup.quality.models import QualityScore

DQV = Namespace("http://www.w3.org/ns/dqv#")
PVNS = Namespace(PV)


def _values(graph: Graph, subject: URIRef) -> dict[str, tuple[Any, Any]]:
    found = {}
    for node in graph.objects(subject, DQV.hasQualityMeasurement):
        assert (node, RDF.type, DQV.QualityMeasurement) in graph
        metric = str(graph.value(node, DQV.isMeasurementOf)).removeprefix(PV)
        found[metric] = (graph.value(node, DQV.value).toPython(), graph.value(node, DQV.computedOn))
    return found


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_dataset_dqv_parses_and_has_every_measurement(build: Any, fmt: str) -> None:
    dataset = build(distributions=[{"licence": None}])
    row = services.score_dataset(dataset_id=dataset.pk)
    assert row is not None
    text = dqv.serialise(dqv.dataset_graph(row), fmt)
    graph = Graph().parse(data=text, format="turtle" if fmt == "ttl" else "json-ld")
    values = _values(graph, URIRef(dataset_uri(dataset)))
    assert set(values) == {i.metric for i in INDICATORS} | {
        "findabilityScoring", "accessibilityScoring", "interoperabilityScoring", "reusabilityScoring",
        "contextualityScoring", "scoring",
    }  # fmt: skip
    assert values["licenceAvailability"][0] is False
    assert values["keywordAvailability"][0] is True
    assert values["accessUrlStatusCode"][0] == 200  # the status code where the link checker has one
    assert values["scoring"][0] == 405 - 30 == row.total
    assert values["reusabilityScoring"][0] == 45
    best = URIRef(distribution_uri(dataset.distributions.get()))
    assert values["licenceAvailability"][1] == best  # distribution indicators: on the best distribution
    assert values["keywordAvailability"][1] == URIRef(dataset_uri(dataset))


def test_catalogue_dqv_has_each_published_dataset_and_the_average(build: Any, client: Any) -> None:
    first = build()
    second = build(dataset={"keywords": {}})
    build(status="draft")  # drafts are not in the public catalogue
    for dataset in (first, second):
        services.score_dataset(dataset_id=dataset.pk)
    response = client.get("/quality/catalogue.ttl")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=b"".join(response.streaming_content).decode(), format="turtle")
    totals = {str(s): v.toPython() for s, v in _scorings(graph)}
    assert totals[dataset_uri(first)] == 405 and totals[dataset_uri(second)] == 375
    assert len(totals) == 3  # two datasets and the catalogue
    assert float(totals[catalogue_uri()]) == pytest.approx(390)


def _scorings(graph: Graph) -> list[tuple[Any, Literal]]:
    out = []
    for subject, node in graph.subject_objects(DQV.hasQualityMeasurement):
        if graph.value(node, DQV.isMeasurementOf) == PVNS.scoring:
            out.append((subject, graph.value(node, DQV.value)))
    return out


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown DQV format"):
        dqv.serialise(dqv.new_graph(), "xml")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_the_catalogue_streams_in_batches_that_parse_as_one_document(build: Any, fmt: str) -> None:
    datasets = [build(), build(dataset={"keywords": {}}), build(distributions=[])]
    for dataset in datasets:
        services.score_dataset(dataset_id=dataset.pk)
    rows = QualityScore.objects.select_related("dataset").order_by("pk")
    text = "".join(dqv.stream_catalogue(rows, fmt, average=320.0, at="2026-12-05T08:00:00", batch=2))
    graph = Graph().parse(data=text, format="turtle" if fmt == "ttl" else "json-ld")
    totals = {str(s): v.toPython() for s, v in _scorings(graph)}
    assert totals == {
        dataset_uri(datasets[0]): 405,
        dataset_uri(datasets[1]): 375,
        dataset_uri(datasets[2]): 185,
        catalogue_uri(): pytest.approx(320),
    }
    measurements = set(graph.subjects(RDF.type, DQV.QualityMeasurement))
    assert len(measurements) == 3 * (23 + 6) + 1  # indicators, dimensions and total; the catalogue's
