"""Writers of requests harvested from another city's Open311 endpoint (the harvest context's Open311
source calls these; see :mod:`openingup.harvest.harvesters.open311`).

A harvested request is a :class:`ServiceRequest` marked with its harvest source, its id there
(``remote_id``) and its link (``remote_url``); one row per source and remote id, so a rerun updates
instead of duplicating. Its service is a service of this site made per remote ``service_code``
(``<prefix>.<code>``), inactive: it is not offered on the report form or through our own Open311.
The remote status (``open``/``closed`` or one of FixMyStreet's extended states) becomes a workflow
state; a change of it is kept as an update and published as a status change, like one made here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.reports import events, workflow
from openingup.reports.models import RequestUpdate, Service, ServiceRequest

_NOT_CODE = re.compile(r"[^A-Za-z0-9_.-]")
# Open311 and FixMyStreet statuses → our workflow states (FixMyStreet's names as its servers send them).
REMOTE_STATUS = {
    "open": "received",
    "closed": "done",
    "in_progress": "in_progress",
    "action_scheduled": "scheduled",
    "investigating": "on_hold",
    "fixed": "done",
    "no_further_action": "cancelled",
    "not_councils_responsibility": "not_responsible",
    "duplicate": "duplicate",
    "internal_referral": "forwarded",
}


@dataclass
class RemoteService:
    code: str
    name: str = ""
    description: str = ""
    group: str = ""
    keywords: tuple[str, ...] = ()
    type: str = "realtime"


def local_status(remote: str) -> tuple[str, str]:
    """``(workflow state, warning)`` of a remote status; an unknown one counts as open, with a warning."""
    key = (remote or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key in REMOTE_STATUS:
        return REMOTE_STATUS[key], ""
    return workflow.INITIAL, f"unknown status {remote!r}, taken as open"


def service_code(prefix: str, remote_code: str) -> str:
    """This site's code of a remote service: ``<prefix>.<code>``, characters a code cannot have
    replaced and a short hash added when anything was replaced or cut, so codes never collide."""
    clean = _NOT_CODE.sub("_", remote_code.strip())
    if clean != remote_code.strip() or len(prefix) + 1 + len(clean) > 100:
        digest = hashlib.sha256(remote_code.encode("utf-8")).hexdigest()[:8]
        clean = f"{clean[: 90 - len(prefix)]}-{digest}"
    return f"{prefix}.{clean}"


@transaction.atomic
def harvested_service(*, prefix: str, organisation: Organisation, remote: RemoteService) -> Service:
    """The service of this site standing for a remote one, made the first time and kept up to date."""
    types = {t.value for t in Service.Type}
    defaults = {
        "name": {"": remote.name.strip()[:200] or remote.code},
        "description": {"": remote.description.strip()[:2000]} if remote.description.strip() else {},
        "group": remote.group.strip()[:100],
        "keywords": [k.strip()[:100] for k in remote.keywords if k.strip()][:50],
        "type": remote.type if remote.type in types else Service.Type.REALTIME,
        "organisation": organisation,
        "active": False,
    }
    code = service_code(prefix, remote.code)
    found = Service.objects.filter(code=code).first()
    if found is None:
        return Service.objects.create(code=code, **defaults)
    changed = [k for k, v in defaults.items() if k != "active" and getattr(found, k) != v]
    for name in changed:
        setattr(found, name, defaults[name])
    if changed:
        found.save(update_fields=[*changed, "updated_at"])
    return found


FIELDS = (
    "description",
    "status_notes",
    "agency_responsible",
    "service_notice",
    "lat",
    "long",
    "address_string",
    "address_id",
    "zipcode",
    "media_url",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
)


@transaction.atomic
def keep_harvested_request(
    *,
    source_id: Any,
    remote_id: str,
    remote_url: str,
    service: Service,
    status: str,
    values: dict[str, Any],
) -> tuple[ServiceRequest, bool]:
    """Create or update the request harvested from ``source_id`` under ``remote_id``; ``(request,
    created)``. ``status`` is a workflow state (see :func:`local_status`); ``values`` the model's
    fields named in :data:`FIELDS` (others are ignored). A status change is kept as an update dated
    with the remote ``updated_datetime``."""
    given = {k: v for k, v in values.items() if k in FIELDS}
    moment: datetime = given.get("updated_datetime") or timezone.now()
    given.setdefault("requested_datetime", moment)
    given["updated_datetime"] = moment
    found = (
        ServiceRequest.objects.select_for_update()
        .filter(harvest_source_id=source_id, remote_id=remote_id)
        .first()
    )
    if found is None:
        request = ServiceRequest.objects.create(
            service=service,
            status=status,
            token=secrets.token_urlsafe(16),
            harvest_source_id=source_id,
            remote_id=remote_id,
            remote_url=remote_url,
            **given,
        )
        publish(events.REQUEST_HARVESTED, request_id=request.pk, service_code=service.code)
        return request, True
    previous = found.status
    for name, value in given.items():
        setattr(found, name, value)
    found.service = service
    found.remote_url = remote_url
    found.status = status
    found.save()
    if previous != status:
        update = RequestUpdate.objects.create(
            request=found,
            status=status,
            previous_status=previous,
            description=found.status_notes,
            created_at=moment,
        )
        publish(
            events.REQUEST_STATUS_CHANGED,
            request_id=found.pk,
            previous=previous,
            status=status,
            update_id=update.pk,
        )
    return found, False
