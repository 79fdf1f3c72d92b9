"""The Open311 GeoReport v2 endpoint through Django's test client: every call, both formats, errors."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.exchange import open311
from openingup.reports import services
from openingup.reports.models import ServiceRequest
from tests.reports.conftest import INSIDE

BASE = "/open311/v2"


def _post(client: Any, fmt: str = "json", **fields: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", fields)


def _file(client: Any, api_key: str, **extra: Any) -> Any:
    fields = {"api_key": api_key, "service_code": "litter", **INSIDE, "attribute[size]": "small", **extra}
    return _post(client, **fields)


def test_discovery_names_the_endpoint_and_its_formats(client: Any, litter: Any) -> None:
    body = json.loads(client.get(f"{BASE}/discovery.json").content)
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert body["contact"] == "311@example.org"
    root, xml = open311.parse_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root == "discovery" and xml["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_in_json_and_xml(client: Any, litter: Any, pothole: Any) -> None:
    response = client.get(f"{BASE}/services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert [s["service_code"] for s in body] == ["litter", "pothole"]
    assert body[0] == {
        "service_code": "litter",
        "service_name": "Litter",
        "description": "Litter in the street.",
        "metadata": True,
        "type": "realtime",
        "keywords": "waste, rubbish",
        "group": "sanitation",
    }
    assert body[1]["metadata"] is False
    response = client.get(f"{BASE}/services.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root, xml = open311.parse_xml(response.content)
    assert root == "services" and xml[0]["metadata"] == "true" and xml[1]["service_code"] == "pothole"


def test_service_names_follow_accept_language(client: Any, litter: Any) -> None:
    body = json.loads(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="nl").content)
    assert body[0]["service_name"] == "Zwerfafval"


def test_service_definition_has_every_datatype(client: Any, litter: Any) -> None:
    body = json.loads(client.get(f"{BASE}/services/litter.json").content)
    assert body["service_code"] == "litter"
    kinds = {a["code"]: a["datatype"] for a in body["attributes"]}
    assert sorted(kinds.values()) == sorted(
        ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    )
    size = next(a for a in body["attributes"] if a["code"] == "size")
    assert size["required"] is True and size["values"] == [
        {"key": "small", "name": "Small"},
        {"key": "large", "name": "Large"},
    ]
    assert [a["order"] for a in body["attributes"]] == sorted(a["order"] for a in body["attributes"])
    _, xml = open311.parse_xml(client.get(f"{BASE}/services/litter.xml").content)
    kind = next(a for a in xml["attributes"] if a["code"] == "kind")
    assert [v["key"] for v in kind["values"]] == ["glass", "paper", "bulky"]


def test_unknown_service_is_404_in_the_spec_error_format(client: Any, litter: Any) -> None:
    response = client.get(f"{BASE}/services/nope.xml")
    assert response.status_code == 404
    root, errors = open311.parse_xml(response.content)
    assert root == "errors" and errors[0]["code"] == "404" and "nope" in errors[0]["description"]
    body = json.loads(client.get(f"{BASE}/services/nope.json").content)
    assert body[0]["code"] == 404


def test_post_files_a_request_with_multi_value_answers(client: Any, litter: Any, api_key: str) -> None:
    response = _file(
        client,
        api_key,
        **{"attribute[kind][]": ["glass", "bulky"], "attribute[bags]": "3"},
        description="Broken bottles",
        email="reporter@example.org",
        first_name="Ann",
        account_id="A-7",
        media_url="https://example.org/photo.jpg",
    )
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    assert body[0]["service_notice"] == "Cleaned within two working days."
    assert body[0]["account_id"] == "A-7"
    filed = ServiceRequest.objects.get(pk=int(body[0]["service_request_id"]))
    assert filed.attributes == {"size": "small", "kind": ["glass", "bulky"], "bags": "3"}
    assert filed.reporter.email == "reporter@example.org" and filed.reporter.first_name == "Ann"
    assert filed.department.slug == "roads" and filed.agency_responsible == "Roads"
    assert filed.expected_datetime is not None and filed.expected_datetime > filed.requested_datetime
    shown = json.loads(client.get(f"{BASE}/requests/{filed.pk}.json").content)[0]
    assert shown["status"] == "open" and shown["media_url"] == "https://example.org/photo.jpg"
    assert "email" not in json.dumps(shown) and "reporter@example.org" not in json.dumps(shown)


def test_post_by_address_only(client: Any, litter: Any, api_key: str) -> None:
    response = _post(
        client,
        api_key=api_key,
        service_code="litter",
        address_string="Kerkstraat 1",
        **{"attribute[size]": "large"},
    )
    assert response.status_code == 200, response.content
    request = ServiceRequest.objects.get()
    assert request.lat is None and request.address_string == "Kerkstraat 1"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_wrong_api_key_is_403_with_the_spec_error(
    client: Any, litter: Any, api_key: str, fmt: str
) -> None:
    for key in ("", "o311_wrong", api_key + "x"):
        response = _post(client, fmt, api_key=key, service_code="litter", **INSIDE)
        assert response.status_code == 403
        if fmt == "json":
            body = json.loads(response.content)
            assert list(body[0]) == ["code", "description"] and body[0]["code"] == 403
            assert "api_key" in body[0]["description"]
        else:
            root, errors = open311.parse_xml(response.content)
            assert root == "errors" and errors[0]["code"] == "403"
    assert not ServiceRequest.objects.exists()


def test_revoked_key_no_longer_works(client: Any, litter: Any) -> None:
    key, secret = services.create_api_key(actor=None, name="old")
    services.revoke_api_key(actor=None, key=key)
    assert _file(client, secret).status_code == 403


def test_location_outside_the_municipality_is_refused(client: Any, litter: Any, api_key: str) -> None:
    response = _file(client, api_key, lat="48.85", long="2.35")
    assert response.status_code == 400
    description = json.loads(response.content)[0]["description"]
    assert "outside the area of example" in description
    assert not ServiceRequest.objects.exists()


def test_ten_megabyte_description_is_refused(client: Any, litter: Any, api_key: str) -> None:
    response = _file(client, api_key, description="x" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "description may be at most 4,000 characters" in json.loads(response.content)[0]["description"]
    response = _file(client, api_key, description="x" * 4001)
    assert response.status_code == 400
    assert "description: is 4,001 characters; at most 4,000" in json.loads(response.content)[0]["description"]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"service_code": "nope"}, "service_code"),
        ({"service_code": ""}, "service_code: is required"),
        ({"lat": "", "long": ""}, "give lat and long, or address_string, or address_id"),
        ({"lat": "north"}, "lat: 'north' is not a number"),
        ({"attribute[size]": "huge"}, "attribute[size]: 'huge' is not one of"),
        ({"attribute[size]": ""}, "attribute[size]: is required"),
        ({"attribute[size]": "  "}, "attribute[size]: is required"),
        ({"attribute[bags]": "many"}, "attribute[bags]: 'many' is not a number"),
        ({"attribute[seen_at]": "yesterday"}, "attribute[seen_at]: 'yesterday' is not an ISO 8601"),
        ({"attribute[kind][]": ["glass", "wood"]}, "attribute[kind]: 'wood' is not one of"),
        ({"attribute[colour]": "red"}, "attribute[colour]: is not a question of service litter"),
        ({"email": "not-an-address"}, "email: is not an e-mail address"),
        ({"media_url": "javascript:alert(1)"}, "media_url: must be an http(s) URL"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    client: Any, litter: Any, api_key: str, fields: dict[str, Any], expected: str
) -> None:
    base = {"api_key": api_key, "service_code": "litter", **INSIDE, "attribute[size]": "small"}
    response = _post(client, **{**base, **fields})
    assert response.status_code == 400, response.content
    descriptions = " | ".join(e["description"] for e in json.loads(response.content))
    assert expected in descriptions
    assert not ServiceRequest.objects.exists()


def test_markup_in_every_text_field_is_escaped(client: Any, litter: Any, api_key: str) -> None:
    script = "<script>alert('x')</script>&"
    response = _file(
        client,
        api_key,
        description=script,
        address_string=script,
        zipcode="<b>1</b>",
        **{"attribute[where]": script, "attribute[details]": script},
    )
    assert response.status_code == 200, response.content
    request_id = json.loads(response.content)[0]["service_request_id"]
    for suffix in ("", "?extensions=true"):
        xml = client.get(f"{BASE}/requests/{request_id}.xml{suffix}").content
        assert b"<script>" not in xml and b"&lt;script&gt;" in xml
        _, parsed = open311.parse_xml(xml)
        assert parsed[0]["description"] == script and parsed[0]["address"] == script
        raw = client.get(f"{BASE}/requests/{request_id}.json{suffix}").content
        assert b"<" not in raw and b">" not in raw
        assert json.loads(raw)[0]["description"] == script


def test_token_finds_the_request(client: Any, litter: Any, api_key: str) -> None:
    _file(client, api_key)
    request = ServiceRequest.objects.get()
    body = json.loads(client.get(f"{BASE}/tokens/{request.token}.json").content)
    assert body == [{"service_request_id": str(request.pk), "token": request.token}]
    assert client.get(f"{BASE}/tokens/unknown.json").status_code == 404


def test_get_request_not_found(client: Any, litter: Any) -> None:
    response = client.get(f"{BASE}/requests/12345.xml")
    assert response.status_code == 404
    _, errors = open311.parse_xml(response.content)
    assert errors[0]["code"] == "404"


def _filed_at(service: Any, when: Any, n: int = 1) -> list[ServiceRequest]:
    made = []
    for _ in range(n):
        filing = services.Filing(
            service_code=service.code,
            location=services.Location(lat=52.29, long=4.48),
            attributes={"size": "small"} if service.code == "litter" else {},
        )
        made.append(services.file_request(actor=None, filing=filing, now=when))
    return made


def test_get_requests_filters_and_the_90_day_window(client: Any, litter: Any, pothole: Any) -> None:
    now = timezone.now()
    recent = _filed_at(litter, now - timedelta(days=3))[0]
    old = _filed_at(litter, now - timedelta(days=120))[0]
    hole = _filed_at(pothole, now - timedelta(days=1))[0]
    services.change_status(actor=None, request=hole, status="done", note="Filled.")

    def ids(query: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json{query}")
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in json.loads(response.content)]

    assert ids("") == [str(hole.pk), str(recent.pk)]  # the old one is outside the default 90 days
    assert ids("?service_code=litter") == [str(recent.pk)]
    assert ids("?status=closed") == [str(hole.pk)]
    assert ids("?status=open,closed&service_code=litter,pothole") == [str(hole.pk), str(recent.pk)]
    assert ids(f"?service_request_id={old.pk},{recent.pk}") == [str(recent.pk), str(old.pk)]
    start = (now - timedelta(days=130)).isoformat()
    end = (now - timedelta(days=100)).isoformat()
    assert ids(f"?start_date={start}&end_date={end}".replace("+", "%2B")) == [str(old.pk)]
    too_long = client.get(
        f"{BASE}/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z"
    )
    assert too_long.status_code == 400
    assert "90 days" in json.loads(too_long.content)[0]["description"]
    assert client.get(f"{BASE}/requests.json?start_date=yesterday").status_code == 400
    assert client.get(f"{BASE}/requests.json?status=pending").status_code == 400


def test_get_requests_caps_at_1000_and_pages(client: Any, pothole: Any) -> None:
    now = timezone.now()
    _filed_at(pothole, now - timedelta(hours=1), n=1003)
    first = json.loads(client.get(f"{BASE}/requests.json").content)
    assert len(first) == 1000
    assert len(json.loads(client.get(f"{BASE}/requests.json?page_size=5000").content)) == 1000
    second = json.loads(client.get(f"{BASE}/requests.json?page=2").content)
    assert len(second) == 3
    assert not {r["service_request_id"] for r in first} & {r["service_request_id"] for r in second}
    small = json.loads(client.get(f"{BASE}/requests.json?page=3&page_size=10").content)
    assert len(small) == 10 and small[0]["service_request_id"] == first[20]["service_request_id"]
    assert client.get(f"{BASE}/requests.json?page=0").status_code == 400


def test_extensions_show_answers_and_public_notes(client: Any, litter: Any, admin_user: Any) -> None:
    request = _filed_at(litter, timezone.now())[0]
    services.change_status(actor=admin_user, request=request, status="in_progress", note="On our way.")
    services.add_note(actor=admin_user, request=request, description="Crew 4, van 2", internal=True)
    plain = json.loads(client.get(f"{BASE}/requests/{request.pk}.json").content)[0]
    assert "notes" not in plain and "extended_attributes" not in plain
    shown = json.loads(client.get(f"{BASE}/requests/{request.pk}.json?extensions=true").content)[0]
    assert shown["extended_attributes"]["workflow_status"] == "in_progress"
    assert shown["extended_attributes"]["extended_status"] == "in_progress"
    assert shown["extended_attributes"]["attributes"] == [{"code": "size", "values": ["small"]}]
    assert [n["description"] for n in shown["notes"]] == ["On our way."]
    assert shown["status_notes"] == "On our way."
    _, xml = open311.parse_xml(client.get(f"{BASE}/requests/{request.pk}.xml?extensions=true").content)
    assert xml[0]["notes"][0]["type"] == "status_change"


def test_servicerequestupdates_in_fixmystreet_states(client: Any, litter: Any) -> None:
    request = _filed_at(litter, timezone.now())[0]
    first = services.change_status(actor=None, request=request, status="scheduled", note="Tuesday")
    services.add_note(actor=None, request=request, description="internal only", internal=True)
    second = services.change_status(actor=None, request=request, status="done")
    body = json.loads(client.get(f"{BASE}/servicerequestupdates.json").content)
    assert [(u["update_id"], u["status"]) for u in body] == [
        (str(first.pk), "action_scheduled"),
        (str(second.pk), "fixed"),
    ]
    assert list(body[0]) == [
        "update_id",
        "service_request_id",
        "status",
        "description",
        "updated_datetime",
        "media_url",
    ]
    later = json.loads(client.get(f"{BASE}/servicerequestupdates.json?update_id={first.pk}").content)
    assert [u["update_id"] for u in later] == [str(second.pk)]
    fixed = json.loads(client.get(f"{BASE}/servicerequestupdates.json?status=fixed").content)
    assert [u["update_id"] for u in fixed] == [str(second.pk)]
    root, xml = open311.parse_xml(client.get(f"{BASE}/servicerequestupdates.xml").content)
    assert root == "service_requests_updates" and xml[1]["status"] == "fixed"


def test_unknown_jurisdiction_is_404(client: Any, litter: Any) -> None:
    assert client.get(f"{BASE}/services.json?jurisdiction_id=elsewhere").status_code == 404
    assert client.get(f"{BASE}/services.json?jurisdiction_id=example").status_code == 200


def test_wrong_method_is_405(client: Any, litter: Any) -> None:
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and json.loads(response.content)[0]["code"] == 405


def test_batch_service_answers_with_a_token(
    client: Any, municipality: Any, jurisdiction: Any, api_key: str
) -> None:
    services.create_service(
        actor=None, code="graffiti", name={"en": "Graffiti"}, organisation=municipality, type="batch"
    )
    response = _post(client, api_key=api_key, service_code="graffiti", address_id="0363200000123456")
    body = json.loads(response.content)
    assert response.status_code == 200 and list(body[0]) == ["token", "service_notice", "account_id"]
    found = json.loads(client.get(f"{BASE}/tokens/{body[0]['token']}.json").content)
    request = ServiceRequest.objects.get()
    assert found == [{"service_request_id": str(request.pk), "token": body[0]["token"]}]
    assert request.address_id == "0363200000123456"
