"""Keep a handoff in step with its session: closed, or its details corrected, on the
session page."""

from django.utils import timezone

from handoffs.models import ACTIVE_STATUSES, EventKind, Handoff, HandoffStatus
from handoffs.services.common import call_webhooks, publish_handoff_event, record_event
from troubleshoot.models import SessionStatus


def handoff_close_with_session(*, session, actor, note: str = "") -> Handoff | None:
    """Registered in troubleshoot.sessions.extensions.SESSION_CLOSE_HOOKS; runs inside the
    session service's transaction. A resolved session resolves its live handoff, an
    abandoned one cancels it, so no card is left claimable for a closed session."""
    handoff = (
        Handoff.objects.select_for_update()
        .filter(session_id=session.pk, status__in=ACTIVE_STATUSES)
        .first()
    )
    if handoff is None:
        return None
    from_status = handoff.status
    resolved = session.status == SessionStatus.RESOLVED
    handoff.status = HandoffStatus.RESOLVED if resolved else HandoffStatus.CANCELLED
    handoff.closed_at = timezone.now()
    handoff.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        handoff,
        actor=actor,
        kind=EventKind.RESOLVED if resolved else EventKind.CANCELLED,
        from_status=from_status,
        note=note or ("Session resolved." if resolved else "Session abandoned."),
    )
    publish_handoff_event(handoff, "handoff_resolved" if resolved else "handoff_cancelled")
    if resolved:
        call_webhooks(handoff, "handoff.resolved", event_key=f"handoff-{handoff.pk}-resolved")
    return handoff


def handoff_announce_session_details(*, session, actor) -> Handoff | None:
    """Registered in SESSION_DETAILS_HOOKS; runs inside the session service's transaction.
    The queue card and the pickup screen show the session's summary, client and ticket:
    tell them (after commit) to re-fetch. The handoff's snapshot stays as it was."""
    handoff = Handoff.objects.filter(session_id=session.pk, status__in=ACTIVE_STATUSES).first()
    if handoff is None:
        return None
    publish_handoff_event(handoff, "handoff_updated")
    return handoff
