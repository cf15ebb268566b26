"""Reads for the queue, the pickup screen and the session panel, scoped to an account."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404

from handoffs.models import (
    ACTIVE_STATUSES,
    CLOSING_EVENT_KINDS,
    PRIORITY_ORDER,
    QUEUED_STATUSES,
    EventKind,
    Handoff,
    HandoffEvent,
    Intent,
)
from troubleshoot.accounts.roles import is_engineer_or_above, is_member

QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    intent: str = ""
    priority: str = ""
    team_id: int | None = None
    targeted_to_me: bool = False


def queued_handoffs(user, filters: QueueFilters = QueueFilters()):  # noqa: B008
    """Open (and released) handoffs of the user's account, most urgent first, then oldest.

    The card needs the session's summary and ticket, the requester, the target and the
    team: all joined, and the heavy JSON fields deferred, so the query count does not
    grow with the queue.
    """
    qs = (
        Handoff.objects.filter(account_id=user.account_id, status__in=QUEUED_STATUSES)
        .select_related("session", "created_by", "target_user", "team")
        .only(
            "id",
            "intent",
            "priority",
            "priority_rank",
            "status",
            "created_at",
            "queued_at",
            "ai_status",
            "engineer_notes",
            "account_id",
            "target_user_id",
            "created_by_id",
            "session__id",
            "session__problem_summary",
            "session__psa_ticket",
            "session__client_name",
            "created_by__id",
            "created_by__display_name",
            "target_user__id",
            "target_user__display_name",
            "team__id",
            "team__name",
        )
        .order_by("priority_rank", "queued_at", "id")
    )
    if filters.intent in Intent.values:
        qs = qs.filter(intent=filters.intent)
    if filters.priority in PRIORITY_ORDER:
        qs = qs.filter(priority=filters.priority)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.targeted_to_me:
        qs = qs.filter(target_user_id=user.pk)
    return qs


def queue_counts(user) -> dict:
    """Counts per intent of everything queued in the account, in one query."""
    row = Handoff.objects.filter(account_id=user.account_id, status__in=QUEUED_STATUSES).aggregate(
        escalate=Count("id", filter=Q(intent=Intent.ESCALATE)),
        park=Count("id", filter=Q(intent=Intent.PARK)),
        for_me=Count("id", filter=Q(target_user_id=user.pk)),
    )
    row["total"] = row["escalate"] + row["park"]
    return row


def open_escalation_count(user) -> int:
    return Handoff.objects.filter(
        account_id=user.account_id, status__in=QUEUED_STATUSES, intent=Intent.ESCALATE
    ).count()


def get_handoff_for_user(user, handoff_id) -> Handoff:
    """The handoff if the user may read it (in their account; a park only if they may
    see parks, see _may_read), else 404."""
    handoff = (
        Handoff.objects.select_related("session", "created_by", "claimed_by", "target_user", "team")
        .filter(pk=handoff_id, account_id=getattr(user, "account_id", None))
        .first()
    )
    if handoff is None or not _may_read(user, handoff):
        raise Http404("No such handoff.")
    return handoff


def _may_read(user, handoff: Handoff) -> bool:
    """A parked session is private to its owner until someone claims it (engineers see
    parks in the queue); escalations are the whole account's business (viewers too)."""
    if not is_member(user) or handoff.account_id != user.account_id:
        return False
    involved = user.pk in (handoff.created_by_id, handoff.claimed_by_id)
    return handoff.intent != Intent.PARK or involved or is_engineer_or_above(user)


def may_read_session_handoffs(user, session_id: int) -> bool:
    """May this user open the session's pickup screen (its newest handoff decides)?
    Registered in troubleshoot.sessions.extensions.SESSION_LISTENER_CHECKS: the screen's socket
    then hears the session's events. One query."""
    newest = (
        Handoff.objects.filter(session_id=session_id, account_id=getattr(user, "account_id", None))
        .only("account_id", "intent", "created_by_id", "claimed_by_id")
        .order_by("-created_at", "-id")
        .first()
    )
    return newest is not None and _may_read(user, newest)


# Heavy JSON only the newest handoff's screen shows (the snapshot holds every step
# and the documentation), left behind for the older ones.
_NEWEST_ONLY = ("snapshot", "ai_assessment", "escalation_package")


def session_handoffs_for_user(user, session_id) -> list[Handoff]:
    """Every handoff of the session, newest first, for the pickup screen; else 404.

    The newest decides who may read them (see _may_read). Each handoff comes with
    `trail` (its audit rows, actors and reassign targets joined), `handlers` (everyone
    who held it, in order) and `closing` (the row that resolved or cancelled it). Three
    queries whatever the number of handoffs: the handoffs, their audit rows, and the
    newest's snapshot and assessment.
    """
    handoffs = list(
        Handoff.objects.filter(session_id=session_id, account_id=getattr(user, "account_id", None))
        .select_related("session", "created_by", "claimed_by", "target_user", "team")
        .defer(*_NEWEST_ONLY)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=HandoffEvent.objects.select_related("actor", "to_user"),
                to_attr="trail",
            )
        )
        .order_by("-created_at", "-id")
    )
    if not handoffs or not _may_read(user, handoffs[0]):
        raise Http404("No handoff for this session.")
    handoffs[0].refresh_from_db(fields=list(_NEWEST_ONLY))
    for handoff in handoffs:
        handoff.handlers = _handlers(handoff)
        handoff.closing = next(
            (e for e in reversed(handoff.trail) if e.kind in CLOSING_EVENT_KINDS), None
        )
    return handoffs


def _handlers(handoff: Handoff) -> list:
    """Who held it: each claimer and each teammate it was reassigned to, once each."""
    people = []
    for event in handoff.trail:
        person = {EventKind.CLAIMED: event.actor, EventKind.REASSIGNED: event.to_user}.get(
            event.kind
        )
        if person is not None and person not in people:
            people.append(person)
    if handoff.claimed_by is not None and handoff.claimed_by not in people:
        people.append(handoff.claimed_by)  # a reassignment recorded before to_user existed
    return people


def active_handoff_for_session(session_id: int, account_id: int) -> Handoff | None:
    return (
        Handoff.objects.select_related("claimed_by", "created_by", "target_user")
        .filter(session_id=session_id, account_id=account_id, status__in=ACTIVE_STATUSES)
        .first()
    )


def events_for_handoff(handoff: Handoff):
    return HandoffEvent.objects.filter(handoff=handoff).select_related("actor")


def handoffs_visible_to(user):
    """Every handoff of the user's account that the user may read, newest first: an
    escalation is the whole account's business; a park is private to the engineers
    (and to whoever handed it off or claimed it), as on the pickup screen."""
    if not is_member(user):
        return Handoff.objects.none()
    qs = Handoff.objects.filter(account_id=user.account_id)
    if not is_engineer_or_above(user):
        qs = qs.filter(Q(intent=Intent.ESCALATE) | Q(created_by=user) | Q(claimed_by=user))
    return qs.select_related("session", "created_by", "claimed_by", "target_user", "team").order_by(
        "-created_at", "-id"
    )


def get_visible_handoff_for_user(user, handoff_id) -> Handoff:
    """One handoff by handoffs_visible_to's rule, else 404."""
    handoff = handoffs_visible_to(user).filter(pk=handoff_id).first()
    if handoff is None:
        raise Http404("No such handoff.")
    return handoff


def escalations_per_step(tree) -> dict[str, int]:
    """{node ref: escalations} of one tree: how many escalated handoffs stood on each
    step (Handoff.tree_node, indexed), over all its versions, by ref. One aggregate
    query; registered in troubleshoot.trees.treemap.TREE_HEAT_SOURCES."""
    rows = (
        Handoff.objects.filter(
            account_id=tree.account_id,
            intent=Intent.ESCALATE,
            session__tree_version__tree_id=tree.pk,
            tree_node__isnull=False,
        )
        .values(ref=F("tree_node__ref"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["ref"]: row["n"] for row in rows if row["ref"]}
