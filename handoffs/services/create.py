"""Park or escalate a session."""

from django.db import IntegrityError, transaction

from handoffs.errors import HandoffConflict, HandoffForbidden, HandoffValidationError
from handoffs.models import NOTES_MAX, AIStatus, EventKind, Handoff, Intent, Priority
from handoffs.services.common import (
    pickup_path,
    publish_handoff_event,
    record_event,
    validate_teammate,
    webhook_rows,
)
from notifications.services import notify_escalation
from troubleshoot.accounts.roles import is_engineer_or_above
from troubleshoot.live.tasking import enqueue_on_commit
from troubleshoot.models import SessionStatus, User
from troubleshoot.sessions.selectors import session_snapshot, sessions_with_steps
from troubleshoot.sessions.services import session_set_status

# Only a session being worked can be handed off.
HANDOFF_FROM = (SessionStatus.ACTIVE,)


@transaction.atomic(durable=True)
def handoff_create(
    *,
    actor: User,
    session_id: int,
    intent: str,
    priority: str = Priority.NORMAL,
    engineer_notes: str = "",
    target_user_id: int | None = None,
) -> Handoff:
    """Park (private, back to the team queue later) or escalate a session.

    One durable transaction: validate, snapshot the session, flip its status, write
    the audit row and, for an escalation, the bell rows and the delivery outbox.
    After commit only: `handoff_created` to the account's group, the delivery tasks,
    and the AI enrichment task. Nothing slow happens before the request returns.

    Raises HandoffForbidden (not the owner, or a viewer), HandoffValidationError (bad
    intent/priority/notes/target) and HandoffConflict (already handed off, or the
    session is not active).
    """
    if intent not in Intent.values:
        raise HandoffValidationError("Choose park or escalate.", field="intent")
    if priority not in Priority.values:
        raise HandoffValidationError("Choose a priority from the list.", field="priority")
    if len(engineer_notes) > NOTES_MAX:
        raise HandoffValidationError(
            f"Notes can be at most {NOTES_MAX} characters.", field="engineer_notes"
        )
    if not is_engineer_or_above(actor):
        raise HandoffForbidden("Only engineers, admins and owners can hand off a session.")

    # The row lock serialises handoffs of one session; the same read brings what the
    # snapshot needs (related rows, and the steps in one more query).
    session = (
        sessions_with_steps()
        .select_for_update(of=("self",))
        .filter(pk=session_id, account_id=actor.account_id)
        .first()
    )
    if session is None:
        raise HandoffForbidden("That session is not yours to hand off.")
    if session.user_id != actor.pk:
        raise HandoffForbidden("Only the engineer who owns this session can hand it off.")
    if session.status not in HANDOFF_FROM:
        raise HandoffConflict(
            f"This session is {session.get_status_display().lower()}; "
            "only an active session can be parked or escalated."
        )

    target = None
    if target_user_id is not None:
        target = validate_teammate(
            account_id=actor.account_id,
            user_id=target_user_id,
            exclude_user_id=actor.pk,
            self_message="You can't escalate to yourself.",
        )

    escalate = intent == Intent.ESCALATE
    try:
        handoff = Handoff.objects.create(
            session=session,
            account_id=actor.account_id,
            team_id=session.team_id or actor.team_id,
            intent=intent,
            priority=priority,
            engineer_notes=engineer_notes.strip(),
            created_by=actor,
            target_user=target,
            snapshot=session_snapshot(session),
            tree_node_id=session.current_node_id,
            ai_status=AIStatus.PENDING if escalate else AIStatus.SKIPPED,
        )
    except IntegrityError as exc:
        # The session row lock above already serialises handoffs of one session; the
        # constraint is the backstop. Raising out of the block rolls it all back.
        raise HandoffConflict("This session already has an open handoff.") from exc

    verb = "Escalated to the team" if escalate else "Parked"
    if target is not None:
        verb += f" for {target.display_name}"
    session_set_status(
        session_id=session.pk,
        status=SessionStatus.ESCALATED if escalate else SessionStatus.PARKED,
        assignee_id=None,
        locked=session,
        system_text=f"{verb} by {actor.display_name} "
        f"({handoff.get_priority_display().lower()} priority).",
        author_id=actor.pk,
    )
    record_event(
        handoff, actor=actor, kind=EventKind.CREATED, from_status="", note=handoff.engineer_notes
    )

    # One event tells the account's watchers both things: a card for the queue and,
    # for an escalation, new bell rows (`rings_bell`: the bell re-fetches its badge).
    # A separate bell push would double what daphne sends to every socket.
    publish_handoff_event(
        handoff, "handoff_created", priority=handoff.priority, rings_bell=escalate
    )
    if escalate:
        # Rows in this transaction (the outbox); sending starts after commit.
        notify_escalation(
            account_id=actor.account_id,
            event_key=f"handoff-{handoff.pk}-created",
            requester_id=actor.pk,
            requester_name=actor.display_name,
            target_user_id=target.pk if target else None,
            session_id=session.pk,
            problem_summary=session.problem_summary,
            psa_ticket=session.psa_ticket,
            priority=handoff.priority,
            link_path=pickup_path(session.pk),
            documentation=handoff.snapshot.get("documentation", ""),
            new_event=True,  # the key names the handoff created above
            live_push=False,  # handoff_created above rings the bells
            # The account's `handoff.created` webhooks join the same outbox INSERT.
            more_deliveries=webhook_rows(
                handoff, "handoff.created", event_key=f"handoff-{handoff.pk}-created"
            ),
        )
        from handoffs.tasks import enrich_handoff

        enqueue_on_commit(enrich_handoff, handoff.pk)
    return handoff
