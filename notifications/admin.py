"""Django admin: the ledger with a Retry action; integrations without their secrets."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from notifications.models import (
    Availability,
    Delivery,
    DeliveryStatus,
    Integration,
    Notification,
    NotificationPreference,
    PushSubscription,
    Webhook,
)
from notifications.services.queueing import enqueue_deliveries_on_commit
from notifications.templatetags.notifications_tags import masked


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "account", "kind", "created_at", "read_at"]
    list_filter = ["kind", "account"]
    search_fields = ["title", "recipient__email"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.action(description="Retry the selected deliveries (not ones already sent)")
def retry_deliveries(modeladmin, request, queryset):
    # The platform operator's version of the Deliveries page's Retry button: rows
    # already sent or being sent are left alone, so nothing goes out twice.
    with transaction.atomic(durable=True):
        ids = list(
            queryset.exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.SENDING]).values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, updated_at=now
        )
        enqueue_deliveries_on_commit(ids)
    messages.success(request, f"Queued {len(ids)} deliveries again.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "channel", "target", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "account"]
    search_fields = ["target", "subject", "dedupe_key", "external_id"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = [retry_deliveries]

    def has_add_permission(self, request):
        return False  # rows come from events, never typed in


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["account", "kind", "enabled", "disabled_reason", "updated_at"]
    list_filter = ["kind", "enabled"]
    # Secrets are edited on the account's settings page; here they show masked only.
    exclude = ["secrets"]
    readonly_fields = ["masked_secret", "disabled_at"]

    @admin.display(description="Secret")
    def masked_secret(self, obj):
        return masked(obj.primary_secret) if obj else ""


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "desktop", "push", "alerts_only_when_available"]
    list_filter = ["email", "desktop", "push"]
    raw_id_fields = ["user"]


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "last_seen_at", "work_start", "work_end", "work_days"]
    list_filter = ["status"]
    raw_id_fields = ["user"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    # The endpoint and keys address one person's browser: listed, never edited here.
    list_display = ["user", "account", "user_agent", "created_at"]
    raw_id_fields = ["user", "account"]
    readonly_fields = ["endpoint", "p256dh", "auth"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Outgoing webhooks, without their signing secrets."""

    list_display = ["pk", "account", "url", "enabled", "disabled_reason", "created_at"]
    list_filter = ["enabled", "account"]
    search_fields = ["url", "description"]
    exclude = ["secret"]
    readonly_fields = ["account", "created_by", "disabled_at"]
