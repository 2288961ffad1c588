"""Webhooks in the back office: endpoints and deliveries, read-only (the organisations manage their endpoints in
their portal). Secrets are never shown; an event's data (it may quote a message) only to superusers."""

from django.contrib import admin

from common.admin_helpers import ReadOnlyAdminMixin
from webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["url", "organisation", "status", "consecutive_failures", "created_at", "created_by"]
    list_filter = ["is_active", "portal", "created_at"]
    search_fields = ["url", "organisation__name", "organisation__siren"]
    list_select_related = ["organisation", "created_by"]
    show_full_result_count = False
    fields = [
        "organisation",
        "portal",
        "url",
        "description",
        "events",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "failing_since",
        "created_by",
        "created_at",
        "deleted_at",
    ]

    @admin.display(description="état")
    def status(self, endpoint):
        return endpoint.status_label


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "event_type", "endpoint", "status", "attempts", "last_status_code", "delivered_at"]
    list_filter = ["status", "event__type", "created_at"]
    search_fields = ["=event__event_id", "endpoint__url", "endpoint__organisation__name"]
    list_select_related = ["event", "endpoint"]
    show_full_result_count = False
    fields = [
        "endpoint",
        "event_type",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "last_response",
        "delivered_at",
        "created_at",
        "payload",
    ]
    readonly_fields = ["event_type", "event_id", "payload"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [field for field in fields if field != "payload"]

    @admin.display(description="événement")
    def event_type(self, delivery):
        return delivery.event.get_type_display()

    @admin.display(description="identifiant de l'événement")
    def event_id(self, delivery):
        return delivery.event.event_id

    @admin.display(description="données envoyées")
    def payload(self, delivery):
        return delivery.event.payload
