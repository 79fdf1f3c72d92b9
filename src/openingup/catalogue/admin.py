"""Django admin for the catalogue: browsing and history; edits belong in the editor pages and API,
which run validation and SHACL checks through the services."""

from django.contrib import admin

from openingup.catalogue.models import Catalogue, Change, DataService, Dataset, DatasetSeries, Distribution


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("slug", "status", "publisher", "updated_at")
    list_filter = ("status", "publisher")
    search_fields = ("slug", "title", "uri")


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ("id", "dataset", "format", "byte_size")
    search_fields = ("dataset__slug",)


@admin.register(DataService, DatasetSeries, Catalogue)
class OtherAdmin(ReadOnlyAdmin):
    pass


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "resource_type", "resource_id", "action", "actor")
    list_filter = ("resource_type", "action")
