"""The pickup screen shows every handoff of its session: notes, who held it, outcome."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handoffs import services
from handoffs.models import Handoff
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sara Senior", team=acme_team)


def _entry(html: str, handoff: Handoff) -> str:
    """The history entry of one handoff, as text."""
    match = re.search(
        rf'<li class="history-item" id="history-{handoff.pk}">(.*?)</details>', html, re.S
    )
    assert match, f"no history entry for handoff {handoff.pk}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _escalate_then_give_back(alice, sam, session, notes: str) -> Handoff:
    """Escalated, claimed by Sam, released with a note, then taken back by Alice."""
    handoff = services.handoff_create(
        actor=alice, session_id=session.pk, intent="escalate", engineer_notes=notes
    )
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_release(actor=sam, handoff_id=handoff.pk, note="Needs the network team")
    services.handoff_cancel(actor=alice, handoff_id=handoff.pk, note="Trying their idea first")
    return handoff


def test_a_session_handed_off_twice_shows_both_with_notes_handlers_and_outcome(
    alice, sam, sara, admin, client_for
):
    session = make_session(alice, problem_summary="Outlook is failing to sync email")
    first = _escalate_then_give_back(alice, sam, session, notes="Suspect the OST")
    second = services.handoff_create(
        actor=alice, session_id=session.pk, intent="park", engineer_notes="Back after lunch"
    )
    services.handoff_reescalate(actor=alice, handoff_id=second.pk, priority="urgent")
    services.handoff_claim(actor=sara, handoff_id=second.pk)
    services.handoff_reassign(actor=admin, handoff_id=second.pk, to_user_id=sam.pk)
    services.handoff_resolve(actor=sam, handoff_id=second.pk, note="Rebuilt the OST")

    html = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    assert "All 2 handoffs of this session" in html
    assert html.index(f'id="history-{second.pk}"') < html.index(f'id="history-{first.pk}"')

    older = _entry(html, first)
    assert "Escalation" in older and "Cancelled" in older
    assert "Handed off by Alice Junior" in older and "Suspect the OST" in older
    assert "Handled by Sam Senior" in older
    assert "Outcome: Cancelled by Alice Junior: Trying their idea first" in older
    assert "Released by Sam Senior" in older and "Needs the network team" in older

    latest = _entry(html, second)
    assert "Back after lunch" in latest and "Urgent" in latest
    assert "Handled by Sara Senior, Sam Senior" in latest
    assert "Outcome: Resolved by Sam Senior: Rebuilt the OST" in latest
    assert "Reassigned by Adam Admin to Sam Senior" in latest


def test_unclaimed_and_claimed_handoffs_say_so(alice, sam, client_for):
    session = make_session(alice)
    handoff = services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    url = reverse("handoffs:pickup", args=[session.pk])
    entry = _entry(client_for(sam).get(url).content.decode(), handoff)
    assert "This handoff" in client_for(sam).get(url).content.decode()
    assert "Nobody claimed it." in entry and "Outcome: waiting in the queue" in entry
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    entry = _entry(client_for(sam).get(url).content.decode(), handoff)
    assert "Handled by Sam Senior" in entry
    assert "Outcome: being worked on by Sam Senior" in entry


def test_a_resumed_park_says_resumed(alice, sam, client_for):
    session = make_session(alice)
    park = services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    services.handoff_cancel(actor=alice, handoff_id=park.pk)
    services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    html = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    assert "Outcome: Resumed by Alice Junior" in _entry(html, park)


def test_another_account_gets_404_for_the_session_and_every_handoff_of_it(
    alice, sam, charlie, client_for
):
    session = make_session(alice)
    first = _escalate_then_give_back(alice, sam, session, notes="one")
    second = services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    other = client_for(charlie)
    assert other.get(reverse("handoffs:pickup", args=[session.pk])).status_code == 404
    assert other.get(reverse("handoffs:pickup_live", args=[session.pk])).status_code == 404
    for handoff in (first, second):
        assert other.get(reverse("handoffs:assessment", args=[handoff.pk])).status_code == 404


def test_a_viewer_cannot_read_a_parks_assessment_by_its_id(alice, viewer, client_for):
    session = make_session(alice)
    park = services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    url = reverse("handoffs:assessment", args=[park.pk])
    assert client_for(viewer).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 200


def _pickup_queries(client, session) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("handoffs:pickup", args=[session.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("earlier_handoffs", [5, 20])
def test_pickup_query_count_does_not_grow_with_the_handoffs(
    alice, sam, client_for, earlier_handoffs
):
    client = client_for(sam)
    one = make_session(alice)
    services.handoff_create(actor=alice, session_id=one.pk, intent="escalate")
    baseline, _ = _pickup_queries(client, one)

    many = make_session(alice)
    for n in range(earlier_handoffs):
        _escalate_then_give_back(alice, sam, many, notes=f"Attempt number {n}")
    services.handoff_create(actor=alice, session_id=many.pk, intent="escalate")
    count, html = _pickup_queries(client, many)

    assert count == baseline, f"{count} queries for {earlier_handoffs + 1} handoffs"
    assert count <= 12
    for n in range(earlier_handoffs):
        assert f"Attempt number {n}" in html
