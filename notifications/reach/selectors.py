"""Reads for availability, desktop alerts and push subscriptions, scoped to one
person or one account."""

from dataclasses import dataclass

from notifications.models import (
    AlertPreference,
    Availability,
    AvailabilityStatus,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from notifications.reach.availability import AVAILABLE, Presence, effective_status
from troubleshoot.models import User

STATUS_ORDER = {AvailabilityStatus.AVAILABLE: 0, AvailabilityStatus.BUSY: 1}


def presence_for_user(user) -> Presence:
    row = Availability.objects.filter(user_id=user.pk).first()
    zone = user.time_zone or "UTC"
    if row is None:
        return Presence(time_zone=zone)
    return Presence(row.status, row.last_seen_at, row.work_start, row.work_end, row.work_days, zone)


def availability_for_user(user) -> dict:
    """What they chose (available when never set) and what it amounts to now."""
    row = Availability.objects.filter(user_id=user.pk).first()
    presence = presence_for_user(user) if row else Presence(time_zone=user.time_zone or "UTC")
    return {
        "chosen": row.status if row else AvailabilityStatus.AVAILABLE,
        "now": effective_status(presence),
        "row": row,
    }


@dataclass(frozen=True)
class RosterLine:
    user_id: int
    display_name: str
    status: str

    @property
    def label(self) -> str:
        return AvailabilityStatus(self.status).label


def roster_for_account(account_id: int) -> list[RosterLine]:
    """The account's engineers, admins and owners with their availability now:
    available first, then busy, then away; by name within each. One query."""
    rows = (
        User.objects.members_of(account_id)
        .engineers_or_above()
        .values_list(
            "pk",
            "display_name",
            "time_zone",
            "account__time_zone",
            "availability__status",
            "availability__last_seen_at",
            "availability__work_start",
            "availability__work_end",
            "availability__work_days",
        )
    )
    lines = []
    for pk, name, own_zone, account_zone, status, seen, start, end, days in rows:
        presence = Presence(
            status,
            seen,
            start,
            end,
            days if days is not None else "12345",
            own_zone or account_zone,
        )
        lines.append(RosterLine(pk, name, effective_status(presence)))
    return sorted(lines, key=lambda line: (STATUS_ORDER.get(line.status, 2), line.display_name))


def alert_preferences_for_user(user) -> dict:
    row = (
        NotificationPreference.objects.filter(user_id=user.pk)
        .values("email", "desktop", "push", "alerts_only_when_available")
        .first()
    )
    return row or {
        "email": "all",
        "desktop": AlertPreference.ALL,
        "push": AlertPreference.ALL,
        "alerts_only_when_available": False,
    }


def desktop_alert_for_user(user, event_key: str) -> dict | None:
    """The desktop alert this person should see for one event, or None: their bell
    line for it (so the title is the bell's), filtered by their desktop preference
    and, when they asked so, their availability."""
    notification = (
        Notification.objects.filter(recipient_id=user.pk, event_key=event_key)
        .only("title", "body", "link", "targeted", "event_key")
        .first()
    )
    if notification is None:
        return None
    preferences = alert_preferences_for_user(user)
    choice = preferences["desktop"]
    if choice == AlertPreference.NONE or (
        choice == AlertPreference.TARGETED and not notification.targeted
    ):
        return None
    if (
        preferences["alerts_only_when_available"]
        and effective_status(presence_for_user(user)) != AVAILABLE
    ):
        return None
    return {
        "title": notification.title,
        "body": notification.body[:300],
        "link": notification.link,
        "tag": notification.event_key,
    }


def push_subscriptions_for_user(user) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user_id=user.pk).order_by("created_at", "id"))
