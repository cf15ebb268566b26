"""Celery tasks of the handoffs app: take ids, re-read, call a service, idempotent."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from handoffs.models import QUEUED_STATUSES, AIStatus, Handoff, Intent
from handoffs.services import (
    handoff_ladder_step,
    handoff_record_assessment,
    handoff_record_assessment_failure,
)
from handoffs.services.ladder import ladder_due_at
from troubleshoot.live.tasking import enqueue
from troubleshoot.sessions import ai

logger = logging.getLogger(__name__)

ENRICH_MAX_RETRIES = 3
# An assessment still pending after this long lost its task (broker down at commit,
# worker killed): the sweeper queues it again.
STALE_ASSESSMENT = timedelta(minutes=2)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=ENRICH_MAX_RETRIES,
    soft_time_limit=90,
    time_limit=120,
)
def enrich_handoff(self, handoff_id: int) -> str:
    """Write the AI assessment and escalation package for one handoff.

    Idempotent: a handoff whose assessment is ready is left alone. Transient model
    errors (429, 5xx, timeouts) retry with backoff, honouring Retry-After; a
    permanent error or the last retry records the failure, which the page shows
    with a Retry button.
    """
    handoff = Handoff.objects.filter(pk=handoff_id).only("id", "ai_status", "snapshot").first()
    if handoff is None or handoff.ai_status == AIStatus.READY:
        return "skipped"
    try:
        result = ai.assess_escalation(handoff.snapshot)
    except ai.AIError as exc:
        if exc.transient and self.request.retries < self.max_retries and not self.request.is_eager:
            countdown = exc.retry_after or min(60, 2 ** (self.request.retries + 1))
            raise self.retry(exc=exc, countdown=countdown) from exc
        handoff_record_assessment_failure(handoff_id=handoff_id, reason=exc.message)
        return "failed"
    except Exception as exc:  # a bug or an unexpected answer: record it, do not loop
        logger.exception("assessment of handoff %s failed", handoff_id)
        handoff_record_assessment_failure(
            handoff_id=handoff_id, reason=f"Unexpected error: {type(exc).__name__}"
        )
        return "failed"
    handoff_record_assessment(
        handoff_id=handoff_id,
        assessment={
            "likely_cause": result.likely_cause,
            "next_steps": list(result.next_steps),
            "risk": result.risk,
        },
        package_markdown=result.package_markdown,
        provider=ai.provider_name(),
    )
    return "ready"


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def sweep_handoffs(now_iso: str | None = None) -> dict:
    """Beat, every minute: the unclaimed ladder, and assessments whose task was lost."""
    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    reminded = 0
    queued = (
        Handoff.objects.filter(
            intent=Intent.ESCALATE, status__in=QUEUED_STATUSES, ladder_step__lt=2
        )
        .select_related("account")
        .only("id", "queued_at", "ladder_step", "account__unclaimed_timeout_minutes")
    )
    for handoff in queued:
        due = ladder_due_at(handoff, handoff.account.unclaimed_timeout_minutes)
        if due is not None and due <= now and handoff_ladder_step(handoff_id=handoff.pk, now=now):
            reminded += 1
    stale = list(
        Handoff.objects.filter(
            ai_status=AIStatus.PENDING, updated_at__lt=now - STALE_ASSESSMENT
        ).values_list("id", flat=True)[:200]
    )
    # Touch them so the next sweep gives the re-queued task time to run.
    Handoff.objects.filter(pk__in=stale).update(updated_at=now)
    requeued = sum(1 for handoff_id in stale if enqueue(enrich_handoff, handoff_id))
    return {"reminded": reminded, "assessments_requeued": requeued}


@shared_task(bind=True, acks_late=True, max_retries=3, soft_time_limit=90, time_limit=120)
def draft_proposal_wording(self, proposal_id: int) -> str:
    """Let the AI redraft a tree proposal written from a resolution note (queued after
    the resolve commits, only with a provider configured). Idempotent: a proposal no
    longer being redrafted is left alone; transient errors retry, and a failure keeps
    the note's wording (marked so in the editor)."""
    from troubleshoot.models import TreeProposal, WordingStatus
    from troubleshoot.trees.proposals import (
        tree_proposal_apply_wording,
        tree_proposal_wording_failed,
    )

    proposal = (
        TreeProposal.objects.select_related("node")
        .filter(pk=proposal_id, wording=WordingStatus.WRITING)
        .first()
    )
    if proposal is None:
        return "skipped"
    try:
        text = ai.draft_tree_update(
            step_title=proposal.node.title if proposal.node else "",
            problem_summary=proposal.problem_summary,
            resolution_note=proposal.resolution_note,
        )
    except ai.AIError as exc:
        if exc.transient and self.request.retries < self.max_retries and not self.request.is_eager:
            countdown = exc.retry_after or 2 ** (self.request.retries + 1)
            raise self.retry(exc=exc, countdown=countdown) from exc
        tree_proposal_wording_failed(proposal_id=proposal_id)
        return "failed"
    except Exception:  # a bug or an unexpected answer: keep the note, do not loop
        logger.exception("redrafting tree proposal %s failed", proposal_id)
        tree_proposal_wording_failed(proposal_id=proposal_id)
        return "failed"
    applied = tree_proposal_apply_wording(proposal_id=proposal_id, **text)
    return "applied" if applied else "kept"
