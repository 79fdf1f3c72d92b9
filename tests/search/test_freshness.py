"""The index follows the catalogue's services through their events, and the reindex command."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.cli.main import main
from openingup.organisations.models import Membership, Organisation
from openingup.search import queries
from openingup.search.backends.base import SearchQuery

pytestmark = pytest.mark.django_db
CSV = "http://publications.europa.eu/resource/authority/file-type/CSV"


@pytest.fixture
def editor(org: Organisation) -> Any:
    user = get_user_model().objects.create_user("editor", password="x" * 12)
    Membership.objects.create(user=user, organisation=org, role="editor")
    return user


def _found(q: str, user: Any = None) -> list[str]:
    return [hit.slug for hit in queries.search(SearchQuery(q=q, user=user)).hits]


def test_services_keep_the_index_fresh(
    editor: Any, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dataset = catalogue.create_dataset(
            actor=editor,
            publisher=org,
            data={"title": {"nl": "Fietsenstallingen"}, "description": {"nl": "x"}},
        )
    assert _found("fietsenstalling", editor) == [dataset.slug]
    assert _found("fietsenstalling") == []  # a draft
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.update_dataset(actor=editor, dataset=dataset, data={"title": {"nl": "Parkeergarages"}})
    assert _found("fietsenstalling", editor) == []
    assert _found("parkeergarage", editor) == [dataset.slug]
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.add_distribution(
            actor=editor,
            dataset=dataset,
            data={"title": {"nl": "csv"}, "format": CSV, "access_url": ["https://example.org/p.csv"]},
        )
    result = queries.search(SearchQuery(q="parkeergarage", user=editor))
    assert dict(result.facets["format"]) == {CSV: 1}
    with django_capture_on_commit_callbacks(execute=True):
        Dataset.objects.filter(pk=dataset.pk).update(status="published")
        catalogue.archive_dataset(actor=editor, dataset=Dataset.objects.get(pk=dataset.pk))
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.delete_dataset(actor=editor, dataset=Dataset.objects.get(pk=dataset.pk))
    assert _found("parkeergarage", editor) == []


def test_reindex_command_shows_progress(make: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(5):
        make({"en": f"Bicycle {n}"}, index=False)
    assert queries.search(SearchQuery(q="bicycles")).total == 0
    assert main(["search", "reindex", "--batch", "2"]) == 0
    err = capsys.readouterr().err
    assert "100%" in err and "5/5" in err and "indexed 5 datasets" in err and "[" in err
    assert queries.search(SearchQuery(q="bicycles")).total == 5
    assert main(["search", "reindex", "--clear", "--quiet"]) == 0
    assert "%" not in capsys.readouterr().err
    assert queries.search(SearchQuery(q="bicycles")).total == 5
    assert main(["search", "reindex", "--batch", "0"]) == 2


def test_reindex_task_reports_progress(make: Any) -> None:
    from openingup.core.models import Job
    from openingup.core.tasks import Progress
    from openingup.search.tasks import reindex

    for n in range(3):
        make({"da": f"Skole {n}"}, index=False)
    job = Job.objects.create(name="search.reindex", arguments={})
    assert reindex(Progress(str(job.pk))) == {"indexed": 3}
    job.refresh_from_db()
    assert job.progress == 100 and job.message == "3 of 3"
    assert queries.search(SearchQuery(q="skolerne")).total == 3


def test_the_migration_made_the_text_index_of_this_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'search_document' AND data_type = 'tsvector'"
            )
            columns = {row[0] for row in cursor.fetchall()}
            assert columns == {
                "tsv_simple",
                "tsv_title",
                *(f"tsv_{x}" for x in ["nl", "en", "fr", "de", "da", "sv", "nb"]),
            }
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                ["search_document", "%USING gin%"],
            )
            assert cursor.fetchone()[0] == 9
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "fts5" in cursor.fetchone()[0]
