"""The catalogue as DCAT-AP RDF: one dataset, or the whole catalogue streamed page by page (Hydra)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import rdflib
from django.conf import settings
from django.db.models import Prefetch, QuerySet

from openingup.catalogue import queries
from openingup.catalogue.models import Dataset, Distribution
from openingup.catalogue.records import (
    catalogue_record,
    data_service_record,
    dataset_record,
    dataset_uri,
    series_record,
)
from openingup.exchange.dcat.namespaces import expand
from openingup.exchange.dcat.profiles import Profile
from openingup.exchange.dcat.triples import IRI, Blank, BlankNodes, Literal, Resource, resources
from openingup.exchange.dcat.writers import stream

XSD_NNI = expand("xsd:nonNegativeInteger")
XSD_STRING = expand("xsd:string")


def _serving_services(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Data services that serve the dataset or give access to one of its distributions."""
    wanted = {str(record["uri"])}
    access = {u for d in record.get("distributions", []) for u in d.get("access_services", [])}
    found = []
    for service in queries.public_data_services():
        service_record = data_service_record(service)
        if wanted & set(service_record.get("serves_dataset", [])) or service_record["uri"] in access:
            found.append(service_record)
    return found


def dataset_resources(dataset: Dataset, profile: Profile | None = None) -> list[Resource]:
    """The dataset, its distributions, and the data services through which it is served."""
    blank = BlankNodes()
    record = dataset_record(dataset)
    out = resources("dataset", record, blank, profile)
    for service in _serving_services(record):
        out.extend(resources("data_service", service, blank, profile))
    return out


def dataset_document(dataset: Dataset, fmt: str, profile: Profile | None = None) -> str:
    """The dataset as DCAT-AP 3.0.1, or as the national ``profile`` asks."""
    return "".join(stream(fmt, dataset_resources(dataset, profile), profile))


def series_members() -> dict[str, list[str]]:
    """Series URI → URIs of its public datasets, oldest first (by issued date, then creation)."""
    members: dict[str, list[str]] = {}
    rows = queries.public_datasets().only("uri", "slug", "in_series", "issued", "created_at")
    for dataset in rows.order_by("issued", "created_at", "pk").iterator(chunk_size=500):
        for series in dataset.in_series or ():
            members.setdefault(series, []).append(dataset_uri(dataset))
    return members


def dataset_graph(dataset: Dataset) -> rdflib.Graph:
    """The dataset as an rdflib graph (for SHACL validation)."""
    return graph_of(dataset_resources(dataset))


def graph_of(found: Iterable[Resource], blank_prefix: str = "") -> rdflib.Graph:
    """The rdflib graph of the resources, built straight from their terms (the same triples as writing
    and parsing their Turtle); blank nodes get ``blank_prefix``, so the graphs of several datasets can be
    merged without their blank nodes meeting."""
    graph = rdflib.Graph()
    add = graph.add

    def node(term: Any) -> Any:
        if isinstance(term, Blank):
            return rdflib.BNode(f"{blank_prefix}{term}")
        if isinstance(term, Literal):
            if term.lang:
                return rdflib.Literal(term.value, lang=term.lang)
            if term.datatype and term.datatype != XSD_STRING:
                return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype))
            return rdflib.Literal(term.value)
        return rdflib.URIRef(term)

    for subject, pairs in found:
        head = node(subject)
        for predicate, value in pairs:
            add((head, rdflib.URIRef(predicate), node(value)))
    return graph


class PageOutOfRange(ValueError):
    """A page number past the last page of the catalogue."""


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int
    modified_since: str = ""
    profile: str = ""

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


def _page_url(fmt: str, page: Page, number: int) -> str:
    params: dict[str, str | int] = {"page": number}
    if page.modified_since:
        params["modified_since"] = page.modified_since
    if page.profile:
        params["profile"] = page.profile
    return f"{settings.BASE_URL}/catalog.{fmt}?{urlencode(params)}"


def _hydra(fmt: str, page: Page) -> Resource:
    h = "http://www.w3.org/ns/hydra/core#"
    pairs: list[tuple[str, IRI | Literal]] = [
        (expand("rdf:type"), IRI(h + "PartialCollectionView")),
        (h + "first", IRI(_page_url(fmt, page, 1))),
        (h + "last", IRI(_page_url(fmt, page, page.last))),
    ]
    if page.number > 1:
        pairs.append((h + "previous", IRI(_page_url(fmt, page, page.number - 1))))
    if page.number < page.last:
        pairs.append((h + "next", IRI(_page_url(fmt, page, page.number + 1))))
    return (IRI(_page_url(fmt, page, page.number)), pairs)  # type: ignore[return-value]


def catalogue_page(
    fmt: str,
    *,
    page: int | None = 1,
    modified_since: str = "",
    datasets: QuerySet[Dataset] | None = None,
    profile: Profile | None = None,
) -> Iterator[str]:
    """Stream one Hydra page of the public catalogue (``page=None``: everything, unpaged), as
    DCAT-AP 3.0.1 or as the national ``profile`` asks.

    Raises PageOutOfRange, before anything is streamed, for a page past the last one (an empty
    catalogue has one, empty, page).
    """
    rows = datasets if datasets is not None else queries.public_datasets()
    if modified_since:
        rows = rows.filter(updated_at__gte=modified_since)
    rows = rows.order_by("created_at", "pk")
    total = rows.count()
    size = settings.CATALOGUE_PAGE_SIZE if page is not None else max(total, 1)
    current = Page(page or 1, size, total, modified_since, profile.code if profile else "")
    if current.number > current.last:
        raise PageOutOfRange(f"page {current.number} does not exist; the last page is {current.last}.")
    start = (current.number - 1) * size
    selected = rows[start : start + size] if page is not None else rows
    return _stream(fmt, current, selected, paged=page is not None, profile=profile)


def _stream(
    fmt: str, page: Page, rows: QuerySet[Dataset], *, paged: bool, profile: Profile | None
) -> Iterator[str]:
    blank = BlankNodes()
    catalogue = queries.catalogue()
    head = resources("catalogue", catalogue_record(catalogue), blank, profile)
    cat_subject, cat_pairs = head[0]
    h = "http://www.w3.org/ns/hydra/core#"
    if paged:
        cat_pairs.append((h + "totalItems", Literal(str(page.total), None, XSD_NNI)))
        cat_pairs.append((h + "view", IRI(_page_url(fmt, page, page.number))))
    chunk = rows.select_related("publisher").prefetch_related(
        Prefetch("distributions", queryset=Distribution.objects.order_by("position", "created_at"))
    )
    has_dataset = expand("dcat:dataset")
    body: list[Resource] = []
    if page.number == 1:
        for service in queries.public_data_services():
            record = data_service_record(service)
            cat_pairs.append((expand("dcat:service"), IRI(record["uri"])))
            body.extend(resources("data_service", record, blank, profile))
        members = series_members() if profile is not None else {}
        for series in queries.all_series():
            record = series_record(series)
            record["members"] = members.get(record["uri"], [])
            body.extend(resources("dataset_series", record, blank, profile))

    def datasets() -> Iterator[Resource]:
        # The catalogue's dcat:dataset link is written beside each dataset, so memory stays constant.
        for dataset in chunk.iterator(chunk_size=500):
            record = dataset_record(dataset, distributions=list(dataset.distributions.all()))
            yield (cat_subject, [(has_dataset, IRI(record["uri"]))])
            yield from resources("dataset", record, blank, profile)

    extra: list[Resource] = [_hydra(fmt, page)] if paged else []
    return stream(fmt, _chain(head, extra, body, datasets()), profile)


def _chain(*parts: list[Resource] | Iterator[Resource]) -> Iterator[Resource]:
    for part in parts:
        yield from part
