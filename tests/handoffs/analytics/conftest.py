"""Analytics fixtures: escalations with known times, written as rows (the services
stamp `now`; these figures need a past)."""

from datetime import UTC, datetime, timedelta

import pytest

from handoffs.models import EventKind, Handoff, HandoffEvent, HandoffStatus
from tests.factories_sessions import make_session, make_tree

# Tuesday 3 Nov 2026, 09:00 UTC: the week of Monday 2 Nov.
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def record_escalation(
    session,
    *,
    at=T0,
    priority="normal",
    claim_after=None,
    resolve_after=None,
    claimer=None,
    reminders=0,
    node=None,
    intent="escalate",
):
    """An escalation of `session` at `at`, claimed `claim_after` seconds later and
    resolved `resolve_after` seconds after it was raised (by `claimer`)."""
    status = HandoffStatus.OPEN
    if claim_after is not None:
        status = HandoffStatus.CLAIMED
    if resolve_after is not None:
        status = HandoffStatus.RESOLVED
    handoff = Handoff.objects.create(
        session=session,
        account_id=session.account_id,
        team_id=session.team_id,
        intent=intent,
        priority=priority,
        created_by=session.user,
        status=status,
        created_at=at,
        queued_at=at,
        tree_node=node,
        closed_at=at + timedelta(seconds=resolve_after) if resolve_after is not None else None,
        # What the claim service and the ladder keep on the row.
        first_claimed_at=at + timedelta(seconds=claim_after) if claim_after is not None else None,
        unclaimed_reminders=reminders,
    )
    events = [
        HandoffEvent(handoff=handoff, actor=session.user, kind=EventKind.CREATED, created_at=at)
    ]
    for i in range(reminders):
        events.append(
            HandoffEvent(
                handoff=handoff,
                kind=EventKind.UNCLAIMED_REMINDER,
                created_at=at + timedelta(minutes=10 * (i + 1)),
            )
        )
    if claim_after is not None:
        events.append(
            HandoffEvent(
                handoff=handoff,
                actor=claimer,
                kind=EventKind.CLAIMED,
                created_at=at + timedelta(seconds=claim_after),
            )
        )
    if resolve_after is not None:
        events.append(
            HandoffEvent(
                handoff=handoff,
                actor=claimer,
                kind=EventKind.RESOLVED,
                created_at=at + timedelta(seconds=resolve_after),
            )
        )
    HandoffEvent.objects.bulk_create(events)
    session.status = "escalated" if resolve_after is None else "resolved"
    session.save(update_fields=["status"])
    return handoff


def started(user, *, at=T0, tree_version=None, status="active"):
    session = make_session(user, tree_version=tree_version, status=status)
    session.created_at = at
    session.save(update_fields=["created_at"])
    return session


@pytest.fixture
def outlook(acme, sam):
    return make_tree(acme, sam, title="Outlook not syncing", category="Email")


@pytest.fixture
def printer(acme, sam):
    return make_tree(acme, sam, title="Printer offline", category="Hardware")
