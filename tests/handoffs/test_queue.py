"""The team queue: what it lists, in which order, for whom, and at what query cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from handoffs.models import Handoff
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db


def _bulk_handoffs(account, requester, n, *, intent="escalate", priority="normal", target=None):
    """Many queued handoffs, written directly (the services are tested elsewhere)."""
    sessions = [
        make_session(requester, problem_summary=f"Problem {i}", psa_ticket=str(1000 + i))
        for i in range(n)
    ]
    Handoff.objects.bulk_create(
        [
            Handoff(
                session=s,
                account=account,
                team=requester.team,
                intent=intent,
                priority=priority,
                created_by=requester,
                target_user=target,
                snapshot={
                    "problem_summary": s.problem_summary,
                    "steps": [{"text": "x" * 200}] * 20,
                },
            )
            for s in sessions
        ]
    )


def test_queue_lists_urgent_first_then_oldest(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 2, priority="low")
    _bulk_handoffs(acme, alice, 1, priority="urgent")
    Handoff.objects.filter(priority="low").update(queued_at=timezone.now())
    body = client_for(sam).get(reverse("handoffs:queue")).content.decode()
    urgent = Handoff.objects.get(priority="urgent")
    older, newer = Handoff.objects.filter(priority="low").order_by("queued_at")
    positions = [body.index(f'id="handoff-{h.pk}"') for h in (urgent, older, newer)]
    assert positions == sorted(positions)


def test_queue_card_shows_ticket_requester_and_for_you(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 1, target=sam)
    body = client_for(sam).get(reverse("handoffs:queue")).content.decode()
    assert "#1000" in body
    assert "Alice Junior" in body
    assert "for you" in body
    assert "Claim" in body


def test_queue_escapes_user_text(client_for, acme, alice, sam):
    s = make_session(alice, problem_summary="<script>alert(1)</script> printer")
    Handoff.objects.create(session=s, account=acme, intent="escalate", created_by=alice)
    body = client_for(sam).get(reverse("handoffs:queue")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; printer" in body


def test_queue_filters_by_intent_priority_and_target(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 2, intent="park")
    _bulk_handoffs(acme, alice, 3, intent="escalate", priority="urgent")
    _bulk_handoffs(acme, alice, 1, intent="escalate", target=sam)
    client = client_for(sam)

    def count(query):
        body = client.get(reverse("handoffs:queue_list") + query).content.decode()
        return body.count('<article class="qcard')

    assert count("") == 6
    assert count("?intent=park") == 2
    assert count("?priority=urgent") == 3
    assert count("?mine=on") == 1


@pytest.mark.parametrize("value", ["²", "9" * 5000, "99999999999999999999", "12\x00"])
def test_queue_ignores_a_new_card_id_that_is_no_id(client_for, acme, alice, sam, value):
    """?new= highlights the card that just arrived; "²".isdigit() is True, int("²") fails."""
    _bulk_handoffs(acme, alice, 1)
    response = client_for(sam).get(reverse("handoffs:queue_list"), {"new": value})
    assert response.status_code == 200
    assert response.context["new_id"] is None
    assert response.content.decode().count('<article class="qcard') == 1


def test_queue_keeps_the_valid_filters_and_ignores_the_others(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 2, intent="park")
    _bulk_handoffs(acme, alice, 3, intent="escalate")
    query = {"intent": "park", "team": "²", "page": "9" * 5000, "new": "1"}
    response = client_for(sam).get(reverse("handoffs:queue_list"), query)
    assert response.status_code == 200
    assert response.content.decode().count('<article class="qcard') == 2
    assert response.context["new_id"] == 1


def test_queue_shows_counts_per_intent(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 2, intent="park")
    _bulk_handoffs(acme, alice, 3)
    body = client_for(sam).get(reverse("handoffs:queue")).content.decode()
    assert "<strong>3</strong> escalated" in body
    assert "<strong>2</strong> parked" in body


def test_claimed_and_closed_handoffs_leave_the_queue(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 3)
    first, second, _ = Handoff.objects.order_by("id")
    Handoff.objects.filter(pk=first.pk).update(status="claimed", claimed_by=sam)
    Handoff.objects.filter(pk=second.pk).update(status="cancelled")
    body = client_for(sam).get(reverse("handoffs:queue_list")).content.decode()
    assert body.count('<article class="qcard') == 1


def test_queue_never_shows_another_accounts_handoffs(client_for, acme, globex, alice, charlie):
    _bulk_handoffs(acme, alice, 3)
    body = client_for(charlie).get(reverse("handoffs:queue")).content.decode()
    assert "<article" not in body
    assert "Problem 0" not in body


def test_viewer_cannot_open_the_queue(client_for, viewer):
    assert client_for(viewer).get(reverse("handoffs:queue")).status_code == 403
    assert client_for(viewer).get(reverse("handoffs:queue_list")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("handoffs:queue"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["handoffs:queue", "handoffs:queue_list", "handoffs:queue_count"]
)
def test_queue_query_count_is_constant_from_10_to_1000(client_for, acme, alice, url_name):
    senior = make_user(acme, Role.ENGINEER, name="Watcher", team=alice.team)
    client = client_for(senior)
    url = reverse(url_name)
    _bulk_handoffs(acme, alice, 10, target=senior)
    small = _queries_for(client, url)
    _bulk_handoffs(acme, alice, 990, intent="park")
    large = _queries_for(client, url)
    assert small == large
    assert large <= 10


def test_nav_count_is_open_escalations(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 4)
    _bulk_handoffs(acme, alice, 2, intent="park")
    body = client_for(sam).get(reverse("handoffs:queue_count")).content.decode()
    assert ">4</span>" in body


def test_queue_filters_by_team(client_for, acme, alice, sam):
    from tests.factories import make_team

    network = make_team(acme, "Network")
    bob = make_user(acme, Role.ENGINEER, name="Bob Network", team=network)
    _bulk_handoffs(acme, alice, 2)
    _bulk_handoffs(acme, bob, 3)
    body = client_for(sam).get(reverse("handoffs:queue_list") + f"?team={network.pk}")
    assert body.content.decode().count('<article class="qcard') == 3


def test_queue_shows_50_cards_a_page(client_for, acme, alice, sam):
    _bulk_handoffs(acme, alice, 51)
    client = client_for(sam)
    first = client.get(reverse("handoffs:queue_list")).content.decode()
    second = client.get(reverse("handoffs:queue_list") + "?page=2").content.decode()
    assert first.count('<article class="qcard') == 50
    assert second.count('<article class="qcard') == 1
