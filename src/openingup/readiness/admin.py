"""Admin views: profiles are editable; assessments, responses, results and benchmark entries are read
only (the services write them, and a submitted result is never rewritten)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openingup.readiness.models import (
    Assessment,
    BenchmarkEntry,
    EvidenceFile,
    ReadinessProfile,
    Response,
    Result,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReadinessProfile)
class ReadinessProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "country", "population", "updated_at")
    list_filter = ("country",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("organisation", "instrument_id", "instrument_version", "year", "status", "submitted_at")
    list_filter = ("instrument_id", "status", "year")
    search_fields = ("organisation__slug",)


@admin.register(Response)
class ResponseAdmin(ReadOnly):
    list_display = ("assessment", "respondent", "completed", "updated_at")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnly):
    list_display = ("assessment", "question_key", "name", "uploaded_at")


@admin.register(Result)
class ResultAdmin(ReadOnly):
    list_display = ("assessment", "instrument_id", "instrument_version", "overall", "level", "computed_at")
    list_filter = ("instrument_id", "level")


@admin.register(BenchmarkEntry)
class BenchmarkEntryAdmin(ReadOnly):
    list_display = ("origin", "instrument_id", "year", "country", "size_band", "overall")
    list_filter = ("instrument_id", "origin", "country", "size_band", "year")
