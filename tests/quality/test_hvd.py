"""HVD compliance: open licence, API, bulk download, documentation, contact point — yes or no, with why."""

from __future__ import annotations

from typing import Any

from openingup.catalogue.models import DataService, Dataset
from openingup.catalogue.records import dataset_uri
from openingup.quality import hvd

HVD_CATEGORY = "http://data.europa.eu/bna/c_dd313021"


def test_a_compliant_hvd_dataset(build: Any) -> None:
    dataset = build(dataset={"hvd_categories": [HVD_CATEGORY], "landing_page": ["https://example.org/trees"]})
    service = DataService.objects.create(
        slug="tree-api", title={"en": "Tree API"}, status="published", serves_dataset=[dataset_uri(dataset)]
    )
    report = hvd.report(dataset, list(dataset.distributions.all()), [service])
    assert report.compliant, report.as_json()
    assert report.as_json()["requirements"]["api"]["reason"] == "Served by the data service Tree API."


def test_each_missing_requirement_is_named(build: Any) -> None:
    dataset = build(
        dataset={"hvd_categories": [HVD_CATEGORY], "contact_points": []},
        distributions=[{"licence": "http://publications.europa.eu/resource/authority/licence/CC_BYNC_4_0",
                        "download_url": None}],
    )  # fmt: skip
    report = hvd.report(dataset, list(dataset.distributions.all()), [])
    met = {r.key: r.met for r in report.requirements}
    assert met == {
        "open_licence": False, "api": False, "bulk_download": False, "documentation": False,
        "contact_point": False,
    }  # fmt: skip
    assert "CC_BYNC_4_0" in report.requirements[0].reason


def test_only_hvd_datasets_are_reported(build: Any) -> None:
    build()
    tagged = build(dataset={"hvd_categories": [HVD_CATEGORY]})
    reports = hvd.reports(Dataset.objects.all(), [])
    assert [r.dataset.pk for r in reports] == [tagged.pk]
