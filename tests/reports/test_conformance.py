"""Our Open311 answers against the spec's own examples and real payloads (``open311/`` of the reference
data): every payload is read by our reader, and our XML and JSON have the spec's structure field by
field — the same root, the same keys in the same order, the same kinds of values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from openingup.exchange import open311
from openingup.reports import services
from tests.reports.conftest import INSIDE

pytestmark = pytest.mark.conformance
BASE = "/open311/v2"


def _body(path: Path) -> tuple[int | None, str]:
    text = path.read_text(encoding="utf-8")
    if text.startswith("HTTP/"):
        status_line, text = text.split("\n\n", 1)
        return int(status_line.split()[1]), text
    return None, text


def _payloads(reference_data: Path) -> list[Path]:
    folder = reference_data / "open311"
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".yaml", ".yml"))


def test_every_payload_is_read(reference_data: Path) -> None:
    paths = _payloads(reference_data)
    assert len(paths) >= 25
    for path in paths:
        _, text = _body(path)
        if ".json" in path.name:
            parsed = open311.parse_json(text)
            assert isinstance(parsed, list | dict), path.name
        else:
            root, parsed = open311.parse_xml(text.encode("utf-8"))
            assert root in {
                "services",
                "service_definition",
                "service_requests",
                "requests",
                "errors",
                "error",
                "service_requests_updates",
            }, path.name
            if root in ("services", "service_requests", "errors", "requests", "service_requests_updates"):
                assert isinstance(parsed, list), path.name


def _kind(value: Any) -> str:
    """The kind of a value as the spec's XML and JSON examples can tell it apart."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "record"
    return "scalar"  # strings, numbers and null: the spec writes ids and codes either way


def _same_shape(ours: Any, spec: Any, where: str, ordered: bool = True) -> None:
    if isinstance(spec, dict):
        assert isinstance(ours, dict), where
        if ordered:
            assert list(ours)[: len(spec)] == list(spec), f"{where}: keys {list(ours)} vs spec {list(spec)}"
        else:
            assert set(spec) <= set(ours), f"{where}: missing {set(spec) - set(ours)}"
        for key, value in spec.items():
            if isinstance(value, list | dict) and value:
                _same_shape(ours[key], value, f"{where}.{key}", ordered)
            elif value is not None and ours[key] is not None:
                assert _kind(ours[key]) == _kind(value), f"{where}.{key}: {ours[key]!r} vs {value!r}"
    elif isinstance(spec, list):
        assert isinstance(ours, list) and ours, where
        mine = ours[0]
        if isinstance(spec[0], dict) and "datatype" in spec[0]:  # compare a question of the same datatype
            mine = next(item for item in ours if item["datatype"] == spec[0]["datatype"])
        _same_shape(mine, spec[0], f"{where}[0]", ordered)


@pytest.fixture
def filed(litter: Any, api_key: str, client: Any) -> dict[str, Any]:
    fields = {
        "api_key": api_key,
        "service_code": "litter",
        **INSIDE,
        "attribute[size]": "small",
        "description": "Bottles",
        "address_string": "Kerkstraat 1",
        "address_id": "0363200000123456",
        "zipcode": "2201AB",
        "media_url": "https://example.org/p.jpg",
    }
    response = client.post(f"{BASE}/requests.json", fields)
    assert response.status_code == 200
    return json.loads(response.content)[0]  # type: ignore[no-any-return]


SPEC = "open311/georeport-v2-spec-examples"
CASES = [
    # (spec example, our URL, whether the spec's key order is one we can keep exactly)
    ("xml-service-list.xml", "services.xml", False),
    ("json-service-list.json", "services.json", False),
    ("xml-service-definition.xml", "services/litter.xml", True),
    ("json-service-definition.json", "services/litter.json", True),
    ("xml-service-requests.xml", "requests.xml", True),
    ("json-service-requests.json", "requests.json", True),
    ("xml-service-request.xml", "requests/{id}.xml", True),
    ("json-service-request.json", "requests/{id}.json", True),
    ("xml-request-from-token.xml", "tokens/{token}.xml", True),
    ("json-request-from-token.json", "tokens/{token}.json", True),
]


@pytest.mark.parametrize(("example", "url", "ordered"), CASES)
def test_our_answers_have_the_spec_structure(
    reference_data: Path, client: Any, filed: dict[str, Any], example: str, url: str, ordered: bool
) -> None:
    from openingup.reports.models import ServiceRequest

    request = ServiceRequest.objects.get(pk=int(filed["service_request_id"]))
    services.change_status(actor=None, request=request, status="duplicate", note="Duplicate request.")
    response = client.get(f"{BASE}/{url.format(id=request.pk, token=request.token)}")
    assert response.status_code == 200
    _, text = _body(reference_data / SPEC / example)
    if example.endswith(".xml"):
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        spec_root, spec = open311.parse_xml(text.encode("utf-8"))
        our_root, ours = open311.parse_xml(response.content)
        assert our_root == spec_root
    else:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        spec, ours = open311.parse_json(text), json.loads(response.content)
        assert type(ours) is type(spec)  # top-level arrays where the spec has them
    _same_shape(ours, spec, example, ordered)
    if "request" in example and "token" not in example:
        assert (ours[0]["status"], ours[0]["status_notes"]) == ("closed", "Duplicate request.")


@pytest.mark.parametrize("example", ["xml-service-request-post.xml", "json-service-request-post.json"])
def test_post_answer_has_the_spec_structure(
    reference_data: Path, client: Any, litter: Any, api_key: str, example: str
) -> None:
    fmt = example.rsplit(".", 1)[1]
    fields = {"api_key": api_key, "service_code": "litter", **INSIDE, "attribute[size]": "small"}
    response = client.post(f"{BASE}/requests.{fmt}", fields)
    _, text = _body(reference_data / SPEC / example)
    if fmt == "xml":
        spec_root, spec = open311.parse_xml(text.encode("utf-8"))
        our_root, ours = open311.parse_xml(response.content)
        assert our_root == spec_root == "service_requests"
    else:
        spec, ours = open311.parse_json(text), json.loads(response.content)
    assert [list(r) for r in ours] == [list(r) for r in spec]


@pytest.mark.parametrize("example", ["xml-errors.xml.http", "json-errors.json.http"])
def test_error_answer_has_the_spec_structure(
    reference_data: Path, client: Any, litter: Any, example: str
) -> None:
    status, text = _body(reference_data / SPEC / example)
    fmt = "xml" if example.startswith("xml") else "json"
    response = client.post(f"{BASE}/requests.{fmt}", {"api_key": "o311_wrong", "service_code": "litter"})
    assert response.status_code == status == 403
    if fmt == "xml":
        spec_root, spec = open311.parse_xml(text.encode("utf-8"))
        our_root, ours = open311.parse_xml(response.content)
        assert our_root == spec_root
        assert ours == spec  # the very same message, as the spec words it
    else:
        assert json.loads(response.content) == open311.parse_json(text)


def test_empty_requests_answer_matches(reference_data: Path, client: Any, litter: Any) -> None:
    _, text = _body(reference_data / "open311/georeport-v2-xml/service_requests_empty.xml")
    assert open311.parse_xml(client.get(f"{BASE}/requests.xml").content) == open311.parse_xml(text.encode())


def test_updates_have_fixmystreet_structure(reference_data: Path, client: Any, litter: Any) -> None:
    _, text = _body(reference_data / "open311/fixmystreet/servicerequestupdates_extended.xml")
    spec_root, spec = open311.parse_xml(text.encode())
    filing = services.Filing("litter", services.Location(52.29, 4.48), attributes={"size": "small"})
    request = services.file_request(actor=None, filing=filing, now=timezone.now())
    services.change_status(actor=None, request=request, status="in_progress", note="This is a note")
    our_root, ours = open311.parse_xml(client.get(f"{BASE}/servicerequestupdates.xml").content)
    assert our_root == spec_root
    # FixMyStreet's own id of the request (service_request_id_ext) is theirs, not ours to send
    expected = [k for k in spec[0] if k != "service_request_id_ext"]
    assert [k for k in ours[0] if k in expected] == expected


def test_service_definition_escapes_markup_like_fixmystreet(
    reference_data: Path, client: Any, litter: Any
) -> None:
    _, text = _body(reference_data / "open311/fixmystreet/service_definition_attributes.xml")
    _, spec = open311.parse_xml(text.encode())
    description = spec["attributes"][0]["description"]
    assert "<b>" in description  # the payload carries markup as escaped text
    services.define_attribute(
        actor=None, service=litter, code="type", datatype="string", description={"en": description}
    )
    raw = client.get(f"{BASE}/services/litter.xml").content
    assert b"&lt;b&gt;bin&lt;/b&gt;" in raw
    _, ours = open311.parse_xml(raw)
    assert next(a for a in ours["attributes"] if a["code"] == "type")["description"] == description
