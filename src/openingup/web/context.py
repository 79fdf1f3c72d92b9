"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from openingup.catalogue import queries
from openingup.organisations import permissions
from openingup.reports import permissions as reports
from openingup.web.presentation import pick


def site(request: HttpRequest) -> dict[str, Any]:
    """``SITE_NAME`` (the catalogue's title in the active language) and ``CAN_CREATE`` for the header."""
    user = getattr(request, "user", None)
    return {
        "BASE_URL": settings.BASE_URL,
        "UI_LANGUAGES": settings.LANGUAGES,
        "SITE_NAME": SimpleLazyObject(lambda: str(pick(queries.catalogue().title))),
        "CAN_CREATE": SimpleLazyObject(lambda: bool(permissions.editable_organisations(user))),
        "CAN_USE_OFFICE": SimpleLazyObject(lambda: _can_use_office(user)),
    }


def _can_use_office(user: Any) -> bool:
    """Whether the header links to the reports back office (staff of any organisation)."""
    return bool(getattr(user, "is_authenticated", False)) and reports.can_view_office(user)
