"""Scoring an instrument's answers: pure functions, no database.

One answer scores in [0, 1] by its question's type (docs/readiness.md has the table); a driver scores
100 x the weighted mean of its questions' scores, a dimension the weighted mean of its drivers, a measure
that of its dimensions and the whole that of the measures. "Not applicable" answers (only where the
question allows them) are left out of the means; an unanswered question scores 0. A parent whose children
are all left out, or whose weights add up to 0, has no score (None). Nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openingup.readiness.instruments import Instrument, Question


class AnswerError(ValueError):
    """An answer that its question cannot take; the message names the question and the problem."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_answer(question: Question, value: Any, na: bool = False) -> None:
    """Raise :class:`AnswerError` unless ``value`` (or n/a) is a possible answer to the question.

    ``None`` is "not answered yet" and always allowed.
    """
    where = f"question {question.key}"
    if na:
        if not question.allow_na:
            raise AnswerError(f"{where}: cannot be answered 'not applicable'")
        return
    if value is None:
        return
    kind = question.type
    keys = {o.key for o in question.options}
    if kind == "single" and value not in keys:
        raise AnswerError(f"{where}: {value!r} is not one of its options ({', '.join(sorted(keys))})")
    if kind == "multiple" and (
        not isinstance(value, list) or any(v not in keys for v in value) or len(set(value)) != len(value)
    ):
        raise AnswerError(f"{where}: must be a list of distinct options ({', '.join(sorted(keys))})")
    if kind == "scale":
        scale = question.scale or {}
        low, high = scale.get("min", 0), scale.get("max", 0)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise AnswerError(f"{where}: must be a whole number from {low} to {high}")
    if kind in ("yesno", "evidence") and not isinstance(value, bool):
        raise AnswerError(f"{where}: must be true or false")
    if kind == "number" and not _is_number(value):
        raise AnswerError(f"{where}: must be a number")


def question_score(question: Question, value: Any) -> float:
    """The score in [0, 1] of one answer (0 when unanswered); raises :class:`AnswerError` if invalid."""
    if value is None:
        return 0.0
    check_answer(question, value)
    kind = question.type
    if kind == "single":
        option = question.option(value)
        return option.score if option else 0.0
    if kind == "multiple":
        return min(1.0, sum(o.score for o in question.options if o.key in value))
    if kind == "scale":
        scale = question.scale or {}
        low, high = scale["min"], scale["max"]
        return (value - low) / (high - low)
    if kind in ("yesno", "evidence"):
        return 1.0 if value else 0.0
    normalise = question.normalise or {"min": 0.0, "max": 1.0}
    low, high = normalise["min"], normalise["max"]
    return min(1.0, max(0.0, (float(value) - low) / (high - low)))


def _answer_parts(answer: Any) -> tuple[Any, bool]:
    """(value, n/a) of an answer given as a dict, an object with ``value``/``na``, or a bare value."""
    if answer is None:
        return None, False
    if isinstance(answer, Mapping):
        return answer.get("value"), bool(answer.get("na"))
    if hasattr(answer, "value"):
        return answer.value, bool(getattr(answer, "na", False))
    return answer, False


def weighted_mean(pairs: list[tuple[float | None, float]]) -> float | None:
    """Mean of (score, weight) pairs, leaving out scores that are None; None if nothing is left."""
    kept = [(s, w) for s, w in pairs if s is not None]
    total = sum(w for _s, w in kept)
    if not kept or total <= 0:
        return None
    return sum(s * w for s, w in kept) / total


@dataclass
class DriverScore:
    key: str
    score: float | None


@dataclass
class DimensionScore:
    key: str
    score: float | None
    drivers: list[DriverScore] = field(default_factory=list)


@dataclass
class MeasureScore:
    key: str
    score: float | None
    level: str | None
    dimensions: list[DimensionScore] = field(default_factory=list)


@dataclass
class ScoreTree:
    instrument_id: str
    instrument_version: str
    overall: float | None
    level: str | None
    measures: list[MeasureScore] = field(default_factory=list)
    questions: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The tree as JSON-ready data (the shape stored in ``Result.tree`` and exchanged)."""
        return {
            "instrument_id": self.instrument_id,
            "instrument_version": self.instrument_version,
            "overall": self.overall,
            "level": self.level,
            "measures": [
                {
                    "key": m.key,
                    "score": m.score,
                    "level": m.level,
                    "dimensions": [
                        {
                            "key": d.key,
                            "score": d.score,
                            "drivers": [{"key": r.key, "score": r.score} for r in d.drivers],
                        }
                        for d in m.dimensions
                    ],
                }
                for m in self.measures
            ],
            "questions": dict(self.questions),
        }

    def driver_scores(self) -> dict[str, float | None]:
        """``{"measure/dimension/driver": score}`` for every driver."""
        return driver_scores(self.as_dict())


def driver_scores(tree: Mapping[str, Any]) -> dict[str, float | None]:
    """``{"measure/dimension/driver": score}`` of a tree as stored (``ScoreTree.as_dict()``)."""
    return {
        f"{m['key']}/{d['key']}/{r['key']}": r.get("score")
        for m in tree.get("measures", [])
        for d in m.get("dimensions", [])
        for r in d.get("drivers", [])
    }


def score(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreTree:
    """Score the answers ``{question_key: answer}`` on the instrument.

    An answer is ``{"value": ..., "na": bool}`` (other keys are ignored), an object with those
    attributes, or a bare value. Answers to unknown questions are ignored; an invalid answer raises
    :class:`AnswerError`.
    """
    per_question: dict[str, float | None] = {}
    measures: list[MeasureScore] = []
    for m in instrument.measures:
        dimensions: list[DimensionScore] = []
        for d in m.dimensions:
            drivers: list[DriverScore] = []
            for r in d.drivers:
                pairs: list[tuple[float | None, float]] = []
                for q in r.questions:
                    value, na = _answer_parts(answers.get(q.key))
                    if na and q.allow_na:
                        per_question[q.key] = None
                    else:
                        per_question[q.key] = question_score(q, None if na else value)
                    pairs.append((per_question[q.key], q.weight))
                mean = weighted_mean(pairs)
                drivers.append(DriverScore(r.key, None if mean is None else 100 * mean))
            dimensions.append(
                DimensionScore(
                    d.key,
                    weighted_mean([(x.score, r.weight) for x, r in zip(drivers, d.drivers, strict=True)]),
                    drivers,
                )
            )
        measure = weighted_mean([(x.score, d.weight) for x, d in zip(dimensions, m.dimensions, strict=True)])
        level = instrument.level_for(measure)
        measures.append(MeasureScore(m.key, measure, level.key if level else None, dimensions))
    overall = weighted_mean([(x.score, m.weight) for x, m in zip(measures, instrument.measures, strict=True)])
    level = instrument.level_for(overall)
    return ScoreTree(
        instrument.id, instrument.version, overall, level.key if level else None, measures, per_question
    )
