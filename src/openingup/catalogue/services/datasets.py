"""Dataset services: create, update, publish (after the SHACL check), archive, delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from openingup.catalogue import events
from openingup.catalogue.models import (
    Dataset,
    Status,
)
from openingup.catalogue.services.common import (
    apply_fields,
    clean_blanks,
    diff,
    record_change,
    unique_slug,
    validated,
)
from openingup.catalogue.services.distributions import delete_file_after_commit
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.exchange.dcat.fields import (
    DATASET,
    DISTRIBUTION,
)
from openingup.organisations import permissions
from openingup.organisations.models import Organisation

_FIELD_OF = {
    "dataset": {p.predicate: p.name for p in DATASET},
    "distribution": {p.predicate: p.name for p in DISTRIBUTION},
}


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
    fields = validated(
        DATASET, {k: v for k, v in data.items() if k != "publisher"}, partial=False, strict=strict
    )
    fields.pop("distributions", None)
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    dataset = Dataset(
        publisher=publisher, slug=unique_slug(Dataset, slug or title), uri=data.get("uri", "") or ""
    )
    apply_fields(dataset, fields)
    now = timezone.now()
    dataset.issued = dataset.issued or now.date().isoformat()
    dataset.modified = dataset.modified or now.replace(microsecond=0).isoformat()
    if status == Status.PUBLISHED:
        dataset.status, dataset.published_at = Status.PUBLISHED, now
    dataset.save()
    record_change(dataset, "dataset", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish(events.DATASET_CREATED, dataset_id=str(dataset.pk))
    return dataset


@transaction.atomic
def update_dataset(*, actor: Any, dataset: Dataset, data: dict[str, Any], strict: bool = True) -> Dataset:
    """Change the given fields only (a partial update); history keeps old and new values."""
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot edit this dataset.")
    fields = clean_blanks(validated(DATASET, data, partial=True, strict=strict), dataset)
    fields.pop("distributions", None)
    fields.pop("uri", None)
    if "title" in fields and not fields["title"]:
        raise InvalidInput("Some fields need attention.", [FieldProblem("title", "is required (dct:title)")])
    changes = diff(dataset, fields)
    if not changes:
        return dataset
    apply_fields(dataset, fields)
    if "modified" not in data:
        dataset.modified = timezone.now().replace(microsecond=0).isoformat()
    dataset.save()
    record_change(dataset, "dataset", "updated", actor, changes)
    publish(events.DATASET_UPDATED, dataset_id=str(dataset.pk))
    return dataset


def publication_problems(dataset: Dataset) -> list[FieldProblem]:
    """What stops this dataset from being published: violations of the platform's DCAT-AP shapes."""
    from openingup.catalogue.rdf import dataset_graph
    from openingup.catalogue.records import dataset_uri, distribution_uri
    from openingup.exchange.shacl import validate

    profile = "hvd" if dataset.hvd_categories or is_hvd(dataset) else "dcat-ap-3"
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


def is_hvd(dataset: Dataset) -> bool:
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
    dataset.published_at = timezone.now()
    return _move(dataset, Status.PUBLISHED, actor, "published", events.DATASET_PUBLISHED, "published_at")


@transaction.atomic
def archive_dataset(*, actor: Any, dataset: Dataset) -> Dataset:
    if actor is not None and not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied("You cannot archive this dataset.")
    return _move(dataset, Status.ARCHIVED, actor, "archived", events.DATASET_ARCHIVED)


def _move(dataset: Dataset, status: str, actor: Any, action: str, event: str, *also: str) -> Dataset:
    """Change the lifecycle state, record who did it, and announce it after commit."""
    old = dataset.status
    dataset.status = status
    dataset.save(update_fields=["status", "updated_at", *also])
    record_change(dataset, "dataset", action, actor, {"status": [old, status]})
    publish(event, dataset_id=str(dataset.pk))
    return dataset


@transaction.atomic
def delete_dataset(*, actor: Any, dataset: Dataset) -> None:
    if actor is not None and not permissions.can_delete_dataset(actor, dataset):
        raise PermissionDenied("You cannot delete this dataset.")
    pk = dataset.pk
    record_change(dataset, "dataset", "deleted", actor, {"slug": [dataset.slug, None]})
    for distribution in dataset.distributions.all():
        if distribution.file:
            delete_file_after_commit(distribution)
    dataset.delete()
    publish(events.DATASET_DELETED, dataset_id=str(pk))
