"""Reads for the queue, the pickup screen and the session panel, scoped to an account."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from handoffs.models import (
    ACTIVE_STATUSES,
    PRIORITY_ORDER,
    QUEUED_STATUSES,
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
    """The handoff if it is in the user's account (any member may read it), else 404."""
    handoff = (
        Handoff.objects.select_related("session", "created_by", "claimed_by", "target_user", "team")
        .filter(pk=handoff_id, account_id=getattr(user, "account_id", None))
        .first()
    )
    if handoff is None or not is_member(user):
        raise Http404("No such handoff.")
    return handoff


def latest_handoff_for_session(user, session_id) -> Handoff:
    """The pickup screen's handoff: the session's newest, in the user's account, else 404.

    A parked session is private to its owner until someone claims it; escalations are
    the whole account's business (viewers read them too).
    """
    handoff = (
        Handoff.objects.select_related("session", "created_by", "claimed_by", "target_user", "team")
        .filter(session_id=session_id, account_id=getattr(user, "account_id", None))
        .order_by("-created_at", "-id")
        .first()
    )
    if handoff is None or not is_member(user):
        raise Http404("No handoff for this session.")
    involved = user.pk in (handoff.created_by_id, handoff.claimed_by_id)
    if handoff.intent == Intent.PARK and not involved and not is_engineer_or_above(user):
        raise Http404("No handoff for this session.")
    return handoff


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
