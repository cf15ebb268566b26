"""Every write to a troubleshooting session.

The user-facing services are durable-atomic. `session_set_status` and
`session_add_system_step` are not: the handoffs app calls them inside its own
transaction. After commit, `session_updated` events go to the owner's and the
assignee's user groups (ids only), so an open session page refreshes its timeline.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from troubleshoot.live.events import publish_on_commit, user_group
from troubleshoot.sessions.extensions import run_session_close_hooks, run_session_details_hooks
from troubleshoot.sessions.models import Session, SessionKind, SessionStatus, Step, StepKind
from troubleshoot.sessions.search import session_refresh_search
from troubleshoot.sessions.selectors import can_correct_session_details, can_work_on_session
from troubleshoot.trees.models import Node, NodeKind, Option, Tree


class StepRejected(Exception):
    """The request makes no sense for this session (400): e.g. a node not in its tree."""


class SessionConflict(Exception):
    """The session moved on since the page was drawn (409): reload and try again."""


def _locked(session_id: int) -> Session:
    try:
        return Session.objects.select_for_update().get(pk=session_id)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None


def lock_session_for_work(actor, session_id: int) -> Session:
    session = _locked(session_id)
    if session.account_id != actor.account_id:
        raise Http404("No such session.")
    if not can_work_on_session(actor, session):
        raise PermissionDenied(
            "Only the engineer working this session can change it right now "
            f"(it is {session.get_status_display().lower()})."
        )
    return session


def _announce(session: Session, actor_id: int | None) -> None:
    # The actor's own page already shows the change (its request swapped it in).
    event = {"type": "session_updated", "session_id": session.pk}
    for user_id in {session.user_id, session.assignee_id} - {None, actor_id}:
        publish_on_commit(user_group(user_id), event)


def touch_session(session: Session, *fields: str, actor_id: int | None = None) -> None:
    """Save the given fields with a fresh last_activity_at; tell the other party."""
    session.last_activity_at = timezone.now()
    session.save(update_fields=["last_activity_at", *fields])
    _announce(session, actor_id)


def _latest_published_tree(actor, tree_id: int) -> Tree:
    tree = (
        Tree.objects.select_related("latest_published__start_node")
        .filter(pk=tree_id, account_id=actor.account_id, archived_at__isnull=True)
        .first()
    )
    if tree is None:
        raise Http404("No such tree in your account.")
    if tree.latest_published is None:
        raise StepRejected("This tree has not been published yet.")
    return tree


@transaction.atomic(durable=True)
def session_start(
    *,
    actor,
    problem_summary: str,
    kind: str = SessionKind.TREE,
    tree_id: int | None = None,
    client_name: str = "",
    psa_ticket: str = "",
    first_message: str = "",
    contact_name: str = "",
    ticket_priority: str = "",
) -> Session:
    """Start a tree session (tree_id: its latest published version is pinned) or a
    chat session (first_message, if given, is the engineer's opening message)."""
    version = None
    if kind == SessionKind.TREE:
        if tree_id is None:
            raise StepRejected("Pick a tree to walk.")
        version = _latest_published_tree(actor, tree_id).latest_published
    session = Session.objects.create(
        account_id=actor.account_id,
        user=actor,
        team_id=actor.team_id,
        kind=kind,
        tree_version=version,
        current_node=version.start_node if version else None,
        problem_summary=problem_summary,
        client_name=client_name,
        psa_ticket=psa_ticket,
        contact_name=contact_name,
        ticket_priority=ticket_priority,
    )
    if first_message:
        Step.objects.create(
            session=session, author=actor, kind=StepKind.USER_MESSAGE, text=first_message
        )
    return session


def _abandon_from(session: Session, step: Step) -> int:
    """Mark this answer step and every later answer step abandoned (never deleted)."""
    later = Q(created_at__gt=step.created_at) | Q(created_at=step.created_at, id__gte=step.id)
    return (
        Step.objects.filter(session=session, kind=StepKind.ANSWER, abandoned=False)
        .filter(later)
        .update(abandoned=True)
    )


@transaction.atomic(durable=True)
def session_answer(
    *, actor, session_id: int, node_id: int, option_id: int | None, note: str = ""
) -> Step:
    """Record the answer to a node and move the walk to where the option leads.

    Answering a node that is earlier on the walk (the browser's back button, or a
    stale tab) is a jump back: the later steps are kept, marked abandoned.
    Raises StepRejected (node or option not in this session's version: 400),
    SessionConflict (the node is not where the walk stands: 409), PermissionDenied.
    """
    session = lock_session_for_work(actor, session_id)
    if session.tree_version_id is None:
        raise StepRejected("This session is not walking a tree.")
    node = Node.objects.filter(pk=node_id, version_id=session.tree_version_id).first()
    if node is None:
        raise StepRejected("That step is not part of the tree version this session walks.")
    if node.kind == NodeKind.SOLUTION:
        raise StepRejected(
            "A solution ends the walk: resolve the session, or go back to an earlier step."
        )
    option = Option.objects.filter(pk=option_id, node=node).select_related("target").first()
    if option is None:
        raise StepRejected("Choose one of the answers shown for this step.")

    if node.pk != session.current_node_id:
        earlier = (
            Step.objects.filter(session=session, kind=StepKind.ANSWER, abandoned=False, node=node)
            .order_by("created_at", "id")
            .first()
        )
        if earlier is None:
            raise SessionConflict(
                "This session has moved on from that step. Reload the page to see where it stands."
            )
        _abandon_from(session, earlier)

    step = Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.ANSWER,
        node=node,
        choice_label=option.label,
        next_node=option.target,
        note=note,
    )
    session.current_node = option.target
    touch_session(session, "current_node", actor_id=actor.pk)
    return step


@transaction.atomic(durable=True)
def session_jump_back(*, actor, session_id: int, step_id: int) -> Session:
    """Return the walk to the node of an earlier step to answer it again."""
    session = lock_session_for_work(actor, session_id)
    step = Step.objects.filter(
        pk=step_id, session=session, kind=StepKind.ANSWER, abandoned=False
    ).first()
    if step is None:
        raise StepRejected("You can only jump back to a step that is still on the walk.")
    _abandon_from(session, step)
    Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.SYSTEM,
        node=step.node,
        text=f"Went back to “{step.node.title}”.",
    )
    session.current_node = step.node
    touch_session(session, "current_node", actor_id=actor.pk)
    return session


@transaction.atomic(durable=True)
def session_add_note(*, actor, session_id: int, note: str) -> Step:
    session = lock_session_for_work(actor, session_id)
    step = Step.objects.create(session=session, author=actor, kind=StepKind.NOTE, note=note)
    touch_session(session, actor_id=actor.pk)
    return step


DETAIL_FIELDS = {"problem_summary": "summary", "client_name": "client", "psa_ticket": "ticket"}


@transaction.atomic(durable=True)
def session_update_details(
    *, actor, session_id: int, problem_summary: str, client_name: str, psa_ticket: str
) -> Session:
    """Correct the summary, client or PSA ticket of a session being worked.

    Raises Http404 (another account), PermissionDenied (see can_correct_session_details).
    Audited as a timeline line naming old and new values; after commit the other party's
    page and, through SESSION_DETAILS_HOOKS, an open handoff's queue card refresh.
    """
    session = _locked(session_id)
    if session.account_id != actor.account_id:
        raise Http404("No such session.")
    if not can_correct_session_details(actor, session):
        raise PermissionDenied("Only the engineer working this session can correct its details.")
    wanted = {
        "problem_summary": problem_summary,
        "client_name": client_name,
        "psa_ticket": psa_ticket,
    }
    changed = {f: v for f, v in wanted.items() if getattr(session, f) != v}
    if not changed:
        return session
    changes = "; ".join(
        f"{DETAIL_FIELDS[f]} “{getattr(session, f) or '—'}” → “{v or '—'}”"
        for f, v in changed.items()
    )
    for field, value in changed.items():
        setattr(session, field, value)
    Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.SYSTEM,
        text=f"Details corrected by {actor.display_name}: {changes}.",
    )
    touch_session(session, *changed, actor_id=actor.pk)
    if session.status == SessionStatus.RESOLVED:  # a "seen before" candidate: re-index
        session_refresh_search(session_id=session.pk)
    run_session_details_hooks(session=session, actor=actor)
    return session


@transaction.atomic(durable=True)
def session_start_tree(*, actor, session_id: int, tree_id: int) -> Session:
    """From a chat: walk a tree in the same session (one timeline)."""
    session = lock_session_for_work(actor, session_id)
    tree = _latest_published_tree(actor, tree_id)
    version = tree.latest_published
    if session.tree_version_id == version.pk:
        raise SessionConflict("This session is already walking that tree.")
    if session.tree_version_id is not None:
        Step.objects.filter(session=session, kind=StepKind.ANSWER, abandoned=False).update(
            abandoned=True
        )
    session.tree_version = version
    session.current_node = version.start_node
    Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.SYSTEM,
        text=f"Started the tree “{version.title}” (v{version.number}).",
    )
    touch_session(session, "tree_version", "current_node", actor_id=actor.pk)
    return session


@transaction.atomic(durable=True)
def session_resolve(*, actor, session_id: int, resolution_note: str) -> Session:
    """Close the session as fixed. At a solution node, that solution is recorded as
    the last tree step ("This fixed it")."""
    session = lock_session_for_work(actor, session_id)
    now = timezone.now()
    solution = (
        Node.objects.filter(pk=session.current_node_id, kind=NodeKind.SOLUTION).first()
        if session.current_node_id
        else None
    )
    if solution is not None:
        Step.objects.create(
            session=session,
            author=actor,
            kind=StepKind.ANSWER,
            node=solution,
            choice_label="This fixed it",
        )
    session.status = SessionStatus.RESOLVED
    session.resolution_note = resolution_note
    session.resolved_at = now
    Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.SYSTEM,
        text=f"Resolved by {actor.display_name}.",
    )
    touch_session(session, "status", "resolution_note", "resolved_at", actor_id=actor.pk)
    session_refresh_search(session_id=session.pk, resolved_by_id=actor.pk)
    run_session_close_hooks(session=session, actor=actor, note=resolution_note)
    return session


@transaction.atomic(durable=True)
def session_abandon(*, actor, session_id: int) -> Session:
    session = lock_session_for_work(actor, session_id)
    session.status = SessionStatus.ABANDONED
    Step.objects.create(
        session=session,
        author=actor,
        kind=StepKind.SYSTEM,
        text=f"Closed as abandoned by {actor.display_name}.",
    )
    touch_session(session, "status", actor_id=actor.pk)
    run_session_close_hooks(session=session, actor=actor)
    return session


def session_set_status(
    *,
    session_id: int,
    status: str,
    assignee_id=...,
    locked: Session | None = None,
    system_text: str = "",
    author_id: int | None = None,
) -> Session:
    """Set the status (and the assignee when given; None clears it), and with
    `system_text` add that line to the timeline in the same write.

    Not durable: the handoffs app calls it inside its own transaction, which must
    be open (select_for_update needs one). A caller already holding the row lock
    passes the instance as `locked` to save the second lock. Raises ValueError for
    an unknown status.
    """
    if status not in SessionStatus.values:
        raise ValueError(f"Unknown session status {status!r}.")
    session = locked if locked is not None and locked.pk == session_id else _locked(session_id)
    session.status = status
    fields = ["status"]
    if assignee_id is not ...:
        session.assignee_id = assignee_id
        fields.append("assignee")
    if status == SessionStatus.RESOLVED and session.resolved_at is None:
        session.resolved_at = timezone.now()
        fields.append("resolved_at")
    if system_text:
        Step.objects.create(
            session=session, author_id=author_id, kind=StepKind.SYSTEM, text=system_text
        )
    touch_session(session, *fields)
    return session


def session_add_system_step(*, session_id: int, author_id: int, text: str) -> Step:
    """A line in the timeline such as "Escalated by Jane". Not durable (see above)."""
    session = _locked(session_id)
    step = Step.objects.create(
        session=session, author_id=author_id, kind=StepKind.SYSTEM, text=text
    )
    touch_session(session, actor_id=author_id)
    return step
