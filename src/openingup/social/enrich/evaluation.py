"""The labelled evaluation set (``social/data/evaluation.csv``) scored per language.

The set is the project's own: short municipal messages, at least 50 per language, each labelled with
its language and polarity (positive, neutral, negative). Targets: language ≥ 95 %, polarity ≥ 80 %.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from openingup.social.enrich.language import LANGUAGES, detect
from openingup.social.enrich.sentiment import analyse

LANGUAGE_TARGET = 0.95
POLARITY_TARGET = 0.80


@dataclass(frozen=True)
class Score:
    language: str
    messages: int
    language_accuracy: float
    polarity_accuracy: float

    @property
    def meets_targets(self) -> bool:
        return self.language_accuracy >= LANGUAGE_TARGET and self.polarity_accuracy >= POLARITY_TARGET


def labelled() -> list[dict[str, str]]:
    text = resources.files("openingup.social").joinpath("data/evaluation.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def evaluate(rows: list[dict[str, str]] | None = None) -> list[Score]:
    """Language accuracy (detection alone) and polarity accuracy (in the labelled language)."""
    rows = labelled() if rows is None else rows
    scores = []
    for code in LANGUAGES:
        mine = [r for r in rows if r["language"] == code]
        if not mine:
            continue
        detected = sum(detect(r["text"]).language == code for r in mine)
        polar = sum(analyse(r["text"], code).label == r["polarity"] for r in mine)
        scores.append(Score(code, len(mine), detected / len(mine), polar / len(mine)))
    return scores
