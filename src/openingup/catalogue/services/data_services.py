"""Data service services: the APIs and endpoints through which datasets are reached."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openingup.catalogue import events
from openingup.catalogue.models import (
    DataService,
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
from openingup.core.errors import PermissionDenied
from openingup.core.events import publish
from openingup.exchange.dcat.fields import DATA_SERVICE
from openingup.organisations import permissions
from openingup.organisations.models import Organisation


@transaction.atomic
def create_data_service(
    *, actor: Any, publisher: Organisation | None, data: dict[str, Any], slug: str = "", strict: bool = True
) -> DataService:
    if actor is not None and not permissions.can_create_dataset(actor, publisher):
        raise PermissionDenied("You cannot create data services for this organisation.")
    fields = validated(
        DATA_SERVICE, {k: v for k, v in data.items() if k != "publisher"}, partial=False, strict=strict
    )
    fields.pop("uri", None)
    title = next(iter(fields["title"].values()))
    service = DataService(
        publisher=publisher, slug=unique_slug(DataService, slug or title), uri=data.get("uri", "") or ""
    )
    apply_fields(service, fields)
    service.status = Status.PUBLISHED
    service.save()
    record_change(service, "data_service", "created", actor, {k: [None, v] for k, v in fields.items()})
    publish(events.DATA_SERVICE_CREATED, data_service_id=str(service.pk))
    return service


@transaction.atomic
def update_data_service(*, actor: Any, service: DataService, data: dict[str, Any]) -> DataService:
    if actor is not None and not permissions.can_edit_data_service(actor, service):
        raise PermissionDenied("You cannot edit this data service.")
    fields = clean_blanks(validated(DATA_SERVICE, data, partial=True), service)
    fields.pop("uri", None)
    changes = diff(service, fields)
    if changes:
        apply_fields(service, fields)
        service.save()
        record_change(service, "data_service", "updated", actor, changes)
        publish(events.DATA_SERVICE_UPDATED, data_service_id=str(service.pk))
    return service


@transaction.atomic
def delete_data_service(*, actor: Any, service: DataService) -> None:
    if actor is not None and not permissions.can_delete_data_service(actor, service):
        raise PermissionDenied("You cannot delete this data service.")
    pk = service.pk
    record_change(service, "data_service", "deleted", actor, {"slug": [service.slug, None]})
    service.delete()
    publish(events.DATA_SERVICE_DELETED, data_service_id=str(pk))
