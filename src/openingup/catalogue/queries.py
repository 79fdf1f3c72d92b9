"""Read side of the catalogue: what pages, the API and the feeds list and show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from openingup.catalogue.models import Catalogue, DataService, Dataset, DatasetSeries, Distribution, Status
from openingup.core.errors import NotFound
from openingup.organisations import permissions

FACETS = ("publisher", "theme", "format", "licence", "hvd")


def catalogue() -> Catalogue:
    """The instance's catalogue row, or an unsaved default named after the base URL."""
    found = Catalogue.objects.select_related("publisher").first()
    if found is not None:
        return found
    return Catalogue(
        title={"en": "Open data catalogue"},
        description={"en": f"Datasets published at {settings.BASE_URL}."},
    )


def public_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.filter(status=Status.PUBLISHED)


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Published datasets, plus every dataset of organisations the user belongs to (and their departments).

    Consistent with :func:`permissions.can_view_dataset`, except that archived datasets of others stay
    reachable by URL but are not listed.
    """
    if permissions.is_admin(user):
        return Dataset.objects.all()
    orgs = permissions.visible_organisation_ids(user)
    return Dataset.objects.filter(Q(status=Status.PUBLISHED) | Q(publisher_id__in=orgs))


def public_data_services() -> QuerySet[DataService]:
    return DataService.objects.filter(status=Status.PUBLISHED).select_related("publisher")


def all_series() -> QuerySet[DatasetSeries]:
    return DatasetSeries.objects.select_related("publisher")


def dataset_by_slug(slug: str, user: Any = None) -> Dataset:
    """The dataset if this user may see it; NotFound otherwise (drafts are not revealed)."""
    dataset = Dataset.objects.select_related("publisher").filter(slug=slug).first()
    if dataset is None or not permissions.can_view_dataset(user, dataset):
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def distribution_by_id(pk: Any, user: Any = None) -> Distribution:
    distribution = Distribution.objects.select_related("dataset", "dataset__publisher").filter(pk=pk).first()
    if distribution is None or not permissions.can_view_dataset(user, distribution.dataset):
        raise NotFound(f"No distribution {pk}.")
    return distribution


def data_service_by_slug(slug: str) -> DataService:
    service = DataService.objects.select_related("publisher").filter(slug=slug).first()
    if service is None:
        raise NotFound(f"No data service {slug!r}.")
    return service


@dataclass
class DatasetFilter:
    q: str = ""
    publisher: str = ""
    theme: str = ""
    format: str = ""
    licence: str = ""
    hvd: str = ""
    status: str = ""
    modified_since: str = ""

    @classmethod
    def from_params(cls, params: Any) -> DatasetFilter:
        return cls(**{name: str(params.get(name, "")).strip()[:500] for name in cls.__dataclass_fields__})


@dataclass
class DatasetList:
    datasets: list[Dataset]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def filtered_datasets(user: Any, f: DatasetFilter) -> QuerySet[Dataset]:
    """The visible datasets matching the filter, newest change first; every condition runs in SQL.

    Text search here is plain matching on titles, descriptions and keywords (the search context
    brings stemming and ranking). ``modified_since`` compares with the last change in this catalogue.
    """
    rows = visible_datasets(user)
    if f.publisher:
        rows = rows.filter(publisher__slug=f.publisher)
    if f.status in Status.values:
        rows = rows.filter(status=f.status)
    if f.theme:
        rows = rows.filter(themes__icontains=f'"{f.theme}"')
    if f.format:
        rows = rows.filter(distributions__format=f.format)
    if f.licence:
        rows = rows.filter(distributions__licence=f.licence)
    if f.hvd:
        rows = rows.exclude(hvd_categories=[])
    if f.modified_since:
        rows = rows.filter(updated_at__gte=f.modified_since)
    for word in [w for w in f.q.lower().split() if w][:10]:
        rows = rows.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(keywords__icontains=word)
        )
    return rows.distinct().order_by("-updated_at", "pk")


def facet_counts(rows: QuerySet[Dataset]) -> dict[str, list[tuple[str, int]]]:
    """Counts per publisher, theme, format, licence and HVD over the given datasets."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    ids = []
    for pk, slug, themes, hvd in rows.values_list("pk", "publisher__slug", "themes", "hvd_categories"):
        ids.append(pk)
        if slug:
            counts["publisher"][slug] += 1
        counts["theme"].update(set(themes or []))
        if hvd:
            counts["hvd"]["yes"] += 1
    seen: set[tuple[Any, str, str]] = set()
    for dataset_id, fmt, licence in Distribution.objects.filter(dataset_id__in=ids).values_list(
        "dataset_id", "format", "licence"
    ):
        for name, value in (("format", fmt), ("licence", licence)):
            if value and (dataset_id, name, value) not in seen:
                seen.add((dataset_id, name, value))
                counts[name][value] += 1
    return {name: c.most_common(20) for name, c in counts.items() if c}


def list_datasets(
    user: Any, f: DatasetFilter, *, offset: int = 0, limit: int = 20, facets: bool = True
) -> DatasetList:
    rows = filtered_datasets(user, f)
    page = list(rows.select_related("publisher")[offset : offset + limit])
    return DatasetList(page, rows.count(), facet_counts(rows) if facets else {})


def history(resource_id: Any, limit: int = 50) -> list[Any]:
    from openingup.catalogue.models import Change

    return list(Change.objects.filter(resource_id=resource_id).select_related("actor")[:limit])


def counts() -> dict[str, int]:
    return {
        "datasets": public_datasets().count(),
        "distributions": Distribution.objects.filter(dataset__status=Status.PUBLISHED).count(),
        "data_services": public_data_services().count(),
    }
