"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"BASE_URL": settings.BASE_URL, "UI_LANGUAGES": settings.LANGUAGES}
