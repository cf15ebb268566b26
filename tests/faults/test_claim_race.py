"""Twenty seniors press Claim on the same escalation at the same instant, fifty
times over, through the real view on PostgreSQL: one 303 to the pickup screen and
nineteen 409s naming that winner, every time."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from handoffs.models import Handoff, HandoffEvent
from tests.conftest import login, requires_postgres
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

CLAIMERS = 20
ROUNDS = 50


def test_twenty_simultaneous_claims_fifty_times_have_exactly_one_winner_each_time(acme, alice):
    seniors = [make_user(acme, Role.ENGINEER, name=f"Senior {i:02}") for i in range(CLAIMERS)]
    clients = [login(Client(), senior) for senior in seniors]
    handoffs = []
    for round_no in range(ROUNDS):
        session = make_session(alice, problem_summary=f"Race {round_no}", status="escalated")
        handoffs.append(
            Handoff.objects.create(
                session=session, account=acme, intent="escalate", created_by=alice
            )
        )
    start = threading.Barrier(CLAIMERS)
    results = [[None] * CLAIMERS for _ in range(ROUNDS)]

    def senior(i: int) -> None:
        try:
            for round_no, handoff in enumerate(handoffs):
                start.wait(timeout=30)  # everyone presses Claim together
                response = clients[i].post(reverse("handoffs:claim", args=[handoff.pk]))
                results[round_no][i] = (response.status_code, response.content.decode())
        except threading.BrokenBarrierError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=senior, args=(i,)) for i in range(CLAIMERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    for round_no, handoff in enumerate(handoffs):
        outcomes = results[round_no]
        assert None not in outcomes, f"round {round_no}: a claim never ran"
        handoff.refresh_from_db()
        winner = handoff.claimed_by
        assert handoff.status == "claimed" and winner is not None
        won = [i for i, (status, _) in enumerate(outcomes) if status == 303]
        lost = [body for status, body in outcomes if status == 409]
        assert [seniors[i] for i in won] == [winner], f"round {round_no}: {won}"
        assert len(lost) == CLAIMERS - 1, f"round {round_no}: {[s for s, _ in outcomes]}"
        assert all(f"Already claimed by {winner.display_name}" in body for body in lost)
        assert HandoffEvent.objects.filter(handoff=handoff, kind="claimed").count() == 1
