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


# ------------------------------------------------------------------------------------- the back office


def queue_organisation_ids(user: Any) -> set[Any] | None:
    """The departments whose work queues ``user`` sees: ``None`` for administrators (all of them),
    else the organisations the user is a member of, with their descendants (empty: no queue)."""
    if organisations.is_admin(user):
        return None
    return organisations.visible_organisation_ids(user)


def can_view_office(user: Any) -> bool:
    """Administrators, members of any organisation (a member without requests sees an empty queue) and
    whoever has requests assigned."""
    found = queue_organisation_ids(user)
    if found is None or found:
        return True
    return (
        bool(getattr(user, "is_authenticated", False))
        and ServiceRequest.objects.filter(assignee=user).exists()
    )


def can_view_request(user: Any, request: ServiceRequest) -> bool:
    """The back office's view of a request, with the reporter's contact data: administrators, the
    assignee, and members of any role of its department (or its parents)."""
    if can_change_request(user, request):
        return True
    return organisations.role_in(user, request.department) is not None


can_assign_request = can_change_request
can_mark_duplicate = can_change_request
can_split_request = can_change_request


def can_manage_canned_replies(user: Any) -> bool:
    """Administrators and editors of any organisation."""
    return organisations.is_admin(user) or bool(organisations.editable_organisations(user))


# ---------------------------------------------------------------- routing rules and categories' settings


def can_manage_routing_rules(user: Any) -> bool:
    """Routing rules decide where every department's requests go: site administrators only."""
    return organisations.is_admin(user)
