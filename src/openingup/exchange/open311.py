"""Open311 GeoReport v2 on the wire: XML and JSON writers and readers, no persistence.

Documents are plain Python values in the shapes the specification shows: a list of records for
``services``, ``service_requests``, ``errors`` and FixMyStreet's ``service_requests_updates``, one record
for ``service_definition`` and ``discovery``. The writers keep the key order given; in XML every list
is wrapped in an element named for it with one child per item (``attributes`` → ``attribute``), text is
escaped by the XML serialiser (characters XML cannot carry are dropped), ``None`` becomes an empty
element and booleans ``true``/``false``. JSON is UTF-8 with ``<``, ``>`` and ``&`` written as ``\\u``
escapes, so a document never turns into markup.

The readers turn any GeoReport v2 payload (ours or another city's) back into the same shapes; they
accept the spec's own JSON examples, whose codes carry leading zeros (``001``), as strings.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# A list under this name is written as one child element of this name per item.
ITEM_OF: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "errors": "error",
    "service_requests_updates": "request_update",
    "groups": "group",
}
# The spec's older examples put <attribute> straight under <service_definition>, without a wrapper.
_LIST_OF_ITEM = {"attribute": "attributes", "request": "service_requests"}


# Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEM_OF.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Any) -> bytes:
    """The document as UTF-8 XML under the element ``root``, with the XML declaration."""
    element = ET.Element(root)
    _fill(element, document)
    return (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


_MARKUP = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def to_json(document: Any) -> bytes:
    """The document as UTF-8 JSON; markup characters escaped so no browser reads it as HTML."""
    return json.dumps(document, ensure_ascii=False).translate(_MARKUP).encode("utf-8")


def render(fmt: str, root: str, document: Any) -> tuple[bytes, str]:
    """``(body, content type)`` of the document in ``fmt`` (``xml`` or ``json``)."""
    if fmt == "json":
        return to_json(document), JSON_CONTENT_TYPE
    return to_xml(root, document), XML_CONTENT_TYPE


def errors(problems: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """The spec's error document: one ``{code, description}`` per problem."""
    return [{"code": code, "description": description} for code, description in problems]


# ---------------------------------------------------------------- reading


class Open311ParseError(ValueError):
    """The payload is not XML or JSON of a GeoReport v2 shape."""


def _read(element: Any) -> Any:
    children = list(element)
    if element.tag in ITEM_OF:
        return [_read(child) for child in children]
    if not children:
        return element.text or ""
    counts = Counter(child.tag for child in children)
    record: dict[str, Any] = {}
    for child in children:
        value = _read(child)
        plural = _LIST_OF_ITEM.get(child.tag)
        if plural is not None:
            record.setdefault(plural, []).append(value)
        elif counts[child.tag] > 1:
            record.setdefault(child.tag, []).append(value)
        else:
            record[child.tag] = value
    return record


def parse_xml(payload: bytes | str) -> tuple[str, Any]:
    """``(root element name, document)`` of an XML payload; lists come back as lists, leaves as text."""
    try:
        root = SafeET.fromstring(payload.strip())
    except Exception as exc:  # defusedxml raises ParseError and its own refusals (entities, DTDs)
        raise Open311ParseError(f"not well-formed XML: {exc}") from exc
    return root.tag, _read(root)


_LEADING_ZERO = re.compile(r"(?<=[:\[,])(\s*)(-?0\d+)(?=\s*[,}\]])")


def parse_json(payload: bytes | str) -> Any:
    """A JSON payload; numbers written with leading zeros (the spec's ``"service_code":001``) are read
    as the strings they were meant to be."""
    text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return json.loads(_LEADING_ZERO.sub(r'\1"\2"', text))
    except json.JSONDecodeError as exc:
        raise Open311ParseError(f"not JSON: {exc}") from exc
