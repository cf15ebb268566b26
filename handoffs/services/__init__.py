"""Every write of the handoffs app. Views, tasks and tests call these.

Split by concern: create.py (park / escalate), transitions.py (claim, release,
reassign, cancel, resolve, re-escalate), assessment.py (the AI enrichment's writes),
ladder.py (the unclaimed-escalation reminders).
"""

from handoffs.services.assessment import (
    handoff_record_assessment,
    handoff_record_assessment_failure,
    handoff_request_assessment,
)
from handoffs.services.create import handoff_create
from handoffs.services.ladder import handoff_ladder_step
from handoffs.services.transitions import (
    handoff_cancel,
    handoff_claim,
    handoff_reassign,
    handoff_reescalate,
    handoff_release,
    handoff_resolve,
)

__all__ = [
    "handoff_cancel",
    "handoff_claim",
    "handoff_create",
    "handoff_ladder_step",
    "handoff_reassign",
    "handoff_record_assessment",
    "handoff_record_assessment_failure",
    "handoff_reescalate",
    "handoff_release",
    "handoff_request_assessment",
    "handoff_resolve",
]
