"""Who may start, answer, coordinate, see and import: editors answer, the starter coordinates."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from openingup.core.errors import PermissionDenied
from openingup.organisations.models import Organisation
from openingup.readiness import permissions, services
from openingup.readiness.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(editor: Any, org: Organisation) -> Assessment:
    return services.start_assessment(actor=editor, organisation=org, instrument_id="tiny", year=2026)


def test_permission_table(
    assessment: Assessment,
    editor: Any,
    editor2: Any,
    viewer: Any,
    user: Any,
    admin_user_: Any,
    org: Organisation,
) -> None:
    people = {"starter": editor, "editor": editor2, "viewer": viewer, "outsider": user, "admin": admin_user_,
              "anonymous": AnonymousUser()}  # fmt: skip
    table = {
        # who:         start  answer coordinate view   import
        "starter": (True, True, True, True, False),
        "editor": (True, True, False, True, False),
        "viewer": (False, False, False, True, False),
        "outsider": (False, False, False, False, False),
        "admin": (True, True, True, True, True),
        "anonymous": (False, False, False, False, False),
    }
    for who, expected in table.items():
        person = people[who]
        found = (
            permissions.can_start_assessment(person, org),
            permissions.can_answer_assessment(person, assessment),
            permissions.can_coordinate_assessment(person, assessment),
            permissions.can_view_assessment(person, assessment),
            permissions.can_import_benchmark(person),
        )
        assert found == expected, who


def test_services_refuse_who_may_not(
    assessment: Assessment, editor2: Any, viewer: Any, org: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        services.save_answers(actor=viewer, assessment=assessment, answers={"q-single": {"value": "a"}})
    with pytest.raises(PermissionDenied):
        services.prefill(actor=viewer, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.consolidate(actor=editor2, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.submit(actor=editor2, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.set_profile(actor=viewer, organisation=org, country="NL", population=1)
    with pytest.raises(PermissionDenied):
        services.import_benchmark(actor=editor2, payload=b"{}", origin="https://other.example")
    with pytest.raises(PermissionDenied):
        services.start_assessment(actor=viewer, organisation=org, instrument_id="tiny", year=2025)


def test_nothing_can_be_answered_or_coordinated_once_submitted(
    assessment: Assessment, editor: Any, admin_user_: Any
) -> None:
    services.submit(actor=admin_user_, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    for person in (editor, admin_user_):
        assert not permissions.can_answer_assessment(person, assessment)
        assert not permissions.can_coordinate_assessment(person, assessment)
        assert permissions.can_view_result(person, assessment)
