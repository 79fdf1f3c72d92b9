"""Who may do what in reports; each check is named after the service it guards."""

from __future__ import annotations

from typing import Any

from openingup.organisations import permissions as organisations
from openingup.organisations.models import Membership
from openingup.reports.models import ServiceRequest


def can_manage_api_keys(user: Any) -> bool:
    return organisations.is_admin(user)


def can_manage_services(user: Any) -> bool:
    return organisations.is_admin(user)


def can_change_request(user: Any, request: ServiceRequest) -> bool:
    """Administrators, the assignee, and editors of the request's department (or its parents)."""
    if organisations.is_admin(user):
        return True
    if request.assignee_id is not None and getattr(user, "pk", None) == request.assignee_id:
        return True
    return organisations.role_in(user, request.department) == Membership.Role.EDITOR


can_change_status = can_change_request
can_add_note = can_change_request
