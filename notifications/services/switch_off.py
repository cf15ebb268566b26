"""Turning a sender off after a permanent error: an integration or an outgoing webhook."""

from django.db.models import QuerySet
from django.utils import timezone

from notifications.models import DeliveryStatus
from notifications.services.notify import notify_user
from troubleshoot.models import User


def switch_off_and_tell_admins(
    row,
    *,
    reason: str,
    pending: QuerySet,
    error_prefix: str,
    title: str,
    kind: str,
    body: str,
    link: str,
) -> bool:
    """Inside the caller's transaction, with `row` locked: mark it off, turn its pending
    deliveries `disabled` (they would fail the same way) and ring every admin and owner.
    Returns False when it was off already, so concurrent failures tell the admins once."""
    if row is None or not row.enabled:
        return False
    now = timezone.now()
    row.enabled = False
    row.disabled_reason = reason[:300]
    row.disabled_at = now
    row.save(update_fields=["enabled", "disabled_reason", "disabled_at", "updated_at"])
    pending.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DISABLED,
        updated_at=now,
        last_error=f"{error_prefix}: {reason}"[:2000],
    )
    admins = User.objects.members_of(row.account_id).admins_or_above()
    for admin_id in admins.values_list("pk", flat=True):
        notify_user(
            account_id=row.account_id,
            recipient_id=admin_id,
            kind=kind,
            title=f"{title}: {reason}",
            body=body,
            link=link,
        )
    return True
