"""What happens to a handoff after it is created: claim, release, reassign, cancel,
resolve, re-escalate. Each is one durable transaction, writes an audit row, and
tells the account's watchers after commit. An illegal move raises HandoffConflict
(409) naming the current state."""

from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from handoffs.errors import (
    AlreadyClaimed,
    HandoffForbidden,
    HandoffValidationError,
)
from handoffs.models import (
    NOTES_MAX,
    PRIORITY_ORDER,
    QUEUED_STATUSES,
    EventKind,
    Handoff,
    HandoffStatus,
    Intent,
    Priority,
)
from handoffs.services.common import (
    call_webhooks,
    illegal,
    lock_handoff,
    pickup_path,
    publish_handoff_event,
    record_event,
    validate_teammate,
)
from handoffs.services.proposals import propose_tree_update_from_handoff
from notifications.services import (
    handoff_title,
    notify_escalation,
    notify_session_resolved,
    notify_user,
    psa_writeback_on_resolve,
)
from troubleshoot.accounts.roles import is_admin_or_above, is_engineer_or_above
from troubleshoot.models import SessionStatus, User
from troubleshoot.sessions.search import session_refresh_search
from troubleshoot.sessions.services import session_add_system_step, session_set_status


def _check_note(note: str) -> str:
    if len(note) > NOTES_MAX:
        raise HandoffValidationError(f"Notes can be at most {NOTES_MAX} characters.", field="note")
    return note.strip()


def _require_engineer(actor: User) -> None:
    if not is_engineer_or_above(actor):
        raise HandoffForbidden("Only engineers, admins and owners can work the queue.")


def _timeline(handoff: Handoff, actor: User, text: str) -> None:
    session_add_system_step(session_id=handoff.session_id, author_id=actor.pk, text=text)


def _tell(handoff: Handoff, *, recipient_id: int, kind: str, lead: str, body: str = "") -> None:
    """One bell line about this handoff: the lead says what happened, in words, and the
    title adds the ticket and summary it was handed over with."""
    summary = handoff.snapshot.get("problem_summary", "")
    notify_user(
        account_id=handoff.account_id,
        recipient_id=recipient_id,
        kind=kind,
        title=handoff_title(
            lead, psa_ticket=handoff.snapshot.get("psa_ticket", ""), problem_summary=summary
        ),
        body=body or summary,
        link=pickup_path(handoff.session_id),
    )


def _queued_session_status(handoff: Handoff) -> str:
    return SessionStatus.ESCALATED if handoff.intent == Intent.ESCALATE else SessionStatus.PARKED


@transaction.atomic(durable=True)
def handoff_claim(*, actor: User, handoff_id: int) -> Handoff:
    """Take a queued handoff. Race-safe: one conditional UPDATE decides the winner.

    Raises AlreadyClaimed (409, naming the winner and the time) for every loser,
    HandoffForbidden for a viewer or for the requester (cancel or resume instead),
    HandoffConflict when it is cancelled or resolved. After commit: `handoff_claimed`
    to the account and a bell line for the requester.
    """
    _require_engineer(actor)
    handoff = (
        Handoff.objects.filter(pk=handoff_id, account_id=actor.account_id)
        .select_related("created_by")
        .first()
    )
    if handoff is None:
        raise HandoffForbidden("That handoff is not in your account.")
    if handoff.created_by_id == actor.pk:
        if handoff.intent == Intent.PARK:
            raise HandoffForbidden("This is your own parked session: resume it instead.")
        raise HandoffForbidden("You can't claim your own escalation: cancel it instead.")

    previous_status = handoff.status
    now = timezone.now()
    # The database decides: only one UPDATE can match a still-queued row.
    won = Handoff.objects.filter(
        pk=handoff.pk, account_id=actor.account_id, status__in=QUEUED_STATUSES
    ).update(
        status=HandoffStatus.CLAIMED,
        claimed_by=actor,
        claimed_at=now,
        # Time to claim counts to the first claim: a re-claim after a release keeps it.
        first_claimed_at=Coalesce("first_claimed_at", models.Value(now)),
        updated_at=now,
    )
    handoff = Handoff.objects.select_related("claimed_by", "created_by").get(pk=handoff.pk)
    if not won:
        if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by is not None:
            raise AlreadyClaimed(
                claimed_by_name=handoff.claimed_by.display_name, claimed_at=handoff.claimed_at
            )
        raise illegal(handoff, "claim")

    from_status = previous_status if previous_status in QUEUED_STATUSES else HandoffStatus.OPEN
    session_set_status(
        session_id=handoff.session_id,
        status=SessionStatus.CLAIMED,
        assignee_id=actor.pk,
        system_text=f"Claimed by {actor.display_name}.",
        author_id=actor.pk,
    )
    claimed = record_event(handoff, actor=actor, kind=EventKind.CLAIMED, from_status=from_status)
    # A handoff can be claimed again after a release: the audit row names this claim.
    call_webhooks(handoff, "handoff.claimed", event_key=f"handoff-event-{claimed.pk}")
    _tell(
        handoff,
        recipient_id=handoff.created_by_id,
        kind="handoff_claimed",
        lead=f"{actor.display_name} picked up your {handoff.noun}",
    )
    publish_handoff_event(handoff, "handoff_claimed", claimed_by=actor.pk)
    return handoff


@transaction.atomic(durable=True)
def handoff_release(*, actor: User, handoff_id: int, note: str = "") -> Handoff:
    """The claimer puts it back in the queue with a note (the ladder starts again)."""
    note = _check_note(note)
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.status != HandoffStatus.CLAIMED:
        raise illegal(handoff, "release")
    if handoff.claimed_by_id != actor.pk:
        raise HandoffForbidden("Only the engineer who claimed it can release it.")
    from_status = handoff.status
    handoff.status = HandoffStatus.RELEASED
    handoff.claimed_by = None
    handoff.claimed_at = None
    handoff.queued_at = timezone.now()
    handoff.ladder_step = 0
    handoff.save()
    session_set_status(
        session_id=handoff.session_id,
        status=_queued_session_status(handoff),
        assignee_id=None,
        system_text=f"Released back to the queue by {actor.display_name}.",
        author_id=actor.pk,
    )
    record_event(handoff, actor=actor, kind=EventKind.RELEASED, from_status=from_status, note=note)
    publish_handoff_event(handoff, "handoff_released")
    return handoff


@transaction.atomic(durable=True)
def handoff_reassign(*, actor: User, handoff_id: int, to_user_id: int, note: str = "") -> Handoff:
    """The claimer (or an admin) hands a claimed handoff to a named teammate.

    After commit, a bell line each (never to the actor): the new owner ("handed you"),
    the requester, who wants to know who has their problem now, and the previous owner
    when an admin took it from them. `handoff_reassigned` to the account.
    """
    note = _check_note(note)
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.status != HandoffStatus.CLAIMED:
        raise illegal(handoff, "reassign")
    if handoff.claimed_by_id != actor.pk and not is_admin_or_above(actor):
        raise HandoffForbidden("Only the claimer or an admin can reassign it.")
    new_owner = validate_teammate(
        account_id=actor.account_id,
        user_id=to_user_id,
        exclude_user_id=handoff.claimed_by_id,
        self_message="It is already theirs: choose someone else.",
    )
    from_status = handoff.status
    previous_owner_id = handoff.claimed_by_id
    handoff.claimed_by = new_owner
    handoff.claimed_at = timezone.now()
    handoff.save()
    session_set_status(
        session_id=handoff.session_id,
        status=SessionStatus.CLAIMED,
        assignee_id=new_owner.pk,
        system_text=f"Reassigned to {new_owner.display_name} by {actor.display_name}.",
        author_id=actor.pk,
    )
    record_event(
        handoff,
        actor=actor,
        kind=EventKind.REASSIGNED,
        from_status=from_status,
        note=note,
        to_user=new_owner,  # the trail reads "Reassigned by Sam to Sara"
    )
    who, to = actor.display_name, new_owner.display_name
    told = {actor.pk}
    for recipient_id, lead in (
        (new_owner.pk, f"{who} handed you {handoff.article_noun}"),
        (handoff.created_by_id, f"{who} handed your {handoff.noun} to {to}"),
        (previous_owner_id, f"{who} handed the {handoff.noun} you had claimed to {to}"),
    ):
        if recipient_id is not None and recipient_id not in told:
            told.add(recipient_id)
            _tell(handoff, recipient_id=recipient_id, kind="handoff_reassigned", lead=lead)
    publish_handoff_event(handoff, "handoff_reassigned", claimed_by=new_owner.pk)
    return handoff


@transaction.atomic(durable=True)
def handoff_cancel(*, actor: User, handoff_id: int, note: str = "") -> Handoff:
    """The requester takes it back while nobody has claimed it (for a park: resume).

    The session becomes active again, in the requester's hands.
    """
    note = _check_note(note)
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.created_by_id != actor.pk:
        raise HandoffForbidden("Only the engineer who handed it off can cancel it.")
    if handoff.status not in QUEUED_STATUSES:
        raise illegal(handoff, "cancel")
    from_status = handoff.status
    handoff.status = HandoffStatus.CANCELLED
    handoff.closed_at = timezone.now()
    handoff.save()
    verb = "Resumed" if handoff.intent == Intent.PARK else "Escalation cancelled"
    session_set_status(
        session_id=handoff.session_id,
        status=SessionStatus.ACTIVE,
        assignee_id=None,
        system_text=f"{verb} by {actor.display_name}.",
        author_id=actor.pk,
    )
    record_event(handoff, actor=actor, kind=EventKind.CANCELLED, from_status=from_status, note=note)
    publish_handoff_event(handoff, "handoff_cancelled")
    return handoff


@transaction.atomic(durable=True)
def handoff_resolve(
    *, actor: User, handoff_id: int, note: str = "", propose_tree_update: bool = False
) -> Handoff:
    """Close the handoff and its session. The claimer (or an admin) resolves a claimed
    one; the requester may resolve one still queued ("fixed it myself").

    With `propose_tree_update`, the note also becomes a proposal in the tree's draft
    (handoffs/services/proposals.py), set on the result as `tree_proposal` (None when
    the session walked no tree or the step is gone from the draft)."""
    note = _check_note(note)
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.status == HandoffStatus.CLAIMED:
        if handoff.claimed_by_id != actor.pk and not is_admin_or_above(actor):
            raise HandoffForbidden("Only the claimer or an admin can resolve it.")
    elif handoff.status in QUEUED_STATUSES:
        if handoff.created_by_id != actor.pk and not is_admin_or_above(actor):
            raise HandoffForbidden("Claim it first, then resolve it.")
    else:
        raise illegal(handoff, "resolve")
    from_status = handoff.status
    handoff.status = HandoffStatus.RESOLVED
    handoff.closed_at = timezone.now()
    handoff.save()
    session = session_set_status(session_id=handoff.session_id, status=SessionStatus.RESOLVED)
    if note and not session.resolution_note:
        session.resolution_note = note
        session.save(update_fields=["resolution_note"])
    session_refresh_search(session_id=session.pk, resolved_by_id=actor.pk)
    if propose_tree_update:
        handoff.tree_proposal = propose_tree_update_from_handoff(
            handoff=handoff, session=session, actor=actor, note=note
        )
    _timeline(handoff, actor, f"Resolved by {actor.display_name}." + (f" {note}" if note else ""))
    record_event(handoff, actor=actor, kind=EventKind.RESOLVED, from_status=from_status, note=note)
    call_webhooks(handoff, "handoff.resolved", event_key=f"handoff-{handoff.pk}-resolved")
    notify_session_resolved(session=session, actor=actor)
    psa_writeback_on_resolve(session=session, actor=actor)
    if handoff.created_by_id != actor.pk:
        _tell(
            handoff,
            recipient_id=handoff.created_by_id,
            kind="handoff_resolved",
            lead=f"{actor.display_name} resolved your {handoff.noun}",
            body=note,
        )
    publish_handoff_event(handoff, "handoff_resolved")
    return handoff


@transaction.atomic(durable=True)
def handoff_reescalate(*, actor: User, handoff_id: int, priority: str, note: str = "") -> Handoff:
    """Raise the priority of a queued handoff and ring everyone again.

    A park re-escalated becomes an escalation. The priority must go up.
    """
    note = _check_note(note)
    if priority not in Priority.values:
        raise HandoffValidationError("Choose a priority from the list.", field="priority")
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.created_by_id != actor.pk and not is_admin_or_above(actor):
        raise HandoffForbidden("Only the requester or an admin can re-escalate.")
    if handoff.status not in QUEUED_STATUSES:
        raise illegal(handoff, "re-escalate")
    was_park = handoff.intent == Intent.PARK
    if not was_park and PRIORITY_ORDER[priority] >= PRIORITY_ORDER[handoff.priority]:
        raise HandoffValidationError(
            f"It is already {handoff.get_priority_display().lower()}: choose a higher priority.",
            field="priority",
        )
    from_status = handoff.status
    handoff.priority = priority
    handoff.intent = Intent.ESCALATE
    handoff.queued_at = timezone.now()
    handoff.ladder_step = 0
    handoff.save()
    count = handoff.events.filter(kind=EventKind.REESCALATED).count() + 1
    if was_park:
        session_set_status(session_id=handoff.session_id, status=SessionStatus.ESCALATED)
    _timeline(
        handoff,
        actor,
        f"Re-escalated by {actor.display_name} ({handoff.get_priority_display().lower()}).",
    )
    record_event(
        handoff, actor=actor, kind=EventKind.REESCALATED, from_status=from_status, note=note
    )
    session = handoff.session
    notify_escalation(
        account_id=handoff.account_id,
        event_key=f"handoff-{handoff.pk}-reescalated-{count}",
        requester_id=handoff.created_by_id,
        requester_name=handoff.created_by.display_name,
        target_user_id=handoff.target_user_id,
        session_id=handoff.session_id,
        problem_summary=session.problem_summary,
        psa_ticket=session.psa_ticket,
        priority=handoff.priority,
        link_path=pickup_path(handoff.session_id),
        documentation=handoff.snapshot.get("documentation", ""),
        reason="reescalated",
        live_push=False,  # handoff_updated below rings the bells
    )
    if was_park:
        from handoffs.services.assessment import request_assessment_on_commit

        request_assessment_on_commit(handoff)
    # As for a new escalation: one message per watcher tells the queue and the bells.
    publish_handoff_event(handoff, "handoff_updated", priority=handoff.priority, rings_bell=True)
    return handoff
