"""Resolution → tree improvement: a resolved escalation proposes a tree update at the
step where the junior was stuck. The draft is written in the resolve's transaction
with the note as it is; with an AI provider configured, a task redrafts the wording
after commit (handoffs.tasks.draft_proposal_wording), never in the request."""

from handoffs.models import Handoff
from troubleshoot.live.tasking import enqueue_on_commit
from troubleshoot.models import Session, TreeProposal, User
from troubleshoot.sessions import ai
from troubleshoot.trees.proposals import tree_proposal_create


def propose_tree_update_from_handoff(
    *, handoff: Handoff, session: Session, actor: User, note: str
) -> TreeProposal | None:
    """Not durable: runs inside handoff_resolve. None when there is nothing to propose
    (no note, or an AI chat: no step to stand on)."""
    node_id = handoff.tree_node_id
    if not note.strip() or not node_id:
        return None
    use_ai = ai.is_configured()
    proposal = tree_proposal_create(
        actor=actor,
        published_node_id=node_id,
        problem_summary=handoff.snapshot.get("problem_summary") or session.problem_summary,
        resolution_note=note,
        session_id=session.pk,
        ai_wording=use_ai,
    )
    if proposal is not None and use_ai:
        from handoffs.tasks import draft_proposal_wording

        enqueue_on_commit(draft_proposal_wording, proposal.pk)
    return proposal
