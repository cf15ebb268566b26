"""Many seniors click Claim at the same moment: exactly one wins, every time.

Real concurrency needs real transactions and a database that runs them in parallel:
PostgreSQL. (SQLite serialises writers, so the race cannot even be staged there.)
"""

import functools

import pytest

from handoffs import services
from handoffs.errors import AlreadyClaimed
from handoffs.models import Handoff, HandoffEvent
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

CLAIMERS = 20


def race(handoff_id: int, seniors) -> list:
    def claim(senior):
        services.handoff_claim(actor=senior, handoff_id=handoff_id)
        return "won"

    return at_once([functools.partial(claim, senior) for senior in seniors])


def run_races(acme, repeats: int) -> None:
    junior = make_user(acme, Role.ENGINEER, name="Junior")
    seniors = [make_user(acme, Role.ENGINEER, name=f"Senior {i}") for i in range(CLAIMERS)]
    for round_no in range(repeats):
        session = make_session(junior, problem_summary=f"Race {round_no}", status="escalated")
        handoff = Handoff.objects.create(
            session=session, account=acme, intent="escalate", created_by=junior
        )
        outcomes = race(handoff.pk, seniors)
        winners = [o for o in outcomes if o == "won"]
        losers = [o for o in outcomes if isinstance(o, AlreadyClaimed)]
        assert len(winners) == 1, outcomes
        assert len(losers) == CLAIMERS - 1, outcomes
        handoff.refresh_from_db()
        # Every loser was told the one real winner's name.
        assert {loser.claimed_by_name for loser in losers} == {handoff.claimed_by.display_name}
        assert HandoffEvent.objects.filter(handoff=handoff, kind="claimed").count() == 1


def test_twenty_concurrent_claims_have_exactly_one_winner(acme):
    run_races(acme, repeats=10)
