"""Read-only admin views of scores and link checks (derived data: the services recompute them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openingup.quality.models import LinkCheck, QualityScore


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QualityScore)
class QualityScoreAdmin(ReadOnly):
    list_display = ("dataset", "total", "band", "computed_at")
    list_filter = ("band",)
    search_fields = ("dataset__slug",)


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnly):
    list_display = ("url", "status_code", "ok", "checked_at")
    list_filter = ("ok",)
    search_fields = ("url",)
