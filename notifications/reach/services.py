"""Writes for availability and Web Push subscriptions.

Each is outermost (durable). Availability changes are told to the account's pages
after commit (`availability_changed`), so the queue's roster re-fetches.
"""

import base64
import binascii
from datetime import time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import Availability, AvailabilityStatus, PushSubscription
from notifications.reach.availability import AWAY, Presence, effective_status
from troubleshoot.live.events import account_group, publish_on_commit

AVAILABILITY_CHANGED = {"type": "availability_changed"}
# A tab beats about once a minute while its person is active; closer beats than this
# write nothing (several tabs, one person).
HEARTBEAT_MIN_GAP = timedelta(seconds=30)
ENDPOINT_MAX = 800


@transaction.atomic(durable=True)
def availability_set(*, user, status: str) -> Availability:
    """Say available, busy or away. Choosing counts as being seen active. Raises
    ValidationError for another value."""
    if status not in AvailabilityStatus.values:
        raise ValidationError({"status": "Choose available, busy or away."})
    availability, _ = Availability.objects.update_or_create(
        user_id=user.pk, defaults={"status": status, "last_seen_at": timezone.now()}
    )
    publish_on_commit(account_group(user.account_id), AVAILABILITY_CHANGED)
    return availability


@transaction.atomic(durable=True)
def availability_heartbeat(*, user, now=None) -> bool:
    """A Baton tab saw its person active. Writes at most every HEARTBEAT_MIN_GAP;
    tells the account when this brings them back from a lapse to away. Returns
    whether anything was written."""
    now = now or timezone.now()
    availability = Availability.objects.select_for_update().filter(user_id=user.pk).first()
    if availability is None:
        Availability.objects.create(user_id=user.pk, last_seen_at=now)
        publish_on_commit(account_group(user.account_id), AVAILABILITY_CHANGED)
        return True
    seen = availability.last_seen_at
    if seen is not None and now - seen < HEARTBEAT_MIN_GAP:
        return False
    was = effective_status(_presence(availability, user), now)
    availability.last_seen_at = now
    availability.save(update_fields=["last_seen_at", "updated_at"])
    if was == AWAY and effective_status(_presence(availability, user), now) != AWAY:
        publish_on_commit(account_group(user.account_id), AVAILABILITY_CHANGED)
    return True


def _presence(availability: Availability, user) -> Presence:
    return Presence(
        availability.status,
        availability.last_seen_at,
        availability.work_start,
        availability.work_end,
        availability.work_days,
        user.time_zone or "UTC",
    )


@transaction.atomic(durable=True)
def working_hours_update(
    *, user, start: time | None, end: time | None, days: str = "12345"
) -> Availability:
    """Working hours in the person's own time zone (both times, or neither). Raises
    ValidationError for one time without the other, equal times or unknown days."""
    if (start is None) != (end is None):
        raise ValidationError({"work_end": "Give both a start and an end, or neither."})
    if start is not None and start == end:
        raise ValidationError({"work_end": "The end must differ from the start."})
    days = "".join(sorted(set(days or "")))
    if any(day not in "1234567" for day in days):
        raise ValidationError({"work_days": "Choose days of the week."})
    availability, _ = Availability.objects.update_or_create(
        user_id=user.pk, defaults={"work_start": start, "work_end": end, "work_days": days}
    )
    publish_on_commit(account_group(user.account_id), AVAILABILITY_CHANGED)
    return availability


def _b64url_length(value: str, field: str) -> int:
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({field: "This is not a browser's push key."}) from exc


def _check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    parts = urlsplit(endpoint)
    allowed = {"https", "http"} if settings.BATON_ALLOW_HTTP_WEBHOOKS else {"https"}
    if len(endpoint) > ENDPOINT_MAX or parts.scheme not in allowed or not parts.hostname:
        raise ValidationError({"endpoint": "The browser gave an endpoint Baton cannot use."})
    # An uncompressed P-256 point, and a 16-byte secret (RFC 8291).
    if len(p256dh) > 200 or _b64url_length(p256dh, "p256dh") != 65:
        raise ValidationError({"p256dh": "This is not a browser's push key."})
    if len(auth) > 100 or _b64url_length(auth, "auth") != 16:
        raise ValidationError({"auth": "This is not a browser's push key."})


@transaction.atomic(durable=True)
def push_subscribe(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep one browser's push subscription for this person. The same endpoint again
    (a refreshed key, or another person signing in on that browser) replaces the old
    row: a browser alerts only whoever subscribed it last. Raises ValidationError."""
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    _check_subscription(endpoint, p256dh, auth)
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user_id": user.pk,
            "account_id": user.account_id,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:200],
        },
    )
    return subscription


@transaction.atomic(durable=True)
def push_unsubscribe(*, user, endpoint: str = "", subscription_id: int | None = None) -> int:
    """Forget one of this person's own browsers (by endpoint or id); returns how many
    rows went (0 when it was not theirs). Its pending pushes are then disabled."""
    mine = PushSubscription.objects.filter(user_id=user.pk)
    if subscription_id is not None:
        mine = mine.filter(pk=subscription_id)
    elif endpoint:
        mine = mine.filter(endpoint=endpoint.strip())
    else:
        return 0
    deleted, _ = mine.delete()
    return deleted


@transaction.atomic(durable=True)
def push_subscription_expire(*, subscription_id: int) -> bool:
    """The push service said 404/410: the browser dropped it. Delete the row (its
    other pending pushes are then recorded disabled). Returns whether it existed."""
    deleted, _ = PushSubscription.objects.filter(pk=subscription_id).delete()
    return bool(deleted)
