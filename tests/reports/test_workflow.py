"""The status workflow: the table itself, and services moving requests only along it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations import services as organisations
from openingup.reports import services, workflow
from openingup.reports.models import RequestUpdate, ServiceRequest
from tests.conftest import PASSWORD


def test_every_state_is_mapped_and_every_transition_names_known_states() -> None:
    assert {s.open311 for s in workflow.STATES} == {"open", "closed"}
    assert set(workflow.TRANSITIONS) == set(workflow.BY_KEY)
    for source, targets in workflow.TRANSITIONS.items():
        assert source not in targets
        assert set(targets) <= set(workflow.BY_KEY), source
    for required in ("received", "in_progress", "scheduled", "on_hold", "done", "cancelled", "reopened"):
        assert required in workflow.BY_KEY
    assert {"forwarded", "duplicate"} <= set(workflow.BY_KEY)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("received", "in_progress", True),
        ("in_progress", "scheduled", True),
        ("scheduled", "done", True),
        ("done", "reopened", True),
        ("reopened", "in_progress", True),
        ("received", "reopened", False),
        ("done", "in_progress", False),
        ("cancelled", "done", False),
        ("split", "received", False),
    ],
)
def test_transition_table(source: str, target: str, allowed: bool) -> None:
    assert workflow.can_move(source, target) is allowed


@pytest.mark.parametrize(
    ("key", "open311", "fixmystreet"),
    [
        ("received", "open", "open"),
        ("in_progress", "open", "in_progress"),
        ("scheduled", "open", "action_scheduled"),
        ("done", "closed", "fixed"),
        ("duplicate", "closed", "duplicate"),
        ("forwarded", "closed", "internal_referral"),
        ("not_responsible", "closed", "not_councils_responsibility"),
        ("cancelled", "closed", "no_further_action"),
    ],
)
def test_mapping_to_open311_and_fixmystreet(key: str, open311: str, fixmystreet: str) -> None:
    assert workflow.open311_status(key) == open311
    assert workflow.fixmystreet_status(key) == fixmystreet


def _request(service: Any) -> ServiceRequest:
    filing = services.Filing("litter", services.Location(52.29, 4.48), attributes={"size": "small"})
    return services.file_request(actor=None, filing=filing, now=timezone.now())


def test_services_move_only_along_the_table(litter: Any) -> None:
    request = _request(litter)
    services.change_status(actor=None, request=request, status="in_progress")
    services.change_status(actor=None, request=request, status="done", note="Cleaned")
    with pytest.raises(InvalidInput) as refused:
        services.change_status(actor=None, request=request, status="scheduled")
    assert "cannot go from done to scheduled" in refused.value.message
    request.refresh_from_db()
    assert request.status == "done" and request.status_notes == "Cleaned"
    assert [u.status for u in RequestUpdate.objects.filter(request=request)] == ["in_progress", "done"]
    with pytest.raises(InvalidInput):
        services.change_status(actor=None, request=request, status="finished")


def test_only_the_department_editors_change_status(
    litter: Any, roads: Any, parks: Any, admin_user: Any
) -> None:
    request = _request(litter)
    road_worker = organisations.create_user(username="rosa", password=PASSWORD)
    organisations.add_member(actor=admin_user, organisation=roads, user=road_worker, role="editor")
    gardener = organisations.create_user(username="gus", password=PASSWORD)
    organisations.add_member(actor=admin_user, organisation=parks, user=gardener, role="editor")
    with pytest.raises(PermissionDenied):
        services.change_status(actor=gardener, request=request, status="in_progress")
    update = services.change_status(actor=road_worker, request=request, status="in_progress")
    assert update.actor == road_worker
