"""Readable, unique column names from whatever a file's header row holds."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from openingup.datastore.report import problem

RESERVED = frozenset({"_id"})
MAX_NAME = 120
_SPACE = re.compile(r"\s+")


def clean_label(raw: Any) -> str:
    """Collapse whitespace (incl. newlines inside quoted header cells), strip BOM and control characters."""
    text = "" if raw is None else str(raw)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r ")
    text = _SPACE.sub(" ", text.replace("\ufeff", "")).strip()
    return text[:MAX_NAME]


def clean_headers(raw: list[Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names for a header row and the Frictionless problems found on the way.

    Blank labels become ``column_N`` (``blank-header``); repeated labels get ``_2``, ``_3`` …
    (``duplicate-label``); a label that is a reserved name (``_id``) or starts with two underscores
    (kept for derived columns) is suffixed too. Comparison is case-insensitive because SQL is.
    """
    names: list[str] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, value in enumerate(raw, start=1):
        label = clean_label(value)
        if not label:
            label = f"column_{position}"
            problems.append(
                problem("blank-header", f"Column {position} has no label; named {label}.", row=1, field=label)
            )
        base = label
        if base.lower() in RESERVED or base.startswith("__"):
            base = f"{base.lstrip('_') or 'column'}_{position}"
        candidate, n = base, 2
        while candidate.lower() in seen:
            candidate = f"{base}_{n}"
            n += 1
        if candidate != label and label.lower() in seen:
            problems.append(
                problem(
                    "duplicate-label",
                    f'Label "{label}" repeats; this one is named "{candidate}".',
                    row=1,
                    field=candidate,
                )
            )
        seen.add(candidate.lower())
        names.append(candidate)
    return names, problems
