"""Whatever people type is shown as text: no markup from a dataset reaches a page unescaped."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from openingup.catalogue import services
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT}{ATTRIBUTE}</script><!--"


@pytest.fixture
def hostile(organisation: Organisation) -> Dataset:
    """A published dataset with markup in every text field people can fill in."""
    dataset = services.create_dataset(
        actor=None,
        publisher=organisation,
        slug="hostile",
        data={
            "title": {"en": f"Title {HOSTILE}", "nl": f"Titel {HOSTILE}"},
            "description": {"en": f"Description {HOSTILE}"},
            "keywords": {"en": [f"keyword {HOSTILE}"]},
            "contact_points": [{"fn": {"": f"Contact {HOSTILE}"}, "email": "mailto:x@example.org"}],
            "temporal": [{"start": "2020", "end": "2021"}],
        },
        status="published",
    )
    services.add_distribution(
        actor=None,
        dataset=dataset,
        data={
            "title": {"en": f"File {HOSTILE}"},
            "description": {"en": f"About {HOSTILE}"},
            "access_url": ["https://example.org/data.csv"],
        },
    )
    return dataset


def assert_no_markup(page: str) -> None:
    without_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    assert "<script>" not in without_json_ld
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "url", ["/", "/datasets/", "/datasets/hostile/", "/organisations/example/", "/datasets/?q=title"]
)
def test_public_pages_escape_every_text(client: Any, hostile: Dataset, url: str) -> None:
    assert_no_markup(client.get(url).content.decode())


@pytest.mark.parametrize(
    "url", ["/datasets/hostile/", "/datasets/hostile/edit/", "/datasets/hostile/delete/"]
)
def test_editor_pages_escape_every_text(editor_client: Any, hostile: Dataset, url: str) -> None:
    page = editor_client.get(url).content.decode()

    assert "<img" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_distribution_pages_escape_every_text(editor_client: Any, hostile: Dataset) -> None:
    distribution = hostile.distributions.get()
    for action in ("edit", "delete"):
        page = editor_client.get(
            f"/datasets/hostile/distributions/{distribution.pk}/{action}/"
        ).content.decode()
        assert "<img" not in page and "<script>alert" not in page


def test_the_json_ld_block_cannot_be_broken_out_of(client: Any, hostile: Dataset) -> None:
    page = client.get("/datasets/hostile/").content.decode()

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    block = blocks[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == f"Title {HOSTILE}"
    assert data["keywords"] == [f"keyword {HOSTILE}"]
    assert data["distribution"][0]["name"] == f"File {HOSTILE}"


def test_a_dataset_typed_into_the_form_comes_back_escaped(editor_client: Any) -> None:
    editor_client.post(
        "/datasets/new/",
        {
            "publisher": "example",
            "title_en": HOSTILE,
            "description_en": HOSTILE,
            "keywords_en": SCRIPT,
            "contact_name": ATTRIBUTE,
        },
    )
    dataset = Dataset.objects.get()
    assert dataset.title == {"en": HOSTILE}

    for url in (f"/datasets/{dataset.slug}/", f"/datasets/{dataset.slug}/edit/", "/datasets/"):
        page = editor_client.get(url).content.decode()
        assert "<img" not in page and "<script>alert" not in page, url
