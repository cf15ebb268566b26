"""Reads about sessions, always answered for one user (another account: 404)."""

from django.db.models import Prefetch, Q
from django.http import Http404

from troubleshoot.accounts.roles import is_engineer_or_above, is_member
from troubleshoot.sessions.extensions import SESSION_LISTENER_CHECKS
from troubleshoot.sessions.models import Session, SessionStatus, Step, StepKind

# Statuses in which a session is the team's business, not only its owner's.
SHARED_STATUSES = (SessionStatus.ESCALATED, SessionStatus.CLAIMED, SessionStatus.RESOLVED)


def _visible(user, session: Session) -> bool:
    if not is_member(user) or session.account_id != user.account_id:
        return False
    if session.user_id == user.pk or session.assignee_id == user.pk:
        return True
    # Viewers read shared sessions too (read-only: can_work_on_session says no).
    return session.status in SHARED_STATUSES


def get_session_for_user(user, session_id, *, for_page: bool = True) -> Session:
    """The session if the user may see it, else 404 (never 403: ids reveal nothing).

    Visible to the owner and assignee always; to other members of the account only
    while escalated, claimed or resolved (active and parked are private).
    for_page=False skips the related rows a page shows: an action that only needs
    the access check saves the joins (their planning alone is ~1 ms on PostgreSQL).
    """
    sessions = Session.objects.all()
    if for_page:
        sessions = sessions.select_related(
            "user", "assignee", "team", "tree_version__tree", "current_node"
        )
    session = sessions.filter(pk=session_id, account_id=getattr(user, "account_id", None)).first()
    if session is None or not _visible(user, session):
        raise Http404("No such session.")
    return session


def can_hear_session_events(user, session_id: int) -> bool:
    """May this user's socket join the session's event group? When the session's pages
    show it to them, or another app's page does (SESSION_LISTENER_CHECKS)."""
    try:
        get_session_for_user(user, session_id, for_page=False)
    except Http404:
        return any(check(user, session_id) for check in SESSION_LISTENER_CHECKS)
    return True


def can_work_on_session(user, session: Session) -> bool:
    """May add steps, messages and notes, or resolve: the owner while active or
    parked, the assignee while claimed."""
    if not is_engineer_or_above(user) or session.account_id != user.account_id:
        return False
    if session.status in (SessionStatus.ACTIVE, SessionStatus.PARKED):
        return session.user_id == user.pk
    if session.status == SessionStatus.CLAIMED:
        return session.assignee_id == user.pk
    return False


def can_correct_session_details(user, session: Session) -> bool:
    """May correct the summary, client or ticket: whoever may work on it, and also the
    requester while their escalation waits in the queue (a mistyped ticket should not
    wait for a claim)."""
    if can_work_on_session(user, session):
        return True
    return (
        is_engineer_or_above(user)
        and session.account_id == user.account_id
        and session.status == SessionStatus.ESCALATED
        and session.user_id == user.pk
    )


def sessions_for_user(user, *, status: str = "", limit: int = 200):
    """The user's own sessions and the ones assigned to them, newest activity first.

    One query whatever the number of sessions (select_related only).
    """
    qs = (
        Session.objects.filter(account_id=user.account_id)
        .filter(Q(user=user) | Q(assignee=user))
        .select_related("tree_version__tree", "user", "assignee")
        .order_by("-last_activity_at", "-id")
    )
    if status == "open":
        qs = qs.exclude(status__in=[SessionStatus.RESOLVED, SessionStatus.ABANDONED])
    elif status in SessionStatus.values:
        qs = qs.filter(status=status)
    return qs[:limit]


def sessions_list_for_user(
    user,
    *,
    scope: str = "mine",
    status: str = "",
    kind: str = "",
    psa_ticket: str = "",
    tree_id: int | None = None,
):
    """The API's session list, newest activity first (id breaks ties, so pages are
    stable). scope "mine": the user's own and assigned sessions, as on the page;
    "team": every session the user may open (get_session_for_user's rule: also the
    account's escalated, claimed and resolved ones). One query (select_related)."""
    if not is_member(user):
        return Session.objects.none()
    mine = Q(user=user) | Q(assignee=user)
    visible = mine if scope == "mine" else mine | Q(status__in=SHARED_STATUSES)
    qs = (
        Session.objects.filter(account_id=user.account_id)
        .filter(visible)
        .select_related("tree_version__tree", "user", "assignee")
        .order_by("-last_activity_at", "-id")
    )
    if status == "open":
        qs = qs.exclude(status__in=[SessionStatus.RESOLVED, SessionStatus.ABANDONED])
    elif status in SessionStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if psa_ticket:
        qs = qs.filter(psa_ticket=psa_ticket)
    if tree_id is not None:
        qs = qs.filter(tree_version__tree_id=tree_id)
    return qs


def steps_for_session(session: Session) -> list[Step]:
    """The timeline, with authors and nodes in the same query."""
    return list(
        Step.objects.filter(session=session)
        .select_related("author", "node", "next_node")
        .order_by("created_at", "id")
    )


def sessions_with_steps():
    """Sessions with everything documentation needs: two queries in all. A queryset,
    so a service can add its row lock (select_for_update(of=("self",)))."""
    return Session.objects.select_related(
        "account", "user", "assignee", "tree_version__tree", "current_node"
    ).prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.select_related("author", "node", "next_node").order_by(
                "created_at", "id"
            ),
        )
    )


def session_with_steps(session_id: int) -> Session:
    """A session with everything documentation needs: two queries in all."""
    return sessions_with_steps().get(pk=session_id)


def active_path(steps: list[Step]) -> list[Step]:
    """Tree steps still on the walk (not abandoned by a jump back), in order."""
    return [s for s in steps if s.kind == StepKind.ANSWER and not s.abandoned]


def chat_history(steps: list[Step]) -> list[dict]:
    """The conversation as Messages API turns (consecutive turns of a role merged)."""
    turns: list[dict] = []
    for step in steps:
        if step.kind == StepKind.USER_MESSAGE:
            role = "user"
        elif step.kind == StepKind.ASSISTANT_MESSAGE:
            role = "assistant"
        else:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"] += "\n\n" + step.text
        else:
            turns.append({"role": role, "content": step.text})
    return turns


def awaiting_reply(steps: list[Step]) -> bool:
    """True when the last chat message is the engineer's: the assistant owes a reply."""
    for step in reversed(steps):
        if step.kind == StepKind.USER_MESSAGE:
            return True
        if step.kind == StepKind.ASSISTANT_MESSAGE:
            return False
    return False


def session_snapshot(session: Session) -> dict:
    """An immutable, JSON-serialisable copy of the session for a handoff.

    No query when the session came from `sessions_with_steps()` (its steps are
    prefetched), else two for the session and its steps. The write-up in it goes to
    the PSA ticket and to whoever picks it up, so its times are in the account's
    default zone, named (not in the zone of whoever happened to escalate).
    """
    from troubleshoot.sessions.documentation import session_document

    prefetched = "steps" in getattr(session, "_prefetched_objects_cache", {})
    full = session if prefetched else session_with_steps(session.pk)
    version = full.tree_version
    return {
        "problem_summary": full.problem_summary,
        "client_name": full.client_name,
        "psa_ticket": full.psa_ticket,
        "kind": full.kind,
        "tree_title": version.title if version else "",
        "tree_version": version.number if version else None,
        "tree_category": version.tree.category if version else "",
        "status": full.status,
        # The step the walk stood on when handed off: where a tree update is proposed.
        "current_node_id": full.current_node_id,
        "created_at": full.created_at.isoformat(),
        "steps": [
            {
                "at": step.created_at.isoformat(),
                "kind": step.kind,
                "author": step.author.display_name if step.author else "",
                "node_title": step.node.title if step.node else "",
                "choice": step.choice_label,
                "note": step.note,
                "text": step.text,
                "abandoned": step.abandoned,
            }
            for step in full.steps.all()
        ],
        "documentation": session_document(full, zone_name=full.account.time_zone),
    }
