"""The harvest pages: editors manage their organisation's sources, follow a job and read its report."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue.models import Dataset
from openingup.harvest import services
from openingup.harvest.models import HarvestJob, HarvestSource
from openingup.organisations.models import Organisation
from tests.harvest.conftest import Server, harvest

pytestmark = pytest.mark.django_db
TTL = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl .
<https://n.test/ds/2> a dcat:Dataset ; dct:description "geen titel"@nl .
"""


def test_an_editor_adds_a_source_runs_it_and_reads_the_report(
    client: Any,
    editor: Any,
    organisation: Organisation,
    server: Server,
) -> None:
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    client.force_login(editor)
    assert client.get("/harvest/").status_code == 200
    form = {
        "type": "dcat",
        "url": f"{server.url}/c.ttl",
        "organisation": "example",
        "title": "Buren",
        "frequency": "daily",
    }
    response = client.post("/harvest/new/", form)
    source = HarvestSource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/harvest/{source.pk}/"
    assert source.organisation == organisation and source.frequency == "daily" and source.created_by == editor
    page = client.get(f"/harvest/{source.pk}/").content.decode()
    assert "Harvest now" in page and "Buren" in page

    response = client.post(f"/harvest/{source.pk}/run/")
    job = HarvestJob.objects.get()
    assert response["Location"] == f"/harvest/jobs/{job.pk}/"
    assert client.get(f"/harvest/jobs/{job.pk}.json").json()["finished"] is False
    from openingup.harvest.pipeline import run_job

    run_job(job.pk)
    page = client.get(f"/harvest/jobs/{job.pk}/").content.decode()
    assert "1 created, 0 updated, 0 unchanged, 0 withdrawn, 1 failed." in page
    assert "https://n.test/ds/2" in page and "title" in page
    assert client.get(f"/harvest/jobs/{job.pk}.json").json()["finished"] is True
    dataset = Dataset.objects.get(uri="https://n.test/ds/1")
    page = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "Harvested from" in page and "Buren" in page


def test_private_addresses_are_refused_in_the_form(client: Any, editor: Any) -> None:
    client.force_login(editor)
    form = {
        "type": "ckan",
        "url": "http://169.254.169.254/",
        "organisation": "example",
        "frequency": "manual",
    }
    page = client.post("/harvest/new/", form).content.decode()
    assert "metadata address" in page and not HarvestSource.objects.exists()


def test_others_cannot_see_or_run_a_source(
    client: Any,
    viewer: Any,
    admin_user_: Any,
    organisation: Organisation,
) -> None:
    source = services.add_source(
        actor=admin_user_, type="dcat", url="http://93.184.216.34/c.ttl", organisation=organisation
    )
    client.force_login(viewer)
    assert client.get("/harvest/").status_code == 403
    assert client.get(f"/harvest/{source.pk}/").status_code == 404
    assert client.post(f"/harvest/{source.pk}/run/").status_code == 404
    assert not HarvestJob.objects.exists()


def test_a_failed_harvest_shows_why(
    client: Any, admin_user_: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_HARVEST_RETRIES", "0")
    server.handler = lambda path, query: (503, "text/plain", b"")
    source = services.add_source(actor=admin_user_, type="ckan", url=server.url)
    job = harvest(source)
    client.force_login(admin_user_)
    page = client.get(f"/harvest/jobs/{job.pk}/").content.decode()
    assert "The harvest failed" in page and "HTTP 503" in page
