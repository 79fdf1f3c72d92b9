"""The validation report of an ingest, in the terms of Frictionless (error code, row, field).

Codes follow the Frictionless error catalogue (https://specs.frictionlessdata.io/ and frictionless-py
``errors``): ``blank-header``, ``duplicate-label``, ``missing-label``, ``extra-cell``, ``missing-cell``,
``blank-row``, ``type-error``, ``constraint-error``, ``unique-error``, ``primary-key-error``,
``encoding-error``, ``format-error``, ``source-error``, ``scheme-error``, ``schema-error`` — plus
``preamble`` (rows skipped before the header), an informational note of ours.

Problems are plain dicts so they store as JSON on the table version and render in UI, API and CLI alike.
A report never decides failure: an ingest fails when something raises :class:`IngestError`; the problems
of a loaded table are what its publisher can fix next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 1000
MAX_PER_KIND = 20  # examples kept per (code, field); the rest are counted


def problem(code: str, message: str, *, row: int | None = None, field: str | None = None) -> dict[str, Any]:
    """One problem: ``row`` counts from 1 for the first data row after the header, as Frictionless does
    with ``rowNumber`` counting the header as row 1 — we store ``row`` as the source line's row number
    (header = 1), ``field`` the column name."""
    return {"code": code, "message": message, "row": row, "field": field}


@dataclass
class Report:
    """Collects problems during an ingest; keeps the first MAX_PROBLEMS and counts the rest."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    omitted: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, code: str, message: str, *, row: int | None = None, field: str | None = None) -> None:
        key = f"{code}:{field or ''}"
        self.kinds[key] = self.kinds.get(key, 0) + 1
        if len(self.problems) >= MAX_PROBLEMS or self.kinds[key] > MAX_PER_KIND:
            self.omitted += 1
            return
        self.problems.append(problem(code, message, row=row, field=field))

    def extend(self, problems: list[dict[str, Any]]) -> None:
        for p in problems:
            self.add(p["code"], p["message"], row=p.get("row"), field=p.get("field"))

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "error_count": len(self.problems) + self.omitted,
            "errors": self.problems,
            "omitted": self.omitted,
            "counts": dict(self.kinds),
        }


class IngestError(Exception):
    """A fatal problem: the file cannot be loaded at all. Carries the report so far."""

    def __init__(self, code: str, message: str, report: Report | None = None):
        super().__init__(message)
        self.code = code
        self.report = report or Report()
        self.report.add(code, message)
