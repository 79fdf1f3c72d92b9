"""Django admin for background jobs (read-only: progress and results are written by the worker)."""

from django.contrib import admin

from openingup.core.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "name")
    readonly_fields = (
        "name",
        "arguments",
        "status",
        "progress",
        "message",
        "result",
        "created_at",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
