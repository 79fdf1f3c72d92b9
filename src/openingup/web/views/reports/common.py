"""What the report pages share: the municipality's box and map settings, and the public photo URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from openingup import config
from openingup.reports import queries
from openingup.reports.models import Jurisdiction


def photo_url(name: str) -> str:
    """The absolute URL of a stored photo, as Open311's ``media_url`` carries it."""
    return settings.BASE_URL + reverse("web:report-photo", args=[name])


def map_context(jurisdiction: Jurisdiction | None) -> dict[str, Any]:
    """The map's box (west,south,east,north), tile URL template and attribution."""
    if jurisdiction is None:
        return {"map_bbox": ""}
    box = [jurisdiction.west, jurisdiction.south, jurisdiction.east, jurisdiction.north]
    return {
        "map_bbox": ",".join(f"{v:.6f}" for v in box),
        "map_tiles": tile_template(),
        "map_attribution": config.get("OPENINGUP_MAP_ATTRIBUTION").strip(),
        "jurisdiction": jurisdiction,
        "place": jurisdiction.organisation.display_name(translation.get_language() or "en"),
    }


def tile_template() -> str:
    """OPENINGUP_MAP_TILES when it is an http(s) or site-relative URL with {z}, {x} and {y}; else ""."""
    value = config.get("OPENINGUP_MAP_TILES").strip()
    usable = value.startswith(("https://", "http://", "/")) and all(k in value for k in ("{z}", "{x}", "{y}"))
    return value if usable else ""


def current_jurisdiction() -> Jurisdiction | None:
    return queries.jurisdiction("")
