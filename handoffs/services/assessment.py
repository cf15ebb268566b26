"""The AI enrichment's writes: the assessment, its failure, and a retry request."""

from django.db import transaction

from handoffs.errors import HandoffConflict, HandoffForbidden
from handoffs.models import AIStatus, EventKind, Handoff
from handoffs.services.common import lock_handoff, publish_pickup_event, record_event
from troubleshoot.accounts.roles import is_engineer_or_above
from troubleshoot.live.tasking import enqueue_on_commit
from troubleshoot.models import User

ERROR_MAX = 500


def request_assessment_on_commit(handoff: Handoff) -> None:
    """Mark the assessment as being written and queue the task after commit."""
    from handoffs.tasks import enrich_handoff

    handoff.ai_status = AIStatus.PENDING
    handoff.ai_error = ""
    handoff.save(update_fields=["ai_status", "ai_error", "updated_at"])
    enqueue_on_commit(enrich_handoff, handoff.pk)


@transaction.atomic(durable=True)
def handoff_record_assessment(
    *, handoff_id: int, assessment: dict, package_markdown: str, provider: str
) -> Handoff:
    """Save the assessment once. A second run for a handoff already `ready` changes
    nothing (idempotent). After commit: `assessment_ready` to the session's pickup screens."""
    handoff = Handoff.objects.select_for_update().get(pk=handoff_id)
    if handoff.ai_status == AIStatus.READY:
        return handoff
    handoff.ai_assessment = {**assessment, "provider": provider}
    handoff.escalation_package = package_markdown
    handoff.ai_status = AIStatus.READY
    handoff.ai_error = ""
    handoff.save(
        update_fields=["ai_assessment", "escalation_package", "ai_status", "ai_error", "updated_at"]
    )
    record_event(
        handoff,
        actor=None,
        kind=EventKind.ASSESSMENT,
        from_status=handoff.status,
        note=f"Assessment written ({provider}).",
    )
    publish_pickup_event(handoff, "assessment_ready", ai_status=handoff.ai_status)
    return handoff


@transaction.atomic(durable=True)
def handoff_record_assessment_failure(*, handoff_id: int, reason: str) -> Handoff:
    """Record why the assessment could not be written; the page offers Retry."""
    handoff = Handoff.objects.select_for_update().get(pk=handoff_id)
    if handoff.ai_status == AIStatus.READY:
        return handoff
    handoff.ai_status = AIStatus.FAILED
    handoff.ai_error = reason[:ERROR_MAX]
    handoff.save(update_fields=["ai_status", "ai_error", "updated_at"])
    record_event(
        handoff,
        actor=None,
        kind=EventKind.ASSESSMENT,
        from_status=handoff.status,
        note=f"Assessment failed: {handoff.ai_error}",
    )
    publish_pickup_event(handoff, "assessment_ready", ai_status=handoff.ai_status)
    return handoff


@transaction.atomic(durable=True)
def handoff_request_assessment(*, actor: User, handoff_id: int) -> Handoff:
    """Retry a failed (or skipped) assessment. Engineers and above of the account."""
    if not is_engineer_or_above(actor):
        raise HandoffForbidden("Only engineers, admins and owners can request an assessment.")
    handoff = lock_handoff(account_id=actor.account_id, handoff_id=handoff_id)
    if handoff.ai_status == AIStatus.PENDING:
        raise HandoffConflict("The assessment is already being written.")
    if handoff.ai_status == AIStatus.READY:
        raise HandoffConflict("The assessment is already written.")
    request_assessment_on_commit(handoff)
    publish_pickup_event(handoff, "assessment_ready", ai_status=AIStatus.PENDING)
    return handoff
