"""Datasets with exactly known properties, written through the ORM, and their link check results."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue.models import Dataset, Distribution
from openingup.organisations.models import Organisation
from openingup.quality import services
from openingup.quality.linkcheck import LinkResult

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
CSV_URL = "https://data.example.org/trees.csv"

FULL_DATASET: dict[str, Any] = {
    "title": {"en": "Street trees"},
    "description": {"en": "Every street tree of the municipality."},
    "keywords": {"en": ["trees", "green"]},
    "themes": [EU + "data-theme/ENVI"],
    "spatial": [{"uri": EU + "country/NLD"}],
    "temporal": [{"start": "2020-01-01", "end": "2020-12-31"}],
    "access_rights": EU + "access-right/PUBLIC",
    "contact_points": [{"fn": {"en": "Data desk"}, "email": "mailto:data@example.org"}],
    "issued": "2024-01-01",
    "modified": "2024-02-01",
}
FULL_DISTRIBUTION: dict[str, Any] = {
    "title": {"en": "Trees as CSV"},
    "access_url": [CSV_URL],
    "download_url": [CSV_URL],
    "format": EU + "file-type/CSV",
    "media_type": IANA + "text/csv",
    "licence": EU + "licence/CC_BY_4_0",
    "rights": {"label": {"en": "Free to reuse with attribution."}},
    "byte_size": 1234,
}


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(slug="noord", name={"en": "North Town"})


@pytest.fixture
def build(org: Organisation) -> Any:
    """``build(dataset={...}, distributions=[{...}], links={url: status}, publisher=True)``: a dataset
    starting from the full one (all 405 points) with the given fields replaced (``None`` clears one)."""
    counter = iter(range(10_000))

    def make(
        *,
        dataset: dict[str, Any] | None = None,
        distributions: list[dict[str, Any]] | None = None,
        links: dict[str, int | str] | None = None,
        publisher: bool = True,
        status: str = "published",
    ) -> Dataset:
        fields = {**FULL_DATASET, **(dataset or {})}
        fields = {k: v for k, v in fields.items() if v is not None}
        row = Dataset.objects.create(
            slug=f"dataset-{next(counter)}", status=status, publisher=org if publisher else None, **fields
        )
        for position, overrides in enumerate([{}] if distributions is None else distributions):
            values = {**FULL_DISTRIBUTION, **overrides}
            values = {k: v for k, v in values.items() if v is not None}
            Distribution.objects.create(dataset=row, position=position, **values)
        for url, answer in ({CSV_URL: 200} if links is None else links).items():
            result = (
                LinkResult(url, answer, 200 <= answer < 300)
                if isinstance(answer, int)
                else LinkResult(url, None, False, answer)
            )
            services.record_link_check(result=result)
        return row

    return make
