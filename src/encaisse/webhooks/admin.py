"""Webhooks in the Django admin, for the IT person; the pages under /integrations/webhooks/
are where subscriptions are made (their URL is checked there) and deliveries replayed."""

from django.contrib import admin

from encaisse.webhooks.models import Delivery, DeliveryAttempt, Event, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_by", "created_at", "updated_at", "stopped_because"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "key", "uid"]
    list_filter = ["name"]
    search_fields = ["key", "uid"]
    readonly_fields = ["uid", "name", "key", "payload", "created_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["round", "number", "started_at", "duration_ms", "status_code", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "replays",
    ]
    list_filter = ["status", "event__name", "subscription"]
    list_select_related = ["event", "subscription"]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
