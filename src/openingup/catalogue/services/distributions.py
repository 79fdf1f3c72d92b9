"""Distribution services: by URL or by upload (size limit, checksum, format from the EU file-type table)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from openingup.catalogue import events
from openingup.catalogue.models import (
    Dataset,
    Distribution,
)
from openingup.catalogue.services.common import (
    apply_fields,
    clean_blanks,
    diff,
    record_change,
    validated,
)
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.exchange.dcat.fields import DISTRIBUTION
from openingup.organisations import permissions
from openingup.vocabularies.registry import file_type_for_extension

# The https form is what the official DCAT-AP 3.0.1 vocabulary shapes (and so the EU portals) accept.
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def delete_file_after_commit(distribution: Distribution) -> None:
    """Remove an uploaded file only once the row is gone for good (a rollback keeps both)."""
    name, storage = distribution.file.name, distribution.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class _HashingFile(File):
    """An upload whose chunks are hashed as they are read (by the storage copying it)."""

    def __init__(self, upload: UploadedFile) -> None:
        super().__init__(upload, name=upload.name)
        self.upload = upload
        self.digest, self.hashed = hashlib.sha256(), 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.digest, self.hashed = hashlib.sha256(), 0  # a second read starts over
        for chunk in self.upload.chunks(chunk_size):
            self.digest.update(chunk)
            self.hashed += len(chunk)
            yield chunk


def _store_upload(distribution: Distribution, upload: UploadedFile) -> None:
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise InvalidInput(
            f"The file is larger than the limit of {limit} MB.",
            [FieldProblem("file", f"{upload.size:,} bytes; the limit is {settings.MAX_UPLOAD_BYTES:,}")],
        )
    digest = hashlib.sha256()
    name = (upload.name or "file").rsplit("/", 1)[-1]
    if hasattr(upload, "temporary_file_path"):  # already on disk: storage moves it, so hash it first
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        distribution.file.save(name, upload, save=False)
    else:  # hashed as storage copies it: one read of the file, not two
        hashing = _HashingFile(upload)
        distribution.file.save(name, hashing, save=False)
        digest = hashing.digest
        if upload.size is None or hashing.hashed != upload.size:  # storage did not read it by chunks
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
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
    position: int | None = None,
    touch: bool = True,
) -> Distribution:
    """Add a distribution given by URL (``access_url``) or by an uploaded file (then URLs are minted).

    ``position`` (default: after the others) spares a count when the caller knows it; ``touch=False``
    leaves the dataset's modified date alone (an importer adding the distributions of a dataset it has
    just created keeps the date the record gave)."""
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    # An upload gets its access and download URLs minted, so accessURL is not asked of the caller.
    fields = validated(DISTRIBUTION, data, partial=upload is not None, strict=strict)
    fields.pop("uri", None)
    if position is None:
        position = dataset.distributions.count()
    distribution = Distribution(dataset=dataset, position=position, uri=data.get("uri", "") or "")
    apply_fields(distribution, fields)
    if upload is not None:
        _store_upload(distribution, upload)
    distribution.save()
    if touch:
        _touch(dataset)
    record_change(
        dataset, "dataset", "distribution added", actor, {"distribution": [None, str(distribution.pk)]}
    )
    publish(events.DISTRIBUTION_CREATED, dataset_id=str(dataset.pk), distribution_id=str(distribution.pk))
    return distribution


@transaction.atomic
def update_distribution(
    *, actor: Any, distribution: Distribution, data: dict[str, Any], upload: UploadedFile | None = None
) -> Distribution:
    dataset = distribution.dataset
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    fields = clean_blanks(validated(DISTRIBUTION, data, partial=True), distribution)
    fields.pop("uri", None)
    if "access_url" in fields and not fields["access_url"] and upload is None:
        raise InvalidInput(
            "Some fields need attention.", [FieldProblem("access_url", "is required (dcat:accessURL)")]
        )
    changes = diff(distribution, fields)
    apply_fields(distribution, fields)
    if upload is not None:
        old = distribution.file.name if distribution.file else None
        _store_upload(distribution, upload)
        changes["file"] = [old, distribution.file.name]
    if changes:
        distribution.save()
        _touch(dataset)
        record_change(
            dataset,
            "dataset",
            "distribution updated",
            actor,
            {f"distribution.{k}": v for k, v in changes.items()},
        )
        publish(events.DISTRIBUTION_UPDATED, dataset_id=str(dataset.pk), distribution_id=str(distribution.pk))
    return distribution


@transaction.atomic
def delete_distribution(*, actor: Any, distribution: Distribution) -> None:
    dataset = distribution.dataset
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    pk = distribution.pk
    delete_file_after_commit(distribution)
    distribution.delete()
    _touch(dataset)
    record_change(dataset, "dataset", "distribution deleted", actor, {"distribution": [str(pk), None]})
    publish(events.DISTRIBUTION_DELETED, dataset_id=str(dataset.pk), distribution_id=str(pk))


def record_data_change(distribution: Distribution, *, byte_size: int | None, sha256: str) -> None:
    """The data behind a distribution changed (a new datastore version): dct:modified of the
    distribution and its dataset follow, and a URL-given file's size and checksum are recorded."""
    now = timezone.now().replace(microsecond=0).isoformat()
    fields: dict[str, Any] = {"modified": now}
    if not distribution.file and sha256:
        fields["byte_size"] = byte_size
        fields["checksum"] = {"algorithm": SHA256, "value": sha256}
    Distribution.objects.filter(pk=distribution.pk).update(**fields, updated_at=timezone.now())
    for key, value in fields.items():
        setattr(distribution, key, value)
    _touch(distribution.dataset)


def _touch(dataset: Dataset) -> None:
    dataset.modified = timezone.now().replace(microsecond=0).isoformat()
    dataset.save(update_fields=["modified", "updated_at"])
