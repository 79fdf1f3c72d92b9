"""The catalogue description, dataset series, and imports started by people."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from openingup.catalogue import events
from openingup.catalogue.models import (
    Catalogue,
    DatasetSeries,
)
from openingup.catalogue.services.common import (
    apply_fields,
    diff,
    record_change,
    unique_slug,
    validated,
)
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.core.models import Job
from openingup.exchange.dcat.fields import (
    CATALOGUE,
    DATASET_SERIES,
)
from openingup.organisations import permissions
from openingup.organisations.models import Organisation

IMPORT_FORMATS = ("ttl", "rdf", "jsonld")


@transaction.atomic
def save_catalogue(*, actor: Any, publisher: Organisation, data: dict[str, Any]) -> Catalogue:
    """Create or change the instance's one catalogue description (administrators only)."""
    if actor is not None and not permissions.can_manage_organisation(actor):
        raise PermissionDenied("Only administrators can describe the catalogue.")
    from openingup.organisations.queries import agent

    fields = validated(CATALOGUE, {**data, "publisher": agent(publisher)}, partial=False)
    fields.pop("uri", None)
    fields.pop("publisher")
    catalogue = Catalogue.objects.first() or Catalogue()
    changes = diff(catalogue, fields) if catalogue.pk else {k: [None, v] for k, v in fields.items()}
    apply_fields(catalogue, fields)
    catalogue.publisher = publisher
    catalogue.save()
    record_change(catalogue, "catalogue", "saved", actor, changes)
    publish(events.CATALOGUE_SAVED, catalogue_id=str(catalogue.pk))
    return catalogue


@transaction.atomic
def create_dataset_series(
    *, actor: Any, publisher: Organisation | None, data: dict[str, Any], slug: str = ""
) -> DatasetSeries:
    """Create a dataset series; datasets join it through their ``in_series`` IRIs."""
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        raise PermissionDenied("You cannot create series for this organisation.")
    fields = validated(DATASET_SERIES, {k: v for k, v in data.items() if k != "publisher"}, partial=False)
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    series = DatasetSeries(
        publisher=publisher,
        slug=unique_slug(DatasetSeries, slug or title, explicit=bool(slug)),
        uri=data.get("uri", ""),
    )
    apply_fields(series, fields)
    series.save()
    record_change(series, "dataset_series", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish(events.DATASET_SERIES_CREATED, dataset_series_id=str(series.pk))
    return series


def _keep_for_import(upload: UploadedFile) -> Path:
    """Write an uploaded document to the imports folder under a name of our own; returns its path."""
    from openingup.catalogue.tasks import imports_folder

    folder = imports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@transaction.atomic
def start_import(
    *,
    actor: Any,
    organisation: Organisation,
    url: str = "",
    upload: UploadedFile | None = None,
    fmt: str = "",
) -> Job:
    """Queue an import of DCAT-AP RDF from ``url`` or from an uploaded file, run as ``actor``.

    ``organisation`` publishes the datasets that name no publisher of their own; ``fmt`` (``ttl``,
    ``rdf``, ``jsonld``) is recognised when empty. An upload waits under ``MEDIA_ROOT/imports/`` until
    the job has read it. Returns the job, which the actor (and administrators) can follow.
    """
    from openingup.core.tasks import enqueue

    if actor is not None and not permissions.can_create_dataset(actor, organisation):
        raise PermissionDenied("You cannot import datasets for this organisation.")
    problems = []
    if bool(url) == (upload is not None):
        problems.append(FieldProblem("url", "give either a URL or a file"))
    if fmt and fmt not in IMPORT_FORMATS:
        problems.append(FieldProblem("format", f"must be one of {', '.join(IMPORT_FORMATS)}"))
    if upload is not None and upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES
        problems.append(FieldProblem("file", f"{upload.size:,} bytes; the limit is {limit:,}"))
    if problems:
        raise InvalidInput("The import cannot start.", problems)
    person = actor if getattr(actor, "is_authenticated", False) else None
    common = {"organisation": organisation.slug, "fmt": fmt, "actor_id": person.pk if person else None}
    if upload is None:
        job = enqueue("catalogue.import_url", created_by=person, url=url, **common)
    else:
        path = _keep_for_import(upload)
        filename = (upload.name or "").rsplit("/", 1)[-1][:200]
        try:
            job = enqueue(
                "catalogue.import_file", created_by=person, path=str(path), filename=filename, **common
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    publish(events.IMPORT_STARTED, job_id=str(job.pk), organisation=organisation.slug)
    return job
