from django.contrib import admin

from openingup.social.inbox.models import (
    BusinessHours,
    CannedReply,
    InboxAction,
    InboxItem,
    InboxNote,
    ResponseTarget,
    SavedView,
)
from openingup.social.models import Channel, Conversation, Message, MessageRevision


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "handle", "organisation", "active", "last_polled_at")
    list_filter = ("kind", "active")
    exclude = ("credentials",)  # encrypted; set through the service (CLI or channel page)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("external_id", "channel", "kind", "direction", "language", "sentiment", "created_at")
    list_filter = ("kind", "direction", "language", "sentiment")
    search_fields = ("text", "author_handle")
    readonly_fields = ("raw", "content_hash")


admin.site.register(Conversation)
admin.site.register(MessageRevision)


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ("conversation", "channel", "state", "team", "assignee", "last_incoming_at")
    list_filter = ("state", "channel")
    raw_id_fields = ("conversation", "last_incoming", "service_request")


admin.site.register(InboxAction)
admin.site.register(InboxNote)
admin.site.register(CannedReply)
admin.site.register(SavedView)
admin.site.register(ResponseTarget)
admin.site.register(BusinessHours)


from openingup.social.archive.models import ArchiveEntry  # noqa: E402
from openingup.social.publishing.models import AnnouncementRule, Post  # noqa: E402


@admin.register(AnnouncementRule)
class AnnouncementRuleAdmin(admin.ModelAdmin):
    list_display = ("event", "organisation", "enabled", "auto_approve")
    list_filter = ("event", "enabled")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read only: posts change through the publishing services (approval by a second person)."""

    list_display = ("__str__", "status", "author", "approver", "scheduled_at", "published_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(admin.ModelAdmin):
    """Read only: the archive is append-only."""

    list_display = ("sequence", "kind", "channel_name", "external_id", "occurred_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
