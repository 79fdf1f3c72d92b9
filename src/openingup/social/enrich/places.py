"""Place names of the municipality (streets, districts) found in messages, giving a location.

The gazetteer is the municipality's own data: a CSV named by ``OPENINGUP_SOCIAL_PLACES`` with the
columns ``name,kind,latitude,longitude`` (kind: street, district, …; coordinates may be empty).
Matching is case-insensitive on whole words; the longest name wins, so "Grote Markt" beats "Markt".
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openingup import config


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    latitude: float | None = None
    longitude: float | None = None


def _number(value: str, field: str, line: int) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"places line {line}: {field} {value!r} is not a number") from None


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.places = {p.name.casefold(): p for p in places if p.name.strip()}
        names = sorted(self.places, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
            if names
            else None
        )

    @classmethod
    def from_csv(cls, text: str) -> Gazetteer:
        """ValueError naming the line for a row without a name or with a bad coordinate."""
        places = []
        for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise ValueError(f"places line {line}: the name is empty")
            places.append(
                Place(
                    name,
                    (row.get("kind") or "").strip() or "place",
                    _number(row.get("latitude") or "", "latitude", line),
                    _number(row.get("longitude") or "", "longitude", line),
                )
            )
        return cls(places)

    def find(self, text: str) -> Place | None:
        """The longest known place named in the text (first occurrence among equals), or None."""
        if self.pattern is None:
            return None
        best = None
        for match in self.pattern.finditer(text):
            if best is None or len(match.group(1)) > len(best):
                best = match.group(1)
        return self.places[best.casefold()] if best else None


@cache
def _load(path: str) -> Gazetteer:
    return Gazetteer.from_csv(Path(path).read_text("utf-8-sig"))


def gazetteer() -> Gazetteer:
    """The configured gazetteer (empty when OPENINGUP_SOCIAL_PLACES is not set)."""
    path = config.get("OPENINGUP_SOCIAL_PLACES").strip()
    return _load(path) if path else Gazetteer([])
