"""Harvesting another Opening Up instance's paged feed, and what a harvest must never do: overwrite a
dataset it did not bring, publish for an organisation it may not, or keep a withdrawn dataset archived
when it comes back."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue import rdf
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Status
from openingup.harvest import services
from openingup.harvest.harvesters.openingup import feed_base
from openingup.harvest.models import HarvestJob, HarvestRecord
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.conftest import PASSWORD
from tests.harvest.conftest import Server, counts, harvest

pytestmark = pytest.mark.django_db


def _publish(org: Organisation, title: str) -> Dataset:
    data = {"title": {"en": title}, "description": {"en": f"About {title}."}}
    dataset = catalogue.create_dataset(actor=None, publisher=org, data=data)
    catalogue.add_distribution(
        actor=None,
        dataset=dataset,
        data={"access_url": [f"https://files.test/{title.replace(' ', '-')}.csv"]},
    )
    return catalogue.publish_dataset(actor=None, dataset=dataset)


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://data.town.test", "https://data.town.test"),
        ("https://data.town.test/catalog", "https://data.town.test"),
        ("https://data.town.test/sub/catalog.ttl?page=3", "https://data.town.test/sub"),
    ],
)
def test_the_feed_base_is_found_from_any_accepted_form(given: str, base: str) -> None:
    assert feed_base(given) == base


def test_another_instance_is_harvested_page_by_page(
    organisation: Organisation, server: Server, settings: Any
) -> None:
    settings.CATALOGUE_PAGE_SIZE = 2
    made = [_publish(organisation, f"Set {n}") for n in range(5)]
    uris = sorted(f"{settings.BASE_URL}/datasets/{d.slug}" for d in made)
    pages = {n: "".join(rdf.catalogue_page("ttl", page=n)).encode() for n in (1, 2, 3)}
    for dataset in made:  # the "other instance" is these pages; this catalogue starts empty
        catalogue.delete_dataset(actor=None, dataset=dataset)

    def handle(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        number = int(query.get("page", "1"))
        if path != "/catalog.ttl" or number not in pages:
            return 404, "text/plain", b"page out of range"
        return 200, "text/turtle", pages[number]

    server.handler = handle
    source = services.add_source(actor=None, type="openingup", url=server.url, organisation=organisation)
    job = harvest(source)
    assert job.status == HarvestJob.Status.DONE, job.error
    assert job.report["pages"] == 3 and job.created == 5
    assert sorted(Dataset.objects.values_list("uri", flat=True)) == uris
    assert [p.split("?")[1] for p in server.requests] == ["page=1", "page=2", "page=3"]
    assert counts(harvest(source))["unchanged"] == 5


TTL = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl .
<https://n.test/ds/2> a dcat:Dataset ; dct:title "Bruggen"@nl ; dct:publisher <https://n.test/org> .
<https://n.test/org> a foaf:Agent ; foaf:name "Gemeente"@nl .
"""


def test_a_local_dataset_with_the_same_uri_is_left_alone(server: Server, organisation: Organisation) -> None:
    local = catalogue.create_dataset(
        actor=None, publisher=organisation, data={"title": {"en": "Ours"}, "uri": "https://n.test/ds/1"}
    )
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/c.ttl")
    job = harvest(source)
    assert job.created == 1 and job.failed == 1
    record = HarvestRecord.objects.get(remote_id="https://n.test/ds/1")
    assert "not harvested from this source" in record.errors[0]
    local.refresh_from_db()
    assert local.title == {"en": "Ours"}


def test_an_editor_s_source_may_not_publish_for_another_local_organisation(
    server: Server, organisation: Organisation, admin_user_: Any
) -> None:
    other = organisations.create_organisation(
        actor=admin_user_,
        name={"nl": "Gemeente"},
        kind="municipality",
        slug="other",
        uri="https://n.test/org",
    )
    editor = organisations.create_user(username="ed", password=PASSWORD, email="ed@example.org")
    organisations.add_member(actor=admin_user_, organisation=organisation, user=editor, role="editor")
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    source = services.add_source(
        actor=editor, type="dcat", url=f"{server.url}/c.ttl", organisation=organisation
    )
    job = harvest(source)
    assert job.created == 1 and job.failed == 1
    assert "may not publish for" in HarvestRecord.objects.get(remote_id="https://n.test/ds/2").errors[0]
    assert not Dataset.objects.filter(publisher=other).exists()
    assert Dataset.objects.get(uri="https://n.test/ds/1").publisher == organisation


COMPLETE = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl ; dct:description "Alle bomen."@nl .
"""


@pytest.mark.parametrize(("document", "published"), [(COMPLETE, True), (TTL, False)])
def test_a_withdrawn_dataset_that_comes_back_is_published_again_if_it_may(
    server: Server, document: bytes, published: bool
) -> None:
    served = {"body": document}
    server.handler = lambda path, query: (200, "text/turtle", served["body"])
    source = services.add_source(actor=None, type="dcat", url=f"{server.url}/c.ttl")
    assert harvest(source).created >= 1
    served["body"] = b"@prefix dcat: <http://www.w3.org/ns/dcat#> ."
    assert harvest(source).withdrawn >= 1
    assert Dataset.objects.get(uri="https://n.test/ds/1").status == Status.ARCHIVED
    served["body"] = document
    back = harvest(source)
    assert back.updated >= 1 and back.withdrawn == 0
    dataset = Dataset.objects.get(uri="https://n.test/ds/1")
    record = HarvestRecord.objects.get(remote_id="https://n.test/ds/1")
    if published:
        assert dataset.status == Status.PUBLISHED and record.warnings == []
    else:
        # Publishing again checks DCAT-AP 3: a dataset that does not pass stays archived, and says why.
        assert dataset.status == Status.ARCHIVED
        assert any("stays archived" in w and "description" in w for w in record.warnings)
