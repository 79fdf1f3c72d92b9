"""The platform's own evidence, measured from real rows of the other contexts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.catalogue.models import Dataset, Distribution
from openingup.organisations.models import Organisation
from openingup.quality import services as quality_services
from openingup.readiness import evidence
from openingup.readiness.instruments import INDICATORS, instrument
from openingup.reports.models import Service, ServiceRequest

pytestmark = pytest.mark.django_db
EU = "http://publications.europa.eu/resource/authority/"
TODAY = date(2026, 12, 5)


def test_every_indicator_of_the_format_has_a_provider() -> None:
    assert set(INDICATORS) <= set(evidence.PROVIDERS)


@pytest.mark.parametrize("key", INDICATORS)
def test_nothing_to_measure_is_none_not_zero(org: Organisation, key: str) -> None:
    figure = evidence.indicator(key, org, TODAY)
    if key in ("catalogue.datasets_published", "reports.open311_enabled", "social.channels_in_use"):
        assert figure is not None and figure.value == 0.0  # a count: zero is a real answer
    else:
        assert figure is None


def _dataset(
    org: Organisation, slug: str, licences: list[str], status: str = "published", **extra: Any
) -> Dataset:
    row = Dataset.objects.create(slug=slug, status=status, publisher=org, title={"en": slug}, **extra)
    for i, licence in enumerate(licences):
        Distribution.objects.create(
            dataset=row, position=i, licence=licence, access_url=[f"https://x.example/{i}"]
        )
    return row


def test_catalogue_figures(org: Organisation) -> None:
    _dataset(org, "open", [EU + "licence/CC_BY_4_0"])
    _dataset(org, "mixed", [EU + "licence/CC0", "https://example.org/our-own-licence"])
    _dataset(org, "none", [])
    _dataset(org, "draft", [EU + "licence/CC0"], status="draft")  # not public: not counted
    other = Organisation.objects.create(slug="elders", name={"en": "Elsewhere"})
    _dataset(other, "theirs", [EU + "licence/CC0"])
    published = evidence.indicator("catalogue.datasets_published", org, TODAY)
    assert published is not None and published.value == 3.0 and published.date == "2026-12-05"
    share = evidence.indicator("catalogue.open_licence_share", org, TODAY)
    assert share is not None and share.value == pytest.approx(1 / 3)  # only "open"
    assert "hvd" in share.source
    hvd = evidence.indicator("catalogue.hvd_share", org, TODAY)
    assert hvd is None  # no dataset is marked high-value
    _dataset(org, "hvd", [EU + "licence/CC0"], hvd_categories=[EU + "../hvd/c_dd313021"])
    hvd = evidence.indicator("catalogue.hvd_share", org, TODAY)
    assert hvd is not None and hvd.value == 0.0  # marked, but no API, contact point …


def test_quality_figures(org: Organisation) -> None:
    from openingup.quality.indicators import TOTAL

    a = _dataset(org, "a", [EU + "licence/CC0"])
    b = _dataset(org, "b", [])
    rows = [quality_services.score_dataset(dataset_id=d.pk) for d in (a, b)]
    expected = sum(r.total for r in rows if r) / 2
    average = evidence.indicator("quality.average_score", org, TODAY)
    share = evidence.indicator("quality.average_share", org, TODAY)
    assert average is not None and average.value == pytest.approx(expected)
    assert share is not None and share.value == pytest.approx(expected / TOTAL)


def test_reports_figures(org: Organisation) -> None:
    assert evidence.indicator("reports.open311_enabled", org, TODAY).value == 0.0  # type: ignore[union-attr]
    service = Service.objects.create(code="pothole", name={"en": "Pothole"}, organisation=org, due_days=5)
    assert evidence.indicator("reports.open311_enabled", org, TODAY).value == 1.0  # type: ignore[union-attr]
    now = timezone.make_aware(timezone.datetime(2026, 12, 1, 12))

    def request(n: int, status: str, closed: Any, expected: Any) -> None:
        ServiceRequest.objects.create(
            service=service, status=status, token=f"t{n}", requested_datetime=now - timedelta(days=20),
            updated_datetime=closed, expected_datetime=expected,
        )  # fmt: skip

    request(1, "done", now - timedelta(days=10), now - timedelta(days=5))  # closed in time
    request(2, "done", now - timedelta(days=2), now - timedelta(days=5))  # late
    request(3, "cancelled", now, now + timedelta(days=1))  # in time
    request(4, "done", now - timedelta(days=200), now)  # closed before the 90 days
    request(5, "received", now, now - timedelta(days=5))  # still open
    request(6, "done", now, None)  # no service level
    share = evidence.indicator("reports.within_service_level_share", org, TODAY)
    assert share is not None and share.value == pytest.approx(2 / 3)


def test_answer_for_maps_by_question_type() -> None:
    tiny = instrument("tiny")
    assert evidence.answer_for(tiny.question("q-hours"), 7.5) == 7.5  # type: ignore[arg-type]
    assert evidence.answer_for(tiny.question("q-open311"), 0.5) is True  # type: ignore[arg-type]
    assert evidence.answer_for(tiny.question("q-open311"), 0.49) is False  # type: ignore[arg-type]
    licence = tiny.question("q-licence")
    assert [evidence.answer_for(licence, v) for v in (0, 0.24, 0.25, 0.74, 0.75, 1)] == [  # type: ignore[arg-type]
        "none", "none", "some", "some", "most", "most",
    ]  # fmt: skip
    quality = tiny.question("q-quality")
    assert [evidence.answer_for(quality, v) for v in (0.1, 0.5, 0.95)] == [0, 5, 10]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instrument_id", "prefilled"),
    [
        ("smri", {"context-2": "a"}),  # no channel in use: 0 → step [0, "a"]
        ("losi", {"cont-open-data": False, "serv-open311": False, "part-social": False}),
        ("odm", {"odm-datasets": 0.0}),
    ],
)
def test_prefill_on_the_shipped_instruments_with_real_providers(
    org: Organisation, editor: Any, instrument_id: str, prefilled: dict[str, Any]
) -> None:
    from openingup.readiness import services

    assessment = services.start_assessment(
        actor=editor, organisation=org, instrument_id=instrument_id, year=2026
    )
    answers = services.prefill(actor=editor, assessment=assessment).answers
    assert {k: answers[k]["value"] for k in prefilled} == prefilled
    for key in prefilled:
        record = answers[key]["evidence"]
        assert record["source"] and record["date"] == timezone.localdate().isoformat()
    # nothing measured (no conversations, no scored datasets …): those questions stay open
    assert all(a["evidence"] is not None for a in answers.values())
