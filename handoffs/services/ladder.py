"""The unclaimed-escalation ladder: remind admins and owners, once per step."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from handoffs.models import QUEUED_STATUSES, EventKind, Handoff, Intent
from handoffs.services.common import pickup_path, record_event
from notifications.services import notify_unclaimed

# Step 1 at the account's timeout, step 2 at twice it, then silence.
LADDER_STEPS = 2


def ladder_due_at(handoff: Handoff, timeout_minutes: int):
    """When the next reminder is due, or None once the ladder is done."""
    if handoff.ladder_step >= LADDER_STEPS:
        return None
    return handoff.queued_at + timedelta(minutes=timeout_minutes * (handoff.ladder_step + 1))


@transaction.atomic(durable=True)
def handoff_ladder_step(*, handoff_id: int, now=None) -> bool:
    """Send the next reminder if it is due and the escalation is still unclaimed.

    Re-checks under a row lock, so two beat runs (or a claim racing the beat) never
    produce a reminder twice or one after the claim. Returns whether it reminded.
    """
    now = now or timezone.now()
    handoff = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("account", "session", "created_by")
        .filter(pk=handoff_id, intent=Intent.ESCALATE, status__in=QUEUED_STATUSES)
        .first()
    )
    if handoff is None:
        return False
    timeout = handoff.account.unclaimed_timeout_minutes
    due = ladder_due_at(handoff, timeout)
    if due is None or due > now:
        return False
    handoff.ladder_step += 1
    # The analytics' count; ladder_step restarts on a release, this total does not.
    handoff.unclaimed_reminders += 1
    handoff.save(update_fields=["ladder_step", "unclaimed_reminders", "updated_at"])
    minutes = timeout * handoff.ladder_step
    record_event(
        handoff,
        actor=None,
        kind=EventKind.UNCLAIMED_REMINDER,
        from_status=handoff.status,
        note=f"Still unclaimed after {minutes} min: admins and owners reminded.",
    )
    session = handoff.session
    notify_unclaimed(
        account_id=handoff.account_id,
        event_key=f"handoff-{handoff.pk}-unclaimed-{handoff.ladder_step}",
        requester_name=handoff.created_by.display_name,
        session_id=handoff.session_id,
        problem_summary=session.problem_summary,
        psa_ticket=session.psa_ticket,
        priority=handoff.priority,
        link_path=pickup_path(handoff.session_id),
        minutes_waiting=minutes,
        # The first reminder goes to the admins available now (all when none is);
        # the second to every admin and owner.
        prefer_available=handoff.ladder_step == 1,
    )
    return True
