"""Who may take and see readiness assessments; named after the services they guard.

An organisation's editors start assessments and answer them, each in their own response; the
coordinator, who consolidates the answers and submits, is the editor who started the assessment (or a
site administrator). Members of any role see the organisation's assessments and results; site
administrators import other instances' benchmark files. The benchmark itself is public open data.
"""

from __future__ import annotations

from typing import Any

from openingup.organisations.models import Membership, Organisation
from openingup.organisations.permissions import is_admin, role_in


def can_start_assessment(user: Any, organisation: Organisation | None) -> bool:
    if is_admin(user):
        return True
    return organisation is not None and role_in(user, organisation) == Membership.Role.EDITOR


can_set_profile = can_start_assessment


def can_view_assessment(user: Any, assessment: Any) -> bool:
    return is_admin(user) or role_in(user, assessment.organisation) is not None


can_view_result = can_view_assessment


def can_answer_assessment(user: Any, assessment: Any) -> bool:
    """Save answers, prefill evidence and upload documents: editors, while the assessment is open."""
    return assessment.status == "open" and can_start_assessment(user, assessment.organisation)


def can_coordinate_assessment(user: Any, assessment: Any) -> bool:
    """Consolidate and submit: the editor who started it, or a site administrator; only while open."""
    if assessment.status != "open":
        return False
    if is_admin(user):
        return True
    return (
        assessment.created_by_id is not None
        and assessment.created_by_id == getattr(user, "pk", None)
        and can_start_assessment(user, assessment.organisation)
    )


can_consolidate_assessment = can_coordinate_assessment
can_submit_assessment = can_coordinate_assessment


def can_import_benchmark(user: Any) -> bool:
    return is_admin(user)


def can_export_results(user: Any, organisation: Organisation) -> bool:
    return is_admin(user) or role_in(user, organisation) is not None
