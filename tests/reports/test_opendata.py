"""The open dataset of reports: the CSV (rounded places, no personal data, no free text), the catalogue
dataset made once and its file replaced the next day, and each new file ingested by the datastore."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from openingup.catalogue.models import Dataset
from openingup.cli.main import main
from openingup.datastore import reading
from openingup.datastore import services as datastore
from openingup.reports import opendata, services
from openingup.reports.models import Jurisdiction, OpenDataset, Service, ServiceRequest

CONTACT = {
    "email": "jan.jansen@example.org",
    "first_name": "Jantje",
    "last_name": "Jansenius",
    "phone": "+31 6 12345678",
    "device_id": "device-7f3a9c",
    "account_id": "account-42b8e1",
}
DESCRIPTION = "Bags of rubbish in front of number 12, Kerkstraat"
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    reading.clear_cache()


def file(lat: float, long: float, when: datetime = NOW) -> ServiceRequest:
    filing = services.Filing(
        service_code="litter",
        location=services.Location(lat=lat, long=long, address_string="Kerkstraat 12"),
        description=DESCRIPTION,
        attributes={"size": "small"},
        contact=dict(CONTACT),
    )
    return services.file_request(actor=None, filing=filing, now=when)


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_csv_rounds_places_and_leaves_out_personal_data_and_free_text(
    litter: Service, jurisdiction: Jurisdiction
) -> None:
    first = file(52.291449, 4.482501, NOW - timedelta(days=3))
    services.change_status(actor=None, request=first, status="done", when=NOW - timedelta(days=1))
    file(52.3, 4.5)

    content, count = opendata.build_csv(jurisdiction)

    assert count == 2
    assert content.decode().splitlines()[0] == ",".join(opendata.COLUMNS)
    one, two = rows(content)
    assert one == {
        "id": str(first.pk),
        "service_code": "litter",
        "service_name": "Litter",
        "status": "done",
        "open311_status": "closed",
        "requested_datetime": (NOW - timedelta(days=3)).astimezone(UTC).isoformat(),
        "updated_datetime": (NOW - timedelta(days=1)).astimezone(UTC).isoformat(),
        "lat": "52.291",
        "long": "4.483",
    }
    assert (two["lat"], two["long"], two["open311_status"]) == ("52.300", "4.500", "open")
    text = content.decode()
    for secret in [*CONTACT.values(), "Kerkstraat", "rubbish"]:
        assert secret not in text


def test_descriptions_only_when_the_setting_allows(
    litter: Service, jurisdiction: Jurisdiction, monkeypatch: pytest.MonkeyPatch
) -> None:
    file(52.29, 4.48)
    monkeypatch.setenv("OPENINGUP_REPORTS_OPEN_DATA_DESCRIPTIONS", "true")
    (row,) = rows(opendata.build_csv(jurisdiction)[0])
    assert row["description"] == DESCRIPTION
    assert CONTACT["email"] not in str(row)


def test_the_dataset_is_made_once_and_its_file_replaced_daily(
    litter: Service, jurisdiction: Jurisdiction, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    file(52.29, 4.48)
    file(52.30, 4.49)

    first = opendata.publish_open_dataset(jurisdiction=jurisdiction, now=NOW)

    assert first.created and first.changed and first.link.rows == 2
    dataset = Dataset.objects.get(pk=first.link.dataset.pk)
    assert dataset.status == "published" and dataset.publisher == jurisdiction.organisation
    assert dataset.title["en"] == "Citizen reports of Example Town"
    assert set(dataset.title) >= {"en", "nl", "fr", "de", "da", "sv", "nb"}
    assert dataset.title["nl"] != dataset.title["en"]
    assert dataset.themes == [opendata.THEME] and dataset.frequency == opendata.FREQUENCY
    assert dataset.spatial[0]["bbox"] == (
        "POLYGON((4.44 52.27, 4.52 52.27, 4.52 52.32, 4.44 52.32, 4.44 52.27))"
    )
    (distribution,) = dataset.distributions.all()
    assert distribution.licence == opendata.LICENCE
    assert len(rows(distribution.file.read())) == 2
    table = datastore.ingest_distribution(distribution)
    assert table is not None and (table.version, table.row_count) == (1, 2)
    old_file = Path(distribution.file.path)

    file(52.31, 4.50, NOW + timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        next_day = opendata.publish_open_dataset(jurisdiction=jurisdiction, now=NOW + timedelta(days=1))

    assert not next_day.created and next_day.changed and next_day.link.rows == 3
    assert Dataset.objects.count() == 1 and OpenDataset.objects.count() == 1
    (distribution,) = Dataset.objects.get(pk=dataset.pk).distributions.all()
    assert distribution.pk == next_day.link.distribution_id
    assert len(rows(distribution.file.read())) == 3
    assert not old_file.exists()  # yesterday's file is gone once today's is committed
    table = datastore.ingest_distribution(distribution)
    assert table is not None and (table.version, table.row_count) == (2, 3)

    unchanged = opendata.publish_open_dataset(jurisdiction=jurisdiction, now=NOW + timedelta(days=2))
    assert not unchanged.changed and datastore.ingest_distribution(distribution) is None


def test_the_command(
    litter: Service, jurisdiction: Jurisdiction, media_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file(52.29, 4.48)
    assert main(["reports", "publish-dataset"]) == 0
    assert "example: 1 reports, dataset reports-example created" in capsys.readouterr().out
    assert main(["reports", "publish-dataset"]) == 0
    assert "example: 1 reports, dataset reports-example unchanged" in capsys.readouterr().out


def test_the_command_without_a_jurisdiction(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reports", "publish-dataset"]) == 2
    assert "there is no jurisdiction" in capsys.readouterr().err
