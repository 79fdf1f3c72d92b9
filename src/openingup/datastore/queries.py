"""Reading the datastore: which table version answers, visible to whom."""

from __future__ import annotations

import time
from typing import Any

from openingup.catalogue.queries import distribution_by_id
from openingup.core.errors import NotFound
from openingup.datastore.models import Table
from openingup.organisations import permissions

RECENT_SECONDS = 2.0
_recent: dict[tuple[str, int | None], tuple[float, Table]] = {}


def table_for(distribution_id: Any, user: Any = None, version: int | None = None) -> Table:
    """The current (or a given, still kept) ready version of a distribution the user may see.

    The lookup is remembered for ``RECENT_SECONDS`` per process (every API page needs it, and it costs
    more than a DuckDB page); changes made in this process clear it at once (see subscribers).
    """
    key = (str(distribution_id), version)
    now = time.monotonic()
    hit = _recent.get(key)
    if hit and now - hit[0] < RECENT_SECONDS:
        cached = hit[1]
        if cached.distribution is not None and permissions.can_view_dataset(
            user, cached.distribution.dataset
        ):
            return cached
    # The common case in one query, without the large JSON columns the query path does not read.
    fast = (
        Table.objects.select_related("distribution__dataset__publisher")
        .defer("profile", "report", "dialect", "timings")
        .filter(distribution_id=distribution_id, status=Table.Status.READY)
    )
    fast = fast.filter(version=version) if version else fast.order_by("-version")
    found = fast.first()
    if (
        found is not None
        and found.distribution is not None
        and permissions.can_view_dataset(user, found.distribution.dataset)
    ):
        if len(_recent) > 1024:
            _recent.clear()
        _recent[key] = (now, found)
        return found
    distribution = distribution_by_id(distribution_id, user)
    tables = Table.objects.filter(distribution=distribution, status=Table.Status.READY)
    table = tables.filter(version=version).first() if version else tables.order_by("-version").first()
    if table is None:
        latest = Table.objects.filter(distribution=distribution).order_by("-version").first()
        if version:
            raise NotFound(f"Version {version} of this distribution's data is not (or no longer) kept.")
        if latest and latest.status == Table.Status.LOADING:
            raise NotFound("This distribution's data is still being loaded; try again shortly.")
        raise NotFound("This distribution has no queryable data.")
    table.distribution = distribution
    return table


def forget() -> None:
    """Drop remembered lookups (after any change to tables, distributions or datasets)."""
    _recent.clear()


def versions(distribution: Any) -> list[Table]:
    return list(Table.objects.filter(distribution=distribution).order_by("-version"))


def latest(distribution: Any) -> Table | None:
    return Table.objects.filter(distribution=distribution).order_by("-version").first()


def tables_of_dataset(dataset: Any) -> list[Table]:
    """The current table of each distribution of a dataset (for its Data Package)."""
    out = []
    for distribution in dataset.distributions.all():
        t = (
            Table.objects.filter(distribution=distribution, status=Table.Status.READY)
            .order_by("-version")
            .first()
        )
        if t:
            out.append(t)
    return out
