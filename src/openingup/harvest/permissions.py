"""Who may manage harvest sources: site administrators, and editors of the source's organisation.

A source without an organisation publishes under whatever the remote records say, so only site
administrators may add, run or remove one.
"""

from __future__ import annotations

from typing import Any

from openingup.organisations import permissions
from openingup.organisations.models import Organisation


def can_add_harvest_source(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return permissions.is_admin(user)
    return permissions.can_create_dataset(user, organisation)


def can_manage_harvest_source(user: Any, source: Any) -> bool:
    return can_add_harvest_source(user, source.organisation)


can_run_harvest = can_manage_harvest_source
can_delete_harvest_source = can_manage_harvest_source
can_view_harvest_source = can_manage_harvest_source


def may_harvest_at_all(user: Any) -> bool:
    """Whether the harvesting pages are of use to this person (an editor of some organisation)."""
    return bool(permissions.editable_organisations(user))
