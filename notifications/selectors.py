"""Reads for the bell, preferences and account settings, always scoped to one user/account."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from notifications.models import (
    PSA_OP_LABELS,
    Channel,
    Delivery,
    DeliveryStatus,
    EmailPreference,
    Integration,
    Notification,
    NotificationPreference,
)

PANEL_SIZE = 20
PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 50


def unread_count_for_user(user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def latest_notifications_for_user(user, *, limit: int = PANEL_SIZE) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")[:limit]
    )


def notifications_page_for_user(user, page_number):
    paginator = Paginator(
        Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id"), PAGE_SIZE
    )
    return paginator.get_page(page_number)


def notifications_for_user(user, *, unread_only: bool = False):
    """The user's bell, newest first (id breaks ties: stable pages)."""
    mine = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    return mine.filter(read_at__isnull=True) if unread_only else mine


def get_notification_for_user(user, notification_id) -> Notification:
    """Someone else's notification is a 404: ids reveal nothing."""
    return get_object_or_404(Notification, pk=notification_id, recipient_id=user.pk)


def email_preference_for_user(user) -> str:
    pref = NotificationPreference.objects.filter(user_id=user.pk).values_list("email", flat=True)
    return pref.first() or EmailPreference.ALL


def integrations_for_account(account_id: int) -> dict[str, Integration]:
    """{slot: integration} for the account's slack, teams and psa slots."""
    return {i.slot: i for i in Integration.objects.filter(account_id=account_id)}


def get_integration_for_account(account_id: int, slot: str) -> Integration:
    return get_object_or_404(Integration, account_id=account_id, slot=slot)


def deliveries_page_for_account(account_id: int, *, status: str = "", channel: str = "", page=1):
    deliveries = Delivery.objects.filter(account_id=account_id).select_related("recipient")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    if channel in Channel.values:
        deliveries = deliveries.filter(channel=channel)
    return Paginator(deliveries.order_by("-created_at", "-id"), DELIVERIES_PAGE_SIZE).get_page(page)


def delivery_counts_for_account(account_id: int) -> dict[str, int]:
    from django.db.models import Count

    rows = Delivery.objects.filter(account_id=account_id).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def webhooks_for_account(account_id: int):
    from notifications.models import Webhook

    return Webhook.objects.filter(account_id=account_id).order_by("created_at", "id")


def get_webhook_for_account(account_id: int, webhook_id):
    from notifications.models import Webhook

    return get_object_or_404(Webhook, pk=webhook_id, account_id=account_id)


def psa_writes_for_session(*, account_id: int, session_id: int) -> list[Delivery]:
    """What Baton wrote (or is writing) to the session's PSA ticket: the escalation
    notes and the write-back on resolve, oldest first. One query."""
    rows = list(
        Delivery.objects.filter(
            account_id=account_id, channel=Channel.PSA, payload__session_id=session_id
        )
        .select_related("integration")
        .order_by("created_at", "id")[:50]
    )
    for row in rows:
        payload = row.payload or {}
        op = payload.get("op") or "note"
        if op == "note":  # escalation notes (notify.py) carry the event's kind
            row.op_label = "Escalation note" if "kind" in payload else "Resolution note"
        else:
            row.op_label = PSA_OP_LABELS.get(op, op)
    return rows
