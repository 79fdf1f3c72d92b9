"""Read side of the quality context: a dataset's score, aggregates per organisation and per catalogue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet

from openingup.catalogue import queries as catalogue_queries
from openingup.catalogue.models import Dataset, Status
from openingup.organisations.models import Organisation
from openingup.quality.indicators import DIMENSIONS, INDICATORS, MAXIMUM, TOTAL
from openingup.quality.models import QualityScore
from openingup.quality.scoring import BANDS, Measurement, fixes

BAND_NAMES: tuple[str, ...] = tuple(name for _lowest, name in BANDS)


def score_for(dataset: Dataset) -> QualityScore | None:
    return QualityScore.objects.filter(dataset=dataset).first()


def measurements(row: QualityScore) -> list[Measurement]:
    return [Measurement.from_json(item) for item in row.measurements or []]


def fixes_for(row: QualityScore) -> list[Measurement]:
    """The failed indicators of a stored score, most points to gain first."""
    return fixes(measurements(row))


@dataclass
class Aggregate:
    """Scores of a set of datasets: how many, their average, bands, dimensions and indicator shares."""

    datasets: int = 0
    scored: int = 0
    average: float = 0.0
    bands: dict[str, int] = field(default_factory=dict)
    dimensions: dict[str, float] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)  # indicator key → share of datasets passing

    @property
    def band(self) -> str:
        from openingup.quality.scoring import band_of

        return band_of(round(self.average)) if self.scored else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "datasets": self.datasets,
            "scored": self.scored,
            "average": round(self.average, 1),
            "maximum": TOTAL,
            "band": self.band,
            "bands": self.bands,
            "dimensions": {
                d: {"average": round(v, 1), "maximum": MAXIMUM[d]} for d, v in self.dimensions.items()
            },
            "indicators": {k: round(v, 3) for k, v in self.shares.items()},
        }


def aggregate(datasets: QuerySet[Dataset]) -> Aggregate:
    """Average score, band distribution, dimension averages and per-indicator share over ``datasets``."""
    scores = QualityScore.objects.filter(dataset__in=datasets.values("pk"))
    result = Aggregate(datasets=datasets.count())
    averages = scores.order_by().aggregate(
        total=Avg("total"), n=Count("pk"), **{d: Avg(d) for d in DIMENSIONS}
    )
    result.scored = averages["n"] or 0
    result.average = float(averages["total"] or 0)
    result.dimensions = {d: float(averages[d] or 0) for d in DIMENSIONS}
    counted = dict(scores.order_by().values("band").annotate(n=Count("pk")).values_list("band", "n"))
    result.bands = {name: int(counted.get(name, 0)) for name in BAND_NAMES}
    passed: Counter[str] = Counter()
    for items in scores.values_list("measurements", flat=True).iterator(chunk_size=500):
        passed.update(item["key"] for item in items or [] if item.get("passed"))
    result.shares = {i.key: passed[i.key] / result.scored if result.scored else 0.0 for i in INDICATORS}
    return result


def organisation_datasets(organisation: Organisation) -> QuerySet[Dataset]:
    """The organisation's datasets that are not archived (drafts included: they are being prepared)."""
    return Dataset.objects.filter(publisher=organisation).exclude(status=Status.ARCHIVED)


def catalogue_datasets() -> QuerySet[Dataset]:
    return catalogue_queries.public_datasets()


def worst(datasets: QuerySet[Dataset], limit: int = 10) -> list[QualityScore]:
    """The lowest scores among ``datasets`` (lowest first), with their datasets."""
    rows = QualityScore.objects.filter(dataset__in=datasets.values("pk")).select_related("dataset")
    return list(rows.order_by("total", "dataset__slug")[:limit])


def scores_of(datasets: QuerySet[Dataset]) -> QuerySet[QualityScore]:
    return QualityScore.objects.filter(dataset__in=datasets.values("pk")).select_related("dataset")
