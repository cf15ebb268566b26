"""The unclaimed-escalation ladder's re-notification: who hears that an escalation is
still waiting, and on which channels. Called inside the ladder's transaction, like the
rest of notify.py."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.models import AlertPreference, EmailPreference, Notification
from notifications.services.notify import (
    BODY_LIMIT,
    KIND_UNCLAIMED,
    chat_and_psa_deliveries,
    create_deliveries_once,
    create_notifications_once,
    email_delivery,
    local_path,
    push_bells_on_commit,
)
from notifications.services.recipients import push_deliveries, recipients_of
from notifications.titles import escalation_title
from troubleshoot.accounts.links import absolute_url
from troubleshoot.models import User


def unclaimed_title(*, minutes_waiting: int, escalation: str) -> str:
    return f"Still unclaimed after {minutes_waiting} min · {escalation}"


@transaction.atomic(savepoint=False)
def notify_unclaimed(
    *,
    account_id: int,
    event_key: str,
    requester_name: str,
    session_id: int,
    problem_summary: str,
    psa_ticket: str,
    priority: str,
    link_path: str,
    minutes_waiting: int,
    prefer_available: bool = False,
) -> list[int]:
    """The unclaimed ladder's re-notification to the account's admins and owners.

    Bell rows, emails (every preference except "none": the ladder is an admin duty
    alert, not one of the escalations "targeted" filters out) and Slack/Teams posts
    saying how long it has waited. Never a PSA note. Idempotent per event_key, with
    the same after-commit work as notify_escalation; a Web Push to their browsers
    unless their push preference is "none" (or they asked for pushes only while
    available and are not). prefer_available: only the admins and owners available
    right now, when there is any (everyone otherwise). Returns the Delivery ids.
    """
    link = local_path(link_path)
    title = unclaimed_title(
        minutes_waiting=minutes_waiting,
        escalation=escalation_title(
            requester_name=requester_name, psa_ticket=psa_ticket, problem_summary=problem_summary
        ),
    )
    facts = {
        "kind": KIND_UNCLAIMED,
        "title": title,
        "summary": problem_summary[:BODY_LIMIT],
        "requester_name": requester_name,
        "target_name": "",
        "priority": priority,
        "psa_ticket": psa_ticket,
        "session_id": session_id,
        "minutes_waiting": minutes_waiting,
        "url": absolute_url(link),
        # When it was escalated, to the minute the ladder counts in.
        "at": (timezone.now() - timedelta(minutes=minutes_waiting)).isoformat(),
    }
    recipients = recipients_of(User.objects.members_of(account_id).admins_or_above())
    if prefer_available:
        recipients = [user for user in recipients if user.available] or recipients
    notifications = create_notifications_once(
        [
            Notification(
                recipient_id=user.pk,
                account_id=account_id,
                kind=KIND_UNCLAIMED,
                title=title,
                body=facts["summary"],
                link=link,
                event_key=event_key,
            )
            for user in recipients
        ],
        event_key,
    )
    push_bells_on_commit(notifications.values(), account_id=account_id)
    deliveries = [
        email_delivery(
            account_id=account_id,
            event_key=event_key,
            user=user,
            notification=notifications[user.pk],
            facts=facts,
        )
        for user in recipients
        if user.email_choice != EmailPreference.NONE and user.pk in notifications
    ]
    # A duty alert like the emails: "only mine" does not filter it out.
    deliveries += push_deliveries(
        account_id=account_id,
        event_key=event_key,
        recipients=[
            u._replace(push_choice=AlertPreference.ALL)
            for u in recipients
            if u.push_choice != AlertPreference.NONE
        ],
        notifications=notifications,
        target_user_id=None,
        url=link,
    )
    deliveries += chat_and_psa_deliveries(
        account_id=account_id, event_key=event_key, facts=facts, psa_ticket="", documentation=None
    )
    return create_deliveries_once(deliveries)
