"""The address register: loaded from BAG-style and plain CSV exports, replaced whole or not at all."""

from __future__ import annotations

import pytest

from openingup.core.errors import InvalidInput
from openingup.reports.addresses import load_addresses, search_addresses
from openingup.reports.demo.addresses import load_demo_addresses
from openingup.reports.models import Address

pytestmark = pytest.mark.django_db

BAG = """openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;identificatie;lon;lat
Havenstraat;1;;;2291 AB;Noordwijkerhaven;0001200000000001;4,47321;52,29612
Havenstraat;12;a;;2291AC;Noordwijkerhaven;0001200000000002;4.47468;52.29702
Havenstraat;2;;bis;2291AB;Noordwijkerhaven;0001200000000003;4.47330;52.29620
Kerkplein;4;;;2291BA;Noordwijkerhaven;0001200000000004;4.47836;52.29441
"""


def test_a_bag_export_loads_with_letters_additions_and_decimal_commas() -> None:
    assert load_addresses(actor=None, text=BAG) == 4

    first = Address.objects.get(key="0001200000000001")
    assert (first.street, first.number, first.postcode, first.lat, first.long) == (
        "Havenstraat",
        "1",
        "2291AB",
        52.29612,
        4.47321,
    )
    assert set(Address.objects.values_list("number", flat=True)) == {"1", "12a", "2-bis", "4"}


@pytest.mark.parametrize(
    ("query", "labels"),
    [
        ("havenstr", ["Havenstraat 1", "Havenstraat 2-bis", "Havenstraat 12a"]),
        ("Havenstraat 12", ["Havenstraat 12a"]),
        ("2291 AB", ["Havenstraat 1", "Havenstraat 2-bis"]),
        ("2291ab 2", ["Havenstraat 2-bis"]),
        ("kerkplein", ["Kerkplein 4"]),
        ("Nowhere Lane", []),
        ("k", []),
    ],
)
def test_search_by_street_number_or_postcode(query: str, labels: list[str]) -> None:
    load_addresses(actor=None, text=BAG)

    found = search_addresses(query)

    assert [f.label.split(",")[0] for f in found] == labels


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("street,number\nA,1\n", "no column for lat, long"),
        ("street,lat,long\nA,52.1,4.4\nB,north,4.4\n", "line 3"),
        ("street,lat,long\nA,155000,463000\n", "RD coordinates"),
        ("street,lat,long\n,52.1,4.4\n", "no street"),
        ("street,lat,long\n", "no rows"),
    ],
)
def test_a_bad_file_changes_nothing(text: str, problem: str) -> None:
    load_addresses(actor=None, text=BAG)

    with pytest.raises(InvalidInput) as caught:
        load_addresses(actor=None, text=text)

    assert problem in str(caught.value)
    assert Address.objects.count() == 4


def test_the_demo_register_loads_once() -> None:
    first = load_demo_addresses()

    assert first["loaded"] is True and first["addresses"] > 10
    assert load_demo_addresses() == {"loaded": False, "addresses": 0}
    assert search_addresses("Kerkplein 2")[0].label == "Kerkplein 2, 2291BA Noordwijkerhaven"
