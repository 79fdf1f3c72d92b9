"""Read side of the catalogue: what pages, the API and the feeds list and show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from openingup.catalogue.models import Catalogue, Dataset, DatasetSeries, DataService, Distribution, Status
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
    """Published datasets, plus drafts and archived ones the user may see."""
    if permissions.is_admin(user):
        return Dataset.objects.all()
    orgs = [o.pk for o in permissions.editable_organisations(user)] if user is not None else []
    if user is not None and getattr(user, "is_authenticated", False):
        orgs += list(user.memberships.values_list("organisation_id", flat=True))
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

    @classmethod
    def from_params(cls, params: Any) -> DatasetFilter:
        return cls(**{name: str(params.get(name, "")).strip()[:500] for name in cls.__dataclass_fields__})


@dataclass
class DatasetList:
    datasets: list[Dataset]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _matches(dataset: Dataset, f: DatasetFilter, formats: dict[Any, set[str]], licences: dict[Any, set[str]]) -> bool:
    if f.theme and f.theme not in dataset.themes:
        return False
    if f.format and f.format not in formats.get(dataset.pk, set()):
        return False
    if f.licence and f.licence not in licences.get(dataset.pk, set()):
        return False
    return not (f.hvd and not dataset.hvd_categories)


def list_datasets(user: Any, f: DatasetFilter, *, offset: int = 0, limit: int = 20) -> DatasetList:
    """Filter and facet the visible datasets; title/description/keyword text search is plain matching
    here (the search context brings stemming and ranking)."""
    rows = visible_datasets(user).select_related("publisher").order_by("-updated_at", "pk")
    if f.publisher:
        rows = rows.filter(publisher__slug=f.publisher)
    if f.status in Status.values:
        rows = rows.filter(status=f.status)
    if f.q:
        words = [w for w in f.q.lower().split() if w][:10]
        for word in words:
            rows = rows.filter(Q(title__icontains=word) | Q(description__icontains=word) | Q(keywords__icontains=word))
    candidates = list(rows)
    formats: dict[Any, set[str]] = {}
    licences: dict[Any, set[str]] = {}
    for dist in Distribution.objects.filter(dataset__in=[d.pk for d in candidates]).values("dataset_id", "format", "licence"):
        formats.setdefault(dist["dataset_id"], set()).add(dist["format"])
        licences.setdefault(dist["dataset_id"], set()).add(dist["licence"])
    matched = [d for d in candidates if _matches(d, f, formats, licences)]
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for d in matched:
        if d.publisher:
            counts["publisher"][d.publisher.slug] += 1
        counts["theme"].update(set(d.themes))
        counts["format"].update(v for v in formats.get(d.pk, set()) if v)
        counts["licence"].update(v for v in licences.get(d.pk, set()) if v)
        if d.hvd_categories:
            counts["hvd"]["yes"] += 1
    facets = {name: c.most_common(20) for name, c in counts.items() if c}
    return DatasetList(matched[offset : offset + limit], len(matched), facets)


def history(resource_id: Any, limit: int = 50) -> list[Any]:
    from openingup.catalogue.models import Change

    return list(Change.objects.filter(resource_id=resource_id).select_related("actor")[:limit])


def counts() -> dict[str, int]:
    return {
        "datasets": public_datasets().count(),
        "distributions": Distribution.objects.filter(dataset__status=Status.PUBLISHED).count(),
        "data_services": public_data_services().count(),
    }
