"""The only writers of the catalogue. Keyword-only, atomic, events after commit, history recorded.

Every service raises :class:`~openingup.core.errors.InvalidInput` naming each bad field before it
writes anything, and :class:`~openingup.core.errors.PermissionDenied` when the actor may not act.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from openingup.catalogue.models import (
    Catalogue,
    Change,
    DataService,
    Dataset,
    DatasetSeries,
    Distribution,
    Status,
)
from openingup.catalogue.validation import check
from openingup.core.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.core.models import Job
from openingup.exchange.dcat.fields import (
    CATALOGUE,
    DATA_SERVICE,
    DATASET,
    DATASET_SERIES,
    DISTRIBUTION,
    Prop,
    canonical,
)
from openingup.organisations import permissions
from openingup.organisations.models import Organisation
from openingup.vocabularies.registry import file_type_for_extension

# The https form is what the official DCAT-AP 3.0.1 vocabulary shapes (and so the EU portals) accept.
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
_FIELD_OF = {
    "dataset": {p.predicate: p.name for p in DATASET},
    "distribution": {p.predicate: p.name for p in DISTRIBUTION},
}


def _validated(
    table: tuple[Prop, ...], data: dict[str, Any], *, partial: bool, strict: bool = True
) -> dict[str, Any]:
    errors, _ = check(table, data, strict=strict, partial=partial)
    if errors:
        raise InvalidInput("Some fields need attention.", errors)
    clean = canonical(table, data)
    if partial:  # keep explicit clears of optional fields
        clean.update(
            {k: v for k, v in data.items() if v in ("", [], {}, None) and k in {p.name for p in table}}
        )
    return clean


def _unique_slug(model: type[models.Model], text: str, current: Any = None, *, explicit: bool = False) -> str:
    """A free slug from the text; an explicitly requested slug that is taken is a Conflict."""
    base = slugify(text)[:100] or "dataset"
    if explicit and model._default_manager.filter(slug=base).exclude(pk=current).exists():  # type: ignore[attr-defined]
        raise Conflict(f"The slug {base!r} is already in use.")
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exclude(pk=current).exists():  # type: ignore[attr-defined]
        n += 1
        slug = f"{base}-{n}"
    return slug


def _diff(row: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for key, new in fields.items():
        old = getattr(row, key)
        if old != new:
            changes[key] = [old, new]
    return changes


def _record_change(row: models.Model, kind: str, action: str, actor: Any, changes: dict[str, Any]) -> None:
    actor_row = actor if getattr(actor, "is_authenticated", False) else None
    Change.objects.create(
        resource_type=kind, resource_id=row.pk, action=action, actor=actor_row, changes=changes
    )


def _apply(row: models.Model, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if value is None and key not in ("creator", "rights", "checksum", "byte_size"):
            value = "" if isinstance(getattr(row, key), str) else type(getattr(row, key))()
        setattr(row, key, value)


def _clean_blanks(fields: dict[str, Any], row: models.Model) -> dict[str, Any]:
    """Explicit clears become the column's empty value."""
    out = {}
    for key, value in fields.items():
        if value in ("", [], {}, None):
            current = getattr(row, key)
            value = (
                ""
                if isinstance(current, str)
                else []
                if isinstance(current, list)
                else {}
                if isinstance(current, dict)
                else None
            )
        out[key] = value
    return out


@transaction.atomic
def create_dataset(
    *,
    actor: Any,
    publisher: Organisation | None,
    data: dict[str, Any],
    slug: str = "",
    strict: bool = True,
    status: str = Status.DRAFT,
) -> Dataset:
    """Create a dataset as a draft (or with ``status``) for ``publisher``; returns it."""
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        raise PermissionDenied("You cannot create datasets for this organisation.")
    fields = _validated(
        DATASET, {k: v for k, v in data.items() if k != "publisher"}, partial=False, strict=strict
    )
    fields.pop("distributions", None)
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    dataset = Dataset(
        publisher=publisher, slug=_unique_slug(Dataset, slug or title), uri=data.get("uri", "") or ""
    )
    _apply(dataset, fields)
    now = timezone.now()
    dataset.issued = dataset.issued or now.date().isoformat()
    dataset.modified = dataset.modified or now.replace(microsecond=0).isoformat()
    if status == Status.PUBLISHED:
        dataset.status, dataset.published_at = Status.PUBLISHED, now
    dataset.save()
    _record_change(dataset, "dataset", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish("dataset.created", dataset_id=str(dataset.pk))
    return dataset


@transaction.atomic
def update_dataset(*, actor: Any, dataset: Dataset, data: dict[str, Any], strict: bool = True) -> Dataset:
    """Change the given fields only (a partial update); history keeps old and new values."""
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    fields = _clean_blanks(_validated(DATASET, data, partial=True, strict=strict), dataset)
    fields.pop("distributions", None)
    fields.pop("uri", None)
    if "title" in fields and not fields["title"]:
        raise InvalidInput("Some fields need attention.", [FieldProblem("title", "is required (dct:title)")])
    changes = _diff(dataset, fields)
    if not changes:
        return dataset
    _apply(dataset, fields)
    if "modified" not in data:
        dataset.modified = timezone.now().replace(microsecond=0).isoformat()
    dataset.save()
    _record_change(dataset, "dataset", "updated", actor, changes)
    publish("dataset.updated", dataset_id=str(dataset.pk))
    return dataset


def publication_problems(dataset: Dataset) -> list[FieldProblem]:
    """What stops this dataset from being published: violations of the platform's DCAT-AP shapes."""
    from openingup.catalogue.rdf import dataset_graph
    from openingup.catalogue.records import dataset_uri, distribution_uri
    from openingup.exchange.shacl import validate

    profile = "hvd" if dataset.hvd_categories or settings_hvd(dataset) else "dcat-ap-3"
    report = validate(dataset_graph(dataset), profile=profile)
    own = dataset_uri(dataset)
    distributions = {distribution_uri(d) for d in dataset.distributions.all()}
    problems = []
    for p in report.violations:
        if p.focus == own and p.path in _FIELD_OF["dataset"]:
            field = _FIELD_OF["dataset"][p.path]
        elif p.focus in distributions and p.path in _FIELD_OF["distribution"]:
            field = f"distributions.{_FIELD_OF['distribution'][p.path]}"
        else:
            field = "dataset"
        problems.append(FieldProblem(field, p.in_plain_words()))
    return problems


def settings_hvd(dataset: Dataset) -> bool:
    from openingup.exchange.dcat.namespaces import HVD_LEGISLATION

    return HVD_LEGISLATION in (dataset.applicable_legislation or [])


@transaction.atomic
def publish_dataset(*, actor: Any, dataset: Dataset) -> Dataset:
    """Publish after the SHACL check; InvalidInput listing every violation otherwise."""
    if actor is not None and not permissions.can_publish_dataset(actor, dataset):
        raise PermissionDenied("You cannot publish this dataset.")
    problems = publication_problems(dataset)
    if problems:
        raise InvalidInput("This dataset does not meet DCAT-AP 3 yet.", problems)
    old = dataset.status
    dataset.status, dataset.published_at = Status.PUBLISHED, timezone.now()
    dataset.save(update_fields=["status", "published_at", "updated_at"])
    _record_change(dataset, "dataset", "published", actor, {"status": [old, Status.PUBLISHED]})
    publish("dataset.published", dataset_id=str(dataset.pk))
    return dataset


@transaction.atomic
def archive_dataset(*, actor: Any, dataset: Dataset) -> Dataset:
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot archive this dataset.")
    old = dataset.status
    dataset.status = Status.ARCHIVED
    dataset.save(update_fields=["status", "updated_at"])
    _record_change(dataset, "dataset", "archived", actor, {"status": [old, Status.ARCHIVED]})
    publish("dataset.archived", dataset_id=str(dataset.pk))
    return dataset


@transaction.atomic
def delete_dataset(*, actor: Any, dataset: Dataset) -> None:
    if actor is not None and not permissions.can_delete_dataset(actor, dataset):
        raise PermissionDenied("You cannot delete this dataset.")
    pk = dataset.pk
    _record_change(dataset, "dataset", "deleted", actor, {"slug": [dataset.slug, None]})
    for distribution in dataset.distributions.all():
        if distribution.file:
            _delete_file_after_commit(distribution)
    dataset.delete()
    publish("dataset.deleted", dataset_id=str(pk))


def _delete_file_after_commit(distribution: Distribution) -> None:
    """Remove an uploaded file only once the row is gone for good (a rollback keeps both)."""
    name, storage = distribution.file.name, distribution.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _store_upload(distribution: Distribution, upload: UploadedFile) -> None:
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise InvalidInput(
            f"The file is larger than the limit of {limit} MB.",
            [FieldProblem("file", f"{upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,}")],
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "file").rsplit("/", 1)[-1]
    distribution.file.save(name, upload, save=False)
    distribution.byte_size = upload.size
    distribution.checksum = {
        "algorithm": SHA256,
        "value": digest.hexdigest(),
    }
    url = f"{settings.BASE_URL}/distributions/{distribution.pk}/download/{slugify(name.rsplit('.', 1)[0])}"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    url += f".{ext}" if ext else ""
    distribution.access_url = [url]
    distribution.download_url = [url]
    concept = file_type_for_extension(ext) if ext else None
    if concept and not distribution.format:
        distribution.format = concept.uri
        media = concept.extra.get("media_types") or []
        if media and not distribution.media_type:
            distribution.media_type = f"https://www.iana.org/assignments/media-types/{media[0]}"


@transaction.atomic
def add_distribution(
    *,
    actor: Any,
    dataset: Dataset,
    data: dict[str, Any],
    upload: UploadedFile | None = None,
    strict: bool = True,
) -> Distribution:
    """Add a distribution given by URL (``access_url``) or by an uploaded file (then URLs are minted)."""
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    # An upload gets its access and download URLs minted, so accessURL is not asked of the caller.
    fields = _validated(DISTRIBUTION, data, partial=upload is not None, strict=strict)
    fields.pop("uri", None)
    position = dataset.distributions.count()
    distribution = Distribution(dataset=dataset, position=position, uri=data.get("uri", "") or "")
    _apply(distribution, fields)
    if upload is not None:
        _store_upload(distribution, upload)
    distribution.save()
    _touch(dataset)
    _record_change(
        dataset, "dataset", "distribution added", actor, {"distribution": [None, str(distribution.pk)]}
    )
    publish("distribution.created", dataset_id=str(dataset.pk), distribution_id=str(distribution.pk))
    return distribution


@transaction.atomic
def update_distribution(
    *, actor: Any, distribution: Distribution, data: dict[str, Any], upload: UploadedFile | None = None
) -> Distribution:
    dataset = distribution.dataset
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    fields = _clean_blanks(_validated(DISTRIBUTION, data, partial=True), distribution)
    fields.pop("uri", None)
    if "access_url" in fields and not fields["access_url"] and upload is None:
        raise InvalidInput(
            "Some fields need attention.", [FieldProblem("access_url", "is required (dcat:accessURL)")]
        )
    changes = _diff(distribution, fields)
    _apply(distribution, fields)
    if upload is not None:
        old = distribution.file.name if distribution.file else None
        _store_upload(distribution, upload)
        changes["file"] = [old, distribution.file.name]
    if changes:
        distribution.save()
        _touch(dataset)
        _record_change(
            dataset,
            "dataset",
            "distribution updated",
            actor,
            {f"distribution.{k}": v for k, v in changes.items()},
        )
        publish("distribution.updated", dataset_id=str(dataset.pk), distribution_id=str(distribution.pk))
    return distribution


@transaction.atomic
def delete_distribution(*, actor: Any, distribution: Distribution) -> None:
    dataset = distribution.dataset
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    pk = distribution.pk
    _delete_file_after_commit(distribution)
    distribution.delete()
    _touch(dataset)
    _record_change(dataset, "dataset", "distribution deleted", actor, {"distribution": [str(pk), None]})
    publish("distribution.deleted", dataset_id=str(dataset.pk), distribution_id=str(pk))


def _touch(dataset: Dataset) -> None:
    dataset.modified = timezone.now().replace(microsecond=0).isoformat()
    dataset.save(update_fields=["modified", "updated_at"])


@transaction.atomic
def create_data_service(
    *, actor: Any, publisher: Organisation | None, data: dict[str, Any], slug: str = "", strict: bool = True
) -> DataService:
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        raise PermissionDenied("You cannot create data services for this organisation.")
    fields = _validated(
        DATA_SERVICE, {k: v for k, v in data.items() if k != "publisher"}, partial=False, strict=strict
    )
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    service = DataService(
        publisher=publisher, slug=_unique_slug(DataService, slug or title), uri=data.get("uri", "") or ""
    )
    _apply(service, fields)
    service.status = Status.PUBLISHED
    service.save()
    _record_change(service, "data_service", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish("data_service.created", data_service_id=str(service.pk))
    return service


@transaction.atomic
def update_data_service(*, actor: Any, service: DataService, data: dict[str, Any]) -> DataService:
    if actor is not None and not permissions.can_edit_data_service(actor, service):
        raise PermissionDenied("You cannot edit this data service.")
    fields = _clean_blanks(_validated(DATA_SERVICE, data, partial=True), service)
    fields.pop("uri", None)
    changes = _diff(service, fields)
    if changes:
        _apply(service, fields)
        service.save()
        _record_change(service, "data_service", "updated", actor, changes)
        publish("data_service.updated", data_service_id=str(service.pk))
    return service


@transaction.atomic
def delete_data_service(*, actor: Any, service: DataService) -> None:
    if actor is not None and not permissions.can_delete_data_service(actor, service):
        raise PermissionDenied("You cannot delete this data service.")
    pk = service.pk
    _record_change(service, "data_service", "deleted", actor, {"slug": [service.slug, None]})
    service.delete()
    publish("data_service.deleted", data_service_id=str(pk))


@transaction.atomic
def save_catalogue(*, actor: Any, publisher: Organisation, data: dict[str, Any]) -> Catalogue:
    """Create or change the instance's one catalogue description (administrators only)."""
    if actor is not None and not permissions.can_manage_organisation(actor):
        raise PermissionDenied("Only administrators can describe the catalogue.")
    from openingup.organisations.queries import agent

    fields = _validated(CATALOGUE, {**data, "publisher": agent(publisher)}, partial=False)
    fields.pop("uri", None)
    fields.pop("publisher")
    catalogue = Catalogue.objects.first() or Catalogue()
    changes = _diff(catalogue, fields) if catalogue.pk else {k: [None, v] for k, v in fields.items()}
    _apply(catalogue, fields)
    catalogue.publisher = publisher
    catalogue.save()
    _record_change(catalogue, "catalogue", "saved", actor, changes)
    publish("catalogue.saved", catalogue_id=str(catalogue.pk))
    return catalogue


@transaction.atomic
def create_dataset_series(
    *, actor: Any, publisher: Organisation | None, data: dict[str, Any], slug: str = ""
) -> DatasetSeries:
    """Create a dataset series; datasets join it through their ``in_series`` IRIs."""
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        raise PermissionDenied("You cannot create series for this organisation.")
    fields = _validated(DATASET_SERIES, {k: v for k, v in data.items() if k != "publisher"}, partial=False)
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    series = DatasetSeries(
        publisher=publisher,
        slug=_unique_slug(DatasetSeries, slug or title, explicit=bool(slug)),
        uri=data.get("uri", ""),
    )
    _apply(series, fields)
    series.save()
    _record_change(series, "dataset_series", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish("dataset_series.created", dataset_series_id=str(series.pk))
    return series


IMPORT_FORMATS = ("ttl", "rdf", "jsonld")


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
    publish("catalogue.import_started", job_id=str(job.pk), organisation=organisation.slug)
    return job
