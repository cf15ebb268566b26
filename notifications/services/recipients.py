"""Who an escalation reaches, read in one query, and the Web Push rows for them."""

from typing import NamedTuple

from notifications.models import (
    AlertPreference,
    AvailabilityStatus,
    Channel,
    Delivery,
    EmailPreference,
)
from notifications.reach.availability import Presence, effective_status


class Recipient(NamedTuple):
    """What notifying one person needs. Read as plain values: with hundreds of
    engineers in an account, full User and preference rows cost more than the rest of
    the escalation request (measured in bench/)."""

    pk: int
    email: str
    display_name: str
    email_choice: str
    time_zone: str  # theirs, else the account's default: emails state times in it
    push_choice: str = AlertPreference.ALL
    alerts_only_when_available: bool = False
    presence: Presence = Presence()
    push_subscription_ids: tuple = ()

    @property
    def available(self) -> bool:
        return effective_status(self.presence) == AvailabilityStatus.AVAILABLE


def recipients_of(users) -> list[Recipient]:
    """One query however many people: preferences, availability and push
    subscriptions are joined in (a row per subscription, folded here)."""
    rows = users.values_list(
        "pk",
        "email",
        "display_name",
        "notification_preference__email",
        "time_zone",
        "account__time_zone",
        "notification_preference__push",
        "notification_preference__alerts_only_when_available",
        "availability__status",
        "availability__last_seen_at",
        "availability__work_start",
        "availability__work_end",
        "availability__work_days",
        "push_subscriptions__id",
    ).order_by("pk")
    people: dict[int, Recipient] = {}
    for row in rows:
        pk, email, name, choice, own_zone, account_zone, push, only_available = row[:8]
        status, seen, start, end, days, subscription_id = row[8:]
        if pk in people:
            known = people[pk]
            people[pk] = known._replace(
                push_subscription_ids=(*known.push_subscription_ids, subscription_id)
            )
            continue
        zone = own_zone or account_zone
        people[pk] = Recipient(
            pk,
            email,
            name,
            choice or EmailPreference.ALL,
            zone,
            push or AlertPreference.ALL,
            bool(only_available),
            Presence(status, seen, start, end, days if days is not None else "12345", zone),
            (subscription_id,) if subscription_id is not None else (),
        )
    return list(people.values())


def push_deliveries(
    *,
    account_id: int,
    event_key: str,
    recipients: list[Recipient],
    notifications: dict,
    target_user_id: int | None,
    url: str,
) -> list[Delivery]:
    """A Web Push per subscribed browser of each person whose preferences want this
    alert (every escalation, or only those sent to them; only while available when
    they asked so). The message is the bell line; the service worker shows it."""
    rows = []
    for user in recipients:
        if not user.push_subscription_ids or user.pk not in notifications:
            continue
        wanted = user.push_choice == AlertPreference.ALL or (
            user.push_choice == AlertPreference.TARGETED and user.pk == target_user_id
        )
        if not wanted or (user.alerts_only_when_available and not user.available):
            continue
        notification = notifications[user.pk]
        payload = {
            "title": notification.title,
            "body": notification.body[:300],
            "url": url,
            "tag": event_key,
        }
        rows += [
            Delivery(
                account_id=account_id,
                channel=Channel.PUSH,
                target=str(subscription_id),
                recipient_id=user.pk,
                notification=notification,
                push_subscription_id=subscription_id,
                subject=notification.title,
                payload=payload,
                dedupe_key=f"{event_key}:push:{subscription_id}"[:255],
            )
            for subscription_id in user.push_subscription_ids
        ]
    return rows
