"""Changing and removing harvest sources: the service, the pages and the command line.

A source's settings change with the same checks as when it was added; removing one keeps or withdraws
(archives) the datasets it harvested, as the person chooses.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Status
from openingup.cli.main import main
from openingup.core.errors import Conflict, InvalidInput, PermissionDenied
from openingup.core.events import Event
from openingup.core.models import Job
from openingup.core.tasks import run_job
from openingup.harvest import events, services
from openingup.harvest.fetching import Fetcher
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.harvest.conftest import Server, harvest

pytestmark = pytest.mark.django_db
TTL = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl ; dct:modified "2021-03-04" .
<https://n.test/ds/2> a dcat:Dataset ; dct:title "Banken"@nl .
"""


@pytest.fixture
def source(server: Server, editor: Any, organisation: Organisation) -> HarvestSource:
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    return services.add_source(
        actor=editor, type="dcat", url=f"{server.url}/c.ttl", organisation=organisation, title="Buren"
    )


@pytest.fixture
def elsewhere(admin_user_: Any) -> Organisation:
    return organisations.create_organisation(
        actor=admin_user_, name={"en": "Elsewhere"}, kind="municipality", slug="elsewhere"
    )


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """The events the harvest services publish (delivered after commit, which a test does not reach)."""
    seen: list[Event] = []
    monkeypatch.setattr(services, "publish", lambda name, **payload: seen.append(Event(name, payload)))
    return seen


def test_an_editor_changes_the_settings_they_give(
    source: HarvestSource, editor: Any, server: Server, published: list[Event]
) -> None:
    services.edit_source(
        actor=editor, source=source, title=" Buren 2 ", url=f"{server.url}/d.ttl ", frequency="weekly"
    )
    source.refresh_from_db()
    assert (source.title, source.url, source.frequency) == ("Buren 2", f"{server.url}/d.ttl", "weekly")
    assert source.active and source.type == "dcat" and source.organisation is not None
    assert [(e.name, e.payload["fields"]) for e in published] == [
        (events.SOURCE_CHANGED, ["frequency", "title", "url"])
    ]
    services.edit_source(actor=editor, source=source, title="Buren 2")  # nothing changes: no event
    services.edit_source(actor=editor, source=source, active=False)
    source.refresh_from_db()
    assert not source.active and len(published) == 2
    from openingup.harvest.queries import due_sources

    assert source not in due_sources()  # paused: not harvested on schedule


def test_changes_are_checked_as_when_adding(source: HarvestSource, editor: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.edit_source(actor=editor, source=source, url="http://169.254.169.254/", frequency="often")
    assert {p.field for p in refused.value.problems} == {"url", "frequency"}
    assert "metadata address" in str(refused.value)
    source.refresh_from_db()
    assert source.url.endswith("/c.ttl") and source.frequency == "manual"


def test_the_kind_changes_only_before_the_first_harvest(source: HarvestSource, editor: Any) -> None:
    services.edit_source(actor=editor, source=source, type="ckan")
    services.edit_source(actor=editor, source=source, type="dcat")
    harvest(source)
    with pytest.raises(InvalidInput) as refused:
        services.edit_source(actor=editor, source=source, type="ckan")
    assert [p.field for p in refused.value.problems] == ["type"] and "new source" in str(refused.value)


def test_who_may_change_a_source(
    source: HarvestSource, viewer: Any, editor: Any, admin_user_: Any, elsewhere: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        services.edit_source(actor=viewer, source=source, title="mine")
    with pytest.raises(PermissionDenied):  # not to an organisation they may not publish for
        services.edit_source(actor=editor, source=source, organisation=elsewhere)
    with pytest.raises(PermissionDenied):  # nor to none (the records' own publishers): admins only
        services.edit_source(actor=editor, source=source, organisation=None)
    services.edit_source(actor=admin_user_, source=source, organisation=elsewhere)
    source.refresh_from_db()
    assert source.organisation == elsewhere
    with pytest.raises(PermissionDenied):  # now the editor cannot even see it
        services.edit_source(actor=editor, source=source, title="back")
    with pytest.raises(PermissionDenied):
        services.delete_source(actor=editor, source=source)


def test_a_running_source_is_neither_changed_nor_removed(source: HarvestSource, editor: Any) -> None:
    HarvestJob.objects.create(source=source, status="running")
    with pytest.raises(Conflict):
        services.edit_source(actor=editor, source=source, title="later")
    with pytest.raises(Conflict):
        services.delete_source(actor=editor, source=source, datasets="withdraw")
    assert HarvestSource.objects.filter(pk=source.pk).exists()


def test_removing_keeps_or_withdraws_the_harvested_datasets(
    source: HarvestSource, editor: Any, server: Server, organisation: Organisation, published: list[Event]
) -> None:
    assert harvest(source).created == 2
    source_id = str(source.pk)
    bomen = Dataset.objects.get(uri="https://n.test/ds/1")
    assert bomen.modified == "2021-03-04"  # the record's own date, not the harvest's
    other = catalogue.create_dataset(
        actor=editor, publisher=organisation, data={"title": {"en": "Ours"}}, status=Status.PUBLISHED
    )
    with pytest.raises(InvalidInput):
        services.delete_source(actor=editor, source=source, datasets="shred")
    assert services.harvested_datasets(source).count() == 2
    catalogue.archive_dataset(actor=editor, dataset=bomen)  # already archived: not counted again
    assert services.delete_source(actor=editor, source=source, datasets="withdraw").withdrawn == 1
    assert not HarvestSource.objects.exists() and not HarvestRecord.objects.exists()
    statuses = dict(Dataset.objects.values_list("uri", "status"))
    assert statuses["https://n.test/ds/1"] == statuses["https://n.test/ds/2"] == Status.ARCHIVED
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED  # not harvested: untouched
    assert published[-1].payload == {
        "source_id": source_id,
        "datasets": "withdraw",
        "withdrawn": 1,
        "queued": 0,
    }

    again = services.add_source(
        actor=editor, type="dcat", url=f"{server.url}/c.ttl", organisation=organisation
    )
    job = harvest(again)  # the withdrawn datasets are no longer this (or any) source's: left alone
    assert job.failed == 2 and "not harvested from this source" in job.report["failed"][0]["reason"]
    assert services.delete_source(actor=editor, source=again).withdrawn == 0  # keep is the default
    assert set(Dataset.objects.values_list("status", flat=True)) == {Status.ARCHIVED, Status.PUBLISHED}


def test_the_fetcher_keeps_one_transport_for_the_job(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    real = httpx.HTTPTransport

    def counted(*args: Any, **kwargs: Any) -> httpx.HTTPTransport:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(httpx, "HTTPTransport", counted)
    server.handler = lambda path, query: (200, "text/plain", path.encode())
    fetcher = Fetcher()
    assert [fetcher.get(f"{server.url}/{n}").content for n in range(3)] == [b"/0", b"/1", b"/2"]
    assert len(made) == 1
    fetcher.close()
    assert fetcher.get(f"{server.url}/3").content == b"/3" and len(made) == 2
    fetcher.close()


# ----------------------------------------------------------------------------------------- pages


def test_the_edit_page_changes_the_source(
    client: Any, editor: Any, source: HarvestSource, server: Server
) -> None:
    client.force_login(editor)
    page = client.get(f"/harvest/{source.pk}/").content.decode()
    assert f"/harvest/{source.pk}/edit/" in page and f"/harvest/{source.pk}/delete/" in page
    page = client.get(f"/harvest/{source.pk}/edit/").content.decode()
    assert "Change the harvest source" in page and 'value="Buren"' in page and "c.ttl" in page
    form = {
        "type": "dcat",
        "url": f"{server.url}/d.ttl",
        "organisation": "example",
        "title": "Buren",
        "frequency": "daily",
    }  # "active" unticked: paused
    response = client.post(f"/harvest/{source.pk}/edit/", form)
    assert response.status_code == 302 and response["Location"] == f"/harvest/{source.pk}/"
    source.refresh_from_db()
    assert source.url.endswith("/d.ttl") and source.frequency == "daily" and not source.active
    assert "paused" in client.get(f"/harvest/{source.pk}/").content.decode()

    page = client.post(f"/harvest/{source.pk}/edit/", {**form, "url": "http://10.0.0.1/"}).content.decode()
    assert "private address" in page and 'href="#id_url"' in page
    source.refresh_from_db()
    assert source.url.endswith("/d.ttl")


def test_the_delete_page_asks_what_becomes_of_the_datasets(
    client: Any, editor: Any, source: HarvestSource
) -> None:
    harvest(source)
    client.force_login(editor)
    page = client.get(f"/harvest/{source.pk}/delete/").content.decode()
    assert "2 datasets of the catalogue came from this source" in page
    assert 'value="keep"' in page and 'value="withdraw"' in page and "<legend>" in page
    response = client.post(f"/harvest/{source.pk}/delete/", {"datasets": "withdraw"})
    assert response.status_code == 302 and response["Location"] == "/harvest/"
    assert not HarvestSource.objects.exists()  # gone at once; its datasets go in the background
    assert "its 2 datasets are being withdrawn" in client.get("/harvest/").content.decode()
    job = Job.objects.get(name="harvest.withdraw_datasets")
    assert job.created_by == editor and len(job.arguments["dataset_ids"]) == 2
    titled = "Withdrawing 2 datasets of a removed harvest source"
    assert titled in client.get(f"/jobs/{job.pk}/").content.decode()  # a title, not the task's name
    assert titled in client.get("/account/").content.decode()
    assert set(Dataset.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert run_job(str(job.pk)).result == {"withdrawn": 2}
    assert set(Dataset.objects.values_list("status", flat=True)) == {Status.ARCHIVED}


def test_withdrawing_goes_chunk_by_chunk_and_skips_what_is_gone(
    source: HarvestSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    harvest(source)
    ids = [str(pk) for pk in services.harvested_datasets(source).values_list("pk", flat=True)]
    Dataset.objects.filter(pk=ids[0]).delete()
    monkeypatch.setattr(services, "WITHDRAW_CHUNK", 1)
    steps: list[tuple[int, int]] = []
    assert services.withdraw_datasets(dataset_ids=ids, progress=lambda *s: steps.append(s)) == 1
    assert steps == [(1, 2), (2, 2)]
    assert services.withdraw_datasets(dataset_ids=ids) == 0  # already archived


def test_the_delete_page_waits_for_a_running_harvest(client: Any, editor: Any, source: HarvestSource) -> None:
    running = HarvestJob.objects.create(source=source, status="running")
    client.force_login(editor)
    page = client.post(f"/harvest/{source.pk}/delete/", {"datasets": "keep"}).content.decode()
    assert "when the harvest has ended" in page and f"/harvest/jobs/{running.pk}/" in page
    assert HarvestSource.objects.exists()


def test_others_cannot_change_or_remove_a_source(client: Any, viewer: Any, source: HarvestSource) -> None:
    client.force_login(viewer)
    assert client.get(f"/harvest/{source.pk}/edit/").status_code == 404
    assert client.post(f"/harvest/{source.pk}/edit/", {"title": "x"}).status_code == 404
    assert client.get(f"/harvest/{source.pk}/delete/").status_code == 404
    assert client.post(f"/harvest/{source.pk}/delete/", {"datasets": "withdraw"}).status_code == 404
    assert HarvestSource.objects.get().title == "Buren"


# ---------------------------------------------------------------------------------- command line


@pytest.mark.django_db(transaction=True)
def test_edit_and_delete_on_the_command_line(
    server: Server, capsys: pytest.CaptureFixture[str], organisation: Organisation
) -> None:
    server.handler = lambda path, query: (200, "text/turtle", TTL)
    assert main(["harvest", "add", "--type", "dcat", f"{server.url}/c.ttl"]) == 0
    source_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["harvest", "edit", source_id, "--frequency", "weekly", "--organisation", "example"]) == 0
    assert main(["harvest", "edit", source_id, "--pause", "--title", "Buren"]) == 0
    out = capsys.readouterr().out
    assert "weekly, paused, organisation example" in out
    source = HarvestSource.objects.get()
    assert (source.frequency, source.active, source.title) == ("weekly", False, "Buren")
    assert main(["harvest", "edit", source_id, "--organisation", "nowhere"]) == 2
    assert "no organisation with slug 'nowhere'" in capsys.readouterr().err
    assert main(["harvest", "edit", source_id, "--url", "http://169.254.169.254/"]) == 2
    assert "metadata address" in capsys.readouterr().err
    assert main(["harvest", "run", source_id]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):  # the choice is not made for the person
        main(["harvest", "delete", source_id])
    assert main(["harvest", "delete", source_id, "--datasets", "withdraw"]) == 0
    assert "2 datasets withdrawn" in capsys.readouterr().out
    assert not HarvestSource.objects.exists()
    assert set(Dataset.objects.values_list("status", flat=True)) == {Status.ARCHIVED}
    assert main(["harvest", "delete", source_id, "--datasets", "keep"]) == 2
    assert "no harvest source" in capsys.readouterr().err
