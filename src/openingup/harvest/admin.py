"""Django admin for harvesting: browsing sources, jobs and records (read-only; changes go through the
harvest pages and ``openingup harvest``, which use the services)."""

from django.contrib import admin

from openingup.catalogue.admin import ReadOnlyAdmin
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(ReadOnlyAdmin):
    list_display = ("url", "type", "organisation", "frequency", "active", "last_run_at")
    list_filter = ("type", "frequency", "active")


@admin.register(HarvestJob)
class HarvestJobAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "status",
        "created_at",
        "created",
        "updated",
        "unchanged",
        "withdrawn",
        "failed",
    )
    list_filter = ("status",)


@admin.register(HarvestRecord)
class HarvestRecordAdmin(ReadOnlyAdmin):
    list_display = ("remote_id", "source", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("remote_id",)
