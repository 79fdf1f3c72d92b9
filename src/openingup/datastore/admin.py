"""Django admin for the datastore: browsing table versions, their reports and timings (read-only; data
changes go through uploads and the data dictionary pages, which run the ingest)."""

from django.contrib import admin

from openingup.catalogue.admin import ReadOnlyAdmin
from openingup.datastore.models import Table


@admin.register(Table)
class TableAdmin(ReadOnlyAdmin):
    list_display = ("distribution", "version", "status", "backend", "row_count", "text_index", "created_at")
    list_filter = ("status", "backend", "text_index")
    search_fields = ("distribution__dataset__slug", "source_name")
