"""Writes behind the bell: mark read, mark all read, email preference."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import (
    AlertPreference,
    EmailPreference,
    Notification,
    NotificationPreference,
)
from troubleshoot.live.events import publish_on_commit, user_group

NOTIFICATIONS_READ = {"type": "notifications_read"}


@transaction.atomic(durable=True)
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (reading twice changes nothing).

    Raises Notification.DoesNotExist for someone else's notification. Tells the
    user's other tabs after commit so their badges drop too.
    """
    notification = Notification.objects.get(pk=notification_id, recipient_id=user.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        publish_on_commit(user_group(user.pk), NOTIFICATIONS_READ)
    return notification


@transaction.atomic(durable=True)
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    count = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        publish_on_commit(user_group(user.pk), NOTIFICATIONS_READ)
    return count


@transaction.atomic(durable=True)
def preference_update(
    *,
    user,
    email: str,
    desktop: str | None = None,
    push: str | None = None,
    alerts_only_when_available: bool | None = None,
) -> NotificationPreference:
    """Which escalations reach this user by email, desktop alert and Web Push (each:
    every escalation, only those sent to them, none), and whether desktop and push
    alerts wait for them to be available. None leaves a setting as it is. Raises
    ValidationError for a bad choice."""
    if email not in EmailPreference.values:
        raise ValidationError({"email": "Choose one of the listed options."})
    defaults = {"email": email}
    for field, value in (("desktop", desktop), ("push", push)):
        if value is None:
            continue
        if value not in AlertPreference.values:
            raise ValidationError({field: "Choose one of the listed options."})
        defaults[field] = value
    if alerts_only_when_available is not None:
        defaults["alerts_only_when_available"] = bool(alerts_only_when_available)
    preference, _ = NotificationPreference.objects.update_or_create(
        user_id=user.pk, defaults=defaults
    )
    return preference
