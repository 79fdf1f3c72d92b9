"""Read side of search: full text with stemming, filters, facets, keyset paging, snippets, autocomplete.

Visibility: published datasets for everyone; drafts of their organisations for members; all for admins
(``SearchQuery.user``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from openingup.catalogue.queries import DatasetFilter, DatasetList
from openingup.search.backends import backend
from openingup.search.backends.base import SearchQuery, SearchResult


def dataset_listing(
    user: Any, f: DatasetFilter, *, offset: int = 0, limit: int = 20, facets: bool = True
) -> DatasetList | None:
    """The catalogue's dataset list (newest first, with its facets) answered by the index, in
    milliseconds at any size; None when the index cannot answer it (not built yet, or filtered by the
    catalogue's own ``modified_since``) and the catalogue's query should."""
    from openingup.catalogue.models import Dataset, Status
    from openingup.search import snapshot

    if f.modified_since or not snapshot.current().size:
        return None
    filters = {
        name: [value]
        for name, value in (
            ("organisation", f.publisher),
            ("theme", f.theme),
            ("format", f.format),
            ("licence", f.licence),
            ("hvd", snapshot.ANY if f.hvd else ""),
        )
        if value
    }
    statuses = (f.status,) if f.status in Status.values else ()
    query = SearchQuery(
        q=f.q[:1000], filters=filters, statuses=statuses, user=user, sort="modified", limit=max(1, limit),
        offset=offset, facets=facets, facet_limit=20,
    )  # fmt: skip
    found = search(query)
    ids = [hit.dataset_id for hit in found.hits][: max(0, limit)]
    by_id = {str(d.pk): d for d in Dataset.objects.filter(pk__in=ids).select_related("publisher")}
    counts: dict[str, list[tuple[str, int]]] = {}
    if facets:
        names = {"organisation": "publisher", "theme": "theme", "format": "format", "licence": "licence"}
        counts = {names[k]: v for k, v in found.facets.items() if k in names and v}
        hvd = found.total if f.hvd else search(
            replace(query, filters={**filters, "hvd": [snapshot.ANY]}, limit=1, offset=0, facets=False)
        ).total  # fmt: skip
        if hvd:
            counts["hvd"] = [("yes", hvd)]
    return DatasetList([by_id[pk] for pk in ids if pk in by_id], found.total, counts)


def search(query: SearchQuery) -> SearchResult:
    """InvalidInput for a query the index cannot answer (too long, unknown filter/sort, bad cursor)."""
    return backend().search(query)


def suggest(prefix: str, limit: int = 10, user: Any = None) -> list[str]:
    """Titles, then keywords, with a word starting with the prefix's last word, among visible datasets."""
    return backend().suggest(prefix, limit=max(1, min(int(limit), 50)), user=user)


__all__ = ["SearchQuery", "SearchResult", "dataset_listing", "search", "suggest"]
