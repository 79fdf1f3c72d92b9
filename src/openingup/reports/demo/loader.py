"""Load the demo municipality's report services (``services.json``) through the reports services, so
the Open311 endpoint answers out of the box. Needs the catalogue demo's organisations; loads nothing
when they are missing or when services already exist."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction

from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.models import Service


def data() -> dict[str, Any]:
    text = resources.files("openingup.reports.demo").joinpath("services.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def load_demo() -> dict[str, Any]:
    """Create the demo jurisdiction and services; returns how many services were created."""
    spec = data()
    place = spec["jurisdiction"]
    organisation = Organisation.objects.filter(slug=place["organisation"]).first()
    if organisation is None or Service.objects.exists():
        return {"loaded": False, "services": 0}
    with transaction.atomic():
        services.set_jurisdiction(
            actor=None,
            code=place["code"],
            organisation=organisation,
            bbox=tuple(place["bbox"]),
            contact=place["contact"],
            key_service=place["key_service"],
        )
        for item in spec["services"]:
            service = services.create_service(
                actor=None,
                code=item["code"],
                name=item["name"],
                organisation=organisation,
                description=item.get("description"),
                group=item.get("group", ""),
                keywords=item.get("keywords"),
                department=Organisation.objects.filter(slug=item.get("department", "")).first(),
                service_notice=item.get("service_notice"),
                due_days=item.get("due_days"),
            )
            for order, question in enumerate(item.get("attributes", []), start=1):
                services.define_attribute(
                    actor=None,
                    service=service,
                    code=question["code"],
                    datatype=question["datatype"],
                    description=question["description"],
                    required=question.get("required", False),
                    variable=question.get("variable", True),
                    order=order,
                    values=question.get("values"),
                )
    return {"loaded": True, "services": len(spec["services"])}
