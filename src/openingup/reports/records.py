"""Services, requests and updates as Open311 GeoReport v2 records (plain dicts in the spec's key
order), ready for :mod:`openingup.exchange.open311` to write as XML or JSON.

Personal data of the reporter never appears here, except ``account_id`` in the answer to the client
that filed the request (as the spec asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from openingup.reports import workflow
from openingup.reports.models import RequestUpdate, Service, ServiceAttribute, ServiceRequest
from openingup.reports.texts import pick

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 in the site's time zone, with its offset (``2026-12-05T08:15:00+01:00``)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def service(item: Service) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": pick(item.name),
        "description": pick(item.description),
        "metadata": any(a.variable for a in item.attributes.all()),
        "type": item.type,
        "keywords": ", ".join(item.keywords),
        "group": item.group,
    }


def attribute(item: ServiceAttribute) -> dict[str, Any]:
    record: dict[str, Any] = {
        "variable": item.variable,
        "code": item.code,
        "datatype": item.datatype,
        "required": item.required,
        "datatype_description": pick(item.datatype_description) or None,
        "order": item.order,
        "description": pick(item.description),
    }
    if item.datatype in ("singlevaluelist", "multivaluelist"):
        record["values"] = [{"key": v["key"], "name": pick(v["name"])} for v in item.values]
    return record


def service_definition(item: Service) -> dict[str, Any]:
    return {"service_code": item.code, "attributes": [attribute(a) for a in item.attributes.all()]}


def _note(update: RequestUpdate) -> dict[str, Any]:
    changed = update.status != update.previous_status
    return {
        "datetime": w3c(update.created_at),
        "summary": str(workflow.state(update.status).label) if changed else "",
        "description": update.description,
        "type": "status_change" if changed else "note",
        "status": workflow.open311_status(update.status),
        "extended_status": workflow.fixmystreet_status(update.status),
    }


def _answers(item: ServiceRequest) -> list[dict[str, Any]]:
    return [
        {"code": code, "values": value if isinstance(value, list) else [value]}
        for code, value in sorted(item.attributes.items())
    ]


def request(
    item: ServiceRequest, *, extensions: bool = False, updates: Sequence[RequestUpdate] = ()
) -> dict[str, Any]:
    """One request as GET requests shows it; with ``extensions`` also ``extended_attributes`` (workflow
    state, FixMyStreet's extended status, the answers to the service's questions) and ``notes``."""
    record: dict[str, Any] = {
        "service_request_id": str(item.pk),
        "status": workflow.open311_status(item.status),
        "status_notes": item.status_notes or None,
        "service_name": pick(item.service.name),
        "service_code": item.service.code,
        "description": item.description or None,
        "agency_responsible": item.agency_responsible or None,
        "service_notice": item.service_notice or None,
        "requested_datetime": w3c(item.requested_datetime),
        "updated_datetime": w3c(item.updated_datetime),
        "expected_datetime": w3c(item.expected_datetime),
        "address": item.address_string or None,
        "address_id": item.address_id or None,
        "zipcode": item.zipcode or None,
        "lat": item.lat,
        "long": item.long,
        "media_url": item.media_url or None,
    }
    if extensions:
        record["extended_attributes"] = {
            "workflow_status": item.status,
            "extended_status": workflow.fixmystreet_status(item.status),
            "attributes": _answers(item),
        }
        record["notes"] = [_note(u) for u in updates]
    return record


def filed(item: ServiceRequest, account_id: str = "") -> dict[str, Any]:
    """The answer to POST requests: the id (or, for batch services, the token) and the notice."""
    key = (
        ("token", item.token)
        if item.service.type == Service.Type.BATCH
        else ("service_request_id", str(item.pk))
    )
    return {key[0]: key[1], "service_notice": item.service_notice or None, "account_id": account_id or None}


def token(item: ServiceRequest) -> dict[str, Any]:
    return {"service_request_id": str(item.pk), "token": item.token}


def update(item: RequestUpdate) -> dict[str, Any]:
    """One update as FixMyStreet's servicerequestupdates shows it (status in its extended states)."""
    return {
        "update_id": str(item.pk),
        "service_request_id": str(item.request_id),
        "status": workflow.fixmystreet_status(item.status),
        "description": item.description or None,
        "updated_datetime": w3c(item.created_at),
        "media_url": item.media_url or None,
    }


def discovery(*, base_url: str, changeset: datetime | None, contact: str, key_service: str) -> dict[str, Any]:
    return {
        "changeset": w3c(changeset or timezone.now()),
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": w3c(changeset or timezone.now()),
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }
