"""Use is counted where it happens: a dataset page seen (not its machine twins) and a file downloaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from openingup.catalogue.models import Dataset, Distribution
from openingup.engagement.models import DailyUsage
from openingup.engagement.queries import usage_of
from openingup.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_page_views_and_downloads_are_counted(client: Any) -> None:
    org = Organisation.objects.create(slug="noord", name={"nl": "Noord"})
    dataset = Dataset.objects.create(slug="bomen", title={"nl": "Bomen"}, status="published", publisher=org)
    distribution = Distribution.objects.create(dataset=dataset, position=0, title={"nl": "csv"})
    distribution.file.save("bomen.csv", ContentFile(b"a,b\n1,2\n"))
    assert client.get("/datasets/bomen/").status_code == 200
    assert client.get("/datasets/bomen/").status_code == 200
    assert client.get("/datasets/bomen.ttl").status_code == 200  # a machine twin: not a view
    assert client.get(f"/distributions/{distribution.pk}/download/bomen.csv").status_code == 200
    assert usage_of(dataset.pk) == {"views": 2, "downloads": 1, "days": 90}
    assert DailyUsage.objects.count() == 1
    assert client.get("/datasets/no-such/").status_code == 404
    assert DailyUsage.objects.count() == 1
