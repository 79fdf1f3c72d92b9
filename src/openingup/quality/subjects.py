"""What the indicators read about a dataset, gathered from the catalogue, the link checks and SHACL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import BNode, Graph, URIRef

from openingup.catalogue.models import Dataset, Distribution
from openingup.quality.indicators import LinkStatus, Subject
from openingup.quality.models import LinkCheck


def urls_of(distributions: Iterable[Distribution]) -> list[str]:
    """The access and download URLs of the distributions, each once, in order."""
    seen: dict[str, None] = {}
    for distribution in distributions:
        for url in [*(distribution.access_url or []), *(distribution.download_url or [])]:
            if isinstance(url, str) and url:
                seen.setdefault(url, None)
    return list(seen)


def link_statuses(urls: Iterable[str]) -> dict[str, LinkStatus]:
    """The link checker's last result for each of the URLs that has been checked."""
    wanted = list(urls)
    found: dict[str, LinkStatus] = {}
    for start in range(0, len(wanted), 500):
        rows = LinkCheck.objects.filter(url__in=wanted[start : start + 500])
        for row in rows.values("url", "status_code", "ok", "error"):
            found[row["url"]] = LinkStatus(row["status_code"], row["ok"], row["error"])
    return found


def dcat_ap_violations(dataset: Dataset) -> list[str]:
    """The violations of the platform's DCAT-AP 3 shapes, in plain words (empty when it conforms)."""
    from openingup.catalogue.rdf import dataset_graph
    from openingup.exchange.shacl import validate

    report = validate(dataset_graph(dataset), profile="dcat-ap-3")
    return [problem.in_plain_words() for problem in report.violations]


def _node_ids(graph: Graph) -> set[str]:
    """Every resource a dataset's graph mentions, named as a SHACL problem names its focus (the IRI,
    ``_:id`` for a blank node)."""
    ids = set()
    for subject, _predicate, value in graph:
        for node in (subject, value):
            if isinstance(node, BNode):
                ids.add(f"_:{node}")
            elif isinstance(node, URIRef):
                ids.add(str(node))
    return ids


def _descriptions(graph: Graph) -> dict[Any, frozenset[tuple[Any, Any]]]:
    """Each subject of the graph with what the graph says about it."""
    found: dict[Any, set[tuple[Any, Any]]] = {}
    for subject, predicate, value in graph:
        found.setdefault(subject, set()).add((predicate, value))
    return {subject: frozenset(pairs) for subject, pairs in found.items()}


def dcat_ap_violations_of(datasets: Sequence[Dataset]) -> dict[Any, list[str]]:
    """:func:`dcat_ap_violations` of many datasets, most of them from one validation run (setting up the
    shapes is most of the cost of a run); each gets the problems whose focus is in its own graph.

    The answer is the same as validating each on its own: a dataset whose graph would change when merged
    with the others' — it points at a resource another one describes (a related dataset), or describes a
    resource another one describes differently — is validated on its own. Resources described the same
    way (a publisher, a licence, a vocabulary concept) are the same merged."""
    from openingup.catalogue.rdf import dataset_resources, graph_of
    from openingup.exchange.shacl import validate

    graphs = {d.pk: graph_of(dataset_resources(d), f"d{n}") for n, d in enumerate(datasets)}
    described = {pk: _descriptions(graph) for pk, graph in graphs.items()}
    ways: dict[Any, set[frozenset[tuple[Any, Any]]]] = {}
    for theirs in described.values():
        for subject, description in theirs.items():
            ways.setdefault(subject, set()).add(description)
    alone = set()
    for pk, graph in graphs.items():
        own = described[pk]
        if any(len(ways[subject]) > 1 for subject in own) or any(
            value in ways and value not in own for value in graph.objects()
        ):
            alone.add(pk)
    found = {d.pk: dcat_ap_violations(d) for d in datasets if d.pk in alone}
    together = [pk for pk in graphs if pk not in alone]
    if together:
        combined = Graph()
        for pk in together:
            combined += graphs[pk]
        report = validate(combined, profile="dcat-ap-3")
        for pk in together:
            ids = _node_ids(graphs[pk])
            found[pk] = [p.in_plain_words() for p in report.violations if p.focus in ids]
    return found


def subjects_for(datasets: Sequence[Dataset]) -> list[Subject]:
    """:func:`subject_for` of many datasets, with a few queries and one validation run for them all."""
    distributions: dict[Any, list[Distribution]] = {d.pk: [] for d in datasets}
    rows = Distribution.objects.filter(dataset__in=list(distributions)).order_by("position", "created_at")
    for distribution in rows:
        distributions[distribution.dataset_id].append(distribution)
    links = link_statuses(urls_of(d for theirs in distributions.values() for d in theirs))
    violations = dcat_ap_violations_of(datasets)
    subjects = []
    for dataset in datasets:
        theirs = distributions[dataset.pk]
        subjects.append(
            Subject(
                dataset=dataset,
                distributions=theirs,
                links={url: links[url] for url in urls_of(theirs) if url in links},
                violations=violations[dataset.pk],
            )
        )
    return subjects


def subject_for(dataset: Dataset) -> Subject:
    distributions = list(dataset.distributions.order_by("position", "created_at"))
    return Subject(
        dataset=dataset,
        distributions=distributions,
        links=link_statuses(urls_of(distributions)),
        violations=dcat_ap_violations(dataset),
    )
