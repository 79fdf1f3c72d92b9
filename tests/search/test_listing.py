"""The dataset list answered by the index equals the catalogue's own query: the same datasets, totals
and facet counts for every filter, for anonymous visitors and members; and it steps aside when the
index is not built or the filter is one only the catalogue knows."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from openingup.catalogue import queries as catalogue
from openingup.catalogue.queries import DatasetFilter
from openingup.organisations.models import Membership, Organisation
from openingup.search import services
from openingup.search.queries import dataset_listing

EU = "http://publications.europa.eu/resource/authority/"
THEMES = [EU + f"data-theme/{t}" for t in ("TRAN", "ENVI", "EDUC")]
FORMATS = [EU + f"file-type/{f}" for f in ("CSV", "JSON", "PDF")]
LICENCES = [EU + f"licence/{x}" for x in ("CC0", "CC_BY_4_0")]


@pytest.fixture
def catalogue_of_forty(make: Any, other_org: Organisation) -> None:
    rnd = random.Random(3)
    for n in range(40):
        make(
            {"nl": f"Gegevens {n} " + rnd.choice(["bomen", "wegen", "scholen"])},
            publisher=other_org if n % 3 == 0 else None,
            status=rnd.choice(["published", "published", "draft", "archived"]),
            themes=rnd.sample(THEMES, rnd.randint(0, 2)),
            formats=tuple(rnd.sample(FORMATS, rnd.randint(0, 2))),
            licence=rnd.choice(LICENCES),
            hvd_categories=["http://data.europa.eu/bna/c_ac64a52d"] if n % 4 == 0 else [],
            index=False,
        )
    services.reindex()


CRITERIA = [
    DatasetFilter(),
    DatasetFilter(publisher="zuid"),
    DatasetFilter(theme=THEMES[0]),
    DatasetFilter(format=FORMATS[1], licence=LICENCES[0]),
    DatasetFilter(hvd="yes"),
    DatasetFilter(hvd="yes", theme=THEMES[1]),
    DatasetFilter(q="bomen"),
    DatasetFilter(status="draft"),
    DatasetFilter(publisher="nobody"),
]


@pytest.mark.parametrize("criteria", CRITERIA, ids=lambda c: repr(c).split("(", 1)[1][:60])
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_index_lists_what_the_catalogue_lists(
    catalogue_of_forty: None, org: Organisation, criteria: DatasetFilter, who: str
) -> None:
    user = None
    if who == "member":
        user = get_user_model().objects.create_user("m", password="x")
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.EDITOR)
    expected = catalogue.list_datasets(user, criteria, limit=100)
    found = dataset_listing(user, criteria, limit=100)
    assert found is not None
    assert found.total == expected.total
    assert {d.slug for d in found.datasets} == {d.slug for d in expected.datasets}
    assert {k: dict(v) for k, v in found.facets.items()} == {k: dict(v) for k, v in expected.facets.items()}
    page = dataset_listing(user, criteria, offset=5, limit=5, facets=False)
    assert page is not None and [d.slug for d in page.datasets] == [d.slug for d in found.datasets][5:10]


def test_the_catalogue_answers_when_the_index_cannot(make: Any) -> None:
    make({"nl": "Niet geïndexeerd"}, index=False)
    assert dataset_listing(None, DatasetFilter()) is None  # nothing indexed yet
    services.reindex()
    assert dataset_listing(None, DatasetFilter()) is not None
    assert dataset_listing(None, DatasetFilter(modified_since="2020-01-01")) is None


def test_the_list_page_uses_the_index(client: Any, catalogue_of_forty: None) -> None:
    page = client.get("/datasets/?hvd=yes").content.decode()
    expected = catalogue.list_datasets(None, DatasetFilter(hvd="yes"), limit=100)
    assert f"{expected.total}" in page
    for dataset in expected.datasets[:5]:
        assert dataset.slug in page
