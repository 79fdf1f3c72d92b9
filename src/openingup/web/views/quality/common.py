"""What the quality pages share: presenting a stored score, its fixes and charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from openingup.datastore.charts import Series, bar_chart
from openingup.quality.indicators import DIMENSION_LABELS, DIMENSIONS, MAXIMUM, TOTAL, reason_text
from openingup.quality.models import QualityScore
from openingup.quality.queries import Aggregate, fixes_for, measurements


def band_label(band: str) -> str:
    labels = {"excellent": _("Excellent"), "good": _("Good"), "sufficient": _("Sufficient"), "bad": _("Bad")}
    return labels.get(band, band)


@dataclass(frozen=True)
class Row:
    """One indicator of a score as the pages show it."""

    key: str
    label: str
    dimension: str
    points: int
    maximum: int
    passed: bool
    reason: str
    fix: str


def rows(score: QualityScore) -> list[Row]:
    return [
        Row(
            m.key,
            str(m.indicator.label),
            str(DIMENSION_LABELS[m.indicator.dimension]),
            m.points,
            m.maximum,
            m.passed,
            reason_text(m.reason, m.args),
            str(m.indicator.fix),
        )
        for m in measurements(score)
    ]


def fix_rows(score: QualityScore, limit: int | None = None) -> list[Row]:
    """The failed indicators, most points to gain first (at most ``limit``)."""
    by_key = {r.key: r for r in rows(score)}
    found = [by_key[m.key] for m in fixes_for(score)]
    return found[:limit] if limit else found


def dimension_rows(values: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {
            "key": dim,
            "label": str(DIMENSION_LABELS[dim]),
            "value": round(values.get(dim, 0), 1),
            "maximum": MAXIMUM[dim],
            "percent": round(100 * values.get(dim, 0) / MAXIMUM[dim]),
        }
        for dim in DIMENSIONS
    ]


def score_json(score: QualityScore) -> dict[str, Any]:
    return {
        "dataset": score.dataset.slug,
        "total": score.total,
        "maximum": TOTAL,
        "band": score.band,
        "dimensions": {dim: {"points": getattr(score, dim), "maximum": MAXIMUM[dim]} for dim in DIMENSIONS},
        "indicators": [
            {"key": r.key, "points": r.points, "maximum": r.maximum, "passed": r.passed, "reason": r.reason}
            for r in rows(score)
        ],
        "fixes": [{"key": r.key, "gain": r.maximum, "fix": r.fix} for r in fix_rows(score)],
        "distribution": str(score.distribution_id) if score.distribution_id else None,
        "computed_at": score.computed_at.isoformat(),
    }


def band_chart(aggregate: Aggregate) -> str:
    names = list(aggregate.bands)
    return bar_chart(
        [band_label(name) for name in names],
        [Series(_("Datasets"), [float(aggregate.bands[name]) for name in names])],
        title=_("Datasets per quality band"),
        y_label=_("Datasets"),
        width=560,
        height=300,
    )


def dimension_chart(aggregate: Aggregate) -> str:
    return bar_chart(
        [str(DIMENSION_LABELS[dim]) for dim in DIMENSIONS],
        [
            Series(_("Average points"), [round(aggregate.dimensions.get(dim, 0), 1) for dim in DIMENSIONS]),
            Series(_("Maximum points"), [float(MAXIMUM[dim]) for dim in DIMENSIONS]),
        ],
        title=_("Average points per dimension"),
        y_label=_("Points"),
        width=640,
        height=320,
    )
