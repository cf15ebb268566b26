"""Who hears about an event, and on which channels.

These functions are called inside the caller's transaction (handoffs escalate inside
their own durable atomic block), so they are deliberately not durable: they write
bell rows and Delivery rows in that transaction and register after-commit work. If
the caller rolls back, nothing was sent and nothing is left behind.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from notifications.models import (
    PSA_KINDS,
    Channel,
    Delivery,
    EmailPreference,
    Integration,
    IntegrationKind,
    Notification,
)
from notifications.services.queueing import enqueue_deliveries_on_commit
from notifications.services.recipients import Recipient, push_deliveries, recipients_of
from notifications.titles import escalation_title, truncate
from troubleshoot.accounts.links import absolute_url
from troubleshoot.live.events import account_group, publish_on_commit, user_group
from troubleshoot.models import User

KIND_ESCALATION = "escalation"
KIND_REESCALATION = "reescalation"
KIND_UNCLAIMED = "escalation_unclaimed"
NOTIFICATION_CREATED = {"type": "notification_created"}
BODY_LIMIT = 2000


def local_path(link: str) -> str:
    """Accept only a path on this site: a bell link must never send anyone elsewhere."""
    link = (link or "").strip()
    if not link:
        return ""
    if not link.startswith("/") or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        raise ValidationError(f"Notification links must be local paths, not {link[:60]!r}.")
    return link


def _insert_new(model, rows: list) -> bool:
    """Insert rows the caller knows are new, ids filled in by the same statement.

    False (nothing written) where the database cannot return ids from a bulk insert:
    the caller then takes the checked path.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        return False
    model.objects.bulk_create(rows)
    return True


def create_notifications_once(
    rows: list[Notification], event_key: str, *, new_event: bool = False
) -> dict[int, Notification]:
    """Insert bell rows once per (recipient, event); return {recipient_id: row} and mark new.

    Rows already present for this event are left alone, so a retried caller does not
    ring anyone twice. `_is_new` tells which recipients get a live push. new_event:
    the key names a row created in the caller's transaction, so no row can exist yet
    and the two checking reads are skipped.
    """
    if new_event and _insert_new(Notification, rows):
        for notification in rows:
            notification._is_new = True
        return {n.recipient_id: n for n in rows}
    recipient_ids = [n.recipient_id for n in rows]
    existing = set(
        Notification.objects.filter(
            event_key=event_key, recipient_id__in=recipient_ids
        ).values_list("recipient_id", flat=True)
    )
    Notification.objects.bulk_create(
        [n for n in rows if n.recipient_id not in existing], ignore_conflicts=True
    )
    saved = Notification.objects.filter(event_key=event_key, recipient_id__in=recipient_ids)
    by_recipient = {n.recipient_id: n for n in saved}
    for recipient_id, notification in by_recipient.items():
        notification._is_new = recipient_id not in existing
    return by_recipient


def create_deliveries_once(rows: list[Delivery], *, new_event: bool = False) -> list[int]:
    """Insert the outbox rows not already there (dedupe_key); queue the new ones on commit.

    Returns the ids of every delivery of this batch, old and new, so calling twice
    answers the same. new_event: as for create_notifications_once.
    """
    if new_event and _insert_new(Delivery, rows):
        ids = [d.pk for d in rows]
        emails = [d.pk for d in rows if d.channel == Channel.EMAIL]
        enqueue_deliveries_on_commit(ids, email_ids=emails)
        return ids
    keys = [d.dedupe_key for d in rows]
    existing = set(
        Delivery.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    Delivery.objects.bulk_create(
        [d for d in rows if d.dedupe_key not in existing], ignore_conflicts=True
    )
    saved = dict(Delivery.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", "id"))
    emails = [
        saved[d.dedupe_key] for d in rows if d.channel == Channel.EMAIL and d.dedupe_key in saved
    ]
    enqueue_deliveries_on_commit(
        [saved[k] for k in keys if k not in existing and k in saved], email_ids=emails
    )
    return [saved[k] for k in keys if k in saved]


def push_bells_on_commit(notifications, *, account_id: int) -> None:
    """Tell the new recipients' bells, after commit.

    Escalation and ladder recipients are all engineers or above, and every one of them
    listens on the account's group: one publish there replaces one per person (with
    500 seniors that is 500 publishes, about 150 ms, off the escalation's commit). An
    engineer who got nothing merely re-fetches an unchanged badge.
    """
    new = [n for n in notifications if getattr(n, "_is_new", True)]
    if len(new) > 1:
        publish_on_commit(account_group(account_id), NOTIFICATION_CREATED)
        return
    for notification in new:
        publish_on_commit(user_group(notification.recipient_id), NOTIFICATION_CREATED)


def chat_and_psa_deliveries(
    *, account_id: int, event_key: str, facts: dict, psa_ticket: str, documentation: str | None
) -> list[Delivery]:
    """Slack and Teams posts for the account, and a PSA note when asked and possible."""
    rows = []
    for integration in Integration.objects.filter(account_id=account_id, enabled=True):
        if integration.kind in (IntegrationKind.SLACK, IntegrationKind.TEAMS):
            channel, target, payload = integration.kind, str(integration.pk), facts
        elif integration.kind in PSA_KINDS and documentation is not None and psa_ticket:
            channel, target = Channel.PSA, psa_ticket
            payload = {**facts, "note": documentation, "ticket": psa_ticket}
        else:
            continue
        rows.append(
            Delivery(
                account_id=account_id,
                channel=channel,
                target=target,
                integration=integration,
                subject=facts["title"],
                payload=payload,
                dedupe_key=f"{event_key}:{channel}:{target}"[:255],
            )
        )
    return rows


def email_delivery(
    *, account_id: int, event_key: str, user: Recipient, notification: Notification, facts: dict
) -> Delivery:
    return Delivery(
        account_id=account_id,
        channel=Channel.EMAIL,
        target=user.email,
        recipient_id=user.pk,
        notification=notification,
        subject=notification.title,
        payload={
            **facts,
            "title": notification.title,
            "recipient_name": user.display_name,
            "time_zone": user.time_zone,
        },
        dedupe_key=f"{event_key}:email:{user.email}"[:255],
    )


@transaction.atomic(savepoint=False)
def notify_escalation(
    *,
    account_id: int,
    event_key: str,
    requester_id: int,
    requester_name: str,
    target_user_id: int | None,
    session_id: int,
    problem_summary: str,
    psa_ticket: str,
    priority: str,
    link_path: str,
    documentation: str,
    reason: str = "escalated",
    new_event: bool = False,
    live_push: bool = True,
    more_deliveries: list[Delivery] = (),
) -> list[int]:
    """Tell the account's engineers about an escalation, on every channel they use.

    Bell rows for every active engineer/admin/owner except the requester; an email
    per recipient whose preference allows it ("targeted" means only when
    target_user_id is them); a Slack and a Teams post when configured and enabled; a
    PSA internal note carrying `documentation` when there is a ticket and a PSA; a Web
    Push per subscribed browser of those whose push preference wants it.
    After commit: a `notification_created` push to each new recipient and one send
    task per new delivery. Idempotent per event_key. new_event=True when event_key
    names a row the caller created in this transaction (no row for it can exist yet:
    two reads fewer). live_push=False when the caller's own after-commit event reaches
    the account group marked `"rings_bell": true` (baton.js turns that into the bell's
    re-fetch): one socket message per watcher instead of two. more_deliveries: the
    caller's other outbox rows for this event (its webhook calls), inserted with these
    in one statement. Returns the Delivery ids. Raises ValidationError for a link_path
    that is not a local path.
    """
    link = local_path(link_path)
    reescalated = reason == "reescalated"
    recipients = recipients_of(
        User.objects.members_of(account_id).engineers_or_above().exclude(pk=requester_id)
    )
    target_name = next((u.display_name for u in recipients if u.pk == target_user_id), "")
    title_args = {
        "requester_name": requester_name,
        "psa_ticket": psa_ticket,
        "problem_summary": problem_summary,
        "reescalated": reescalated,
    }
    facts = {
        "kind": KIND_REESCALATION if reescalated else KIND_ESCALATION,
        "title": escalation_title(**title_args),
        "summary": problem_summary[:BODY_LIMIT],
        "requester_name": requester_name,
        "target_name": target_name,
        "priority": priority,
        "psa_ticket": psa_ticket,
        "session_id": session_id,
        "url": absolute_url(link),
        "at": timezone.now().isoformat(),  # UTC; each email shows it in its reader's zone
    }
    # Two titles at most, built once: with hundreds of recipients, building one per
    # row was a measurable part of the escalation request.
    title_for_you = escalation_title(**title_args, for_you=True) if target_user_id else ""
    notifications = create_notifications_once(
        [
            Notification(
                recipient_id=user.pk,
                account_id=account_id,
                kind=facts["kind"],
                title=title_for_you if user.pk == target_user_id else facts["title"],
                body=facts["summary"],
                link=link,
                event_key=event_key,
                targeted=user.pk == target_user_id,
            )
            for user in recipients
        ],
        event_key,
        new_event=new_event,
    )
    if live_push:
        push_bells_on_commit(notifications.values(), account_id=account_id)

    deliveries = []
    for user in recipients:
        choice = user.email_choice
        wanted = choice == EmailPreference.ALL or (
            choice == EmailPreference.TARGETED and user.pk == target_user_id
        )
        if wanted and user.pk in notifications:
            deliveries.append(
                email_delivery(
                    account_id=account_id,
                    event_key=event_key,
                    user=user,
                    notification=notifications[user.pk],
                    facts=facts,
                )
            )
    deliveries += push_deliveries(
        account_id=account_id,
        event_key=event_key,
        recipients=recipients,
        notifications=notifications,
        target_user_id=target_user_id,
        url=link,
    )
    deliveries += chat_and_psa_deliveries(
        account_id=account_id,
        event_key=event_key,
        facts=facts,
        psa_ticket=psa_ticket.strip().lstrip("#"),
        documentation=documentation,
    )
    deliveries += more_deliveries
    return create_deliveries_once(deliveries, new_event=new_event)


@transaction.atomic(savepoint=False)
def notify_user(
    *, account_id: int, recipient_id: int, kind: str, title: str, body: str, link: str
) -> Notification:
    """One bell notification (e.g. "Sara picked up your escalation").

    Pushes `notification_created` to the recipient's group after commit. Raises
    ValidationError for a link that is not a local path.
    """
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        account_id=account_id,
        kind=kind[:40],
        title=truncate(title, 250),
        body=body[:BODY_LIMIT],
        link=local_path(link),
    )
    publish_on_commit(user_group(recipient_id), NOTIFICATION_CREATED)
    return notification
