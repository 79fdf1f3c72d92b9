"""Quality pages: dataset details and twins, the publisher dashboard (members only), catalogue, HVD."""

from __future__ import annotations

import json
from typing import Any

from openingup.organisations.models import Membership, Organisation
from openingup.quality import services

HVD_CATEGORY = "http://data.europa.eu/bna/c_dd313021"


def test_dataset_page_shows_the_panel_and_the_details_page_the_fixes(build: Any, client: Any) -> None:
    dataset = build(dataset={"keywords": {}})
    services.score_dataset(dataset_id=dataset.pk)
    page = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "375 of 405 points: Excellent." in page and f"/datasets/{dataset.slug}/quality/" in page
    details = client.get(f"/datasets/{dataset.slug}/quality/").content.decode()
    assert "Add keywords, so that people find the dataset" in details
    assert "dcat:keyword is not given." in details


def test_details_are_computed_when_missing_and_translated(build: Any, client: Any) -> None:
    dataset = build(distributions=[{"licence": None}])
    page = client.get(f"/datasets/{dataset.slug}/quality/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Metadatakwaliteit" in page


def test_json_twin(build: Any, client: Any) -> None:
    dataset = build(distributions=[{"format": None}])
    response = client.get(f"/datasets/{dataset.slug}/quality.json")
    body = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert body["total"] == 385 and body["band"] == "excellent"
    assert body["fixes"] == [
        {"key": "format", "gain": 20, "fix": "Give the file format of the distribution."}
    ]
    assert len(body["indicators"]) == 23


def test_drafts_of_others_stay_hidden(build: Any, client: Any) -> None:
    dataset = build(status="draft")
    assert client.get(f"/datasets/{dataset.slug}/quality/").status_code == 404
    assert client.get(f"/datasets/{dataset.slug}/quality.ttl").status_code == 404


def test_dashboard_is_for_members(build: Any, client: Any, org: Organisation, user: Any) -> None:
    build()
    build(dataset={"hvd_categories": [HVD_CATEGORY]}, status="draft")
    services.score_all()
    assert client.get("/organisations/noord/quality/").status_code == 403
    assert "/organisations/noord/quality/" not in client.get("/organisations/noord/").content.decode()
    client.force_login(user)
    assert client.get("/organisations/noord/quality/").status_code == 403
    Membership.objects.create(user=user, organisation=org, role="viewer")
    assert "/organisations/noord/quality/" in client.get("/organisations/noord/").content.decode()
    page = client.get("/organisations/noord/quality/").content.decode()
    assert "Average score 405 of 405 (Excellent) over 2 scored datasets." in page
    assert "<svg" in page and "Datasets per quality band" in page
    body = json.loads(client.get("/organisations/noord/quality.json").content)
    assert body["bands"]["excellent"] == 2 and len(body["hvd"]) == 1
    assert body["hvd"][0]["requirements"]["api"]["met"] is False


def test_catalogue_and_hvd_pages(build: Any, client: Any) -> None:
    build(dataset={"hvd_categories": [HVD_CATEGORY]})
    services.score_all()
    assert "Metadata quality of the catalogue" in client.get("/quality/").content.decode()
    assert json.loads(client.get("/quality/catalogue.json").content)["average"] == 405
    hvd_page = client.get("/quality/hvd/").content.decode()
    assert "No published data service serves this dataset." in hvd_page
    reports = json.loads(client.get("/quality/hvd.json").content)
    assert reports[0]["compliant"] is False
    jsonld = client.get("/quality/catalogue.jsonld")
    assert jsonld["Content-Type"] == "application/ld+json"
    assert json.loads(b"".join(jsonld.streaming_content))
