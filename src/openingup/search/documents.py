"""A dataset as the search index sees it: texts per language, facet values, filters and sort keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from openingup.search.languages import code

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
FACETS = ("organisation", "theme", "format", "licence", "keyword", "hvd", "language")


@dataclass
class Document:
    id: str
    slug: str
    status: str
    publisher_id: str | None
    title: dict[str, str]
    texts: dict[str, str]  # language code ('' = untagged) -> title, description and keywords
    title_text: str
    modified: str
    title_sort: str
    facets: dict[str, list[str]] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    temporal_start: str = ""
    temporal_end: str = ""

    @property
    def all_text(self) -> str:
        return "\n".join(t for t in self.texts.values() if t)


def _sort_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip()[:200]


def bbox_of(spatial: list[Any]) -> tuple[float, float, float, float] | None:
    """The box around every bbox/geometry given (WKT, GeoJSON or ENVELOPE); None without one."""
    xs: list[float] = []
    ys: list[float] = []
    for place in spatial or []:
        if not isinstance(place, dict):
            continue
        for key in ("bbox", "geometry"):
            value = place.get(key)
            if not value:
                continue
            text = value if isinstance(value, str) else str(value)
            numbers = [float(n) for n in NUMBER.findall(text.split(">")[-1])]
            if text.strip().upper().startswith("ENVELOPE") and len(numbers) == 4:
                xs += [numbers[0], numbers[1]]
                ys += [numbers[2], numbers[3]]
            elif len(numbers) >= 2:
                xs += numbers[0::2]
                ys += numbers[1::2]
    if not xs or not ys:
        return None
    box = (min(xs), min(ys), max(xs), max(ys))
    if not (-180 <= box[0] <= box[2] <= 180 and -90 <= box[1] <= box[3] <= 90):
        return None
    return box


def _day(value: Any, end: bool) -> str:
    text = str(value or "")[:10]
    if re.fullmatch(r"\d{4}", text):
        return text + ("-12-31" if end else "-01-01")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text + ("-31" if end else "-01")
    return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""


def temporal_of(temporal: list[Any]) -> tuple[str, str]:
    starts = [_day(p.get("start"), False) for p in temporal or [] if isinstance(p, dict)]
    ends = [_day(p.get("end"), True) for p in temporal or [] if isinstance(p, dict)]
    starts = [s for s in starts if s]
    ends = [e for e in ends if e]
    return (min(starts) if starts else "", max(ends) if ends else "")


def document_for(dataset: Any) -> Document:
    """Build the document from a Dataset (with ``publisher`` and ``distributions`` readable)."""
    texts: dict[str, list[str]] = {}

    def add(tag: str, text: str) -> None:
        if text:
            texts.setdefault(code(tag), []).append(text)

    title = {str(k): str(v) for k, v in (dataset.title or {}).items() if v}
    for tag, text in title.items():
        add(tag, text)
    for tag, text in (dataset.description or {}).items():
        add(str(tag), str(text or ""))
    keywords: list[str] = []
    for tag, values in (dataset.keywords or {}).items():
        for value in values or []:
            keywords.append(str(value))
            add(str(tag), str(value))
    formats: set[str] = set()
    licences: set[str] = set()
    for distribution in dataset.distributions.all():
        if distribution.format:
            formats.add(distribution.format)
        if distribution.licence:
            licences.add(distribution.licence)
    publisher = dataset.publisher
    facets = {
        "organisation": [publisher.slug] if publisher is not None else [],
        "theme": sorted({str(t) for t in dataset.themes or []}),
        "format": sorted(formats),
        "licence": sorted(licences),
        "keyword": sorted(set(keywords)),
        "hvd": sorted({str(c) for c in dataset.hvd_categories or []}),
        "language": sorted({str(lang) for lang in dataset.language or []}),
    }
    display = dataset.text("title") if hasattr(dataset, "text") else next(iter(title.values()), "")
    start, end = temporal_of(dataset.temporal)
    return Document(
        id=str(dataset.pk),
        slug=dataset.slug,
        status=dataset.status,
        publisher_id=str(dataset.publisher_id) if dataset.publisher_id else None,
        title=title,
        texts={lang: "\n".join(parts) for lang, parts in texts.items()},
        title_text=" ".join([*title.values(), *keywords]),
        modified=str(dataset.modified or dataset.updated_at.isoformat())[:40],
        title_sort=_sort_key(display) or dataset.slug,
        facets={k: [v[:300] for v in values] for k, values in facets.items()},
        bbox=bbox_of(dataset.spatial),
        temporal_start=start,
        temporal_end=end,
    )
