"""Who may see what of the quality context; each check is named after what it guards."""

from __future__ import annotations

from typing import Any

from openingup.organisations import permissions
from openingup.organisations.models import Organisation


def can_view_quality_dashboard(user: Any, organisation: Organisation) -> bool:
    """Administrators and members of the organisation (or of a parent): drafts show up there."""
    return permissions.is_admin(user) or permissions.role_in(user, organisation) is not None
