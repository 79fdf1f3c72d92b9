"""The open dataset of citizen reports: a CSV published daily in the catalogue, and so in the datastore.

:func:`build_csv` writes one row per request of a jurisdiction: its id, service, workflow state and
Open311 status, when it was filed and last updated, and its place rounded to three decimals (about
100 m). Contact data and photos are never in it; the reporter's free text only when
``OPENINGUP_REPORTS_OPEN_DATA_DESCRIPTIONS`` allows it. There is no district column: requests carry no
district, and the rounded point is what places them.

:func:`publish_open_dataset` makes the catalogue dataset once (for the jurisdiction's organisation,
DCAT-AP: theme GOVE, daily, CC0, the jurisdiction's box) through the catalogue's services, then replaces
the distribution's file on each later run; the catalogue's ``distribution_updated`` event has the
datastore ingest the new version.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from openingup import config
from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Distribution
from openingup.reports import workflow
from openingup.reports.models import Jurisdiction, OpenDataset, ServiceRequest
from openingup.reports.texts import pick

EU = "http://publications.europa.eu/resource/authority/"
THEME = EU + "data-theme/GOVE"
FREQUENCY = EU + "frequency/DAILY"
LICENCE = EU + "licence/CC0"
ACCESS_RIGHTS = EU + "access-right/PUBLIC"
COLUMNS = [
    "id",
    "service_code",
    "service_name",
    "status",
    "open311_status",
    "requested_datetime",
    "updated_datetime",
    "lat",
    "long",
]


def with_descriptions() -> bool:
    return config.get_bool("OPENINGUP_REPORTS_OPEN_DATA_DESCRIPTIONS")


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else ""


def _rounded(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else ""


def build_csv(jurisdiction: Jurisdiction) -> tuple[bytes, int]:
    """The CSV (UTF-8) of the jurisdiction's requests, oldest first, and how many rows it has."""
    columns = COLUMNS + (["description"] if with_descriptions() else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    rows = 0
    requests = (
        ServiceRequest.objects.filter(jurisdiction=jurisdiction)
        .select_related("service")
        .order_by("requested_datetime", "pk")
    )
    for request in requests.iterator(chunk_size=2000):
        row = [
            request.pk,
            request.service.code,
            pick(request.service.name, "en"),
            request.status,
            workflow.open311_status(request.status),
            _when(request.requested_datetime),
            _when(request.updated_datetime),
            _rounded(request.lat),
            _rounded(request.long),
        ]
        if with_descriptions():
            row.append(request.description)
        writer.writerow(row)
        rows += 1
    return out.getvalue().encode("utf-8"), rows


TITLE = _("Citizen reports of %(name)s")
DESCRIPTION = _(
    "The reports citizens filed with %(name)s: service, status, dates and the place rounded to about "
    "100 metres. Updated daily; contact data and photos are never included."
)
FILE_TITLE = _("Citizen reports of %(name)s (CSV)")


def _per_language(text: Any, organisation: Any) -> dict[str, str]:
    """``text`` (a lazy message with ``%(name)s``) in every language of the site."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(text) % {"name": organisation.display_name(code)}
    return texts


def _metadata(jurisdiction: Jurisdiction) -> dict[str, Any]:
    org = jurisdiction.organisation
    w, s, e, n = jurisdiction.west, jurisdiction.south, jurisdiction.east, jurisdiction.north
    box = f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"
    return {
        "title": _per_language(TITLE, org),
        "description": _per_language(DESCRIPTION, org),
        "themes": [THEME],
        "frequency": FREQUENCY,
        "access_rights": ACCESS_RIGHTS,
        "spatial": [{"bbox": box}],
    }


def _distribution_data(jurisdiction: Jurisdiction) -> dict[str, Any]:
    return {
        "title": _per_language(FILE_TITLE, jurisdiction.organisation),
        "licence": LICENCE,
    }


@dataclass(frozen=True)
class Published:
    link: OpenDataset
    created: bool  # the dataset was made by this run
    changed: bool  # a new file was published


def _upload(jurisdiction: Jurisdiction, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"reports-{jurisdiction.code}.csv", content, content_type="text/csv")


@transaction.atomic
def publish_open_dataset(*, jurisdiction: Jurisdiction, now: datetime | None = None) -> Published:
    """Publish the jurisdiction's reports: make the dataset the first time, else replace the file
    (nothing changes when the content is the same). A failure leaves the previous file in place."""
    now = now or timezone.now()
    link = OpenDataset.objects.select_for_update().filter(jurisdiction=jurisdiction).first()
    content, rows = build_csv(jurisdiction)
    created = link is None
    if link is None:
        dataset = catalogue.create_dataset(
            actor=None,
            publisher=jurisdiction.organisation,
            data=_metadata(jurisdiction),
            slug=f"reports-{jurisdiction.code}",
        )
        link = OpenDataset(jurisdiction=jurisdiction, dataset=dataset)
    distribution = link.distribution
    if distribution is None:
        distribution = catalogue.add_distribution(
            actor=None,
            dataset=link.dataset,
            data=_distribution_data(jurisdiction),
            upload=_upload(jurisdiction, content),
        )
        changed = True
    elif (distribution.checksum or {}).get("value") != hashlib.sha256(content).hexdigest():
        old = distribution.file.name or ""
        catalogue.update_distribution(
            actor=None, distribution=distribution, data={}, upload=_upload(jurisdiction, content)
        )
        _delete_after_commit(distribution, old)
        changed = True
    else:
        changed = False
    link.distribution, link.rows, link.published_at = distribution, rows, now
    link.save()
    if created:
        catalogue.publish_dataset(actor=None, dataset=link.dataset)
    return Published(link=link, created=created, changed=changed)


def _delete_after_commit(distribution: Distribution, old: str) -> None:
    """The previous day's file goes once the new one is committed (a rollback keeps it)."""
    storage = distribution.file.storage
    if old and old != distribution.file.name:
        transaction.on_commit(lambda: storage.delete(old))


def publish_all(*, now: datetime | None = None) -> list[Published]:
    """Publish the open dataset of every jurisdiction, each in its own transaction."""
    return [publish_open_dataset(jurisdiction=j, now=now) for j in Jurisdiction.objects.order_by("code")]
