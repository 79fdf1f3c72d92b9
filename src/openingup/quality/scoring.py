"""MQA scoring: the indicator table applied to one dataset, with its best distribution, as piveau does.

:func:`score` is pure. Distribution indicators are scored for every distribution and the one with the most
points counts for the dataset (the first one on a tie); a dataset without distributions gets none of
them. Dataset indicators count once. The band follows the MQA rating table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openingup.catalogue.models import Distribution
from openingup.quality.indicators import BY_KEY, DIMENSIONS, INDICATORS, Indicator, Outcome, Subject

# (lowest total, band), highest first: Excellent 351–405, Good 221–350, Sufficient 121–220, Bad 0–120.
BANDS: tuple[tuple[int, str], ...] = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))


def band_of(total: int) -> str:
    return next(name for lowest, name in BANDS if total >= lowest)


@dataclass(frozen=True)
class Measurement:
    key: str
    points: int
    passed: bool
    reason: str
    args: dict[str, Any]

    @property
    def indicator(self) -> Indicator:
        return BY_KEY[self.key]

    @property
    def maximum(self) -> int:
        return self.indicator.points

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "points": self.points,
            "max": self.maximum,
            "passed": self.passed,
            "reason": self.reason,
            "args": self.args,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        return cls(
            data["key"], int(data["points"]), bool(data["passed"]), data["reason"], data.get("args", {})
        )


@dataclass(frozen=True)
class Score:
    measurements: tuple[Measurement, ...]
    distribution: Distribution | None

    @property
    def total(self) -> int:
        return sum(m.points for m in self.measurements)

    @property
    def band(self) -> str:
        return band_of(self.total)

    @property
    def dimensions(self) -> dict[str, int]:
        return {
            dim: sum(m.points for m in self.measurements if m.indicator.dimension == dim)
            for dim in DIMENSIONS
        }

    def fixes(self) -> list[Measurement]:
        """The failed indicators, most points to gain first (then in table order)."""
        return fixes(self.measurements)


def fixes(measurements: tuple[Measurement, ...] | list[Measurement]) -> list[Measurement]:
    order = {indicator.key: n for n, indicator in enumerate(INDICATORS)}
    failed = [m for m in measurements if not m.passed]
    return sorted(failed, key=lambda m: (-m.maximum, order[m.key]))


def _measure(indicator: Indicator, subject: Subject, distribution: Distribution | None) -> Measurement:
    outcome: Outcome = indicator.check(subject, distribution)
    points = indicator.points if outcome.passed else 0
    return Measurement(indicator.key, points, outcome.passed, outcome.reason, dict(outcome.args))


def best_distribution(subject: Subject) -> Distribution | None:
    """The distribution with the most points on the distribution indicators; the first one on a tie."""
    per_distribution = [i for i in INDICATORS if i.level == "distribution"]
    best, best_points = None, -1
    for distribution in subject.distributions:
        points = sum(_measure(i, subject, distribution).points for i in per_distribution)
        if points > best_points:
            best, best_points = distribution, points
    return best


def score(subject: Subject) -> Score:
    """The dataset's MQA score: every indicator, distribution ones taken from its best distribution."""
    best = best_distribution(subject)
    return Score(tuple(_measure(i, subject, best) for i in INDICATORS), best)
