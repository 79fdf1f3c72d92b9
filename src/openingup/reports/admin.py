"""Django admin for reports (API key digests are never shown; personal data is read-only)."""

from django.contrib import admin

from openingup.reports.models import (
    ApiKey,
    Jurisdiction,
    Reporter,
    RequestUpdate,
    RoutingRule,
    Service,
    ServiceAttribute,
    ServiceRequest,
)


class AttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "group", "type", "department", "due_days", "active")
    list_filter = ("type", "active", "group")
    search_fields = ("code", "name", "group")
    inlines = (AttributeInline,)


class UpdateInline(admin.TabularInline):
    model = RequestUpdate
    extra = 0
    readonly_fields = ("status", "previous_status", "description", "internal", "actor", "created_at")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "service", "status", "department", "requested_datetime", "expected_datetime")
    list_filter = ("status", "service")
    search_fields = ("id", "description", "address_string")
    readonly_fields = ("status", "token", "api_key", "requested_datetime", "updated_datetime")
    inlines = (UpdateInline,)


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    list_display = ("request", "anonymised_at")
    readonly_fields = ("request", "email", "device_id", "account_id", "first_name", "last_name", "phone")


admin.site.register(Jurisdiction)
admin.site.register(RoutingRule)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "scope", "created_by", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at")


# ------------------------------------------------------------------ reporter feedback, address register

from openingup.reports.models import Address, Follower, MessageTemplate, OutboxMessage, Satisfaction  # noqa: E402


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "language", "subject", "updated_at")
    list_filter = ("event", "language")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "event", "attempts", "next_attempt_at", "created_at", "sent_at")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ("retry",)

    @admin.action(description="Send the selected failed messages again")
    def retry(self, request: object, queryset: object) -> None:
        from openingup.reports.outbox import retry_failed

        for message in queryset.filter(status=OutboxMessage.Status.FAILED):  # type: ignore[attr-defined]
            retry_failed(message=message)


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ("request", "is_reporter", "language", "created_at")
    readonly_fields = ("request", "email", "language", "is_reporter", "token", "created_at")


@admin.register(Satisfaction)
class SatisfactionAdmin(admin.ModelAdmin):
    list_display = ("request", "asked_at", "answered_at", "satisfied")
    list_filter = ("satisfied",)
    readonly_fields = ("request", "token", "asked_at", "answered_at", "satisfied", "comment")


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("street", "number", "postcode", "city", "lat", "long")
    search_fields = ("street", "postcode", "key")


# ------------------------------------------------------------------------------------- the back office

from django import forms  # noqa: E402

from openingup.reports import canned, workflow  # noqa: E402
from openingup.reports.models import CannedReply  # noqa: E402


class CannedReplyForm(forms.ModelForm):
    """The admin's form checks what the back office's service checks: placeholders and the state."""

    class Meta:
        model = CannedReply
        fields = ("title", "service", "status", "language", "body")

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        unknown = canned.unknown_placeholders(body)
        if unknown:
            raise forms.ValidationError("Unknown placeholders: " + ", ".join("{" + n + "}" for n in unknown))
        return body

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        if status and status not in workflow.BY_KEY:
            raise forms.ValidationError(f"Not a workflow state; one of {', '.join(workflow.BY_KEY)}.")
        return status


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    form = CannedReplyForm
    list_display = ("title", "service", "status", "language", "updated_at")
    list_filter = ("language", "status", "service")
    search_fields = ("title", "body")
