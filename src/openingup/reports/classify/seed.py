"""The project's own multilingual training set (``classify/data/seed.csv``).

Short citizen reports written for this project in en, nl, fr, de, da, sv and nb, each labelled with a
common municipal category: the demo services (``streetlight``, ``litter``, ``pothole``) and
``graffiti``, ``trees``, ``noise``, ``parking``, ``sewage``, ``danger``, plus ``other`` for messages
that ask nothing of the public space (questions, thanks). A municipality's service whose code, or one
of whose keywords, is a category receives that category's suggestions.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from openingup.reports.classify import OTHER
from openingup.reports.classify.model import Example

__all__ = ["OTHER", "categories", "examples", "parse"]
COLUMNS = ["language", "category", "text"]


def parse(text: str) -> list[Example]:
    """Examples from CSV text with the columns ``language,category,text``; ValueError naming the line
    of a row that lacks one."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != COLUMNS:
        raise ValueError(f"the seed set's header must be {','.join(COLUMNS)}, got {reader.fieldnames}")
    examples = []
    for row in reader:
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        missing = [k for k, v in values.items() if not v]
        if missing:
            raise ValueError(f"line {reader.line_num}: empty {', '.join(missing)}")
        examples.append(Example(values["text"], values["category"], values["language"], 1.0, "seed"))
    return examples


@cache
def examples() -> tuple[Example, ...]:
    data = resources.files("openingup.reports.classify").joinpath("data/seed.csv").read_text("utf-8")
    return tuple(parse(data))


def categories() -> list[str]:
    return sorted({e.label for e in examples()})
