"""Fixtures for reports: a municipality with a department, its jurisdiction (a box around a made-up
town), services with a question of every Open311 datatype, and an API key — all made through the
services, as the shells make them."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import services
from openingup.reports.models import Service

BBOX = (4.44, 52.27, 4.52, 52.32)
INSIDE = {"lat": "52.29", "long": "4.48"}


@pytest.fixture
def municipality(db: None) -> Organisation:
    return organisations.create_organisation(
        actor=None, name={"en": "Example Town"}, kind="municipality", slug="example", email="city@example.org"
    )


@pytest.fixture
def roads(municipality: Organisation) -> Organisation:
    return organisations.create_organisation(
        actor=None, name={"en": "Roads"}, kind="department", slug="roads", parent=municipality
    )


@pytest.fixture
def parks(municipality: Organisation) -> Organisation:
    return organisations.create_organisation(
        actor=None, name={"en": "Parks"}, kind="department", slug="parks", parent=municipality
    )


@pytest.fixture
def jurisdiction(municipality: Organisation) -> Any:
    return services.set_jurisdiction(
        actor=None, code="example", organisation=municipality, bbox=BBOX, contact="311@example.org"
    )


@pytest.fixture
def litter(municipality: Organisation, roads: Organisation, jurisdiction: Any) -> Service:
    service = services.create_service(
        actor=None,
        code="litter",
        name={"en": "Litter", "nl": "Zwerfafval"},
        description={"en": "Litter in the street."},
        organisation=municipality,
        group="sanitation",
        keywords=["waste", "rubbish"],
        department=roads,
        service_notice={"en": "Cleaned within two working days."},
        due_days=2,
    )
    questions: list[dict[str, Any]] = [
        {"code": "where", "datatype": "string", "description": {"en": "Where exactly?"}},
        {"code": "bags", "datatype": "number", "description": {"en": "How many bags?"}},
        {"code": "seen_at", "datatype": "datetime", "description": {"en": "When?"}},
        {"code": "details", "datatype": "text", "description": {"en": "Details"}},
        {
            "code": "size",
            "datatype": "singlevaluelist",
            "required": True,
            "description": {"en": "How big?"},
            "values": [{"key": "small", "name": {"en": "Small"}}, {"key": "large", "name": {"en": "Large"}}],
        },
        {
            "code": "kind",
            "datatype": "multivaluelist",
            "description": {"en": "What kind?"},
            "values": [
                {"key": "glass", "name": {"en": "Glass"}},
                {"key": "paper", "name": {"en": "Paper"}},
                {"key": "bulky", "name": {"en": "Bulky"}},
            ],
        },
    ]
    for question in questions:
        services.define_attribute(actor=None, service=service, **question)
    return service


@pytest.fixture
def pothole(municipality: Organisation, roads: Organisation, jurisdiction: Any) -> Service:
    return services.create_service(
        actor=None,
        code="pothole",
        name={"en": "Pothole"},
        organisation=municipality,
        group="street",
        department=roads,
    )


@pytest.fixture
def api_key(db: None) -> str:
    _, secret = services.create_api_key(actor=None, name="test client")
    return secret


# ------------------------------------------------------------- the reporting app and reporter feedback


@pytest.fixture
def sent_jobs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Outbox deliveries are recorded instead of handed to the background worker; tests deliver with
    ``outbox.deliver_due()`` in their own thread (their transaction never commits)."""
    from types import SimpleNamespace

    jobs: list[str] = []
    monkeypatch.setattr(
        "openingup.reports.outbox.tasks", SimpleNamespace(enqueue=lambda name, **kw: jobs.append(name))
    )
    return jobs


@pytest.fixture
def mail_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BASE_URL = "https://city.example"
    return settings
