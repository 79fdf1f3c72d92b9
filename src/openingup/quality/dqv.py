"""Scores as W3C DQV: one ``dqv:QualityMeasurement`` per indicator and per dimension, in Turtle or JSON-LD.

Metrics are piveau's (``pv:``, the vocabulary of data.europa.eu's MQA): indicators have boolean values,
computed on the dataset or on the best distribution (the status-code indicators give the HTTP status
instead, when there is one); dimension scores and the total (``pv:scoring``) are integers computed on the
dataset. The catalogue export adds the catalogue's average score. Every measurement carries
``prov:generatedAtTime``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, PROV, SKOS

from openingup.catalogue.models import Distribution
from openingup.catalogue.records import catalogue_uri, dataset_uri, distribution_uri
from openingup.quality.indicators import BY_KEY, DIMENSIONS, PV
from openingup.quality.models import QualityScore

DQV = Namespace("http://www.w3.org/ns/dqv#")
PVNS = Namespace(PV)
FORMATS = {"ttl": ("turtle", "text/turtle; charset=utf-8"), "jsonld": ("json-ld", "application/ld+json")}
_STATUS_METRICS = frozenset({"access_url_status", "download_url_status"})


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dqv", DQV), ("pv", PVNS), ("dcat", DCAT), ("prov", PROV), ("skos", SKOS)):
        graph.bind(prefix, namespace)
    return graph


def _measure(
    graph: Graph, owner: URIRef, computed_on: URIRef, metric: URIRef, value: Literal, at: Literal
) -> None:
    node = BNode()
    graph.add((owner, DQV.hasQualityMeasurement, node))
    graph.add((node, RDF.type, DQV.QualityMeasurement))
    graph.add((node, DQV.computedOn, computed_on))
    graph.add((node, DQV.isMeasurementOf, metric))
    graph.add((node, DQV.value, value))
    graph.add((node, PROV.generatedAtTime, at))


def add_score(graph: Graph, row: QualityScore, distribution: Distribution | None = None) -> None:
    """Add the measurements of one stored score (``row.dataset`` loaded; ``distribution`` the best one)."""
    dataset = URIRef(dataset_uri(row.dataset))
    best = URIRef(distribution_uri(distribution)) if distribution is not None else dataset
    at = Literal(row.computed_at.isoformat(), datatype=XSD.dateTime)
    for item in row.measurements or []:
        indicator = BY_KEY.get(item["key"])
        if indicator is None:
            continue
        on = best if indicator.level == "distribution" and distribution is not None else dataset
        status = item.get("args", {}).get("status") if item["key"] in _STATUS_METRICS else None
        value = (
            Literal(int(status), datatype=XSD.integer)
            if isinstance(status, int)
            else Literal(bool(item["passed"]), datatype=XSD.boolean)
        )
        _measure(graph, dataset, on, URIRef(indicator.metric_iri), value, at)
    for dim in DIMENSIONS:
        metric = PVNS[f"{dim}Scoring"]
        _measure(graph, dataset, dataset, metric, Literal(getattr(row, dim), datatype=XSD.integer), at)
    _measure(graph, dataset, dataset, PVNS.scoring, Literal(row.total, datatype=XSD.integer), at)


def _best(rows: Iterable[QualityScore]) -> dict[object, Distribution]:
    ids = [row.distribution_id for row in rows if row.distribution_id]
    return {d.pk: d for d in Distribution.objects.filter(pk__in=ids).only("pk", "uri")}


def dataset_graph(row: QualityScore) -> Graph:
    graph = new_graph()
    add_score(graph, row, _best([row]).get(row.distribution_id))
    return graph


def catalogue_graph(average: float | None, at: str) -> Graph:
    """The catalogue's own measurement: its average total (``pv:scoring`` computed on the catalogue)."""
    graph = new_graph()
    if average is not None:
        catalogue = URIRef(catalogue_uri())
        graph.add((catalogue, RDF.type, DCAT.Catalog))
        value = Literal(round(average, 1), datatype=XSD.decimal)
        _measure(graph, catalogue, catalogue, PVNS.scoring, value, Literal(at, datatype=XSD.dateTime))
    return graph


def _batches(rows: Iterable[QualityScore], size: int) -> Iterator[Graph]:
    batch: list[QualityScore] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield _batch_graph(batch)
            batch = []
    if batch:
        yield _batch_graph(batch)


def _batch_graph(rows: list[QualityScore]) -> Graph:
    graph = new_graph()
    best = _best(rows)
    for row in rows:
        add_score(graph, row, best.get(row.distribution_id))
    return graph


def stream_catalogue(
    rows: Iterable[QualityScore], fmt: str, *, average: float | None, at: str, batch: int = 500
) -> Iterator[str]:
    """The catalogue's measurement and every given score, ``batch`` datasets at a time: memory stays
    bounded however large the catalogue. Turtle documents may follow each other (prefixes may be declared
    again, measurements are written as anonymous nodes); JSON-LD is one array of the batches' node
    objects, whose blank nodes have globally unique ids. ValueError for other formats."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown DQV format {fmt!r}; use one of {', '.join(FORMATS)}")
    graphs = itertools.chain([catalogue_graph(average, at)], _batches(rows, batch))
    if fmt == "ttl":
        for graph in graphs:
            yield graph.serialize(format="turtle")
        return
    yield "["
    first = True
    for graph in graphs:
        items = json.loads(graph.serialize(format="json-ld"))
        for item in items:
            yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
            first = False
    yield "]\n"


def serialise(graph: Graph, fmt: str) -> str:
    """Turtle (``ttl``) or JSON-LD (``jsonld``); ValueError for other formats."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown DQV format {fmt!r}; use one of {', '.join(FORMATS)}")
    return graph.serialize(format=FORMATS[fmt][0])
