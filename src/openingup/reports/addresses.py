"""The municipality's own address register, for the report form's address search (no outside geocoder).

:func:`load_addresses` reads a CSV export — the columns of the Dutch BAG exports (``openbareruimte``,
``huisnummer``, ``huisletter``, ``huisnummertoevoeging``, ``postcode``, ``woonplaats``, ``lat``,
``lon``) or plain English ones (``street``, ``number``, ``postcode``, ``city``, ``lat``, ``long``),
comma- or semicolon-separated — and replaces the register in one transaction: a file with a bad row
changes nothing. :func:`search_addresses` finds addresses by street and number or by postcode.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.reports import permissions
from openingup.reports.models import Address

# Column name (lower case) → our field, for the exports we know.
COLUMNS = {
    "street": "street",
    "straat": "street",
    "straatnaam": "street",
    "openbareruimte": "street",
    "openbare_ruimte": "street",
    "openbareruimtenaam": "street",
    "number": "number",
    "housenumber": "number",
    "house_number": "number",
    "huisnummer": "number",
    "huisletter": "letter",
    "huisnummertoevoeging": "addition",
    "toevoeging": "addition",
    "addition": "addition",
    "postcode": "postcode",
    "zipcode": "postcode",
    "postal_code": "postcode",
    "city": "city",
    "woonplaats": "city",
    "woonplaatsnaam": "city",
    "place": "city",
    "lat": "lat",
    "latitude": "lat",
    "lon": "long",
    "long": "long",
    "lng": "long",
    "longitude": "long",
    "id": "key",
    "identificatie": "key",
    "nummeraanduiding": "key",
    "object_id": "key",
}
MAX_ROWS = 2_000_000
SEARCH_LIMIT = 10
_POSTCODE = re.compile(r"^\s*(\d{4})\s?([A-Za-z]{2})\b\s*(\S*)")


@dataclass(frozen=True)
class Found:
    id: int
    label: str
    lat: float
    long: float
    key: str


def _header(names: Iterable[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name in names:
        field = COLUMNS.get((name or "").strip().lower().lstrip("\ufeff"))
        if field and field not in mapping.values():
            mapping[name] = field
    missing = [f for f in ("street", "lat", "long") if f not in mapping.values()]
    if missing:
        raise InvalidInput(
            "The address file lacks columns.",
            [FieldProblem("file", f"no column for {', '.join(missing)} (found: {', '.join(names)})")],
        )
    return mapping


def _row(line: int, raw: dict[str, str], mapping: dict[str, str]) -> Address:
    values = {field: (raw.get(name) or "").strip() for name, field in mapping.items()}
    try:
        lat = float(values["lat"].replace(",", "."))
        long = float(values["long"].replace(",", "."))
    except ValueError:
        raise InvalidInput(
            f"Line {line} of the address file has no usable coordinates.",
            [FieldProblem("file", f"line {line}: lat {values['lat']!r}, long {values['long']!r}")],
        ) from None
    if not (math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90 and -180 <= long <= 180):
        raise InvalidInput(
            f"Line {line} of the address file has coordinates outside WGS 84 degrees.",
            [FieldProblem("file", f"line {line}: {lat}, {long} are not degrees (RD coordinates?)")],
        )
    if not values["street"]:
        raise InvalidInput(
            f"Line {line} of the address file has no street.",
            [FieldProblem("file", f"line {line}: no street")],
        )
    number = values.get("number", "") + values.get("letter", "")
    if values.get("addition"):
        number = f"{number}-{values['addition']}"
    return Address(
        key=values.get("key", "")[:100],
        street=values["street"][:200],
        number=number[:20],
        postcode=values.get("postcode", "").replace(" ", "").upper()[:20],
        city=values.get("city", "")[:100],
        lat=lat,
        long=long,
    )


def parse_addresses(text: str) -> list[Address]:
    """The addresses of a CSV text (unsaved); InvalidInput naming the first bad line."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    mapping = _header(reader.fieldnames or [])
    found: list[Address] = []
    for line, raw in enumerate(reader, start=2):
        if len(found) >= MAX_ROWS:
            raise InvalidInput(
                "The address file is too long.", [FieldProblem("file", f"more than {MAX_ROWS:,} rows")]
            )
        if any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            found.append(_row(line, raw, mapping))
    if not found:
        raise InvalidInput("The address file holds no addresses.", [FieldProblem("file", "no rows")])
    return found


def load_addresses(*, actor: Any, text: str) -> int:
    """Replace the address register with the addresses of the CSV ``text``; returns how many.

    ``actor`` None is the command line. Raises PermissionDenied, or InvalidInput with the first bad
    line; the register is then unchanged."""
    if actor is not None and not permissions.can_manage_services(actor):
        raise PermissionDenied("Only site administrators load the address register.")
    rows = parse_addresses(text)
    with transaction.atomic():
        Address.objects.all().delete()
        Address.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def search_addresses(query: str, limit: int = SEARCH_LIMIT) -> list[Found]:
    """Addresses matching ``Street 12``, ``street`` alone, or a postcode (``1234 AB 5``), best first."""
    text = " ".join((query or "").split())[:200]
    if len(text) < 2:
        return []
    postcode = _POSTCODE.match(text)
    if postcode:
        found = Address.objects.filter(postcode=(postcode.group(1) + postcode.group(2)).upper())
        if postcode.group(3):
            found = found.filter(number__istartswith=postcode.group(3))
    else:
        match = re.match(r"^(.*?)\s+(\d+\S*)$", text)
        street, number = (match.group(1), match.group(2)) if match else (text, "")
        found = Address.objects.filter(Q(street__istartswith=street) | Q(street__icontains=f" {street}"))
        if number:
            found = found.filter(number__istartswith=number)
    rows = list(found.order_by("street", "number", "id")[: limit * 5])
    rows.sort(key=lambda a: (a.street, _number_key(a.number)))
    return [Found(a.pk, a.label(), a.lat, a.long, a.key) for a in rows[:limit]]


def _number_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group()) if digits else 0, number)
