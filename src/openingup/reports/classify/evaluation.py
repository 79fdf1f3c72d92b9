"""How well a classifier does on texts it was not trained on: stratified k-fold cross-validation.

Every example is predicted once, by a model fitted on the other folds; from those predictions come
the overall accuracy, precision and recall per category and the confusion matrix. A category with
fewer examples than folds cannot be split, so its examples are only ever trained on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from openingup.reports.classify.model import Classifier, Example

FOLDS = 5
MIN_FOLDS = 2


@dataclass(frozen=True)
class CategoryScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # how many evaluated examples carry this label


@dataclass(frozen=True)
class Report:
    """The evaluation of one training run; ``matrix[i][j]`` counts examples of ``labels[i]``
    predicted as ``labels[j]``."""

    method: str
    evaluated: int
    accuracy: float
    categories: list[CategoryScore]
    labels: list[str]
    matrix: list[list[int]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report stored in a model's metrics; KeyError/TypeError when it is not one."""
        return cls(
            method=str(data["method"]),
            evaluated=int(data["evaluated"]),
            accuracy=float(data["accuracy"]),
            categories=[CategoryScore(**c) for c in data["categories"]],
            labels=[str(label) for label in data["labels"]],
            matrix=[[int(n) for n in row] for row in data["matrix"]],
        )

    @property
    def macro_f1(self) -> float:
        return round(sum(c.f1 for c in self.categories) / len(self.categories), 4) if self.categories else 0.0


def score(method: str, truth: Sequence[str], predicted: Sequence[str]) -> Report:
    """Accuracy, per-category precision and recall, and the confusion matrix of ``predicted``
    against ``truth`` (same length)."""
    labels = sorted(set(truth) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for actual, guess in zip(truth, predicted, strict=True):
        matrix[index[actual]][index[guess]] += 1
    categories = []
    for i, label in enumerate(labels):
        hits = matrix[i][i]
        said = sum(row[i] for row in matrix)
        real = sum(matrix[i])
        precision = hits / said if said else 0.0
        recall = hits / real if real else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        categories.append(CategoryScore(label, round(precision, 4), round(recall, 4), round(f1, 4), real))
    correct = sum(matrix[i][i] for i in range(len(labels)))
    accuracy = round(correct / len(truth), 4) if truth else 0.0
    return Report(method, len(truth), accuracy, categories, labels, matrix)


def folds(examples: Sequence[Example], wanted: int = FOLDS, seed: int = 7) -> list[list[int]]:
    """Stratified folds of example indices: each label's examples dealt round-robin (after a fixed
    shuffle) over the folds. Labels with fewer examples than folds are left out of every fold."""
    import random

    counts = Counter(e.label for e in examples)
    by_label: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        if counts[example.label] >= wanted:
            by_label.setdefault(example.label, []).append(i)
    shuffler = random.Random(seed)
    result: list[list[int]] = [[] for _ in range(wanted)]
    offset = 0
    for label in sorted(by_label):
        members = by_label[label]
        shuffler.shuffle(members)
        for j, i in enumerate(members):
            result[(j + offset) % wanted].append(i)
        offset += len(members)
    return result


def cross_validate(
    examples: Sequence[Example],
    wanted: int = FOLDS,
    progress: Callable[[float], None] | None = None,
) -> Report:
    """Stratified ``wanted``-fold cross-validation (fewer folds when the smallest category is
    smaller, but at least two); ValueError when no category has two examples."""
    counts = Counter(e.label for e in examples)
    k = min(wanted, max(counts.values(), default=0))
    if k < MIN_FOLDS or sum(1 for n in counts.values() if n >= k) < 2:
        raise ValueError("evaluation needs at least two categories with two examples each")
    split = folds(examples, k)
    truth: list[str] = []
    predicted: list[str] = []
    for n, held_out in enumerate(split):
        out = set(held_out)
        model = Classifier.fit([e for i, e in enumerate(examples) if i not in out])
        tested = [examples[i] for i in held_out]
        truth += [e.label for e in tested]
        predicted += model.predict_many([e.text for e in tested], [e.language for e in tested])
        if progress:
            progress((n + 1) / k)
    return score(f"stratified {k}-fold cross-validation", truth, predicted)


def as_text(report: Report) -> str:
    """The report as the command prints it: totals, a table per category, the confusion matrix."""
    width = max([len(label) for label in report.labels] + [8])
    lines = [
        f"method:    {report.method}",
        f"evaluated: {report.evaluated} examples",
        f"accuracy:  {report.accuracy:.3f}",
        f"macro F1:  {report.macro_f1:.3f}",
        "",
        f"{'category':<{width}}  precision  recall     f1  support",
    ]
    for c in report.categories:
        lines.append(f"{c.label:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  {c.f1:5.3f}  {c.support:7d}")
    lines += ["", "confusion matrix (rows: true category, columns: predicted, in the order above)"]
    cell = max(3, len(str(max((n for row in report.matrix for n in row), default=0))))
    for label, row in zip(report.labels, report.matrix, strict=True):
        lines.append(f"{label:<{width}}  " + " ".join(f"{n:>{cell}}" for n in row))
    return "\n".join(lines)
