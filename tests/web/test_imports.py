"""Importing DCAT-AP through the web: the form, the background job, its page and its report.

Most tests run the job in the test's own thread with ``run_job`` (the test transaction never commits,
so the job is never handed to the worker); two go through the in-process worker, as in production.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openingup.catalogue import tasks as catalogue_tasks
from openingup.catalogue.models import Dataset
from openingup.core import tasks
from openingup.core.http import Fetched
from openingup.core.models import Job
from openingup.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TTL = b"""
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://old-portal.test/ds/1> a dcat:Dataset ; dct:title "Fietstellingen"@nl, "Bicycle counts"@en ;
  dct:description "Tellingen"@nl ; dcat:distribution <https://old-portal.test/dist/1> .
<https://old-portal.test/dist/1> a dcat:Distribution ; dcat:downloadURL <https://old-portal.test/f.csv> .
<https://old-portal.test/ds/2> a dcat:Dataset ; dct:description "no title here"@en .
"""
FOREIGN = b"""
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://neighbour.test/ds/1> a dcat:Dataset ; dct:title "Their benches"@en ; dct:description "B"@en ;
  dct:publisher <https://neighbour.test/org> .
<https://neighbour.test/org> a foaf:Agent ; foaf:name "Neighbouring town"@en .
"""
BROKEN = b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://x.test/ds> a dcat:Dataset ;; dct:title .\n"


def text(response: Any) -> str:
    return response.content.decode()


def upload(content: bytes = TTL, name: str = "catalogue.ttl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/turtle")


def waiting_files(media_root: Path) -> list[Path]:
    folder = media_root / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def start(client: Any, **fields: Any) -> Job:
    response = client.post("/imports/new/", {"organisation": "example", **fields})
    assert response.status_code == 302, text(response)
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    return job


# ----------------------------------------------------------------------------- who may import


def test_anonymous_people_are_sent_to_log_in(client: Any) -> None:
    assert client.get("/imports/new/")["Location"].startswith("/login/?next=")


def test_only_editors_and_administrators_import(
    client: Any, viewer: Any, user: Any, admin_user_: Any, organisation: Organisation
) -> None:
    for person in (viewer, user):
        client.force_login(person)
        assert client.get("/imports/new/").status_code == 403
        assert (
            client.post("/imports/new/", {"organisation": "example", "url": "https://x.test/"}).status_code
            == 403
        )
    client.force_login(admin_user_)
    assert 'name="organisation"' in text(client.get("/imports/new/"))
    assert not Job.objects.exists()


def test_an_editor_imports_only_into_their_organisations(editor_client: Any, admin_user_: Any) -> None:
    from openingup.organisations import services as organisations

    organisations.create_organisation(actor=admin_user_, name={"en": "Other town"}, slug="other")
    page = text(editor_client.get("/imports/new/"))
    assert 'value="example"' in page and 'value="other"' not in page

    response = editor_client.post("/imports/new/", {"organisation": "other", "url": "https://x.test/"})

    assert 'id="id_organisation_error"' in text(response) and not Job.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give the address of a document or choose a file."),
        ({"url": "https://x.test/catalog.ttl", "file": "yes"}, "Give an address or a file, not both."),
        ({"url": "not a url at all"}, "Enter a valid URL."),
    ],
)
def test_the_form_explains_what_is_missing(
    editor_client: Any, media_root: Path, fields: dict[str, Any], message: str
) -> None:
    if fields.get("file"):
        fields["file"] = upload()
    response = editor_client.post("/imports/new/", {"organisation": "example", **fields})

    page = text(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_url"' in page and message in page
    assert not Job.objects.exists() and waiting_files(media_root) == []


def test_a_file_over_the_limit_is_refused(editor_client: Any, settings: Any, media_root: Path) -> None:
    settings.MAX_UPLOAD_BYTES = 10

    page = text(editor_client.post("/imports/new/", {"organisation": "example", "file": upload()}))

    assert 'id="id_file_error"' in page and "the limit is 10\xa0bytes" in page
    assert not Job.objects.exists() and waiting_files(media_root) == []


# ----------------------------------------------------------------------------- imports


def test_an_uploaded_file_is_imported_and_then_deleted(
    editor_client: Any, editor: Any, organisation: Organisation, media_root: Path
) -> None:
    job = start(editor_client, file=upload())
    assert job.name == "catalogue.import_file" and job.created_by == editor
    assert job.status == Job.Status.QUEUED and len(waiting_files(media_root)) == 1
    waiting = text(editor_client.get(f"/jobs/{job.pk}/"))
    assert "Import of the file catalogue.ttl" in waiting and "Waiting to start" in waiting
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting
    assert re.search(r'<script src="/static/web/job\.js[^"]*" defer>', waiting)
    assert '<progress id="job-progress" max="100" value="0">0%</progress>' in waiting

    job = tasks.run_job(str(job.pk))

    assert job.status == Job.Status.DONE, job.message
    assert waiting_files(media_root) == []
    dataset = Dataset.objects.get(uri="https://old-portal.test/ds/1")
    assert dataset.publisher == organisation and dataset.status == "published"
    page = text(editor_client.get(f"/jobs/{job.pk}/"))
    assert "Finished" in page and 'value="100"' in page and "http-equiv" not in page and "job.js" not in page
    assert "1 created, 0 updated, 1 failed." in page
    assert f'<a href="/datasets/{dataset.slug}/" lang="nl">Fietstellingen</a>' in page or (
        f'<a href="/datasets/{dataset.slug}/">Bicycle counts</a>' in page
    )
    assert "<code>https://old-portal.test/ds/2</code>:" in page and "title" in page
    assert "a distribution had no accessURL; its downloadURL is used" in page  # a warning


def test_importing_again_updates(editor_client: Any, organisation: Organisation) -> None:
    tasks.run_job(str(start(editor_client, file=upload()).pk))
    Job.objects.all().delete()

    job = tasks.run_job(str(start(editor_client, file=upload(TTL, "again.ttl")).pk))

    assert job.result["updated"] == ["https://old-portal.test/ds/1"]
    assert "0 created, 1 updated, 1 failed." in text(editor_client.get(f"/jobs/{job.pk}/"))


def test_an_editor_may_not_import_another_publishers_datasets(
    editor_client: Any, client: Any, admin_user_: Any, organisation: Organisation
) -> None:
    job = tasks.run_job(str(start(editor_client, file=upload(FOREIGN)).pk))

    assert job.status == Job.Status.DONE
    assert not Dataset.objects.exists()
    assert not Organisation.objects.filter(uri="https://neighbour.test/org").exists()
    page = text(editor_client.get(f"/jobs/{job.pk}/"))
    assert "0 created, 0 updated, 1 failed." in page
    assert "its publisher (Neighbouring town) is not an organisation you may edit datasets for" in page

    client.force_login(admin_user_)
    Job.objects.all().delete()
    done = tasks.run_job(str(start(client, file=upload(FOREIGN)).pk))
    assert done.result["created"] == ["https://neighbour.test/ds/1"]


def test_broken_rdf_fails_with_the_parsers_words_and_imports_nothing(
    editor_client: Any, organisation: Organisation, media_root: Path
) -> None:
    job = tasks.run_job(str(start(editor_client, file=upload(BROKEN, "broken.ttl")).pk))

    assert job.status == Job.Status.FAILED
    assert job.message.startswith("ttl could not be parsed:")
    assert not Dataset.objects.exists() and waiting_files(media_root) == []
    page = text(editor_client.get(f"/jobs/{job.pk}/"))
    assert "The import failed: nothing was imported" in page
    assert "What went wrong: ttl could not be parsed:" in page
    assert "Import report" not in page


def test_a_url_is_fetched_through_the_safe_client(
    editor_client: Any, editor: Any, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = []

    def fetch(url: str, **options: Any) -> Fetched:
        asked.append(url)
        return Fetched(url, TTL, "text/turtle")

    monkeypatch.setattr("openingup.core.http.fetch", fetch)
    job = start(editor_client, url="https://old-portal.test/catalog")
    assert job.name == "catalogue.import_url" and job.created_by == editor
    assert "Import from https://old-portal.test/catalog" in text(editor_client.get(f"/jobs/{job.pk}/"))

    job = tasks.run_job(str(job.pk))

    assert asked == ["https://old-portal.test/catalog"]
    assert job.status == Job.Status.DONE and job.result["created"] == ["https://old-portal.test/ds/1"]


def test_only_files_in_the_imports_folder_are_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.ttl"
    outside.write_bytes(TTL)

    with pytest.raises(ValueError, match="only files in the imports folder"):
        catalogue_tasks.import_file(tasks.Progress(str(uuid.uuid4())), path=str(outside))

    assert outside.exists() and not Dataset.objects.exists()


# ----------------------------------------------------------------------------- the job page


def test_only_the_starter_and_administrators_see_a_job(
    editor_client: Any, client: Any, viewer: Any, admin_user_: Any, organisation: Organisation
) -> None:
    job = start(editor_client, file=upload())
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}.json"):
        assert editor_client.get(url).status_code == 200
    editor_client.logout()
    assert client.get(f"/jobs/{job.pk}/")["Location"].startswith("/login/?next=")

    client.force_login(viewer)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}.json").status_code == 404
    client.force_login(admin_user_)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert client.get(f"/jobs/{uuid.uuid4()}/").status_code == 404


def test_the_job_state_as_json(editor_client: Any, organisation: Organisation) -> None:
    job = start(editor_client, file=upload())
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, progress=40, message="importing")

    response = editor_client.get(f"/jobs/{job.pk}.json")

    assert response["Content-Type"] == "application/json" and "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "running",
        "status_text": "Running",
        "progress": 40,
        "message": "importing",
        "finished": False,
    }


def test_the_account_page_lists_the_persons_imports(editor_client: Any, organisation: Organisation) -> None:
    job = start(editor_client, file=upload())

    page = text(editor_client.get("/account/"))

    assert (
        f'<a href="/jobs/{job.pk}/">Import of the file catalogue.ttl</a>' in page
        and "Waiting to start" in page
    )


# ----------------------------------------------------------------------------- through the worker


@pytest.fixture
def worker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.BROKER_URL = ""
    monkeypatch.delenv("OPENINGUP_ALLOW_PRIVATE_HOSTS", raising=False)
    backend = tasks.in_process_backend()
    yield backend
    backend.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_private_address_fails_with_the_safe_clients_message(
    worker: Any, editor_client: Any, organisation: Organisation
) -> None:
    job = start(editor_client, url="http://127.0.0.1/catalog.ttl")
    worker.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "127.0.0.1 resolves to the private address 127.0.0.1" in job.message
    assert not Dataset.objects.exists()
    page = text(editor_client.get(f"/jobs/{job.pk}/"))
    assert "The import failed: nothing was imported" in page and "resolves to the private address" in page


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_an_upload(
    worker: Any, editor_client: Any, organisation: Organisation, media_root: Path
) -> None:
    job = start(editor_client, file=upload())
    worker.join(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result["created"] == ["https://old-portal.test/ds/1"] and waiting_files(media_root) == []
    assert editor_client.get(f"/jobs/{job.pk}.json").json()["finished"] is True
