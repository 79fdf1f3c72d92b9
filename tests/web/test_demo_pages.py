"""Every page and twin of the demo municipality renders: real, varied metadata through every template."""

from __future__ import annotations

from typing import Any

import pytest
import rdflib

from openingup.catalogue.demo.loader import load_demo
from openingup.catalogue.models import DataService, Dataset
from openingup.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "nl", "nb"])
def test_every_demo_page_renders(client: Any, language: str) -> None:
    load_demo()
    client.cookies["django_language"] = language
    urls = ["/", "/datasets/", "/organisations/", "/data-services/", "/catalog"]
    urls += [f"/datasets/{d.slug}/" for d in Dataset.objects.all()]
    urls += [f"/data-services/{s.slug}/" for s in DataService.objects.all()]
    urls += [f"/organisations/{o.slug}/" for o in Organisation.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_every_demo_twin_parses(client: Any) -> None:
    load_demo()
    for dataset in Dataset.objects.all():
        for ext, fmt in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
            response = client.get(f"/datasets/{dataset.slug}.{ext}")
            assert response.status_code == 200, (dataset.slug, ext)
            graph = rdflib.Graph().parse(data=response.content, format=fmt)
            assert len(graph) > 10, (dataset.slug, ext)
        assert client.get(f"/datasets/{dataset.slug}.json").status_code == 200
