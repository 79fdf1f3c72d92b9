"""Enrichment of many messages at once, for imports: in this process, or spread over worker processes.

Enrichment is pure Python and takes most of an import's time, so a large import (``openingup social
import``) hands each batch's texts to worker processes while it stores the previous batch. The workers
are forked from the importing process after its language, sentiment and classifier models and the
gazetteer are loaded, so they start at once, share those read-only pages and never touch the database.
Where ``fork`` is not available, or with one worker, the batch is enriched in this process. The results
are the same either way: :func:`enrich_rows` is :func:`openingup.social.enrich.enrich` per text.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from openingup.social.enrich import Enrichment, enrich
from openingup.social.enrich.places import gazetteer

# The Message fields enrichment fills, in the order of a Row.
FIELDS = (
    "language",
    "sentiment_score",
    "sentiment",
    "keywords",
    "topics",
    "service_request_score",
    "place",
    "latitude",
    "longitude",
)
Row = tuple[str, float, str, list[str], list[str], float, str, float | None, float | None]


def row_of(found: Enrichment) -> Row:
    """An enrichment as the values of :data:`FIELDS` (a plain tuple: cheap to send between processes)."""
    place = found.place
    return (
        found.language,
        found.sentiment_score,
        found.sentiment,
        found.keywords,
        found.topics,
        found.service_request_score,
        place.name if place else "",
        place.latitude if place else None,
        place.longitude if place else None,
    )


def enrich_rows(pairs: Sequence[tuple[str, str]]) -> list[Row]:
    """The enrichment of each ``(text, declared language)`` as a :data:`Row`."""
    places = gazetteer()
    return [row_of(enrich(text, declared, places)) for text, declared in pairs]


class Enricher:
    """Enriches batches; :meth:`submit` returns a function that waits for the batch's rows. With
    ``workers`` > 1 the batch is split over that many forked processes, started at the first batch."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers if "fork" in multiprocessing.get_all_start_methods() else 1
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, pairs: Sequence[tuple[str, str]]) -> Callable[[], list[Row]]:
        if self.workers <= 1 or len(pairs) < 2:
            rows = enrich_rows(pairs)
            return lambda: rows
        if self.pool is None:
            enrich_rows([("Warm up the models before forking.", "en")])
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        size = -(-len(pairs) // self.workers)
        futures: list[Future[list[Row]]] = [
            self.pool.submit(enrich_rows, list(pairs[start : start + size]))
            for start in range(0, len(pairs), size)
        ]
        return lambda: [row for future in futures for row in future.result()]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> Enricher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
