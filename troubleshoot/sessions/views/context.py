"""What the session page and its partials need, built in a bounded number of queries."""

from troubleshoot.accounts.roles import is_engineer_or_above
from troubleshoot.input.params import parse_id
from troubleshoot.sessions.extensions import SESSION_PANELS
from troubleshoot.sessions.forms import MessageForm, NoteForm, ResolveForm
from troubleshoot.sessions.models import SessionKind, SessionStatus, StepKind
from troubleshoot.sessions.selectors import (
    active_path,
    awaiting_reply,
    can_correct_session_details,
    can_work_on_session,
    steps_for_session,
)
from troubleshoot.trees.models import Node, NodeKind
from troubleshoot.trees.selectors import suggest_trees


def _walker_node(session, path, requested_node_id):
    """The node the walker shows: the current one, or an earlier node on the walk
    when the URL asks for it (the browser's back button lands there)."""
    node_id = session.current_node_id
    revisiting = False
    on_path = any(step.node_id == requested_node_id for step in path)
    if requested_node_id and requested_node_id != node_id and on_path:
        node_id, revisiting = requested_node_id, True
    if node_id is None:
        return None, False
    node = (
        Node.objects.filter(pk=node_id, version_id=session.tree_version_id)
        .prefetch_related("options")
        .first()
    )
    return node, revisiting


def session_context(request, session, **extra) -> dict:
    user = request.user
    steps = steps_for_session(session)
    path = active_path(steps)
    can_work = can_work_on_session(user, session)
    node, revisiting = (None, False)
    if session.tree_version_id:
        node, revisiting = _walker_node(session, path, parse_id(request.GET.get("at")))
    last_user_text = next((s.text for s in reversed(steps) if s.kind == StepKind.USER_MESSAGE), "")
    suggestions = []
    if session.kind == SessionKind.CHAT and can_work:
        suggestions = suggest_trees(
            session.account_id, f"{session.problem_summary}\n{last_user_text}"
        )
    context = {
        "session": session,
        "steps": steps,
        "path": path,
        "can_work": can_work,
        "can_correct_details": can_correct_session_details(user, session),
        "node": node,
        "revisiting": revisiting,
        "at_solution": node is not None and node.kind == NodeKind.SOLUTION,
        "awaiting_reply": awaiting_reply(steps),
        "suggestions": suggestions,
        "session_panels": SESSION_PANELS,
        "note_form": NoteForm(),
        "message_form": MessageForm(),
        "resolve_form": ResolveForm(
            initial={
                "resolution_note": node.title if node and node.kind == NodeKind.SOLUTION else ""
            }
        ),
        "can_handoff": can_work and session.status == SessionStatus.ACTIVE,
        "can_pickup": (
            is_engineer_or_above(user)
            and session.status == SessionStatus.ESCALATED
            and session.user_id != user.pk
        ),
    }
    context.update(extra)
    return context
