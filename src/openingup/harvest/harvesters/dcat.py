"""DCAT-AP RDF (Turtle, RDF/XML, JSON-LD) with Hydra paging.

Each page is read with :mod:`openingup.exchange.dcat.parser` (safe XML, no remote JSON-LD contexts)
and its datasets become items. The next page is ``hydra:next`` (``hydra:nextPage`` in the older
PagedCollection vocabulary), resolved against the page's URL. Paging stops with a warning, and the
gathering counts as incomplete (nothing is withdrawn), when a next URL was visited before or a page
after the first brings no dataset not seen yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import rdflib
from rdflib.term import Literal, URIRef

from openingup.exchange.dcat.parser import RdfError, guess_format, parse
from openingup.harvest.harvesters.base import Gathering, HarvestError, Item, Page, register

HYDRA = "http://www.w3.org/ns/hydra/core#"
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"


@dataclass
class ReadPage:
    items: list[Item]
    next_url: str
    total: int | None
    others: int  # data services and series on the page (not harvested)


def items_from(data: bytes, fmt: str, url: str) -> tuple[list[Item], rdflib.Graph | None, int]:
    """The datasets of one RDF document as items; HarvestError when the document cannot be read."""
    try:
        result = parse(data, fmt)
    except RdfError as exc:
        raise HarvestError(f"{url}: {exc}") from exc
    items = []
    for record in result.datasets:
        uri = record.get("uri") or ""
        warnings = [m for subject, ms in result.warnings.items() if subject == uri for m in ms]
        if not uri:
            title = next(iter((record.get("title") or {}).values()), "")
            items.append(
                Item(
                    remote_id=f"(blank node) {title}"[:500],
                    problem="the dataset is a blank node without a URI, so it could not be recognised "
                    "in the next harvest; give it a URI at the source",
                    remote_url=url,
                )
            )
            continue
        usable = [d for d in record.get("distributions", []) if d.get("access_url") or d.get("download_url")]
        if len(usable) < len(record.get("distributions", [])):
            left = len(record["distributions"]) - len(usable)
            warnings.append(f"{left} distribution(s) without accessURL or downloadURL left out")
            record["distributions"] = usable
        items.append(Item(remote_id=uri, record=record, remote_url=url, warnings=warnings))
    return items, result.graph, len(result.data_services) + len(result.series)


def _first(graph: rdflib.Graph, *predicates: str) -> str:
    for predicate in predicates:
        for value in graph.objects(None, URIRef(HYDRA + predicate)):
            if isinstance(value, URIRef | Literal) and str(value).strip():
                return str(value).strip()
    return ""


def read_page(gathering: Gathering, url: str) -> ReadPage:
    fetched = gathering.fetcher.get(url, accept=ACCEPT)
    fmt = guess_format(fetched.content, fetched.url, fetched.content_type)
    items, graph, others = items_from(fetched.content, fmt, fetched.url)
    if graph is None:
        return ReadPage(items, "", None, others)
    following = _first(graph, "next", "nextPage")
    total_text = _first(graph, "totalItems")
    total = int(total_text) if total_text.isdigit() else None
    return ReadPage(items, urljoin(fetched.url, following) if following else "", total, others)


def hydra_pages(gathering: Gathering, first: str) -> Iterator[Page]:
    """Follow hydra:next from ``first``; stops (incomplete) on a repeated URL or a page with nothing new."""
    url, others = first, 0
    visited: set[str] = set()
    seen: set[str] = set()
    while url:
        visited.add(url)
        page = read_page(gathering, url)
        others += page.others
        new = {i.remote_id for i in page.items} - seen
        if len(visited) > 1 and not new and (page.items or page.next_url):
            gathering.stop_paging(f"the page {url} brings no dataset not seen before; paging stopped there")
            break
        seen |= new
        yield Page(url, page.items, page.total)
        if page.next_url in visited:
            gathering.stop_paging(
                f"hydra:next of {url} points back to the page {page.next_url}, already harvested; "
                "paging stopped there"
            )
            break
        url = page.next_url
    if others:
        gathering.warnings.append(
            f"{others} data services and dataset series were left out: only datasets are harvested"
        )


class DcatHarvester:
    type = "dcat"
    label = "DCAT-AP RDF (Turtle, RDF/XML, JSON-LD) with Hydra paging"

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        yield from hydra_pages(gathering, gathering.url)


register(DcatHarvester())
