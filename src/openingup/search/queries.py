"""Read side of search: full text with stemming, filters, facets, keyset paging, snippets, autocomplete.

Visibility: published datasets for everyone; drafts of their organisations for members; all for admins
(``SearchQuery.user``).
"""

from __future__ import annotations

from typing import Any

from openingup.search.backends import backend
from openingup.search.backends.base import SearchQuery, SearchResult


def search(query: SearchQuery) -> SearchResult:
    """InvalidInput for a query the index cannot answer (too long, unknown filter/sort, bad cursor)."""
    return backend().search(query)


def suggest(prefix: str, limit: int = 10, user: Any = None) -> list[str]:
    """Titles, then keywords, with a word starting with the prefix's last word, among visible datasets."""
    return backend().suggest(prefix, limit=max(1, min(int(limit), 50)), user=user)


__all__ = ["SearchQuery", "SearchResult", "search", "suggest"]
