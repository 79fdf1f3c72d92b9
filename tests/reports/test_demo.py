"""The demo municipality's report services load through the services and answer on Open311."""

from __future__ import annotations

import json
from typing import Any

from openingup.organisations import services as organisations
from openingup.reports.demo.loader import data, load_demo
from openingup.reports.models import Jurisdiction, Service


def test_demo_services_load_once_and_answer(client: Any, db: None) -> None:
    assert load_demo() == {"loaded": False, "services": 0}  # without the demo municipality: nothing
    town = data()["jurisdiction"]["organisation"]
    organisations.create_organisation(actor=None, name={"nl": "Gemeente"}, kind="municipality", slug=town)
    assert load_demo() == {"loaded": True, "services": 3}
    assert load_demo()["loaded"] is False
    assert Jurisdiction.objects.get().contains(52.29, 4.48)
    body = json.loads(client.get("/open311/v2/services.json").content)
    assert {s["service_code"] for s in body} == set(Service.objects.values_list("code", flat=True))
    litter = json.loads(client.get("/open311/v2/services/litter.json").content)
    assert {a["datatype"] for a in litter["attributes"]} == {
        "multivaluelist",
        "number",
        "datetime",
        "text",
        "string",
    }
