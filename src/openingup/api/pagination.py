"""Pages of lists: ``{"items": [...], "count": N, "next": url | null}``, walked by ``limit``, ``offset``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from openingup.api.schemas import Paging

T = TypeVar("T")


def next_url(request: HttpRequest, paging: Paging, count: int) -> str | None:
    """The same request (filters kept) one page further; None on the last page."""
    offset = paging.offset + paging.limit
    if offset >= count:
        return None
    params = request.GET.copy()
    params["limit"] = str(paging.limit)
    params["offset"] = str(offset)
    return f"{settings.BASE_URL}{request.path}?{params.urlencode()}"


def page(
    request: HttpRequest,
    rows: Sequence[T] | QuerySet[Any],
    paging: Paging,
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """Slice ``rows`` (a list or a queryset, counted in the database) and render the items of the page."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    items = list(rows[paging.offset : paging.offset + paging.limit])
    return {"items": [render(row) for row in items], "count": count, "next": next_url(request, paging, count)}
