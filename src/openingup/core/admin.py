"""Django admin for background jobs (read-only: progress and results are written by the worker)."""

from django.contrib import admin

from openingup.core.models import Job, PeriodicRun


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


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    """The scheduler writes these rows; an administrator may move a next run (intervals are settings)."""

    list_display = ("name", "last_run_at", "next_run_at", "last_error")
    # next_run_at stays editable: set it to now and the job runs at the next tick.
    readonly_fields = ("name", "last_run_at", "last_job_id", "last_error")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
