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
