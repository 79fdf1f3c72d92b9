"""MQA scores equal hand computations from the published table (data.europa.eu methodology).

Each row builds a dataset with exactly known properties and states, from the table, which indicators
fail and what the total and band are: 405 points in all; Excellent ≥ 351, Good ≥ 221, Sufficient ≥ 121.
"""

from __future__ import annotations

from typing import Any

import pytest

from openingup.quality import services
from openingup.quality.indicators import INDICATORS, MAXIMUM, TOTAL
from openingup.quality.scoring import band_of
from tests.quality.conftest import CSV_URL, EU, IANA

OTHER_URL = "https://files.example.org/trees.pdf"


def test_the_table_is_the_published_one() -> None:
    assert MAXIMUM == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }
    assert TOTAL == 405
    assert {i.key: i.points for i in INDICATORS} == {
        "keywords": 30, "themes": 30, "spatial": 20, "temporal": 20,
        "access_url_status": 50, "download_url": 20, "download_url_status": 30,
        "format": 20, "media_type": 10, "format_vocabulary": 10, "non_proprietary": 20,
        "machine_readable": 20, "dcat_ap_compliance": 30,
        "licence": 20, "known_licence": 10, "access_rights": 10, "access_rights_vocabulary": 5,
        "contact_point": 20, "publisher": 10,
        "rights": 5, "byte_size": 5, "issued": 5, "modified": 5,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("total", "band"),
    [(405, "excellent"), (351, "excellent"), (350, "good"), (221, "good"), (220, "sufficient"),
     (121, "sufficient"), (120, "bad"), (0, "bad")],
)  # fmt: skip
def test_bands(total: int, band: str) -> None:
    assert band_of(total) == band


CASES: list[tuple[str, dict[str, Any], set[str], int, str]] = [
    ("everything", {}, set(), 405, "excellent"),
    # 405 − keywords 30 − themes 30
    ("no keywords or themes", {"dataset": {"keywords": {}, "themes": []}}, {"keywords", "themes"}, 345,
     "good"),
    # 405 − spatial 20 − temporal 20
    ("no area or period", {"dataset": {"spatial": [], "temporal": []}}, {"spatial", "temporal"}, 365,
     "excellent"),
    # PDF is neither non-proprietary (20) nor machine-readable (20) in the EU file-type table
    (
        "PDF",
        {"distributions": [{"format": EU + "file-type/PDF", "media_type": IANA + "application/pdf"}]},
        {"non_proprietary", "machine_readable"},
        365,
        "excellent",
    ),
    # XLSX is machine-readable but proprietary: − 20
    (
        "XLSX",
        {"distributions": [{"format": EU + "file-type/XLSX"}]},
        {"non_proprietary"},
        385,
        "excellent",
    ),
    # no dct:format − 20; media type text/csv still tells CSV (non-proprietary, machine-readable)
    ("media type only", {"distributions": [{"format": None}]}, {"format"}, 385, "excellent"),
    # a broken access URL − 50; no download URL − 20 − its status 30
    (
        "broken access URL, no download URL",
        {"distributions": [{"download_url": None}], "links": {CSV_URL: 404}},
        {"access_url_status", "download_url", "download_url_status"},
        305,
        "good",
    ),
    # never checked: both status indicators fail (50 + 30)
    ("links not checked yet", {"links": {}}, {"access_url_status", "download_url_status"}, 325, "good"),
    # a redirect target that was refused, or a timeout: no status, a failed check
    (
        "unreachable",
        {"links": {CSV_URL: "refused: private address"}},
        {"access_url_status", "download_url_status"},
        325,
        "good",
    ),
    ("licence not in the EU list", {"distributions": [{"licence": "https://example.org/our-licence"}]},
     {"known_licence"}, 395, "excellent"),
    # no licence: − 20 and − 10 (a missing licence is not a known one)
    ("no licence", {"distributions": [{"licence": None}]}, {"licence", "known_licence"}, 375, "excellent"),
    # the platform's DCAT-AP 3 shapes also require the EU access-right vocabulary: − 5 − 30
    ("access rights outside the vocabulary", {"dataset": {"access_rights": "https://example.org/rights/open"}},
     {"access_rights_vocabulary", "dcat_ap_compliance"}, 370, "excellent"),
    ("no access rights", {"dataset": {"access_rights": None}}, {"access_rights", "access_rights_vocabulary"},
     390, "excellent"),
    ("no contact point, no publisher", {"dataset": {"contact_points": []}, "publisher": False},
     {"contact_point", "publisher"}, 375, "excellent"),
    ("no rights, no size", {"distributions": [{"rights": None, "byte_size": None}]}, {"rights", "byte_size"},
     395, "excellent"),
    # dates on the distribution count when the dataset has none
    ("dates on the distribution only",
     {"dataset": {"issued": None, "modified": None},
      "distributions": [{"issued": "2024-01-01", "modified": "2024-03-01"}]}, set(), 405, "excellent"),
    ("no dates at all", {"dataset": {"issued": None, "modified": None}}, {"issued", "modified"}, 395,
     "excellent"),
    # without a title the dataset violates DCAT-AP 3 (dct:title is mandatory): − 30
    ("DCAT-AP violation", {"dataset": {"title": {}}}, {"dcat_ap_compliance"}, 375, "excellent"),
    # no distribution: every distribution indicator fails (50+20+30+20+10+10+20+20+20+10+5+5 = 220)
    (
        "no distribution",
        {"distributions": []},
        {"access_url_status", "download_url", "download_url_status", "format", "media_type",
         "format_vocabulary", "non_proprietary", "machine_readable", "licence", "known_licence", "rights",
         "byte_size"},
        185,
        "sufficient",
    ),
    # the best distribution counts, not the best of each indicator: A has the download URL (140 points),
    # B the format and media type (170); B wins, so the download indicators (20 + 30) are lost
    (
        "best distribution",
        {
            "distributions": [
                {"format": None, "media_type": None},
                {"download_url": None, "access_url": [OTHER_URL]},
            ],
            "links": {CSV_URL: 200, OTHER_URL: 200},
        },
        {"download_url", "download_url_status"},
        355,
        "excellent",
    ),
    # little more than a title: 30 (DCAT-AP) + 5 + 5 (dates) + 20 (a known access URL answering)
    (
        "bare",
        {
            "dataset": {"keywords": {}, "themes": [], "spatial": [], "temporal": [], "access_rights": None,
                        "contact_points": []},
            "publisher": False,
            "distributions": [{"download_url": None, "format": None, "media_type": None, "licence": None,
                               "rights": None, "byte_size": None}],
            "links": {CSV_URL: 200},
        },
        {"keywords", "themes", "spatial", "temporal", "download_url", "download_url_status", "format",
         "media_type", "format_vocabulary", "non_proprietary", "machine_readable", "licence", "known_licence",
         "access_rights", "access_rights_vocabulary", "contact_point", "publisher", "rights", "byte_size"},
        90,
        "bad",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "spec", "failed", "total", "band"), CASES, ids=[c[0] for c in CASES])
def test_scores_equal_hand_computations(
    build: Any, name: str, spec: dict[str, Any], failed: set[str], total: int, band: str
) -> None:
    dataset = build(**spec)
    row = services.score_dataset(dataset_id=dataset.pk)
    assert row is not None
    by_key = {m["key"]: m for m in row.measurements}
    assert {k for k, m in by_key.items() if not m["passed"]} == failed
    for indicator in INDICATORS:
        expected = 0 if indicator.key in failed else indicator.points
        assert by_key[indicator.key]["points"] == expected, indicator.key
    assert row.total == total
    assert row.band == band
    assert (
        row.findability + row.accessibility + row.interoperability + row.reusability + row.contextuality
        == total
    )
