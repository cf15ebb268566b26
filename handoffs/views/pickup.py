"""The pickup screen: everything a senior needs, every handoff of the session, live."""

from django.shortcuts import render

from handoffs.forms import ReassignForm, ReescalateForm
from handoffs.models import HandoffStatus
from handoffs.selectors import get_handoff_for_user, session_handoffs_for_user
from troubleshoot.accounts.roles import is_admin_or_above, is_engineer_or_above, member_required


def _pickup_context(request, session_id: int) -> dict:
    handoffs = session_handoffs_for_user(request.user, session_id)
    handoff = handoffs[0]
    user = request.user
    is_claimer = handoff.claimed_by_id == user.pk
    is_requester = handoff.created_by_id == user.pk
    engineer = is_engineer_or_above(user)
    return {
        "handoff": handoff,
        "handoffs": handoffs,
        "session": handoff.session,
        "snapshot": handoff.snapshot,
        "can_claim": engineer and handoff.is_queued and not is_requester,
        "can_release": handoff.status == HandoffStatus.CLAIMED and is_claimer,
        "can_reassign": handoff.status == HandoffStatus.CLAIMED
        and (is_claimer or is_admin_or_above(user)),
        "can_resolve": (
            handoff.status == HandoffStatus.CLAIMED and (is_claimer or is_admin_or_above(user))
        )
        or (handoff.is_queued and (is_requester or is_admin_or_above(user))),
        "can_cancel": handoff.is_queued and is_requester,
        "can_reescalate": handoff.is_queued and (is_requester or is_admin_or_above(user)),
        "can_continue": handoff.status == HandoffStatus.CLAIMED and is_claimer,
        "can_retry_ai": engineer,
        "reassign_form": ReassignForm(user=user, exclude_user_id=handoff.claimed_by_id),
        "reescalate_form": ReescalateForm(initial={"priority": "urgent"}),
    }


@member_required
def pickup(request, session_id: int):
    return render(request, "handoffs/pickup.html", _pickup_context(request, session_id))


@member_required
def pickup_live(request, session_id: int):
    """The screen's live part, re-fetched on every event about the session's handoffs
    (its header, facts, assessment, actions and history: all of them can change)."""
    return render(request, "handoffs/pickup.html#live", _pickup_context(request, session_id))


@member_required
def assessment(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    context = {"handoff": handoff, "can_retry_ai": is_engineer_or_above(request.user)}
    return render(request, "handoffs/pickup.html#assessment", context)
