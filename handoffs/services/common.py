"""Pieces every handoff service shares: audit rows, live events, paths, locking."""

import uuid

from django.urls import reverse

from handoffs.errors import HandoffConflict, HandoffValidationError
from handoffs.models import Handoff, HandoffEvent
from notifications.services import notify_webhooks
from notifications.services.notify import absolute_url
from notifications.services.webhooks import person, webhook_deliveries
from troubleshoot.live.events import account_group, publish_on_commit, session_group
from troubleshoot.models import User


def pickup_path(session_id: int) -> str:
    return reverse("handoffs:pickup", args=[session_id])


def record_event(
    handoff: Handoff,
    *,
    actor: User | None,
    kind: str,
    from_status: str,
    note: str = "",
    to_user: User | None = None,
) -> HandoffEvent:
    return HandoffEvent.objects.create(
        handoff=handoff,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=handoff.status,
        note=note,
        to_user=to_user,
    )


# Every event the services publish about a handoff. A page showing one session's
# handoff (the pickup screen, the session page's panel) re-fetches on each of them.
SESSION_EVENT_TYPES = (
    "handoff_created",
    "handoff_updated",
    "handoff_claimed",
    "handoff_released",
    "handoff_reassigned",
    "handoff_cancelled",
    "handoff_resolved",
    "assessment_ready",
)


def publish_handoff_event(handoff: Handoff, event_type: str, **extra) -> None:
    """Tell the account's watchers (queue, bells, nav count) and the pages open on the
    session after commit. Ids and kinds only, no text: each page re-fetches what it
    shows through a view that checks access.

    The session's group hears it too because a viewer reading an escalation is not in
    the account's group. An engineer's page is in both and gets it twice: both copies
    carry one `event_id`, and baton.js acts on the first only.
    """
    event = _event(handoff, event_type, {"event_id": uuid.uuid4().hex, **extra})
    publish_on_commit(account_group(handoff.account_id), event)
    publish_on_commit(session_group(handoff.session_id), event)


def publish_pickup_event(handoff: Handoff, event_type: str, **extra) -> None:
    """Tell only the pages open on this handoff's session (its pickup screen), after
    commit: nothing else shows it, and with hundreds of watchers in the account an
    account-wide event would double daphne's fan-out while escalations arrive."""
    publish_on_commit(session_group(handoff.session_id), _event(handoff, event_type, extra))


def _event(handoff: Handoff, event_type: str, extra: dict) -> dict:
    return {
        "type": event_type,
        "handoff_id": handoff.pk,
        "session_id": handoff.session_id,
        "intent": handoff.intent,
        "status": handoff.status,
        **extra,
    }


def lock_handoff(*, account_id: int, handoff_id: int) -> Handoff:
    """The row, locked for the rest of the transaction, or a 409 when it is gone."""
    handoff = (
        Handoff.objects.select_for_update()
        .filter(pk=handoff_id, account_id=account_id)
        .select_related("session")
        .first()
    )
    if handoff is None:
        raise HandoffConflict("This handoff no longer exists.")
    return handoff


def illegal(handoff: Handoff, action: str) -> HandoffConflict:
    return HandoffConflict(f"Cannot {action}: this {handoff.noun} is {handoff.state_phrase}.")


def call_webhooks(handoff: Handoff, event: str, *, event_key: str) -> None:
    """The account's webhooks for this event, as outbox rows in the caller's
    transaction (sent after commit); the payload is built only when one wants it."""
    notify_webhooks(
        account_id=handoff.account_id,
        event=event,
        event_key=event_key,
        data=lambda: _webhook_data(handoff),
    )


def webhook_rows(handoff: Handoff, event: str, *, event_key: str) -> list:
    """The same calls as unsaved rows, for notify_escalation to insert with its outbox."""
    return webhook_deliveries(
        account_id=handoff.account_id,
        event=event,
        event_key=event_key,
        data=lambda: _webhook_data(handoff),
    )


def _webhook_data(handoff: Handoff) -> dict:
    session = handoff.session
    return {
        "handoff": {
            "id": handoff.pk,
            "intent": handoff.intent,
            "priority": handoff.priority,
            "status": handoff.status,
            "engineer_notes": handoff.engineer_notes,
            "created_by": person(handoff.created_by),
            "claimed_by": person(handoff.claimed_by),
            "url": absolute_url(pickup_path(handoff.session_id)),
        },
        "session": {
            "id": session.pk,
            "problem_summary": session.problem_summary,
            "client_name": session.client_name,
            "psa_ticket": session.psa_ticket,
        },
    }


def validate_teammate(*, account_id: int, user_id: int, exclude_user_id: int, self_message: str):
    """An active engineer, admin or owner of the same account, not the excluded person."""
    if user_id == exclude_user_id:
        raise HandoffValidationError(self_message, field="target_user")
    user = User.objects.members_of(account_id).engineers_or_above().filter(pk=user_id).first()
    if user is None:
        raise HandoffValidationError(
            "Choose an active engineer, admin or owner of your account.", field="target_user"
        )
    return user
