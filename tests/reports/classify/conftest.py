"""Fixtures for classification: a request filed through the services, and a fresh seed classifier."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.reports import services
from openingup.reports.models import Service, ServiceRequest


@pytest.fixture
def file(litter: Service, pothole: Service) -> Any:
    """Files a request with a description under a service (litter needs its required answer)."""

    def filing(code: str, description: str) -> ServiceRequest:
        answers: dict[str, str | list[str]] = {"size": "small"} if code == "litter" else {}
        return services.file_request(
            actor=None,
            filing=services.Filing(
                service_code=code,
                location=services.Location(lat=52.29, long=4.48),
                description=description,
                attributes=answers,
            ),
        )

    return filing
