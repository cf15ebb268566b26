"""Proposals from escalations: the writes, and at the end the two reads the library and
the editor need (kept beside the rules they show).

A proposal is written into the tree's draft at once (a new answer on the step where the
junior was stuck, leading to a new solution), marked by its TreeProposal row. Editors
accept it (the marker goes, the rows stay), edit it like any draft step, or discard it
(its answer and solution go). Publishing refuses a draft with a proposal still waiting,
so nothing unreviewed reaches a published version.
"""

from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone

from troubleshoot.trees.models import (
    NODE_TITLE_MAX,
    OPTION_LABEL_MAX,
    TREE_MAX_NODES,
    Node,
    NodeKind,
    Option,
    ProposalStatus,
    Tree,
    TreeProposal,
    TreeVersion,
    VersionState,
    WordingStatus,
)

ANSWER_LABEL_MAX = 80


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def offline_wording(*, anchor_kind: str, problem_summary: str, resolution_note: str) -> dict:
    """The proposal as the resolution note says it (no AI): what the draft gets first,
    and what the AI's redraft may replace as long as nobody edited it meanwhile."""
    first_line = next((line for line in resolution_note.splitlines() if line.strip()), "")
    lead = "Still not fixed" if anchor_kind == NodeKind.ACTION else "None of these"
    return {
        "answer_label": _cut(f"{lead}: {problem_summary}", ANSWER_LABEL_MAX),
        "title": _cut(first_line or "Fix from an escalation", NODE_TITLE_MAX),
        "body": resolution_note.strip(),
    }


def _anchor(draft: TreeVersion, ref: str) -> Node | None:
    """The draft step the new answer hangs on: the step of that ref; for a solution
    (which ends the walk and has no answers), the step whose answer led to it."""
    node = Node.objects.filter(version=draft, ref=ref).first()
    if node is None or node.kind != NodeKind.SOLUTION:
        return node
    option = (
        Option.objects.filter(target=node, node__version=draft)
        .select_related("node")
        .order_by("node__position", "position", "id")
        .first()
    )
    return option.node if option else None


def tree_proposal_create(
    *,
    actor,
    published_node_id: int,
    problem_summary: str,
    resolution_note: str,
    session_id: int | None,
    ai_wording: bool = False,
) -> TreeProposal | None:
    """Draft a tree update at the step a session stood on (a node of any version of a
    tree of the actor's account). Not durable: the resolve runs it in its transaction.

    Returns None, writing nothing, when there is no note, the tree is archived, the
    step is gone from the draft, or the draft is full. `ai_wording` marks the
    proposal as being redrafted (the caller queues the task after commit)."""
    note = (resolution_note or "").strip()
    source = (
        Node.objects.select_related("version")
        .filter(
            pk=published_node_id,
            version__tree__account_id=actor.account_id,
            version__tree__archived_at__isnull=True,
        )
        .first()
    )
    if not note or source is None:
        return None
    tree = Tree.objects.select_for_update().get(pk=source.version.tree_id)
    draft, _ = TreeVersion.objects.get_or_create(
        tree=tree, number=0, defaults={"state": VersionState.DRAFT, "title": tree.title}
    )
    anchor = _anchor(draft, source.ref)
    refs = set(draft.nodes.values_list("ref", flat=True))
    if anchor is None or len(refs) >= TREE_MAX_NODES:
        return None
    n = 1
    while f"p{n}" in refs:
        n += 1
    text = offline_wording(
        anchor_kind=anchor.kind, problem_summary=problem_summary, resolution_note=note
    )
    last = draft.nodes.aggregate(m=Max("position"))["m"] or 0
    solution = Node.objects.create(
        version=draft,
        kind=NodeKind.SOLUTION,
        title=text["title"],
        body=text["body"],
        position=last + 1,
        ref=f"p{n}",
    )
    option = Option.objects.create(
        node=anchor,
        label=text["answer_label"][:OPTION_LABEL_MAX],
        target=solution,
        position=(anchor.options.aggregate(m=Max("position"))["m"] or 0) + 1,
    )
    Tree.objects.filter(pk=tree.pk).update(updated_at=timezone.now())
    return TreeProposal.objects.create(
        tree=tree,
        node=anchor,
        option=option,
        solution=solution,
        session_id=session_id,
        problem_summary=problem_summary[:500],
        resolution_note=note,
        wording=WordingStatus.WRITING if ai_wording else WordingStatus.NOTE,
        created_by=actor,
    )


def _pending(actor, proposal_id: int) -> TreeProposal:
    proposal = (
        TreeProposal.objects.select_for_update()
        .filter(
            pk=proposal_id,
            tree__account_id=actor.account_id,
            tree__archived_at__isnull=True,
            status=ProposalStatus.PENDING,
        )
        .first()
    )
    if proposal is None:
        raise Http404("No such proposal waiting for review.")
    return proposal


def _decide(proposal: TreeProposal, actor, status: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic(durable=True)
def tree_proposal_accept(*, actor, proposal_id: int) -> TreeProposal:
    """Keep the proposed answer and solution (as they now read) in the draft.
    Raises Http404 for a proposal not waiting in the actor's account."""
    proposal = _pending(actor, proposal_id)
    _decide(proposal, actor, ProposalStatus.ACCEPTED)
    return proposal


@transaction.atomic(durable=True)
def tree_proposal_discard(*, actor, proposal_id: int) -> TreeProposal:
    """Take the proposed answer and solution out of the draft. The solution stays if an
    editor has since pointed another answer at it."""
    proposal = _pending(actor, proposal_id)
    if proposal.option_id:
        Option.objects.filter(pk=proposal.option_id).delete()
    if proposal.solution_id:
        Node.objects.filter(pk=proposal.solution_id).exclude(
            Q(incoming__isnull=False) | Q(version__start_node=proposal.solution_id)
        ).delete()
    Tree.objects.filter(pk=proposal.tree_id).update(updated_at=timezone.now())
    _decide(proposal, actor, ProposalStatus.DISCARDED)
    return proposal


@transaction.atomic(durable=True)
def tree_proposal_apply_wording(
    *, proposal_id: int, answer_label: str, title: str, body: str
) -> bool:
    """Store the AI's redraft (called by the task). Only while the proposal waits and
    its answer and solution still read as the note drafted them: an editor's change
    wins over a late AI answer. Returns whether it was applied."""
    proposal = (
        TreeProposal.objects.select_for_update(of=("self",))
        .select_related("option", "solution", "node")
        .filter(pk=proposal_id, status=ProposalStatus.PENDING)
        .first()
    )
    if proposal is None or proposal.option is None or proposal.solution is None:
        return False
    original = offline_wording(
        anchor_kind=proposal.node.kind if proposal.node else NodeKind.QUESTION,
        problem_summary=proposal.problem_summary,
        resolution_note=proposal.resolution_note,
    )
    untouched = (
        proposal.option.label == original["answer_label"]
        and proposal.solution.title == original["title"]
        and proposal.solution.body == original["body"]
    )
    if untouched:
        proposal.option.label = _cut(answer_label, OPTION_LABEL_MAX) or original["answer_label"]
        proposal.option.save(update_fields=["label"])
        proposal.solution.title = _cut(title, NODE_TITLE_MAX) or original["title"]
        proposal.solution.body = (body or "").strip()[:5000] or original["body"]
        proposal.solution.save(update_fields=["title", "body"])
    proposal.wording = WordingStatus.AI if untouched else WordingStatus.NOTE
    proposal.save(update_fields=["wording"])
    return untouched


@transaction.atomic(durable=True)
def tree_proposal_wording_failed(*, proposal_id: int) -> None:
    TreeProposal.objects.filter(pk=proposal_id, wording=WordingStatus.WRITING).update(
        wording=WordingStatus.FAILED
    )


# --- reads --------------------------------------------------------------------


def pending_proposals(tree: Tree) -> list[TreeProposal]:
    """The tree's proposals waiting for review, with what they add: one query."""
    return list(
        TreeProposal.objects.filter(tree=tree, status=ProposalStatus.PENDING)
        .select_related("node", "option", "solution", "session", "created_by")
        .order_by("created_at", "id")
    )


def pending_counts(tree_ids) -> dict[int, int]:
    """{tree id: proposals waiting} for the library page's trees: one query."""
    rows = (
        TreeProposal.objects.filter(tree_id__in=list(tree_ids), status=ProposalStatus.PENDING)
        .values_list("tree_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)
