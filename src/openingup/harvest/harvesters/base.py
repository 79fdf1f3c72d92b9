"""What a harvester is: something that turns a source URL into pages of catalogue records.

A harvester gathers and transforms; the pipeline validates, imports and keeps the records. Each page is
a list of :class:`Item` s, so memory stays bounded by the page size whatever the size of the source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from openingup.harvest.fetching import Fetcher


@dataclass
class Item:
    """One remote item: its identifier at the source and either a DATASET record or why it is refused.

    ``record`` is a dict keyed by the DCAT-AP property table (``uri``, ``title``, …, ``distributions``,
    ``publisher``), as :func:`openingup.catalogue.importer.import_records` takes it.
    """

    remote_id: str
    record: dict[str, Any] | None = None
    problem: str = ""
    remote_url: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Page:
    url: str
    items: list[Item]
    total: int | None = None  # the number of items the source says it has, when it says so


@dataclass
class Gathering:
    """State shared by a harvester and the pipeline during one job."""

    url: str
    fetcher: Fetcher
    page_size: int = 100
    warnings: list[str] = field(default_factory=list)
    complete: bool = True  # False when paging ended abnormally: then nothing is withdrawn

    def stop_paging(self, reason: str) -> None:
        self.warnings.append(reason)
        self.complete = False


class Harvester(Protocol):
    type: str
    label: str

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        """Yield the source's pages in order; raise (FetchError, HarvestError, …) when one cannot be read."""
        ...


class HarvestError(ValueError):
    """The source cannot be harvested (wrong kind of document, an error answer); the message says why."""


_registry: dict[str, Harvester] = {}


def register(harvester: Harvester) -> Harvester:
    """Add a harvester under its ``type`` (built-in ones are registered this way too)."""
    _registry[harvester.type] = harvester
    return harvester


def harvester_for(type_: str) -> Harvester:
    if type_ not in _registry:
        raise HarvestError(
            f"no harvester for sources of type {type_!r}; known: {', '.join(sorted(_registry))}"
        )
    return _registry[type_]


def registered() -> dict[str, Harvester]:
    return dict(_registry)
