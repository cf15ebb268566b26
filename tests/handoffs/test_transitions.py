"""Claim, release, reassign, cancel, resolve, re-escalate: each move and its illegal twin."""

import pytest
from django.urls import reverse

from handoffs import services
from handoffs.errors import (
    AlreadyClaimed,
    HandoffConflict,
    HandoffForbidden,
    HandoffValidationError,
)
from handoffs.models import EventKind, HandoffStatus
from notifications.models import Notification
from tests.factories import make_user
from troubleshoot.models import Role, SessionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior2(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sara Senior", team=acme_team)


def test_claim_assigns_the_session_and_tells_the_requester(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    handoff.refresh_from_db()
    session.refresh_from_db()
    assert (handoff.status, handoff.claimed_by) == (HandoffStatus.CLAIMED, sam)
    assert (session.status, session.assignee) == (SessionStatus.CLAIMED, sam)
    assert Notification.objects.filter(recipient=alice, kind="handoff_claimed").exists()
    event = handoff.events.get(kind=EventKind.CLAIMED)
    assert (event.actor, event.from_status, event.to_status) == (sam, "open", "claimed")


def test_second_claim_gets_409_naming_the_winner(escalate, alice, sam, senior2, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(AlreadyClaimed, match="Already claimed by Sam Senior at"):
        services.handoff_claim(actor=senior2, handoff_id=handoff.pk)


def test_claiming_your_own_escalation_is_refused(escalate, alice, session):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffForbidden, match="cancel it instead"):
        services.handoff_claim(actor=alice, handoff_id=handoff.pk)


def test_claiming_your_own_park_says_resume(escalate, alice, session):
    handoff = escalate(alice, session, intent="park")
    with pytest.raises(HandoffForbidden, match="resume it instead"):
        services.handoff_claim(actor=alice, handoff_id=handoff.pk)


def test_viewer_cannot_claim(escalate, alice, viewer, session):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffForbidden):
        services.handoff_claim(actor=viewer, handoff_id=handoff.pk)


def test_release_puts_it_back_and_a_teammate_can_claim_it(escalate, alice, sam, senior2, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_release(actor=sam, handoff_id=handoff.pk, note="Needs the network team")
    handoff.refresh_from_db()
    session.refresh_from_db()
    assert handoff.status == HandoffStatus.RELEASED and handoff.claimed_by is None
    assert session.status == SessionStatus.ESCALATED and session.assignee is None
    assert handoff.events.get(kind=EventKind.RELEASED).note == "Needs the network team"
    services.handoff_claim(actor=senior2, handoff_id=handoff.pk)
    handoff.refresh_from_db()
    assert handoff.claimed_by == senior2


def test_only_the_claimer_releases_and_only_when_claimed(escalate, alice, sam, senior2, session):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffConflict, match="is open"):
        services.handoff_release(actor=sam, handoff_id=handoff.pk)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffForbidden):
        services.handoff_release(actor=senior2, handoff_id=handoff.pk)


def test_reassign_by_claimer_or_admin(escalate, alice, sam, senior2, admin, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_reassign(actor=sam, handoff_id=handoff.pk, to_user_id=senior2.pk)
    handoff.refresh_from_db()
    session.refresh_from_db()
    assert handoff.claimed_by == senior2 and session.assignee == senior2
    services.handoff_reassign(actor=admin, handoff_id=handoff.pk, to_user_id=sam.pk)
    handoff.refresh_from_db()
    assert handoff.claimed_by == sam


def _bell(user, kind="handoff_reassigned"):
    return list(
        Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True)
    )


def test_reassign_tells_the_new_owner_and_the_requester_not_the_actor(
    escalate, alice, sam, senior2, session
):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_reassign(actor=sam, handoff_id=handoff.pk, to_user_id=senior2.pk)
    about = " · #12345: Outlook is failing to sync email for the whole finance team"
    assert _bell(senior2) == ["Sam Senior handed you an escalation" + about]
    assert _bell(alice) == ["Sam Senior handed your escalation to Sara Senior" + about]
    assert _bell(sam) == []
    event = handoff.events.get(kind=EventKind.REASSIGNED)
    assert (event.actor, event.to_user, event.note) == (sam, senior2, "")


def test_an_admin_reassigning_also_tells_the_engineer_who_had_it(
    escalate, alice, sam, senior2, admin, session
):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_reassign(actor=admin, handoff_id=handoff.pk, to_user_id=senior2.pk)
    assert _bell(sam) == [
        "Adam Admin handed the escalation you had claimed to Sara Senior · #12345: "
        "Outlook is failing to sync email for the whole finance team"
    ]
    assert len(_bell(senior2)) == len(_bell(alice)) == 1
    assert _bell(admin) == []


def test_reassigned_to_the_requester_they_hear_it_once(escalate, alice, sam, admin, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_reassign(actor=admin, handoff_id=handoff.pk, to_user_id=alice.pk)
    assert [t.split(" · ")[0] for t in _bell(alice)] == ["Adam Admin handed you an escalation"]


def test_reassign_refuses_strangers_and_bad_targets(
    escalate, alice, sam, senior2, viewer, charlie, session
):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffConflict):
        services.handoff_reassign(actor=sam, handoff_id=handoff.pk, to_user_id=senior2.pk)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffForbidden):
        services.handoff_reassign(actor=senior2, handoff_id=handoff.pk, to_user_id=alice.pk)
    for target in (viewer, charlie, sam):
        with pytest.raises(HandoffValidationError):
            services.handoff_reassign(actor=sam, handoff_id=handoff.pk, to_user_id=target.pk)


def test_cancel_by_requester_while_open_makes_the_session_active(escalate, alice, session):
    handoff = escalate(alice, session)
    services.handoff_cancel(actor=alice, handoff_id=handoff.pk)
    handoff.refresh_from_db()
    session.refresh_from_db()
    assert handoff.status == HandoffStatus.CANCELLED
    assert session.status == SessionStatus.ACTIVE


def test_cancel_refused_for_others_and_after_claim(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffForbidden):
        services.handoff_cancel(actor=sam, handoff_id=handoff.pk)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffConflict, match="is claimed"):
        services.handoff_cancel(actor=alice, handoff_id=handoff.pk)


def test_a_cancelled_handoff_cannot_be_claimed(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_cancel(actor=alice, handoff_id=handoff.pk)
    with pytest.raises(HandoffConflict, match="cancelled"):
        services.handoff_claim(actor=sam, handoff_id=handoff.pk)


def test_resume_a_park_then_escalate_it(escalate, alice, session):
    park = escalate(alice, session, intent="park")
    services.handoff_cancel(actor=alice, handoff_id=park.pk)
    handoff = escalate(alice, session)
    assert handoff.intent == "escalate"


def test_resolve_closes_handoff_and_session(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_resolve(actor=sam, handoff_id=handoff.pk, note="Rebuilt the OST")
    handoff.refresh_from_db()
    session.refresh_from_db()
    assert handoff.status == HandoffStatus.RESOLVED
    assert session.status == SessionStatus.RESOLVED
    assert session.resolution_note == "Rebuilt the OST"
    with pytest.raises(HandoffConflict, match="resolved"):
        services.handoff_resolve(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffConflict):
        services.handoff_release(actor=sam, handoff_id=handoff.pk)


def test_resolution_rings_the_requester_unless_they_resolved_it(
    escalate, alice, sam, session, tree_version
):
    from tests.factories_sessions import make_session

    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_resolve(actor=sam, handoff_id=handoff.pk, note="Rebuilt the OST")
    assert [n.body for n in Notification.objects.filter(kind="handoff_resolved")] == [
        "Rebuilt the OST"
    ]
    fixed_myself = escalate(alice, make_session(alice, tree_version=tree_version))
    services.handoff_resolve(actor=alice, handoff_id=fixed_myself.pk, note="Fixed it myself")
    assert Notification.objects.filter(kind="handoff_resolved").count() == 1


def test_resolve_refused_for_a_non_claimer(escalate, alice, sam, senior2, session):
    handoff = escalate(alice, session)
    with pytest.raises(HandoffForbidden):
        services.handoff_resolve(actor=senior2, handoff_id=handoff.pk)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffForbidden):
        services.handoff_resolve(actor=senior2, handoff_id=handoff.pk)


def test_reescalate_raises_priority_and_notifies_again(
    escalate, alice, sam, session, django_capture_on_commit_callbacks
):
    handoff = escalate(alice, session, priority="normal")
    before = Notification.objects.filter(recipient=sam).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_reescalate(actor=alice, handoff_id=handoff.pk, priority="urgent")
    handoff.refresh_from_db()
    assert handoff.priority == "urgent"
    assert Notification.objects.filter(recipient=sam).count() == before + 1
    with pytest.raises(HandoffValidationError, match="higher priority"):
        services.handoff_reescalate(actor=alice, handoff_id=handoff.pk, priority="high")


def test_reescalate_reaches_each_watcher_as_one_message(
    escalate, alice, sam, session, django_capture_on_commit_callbacks
):
    from unittest import mock

    handoff = escalate(alice, session, priority="normal")
    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            services.handoff_reescalate(actor=alice, handoff_id=handoff.pk, priority="urgent")
    to_account = [
        event
        for group, event in (c.args for c in publish.call_args_list)
        if group == f"account-{alice.account_id}"
    ]
    # The queue's event also rings the bells (Sam got a new bell row); no second push.
    assert [(e["type"], e.get("rings_bell")) for e in to_account] == [("handoff_updated", True)]
    assert not [c for c in publish.call_args_list if c.args[1]["type"] == "notification_created"]


def test_reescalating_a_park_turns_it_into_an_escalation(
    escalate, alice, sam, session, django_capture_on_commit_callbacks
):
    park = escalate(alice, session, intent="park")
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_reescalate(actor=alice, handoff_id=park.pk, priority="high")
    park.refresh_from_db()
    session.refresh_from_db()
    assert park.intent == "escalate" and session.status == SessionStatus.ESCALATED
    assert Notification.objects.filter(recipient=sam).exists()
    assert park.ai_status == "ready"


def test_reescalate_refused_once_claimed(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with pytest.raises(HandoffConflict):
        services.handoff_reescalate(actor=alice, handoff_id=handoff.pk, priority="urgent")


# --- the HTTP contract -------------------------------------------------------------


def test_claim_endpoint_winner_303_to_pickup_loser_409(
    escalate, client_for, alice, sam, senior2, session
):
    handoff = escalate(alice, session)
    url = reverse("handoffs:claim", args=[handoff.pk])
    won = client_for(sam).post(url)
    assert won.status_code == 303
    assert won["Location"] == f"/sessions/{session.pk}/pickup/"
    lost = client_for(senior2).post(url)
    assert lost.status_code == 409
    assert "Already claimed by Sam Senior at" in lost.content.decode()


def test_claim_endpoint_htmx_loser_gets_the_sentence_as_a_fragment(
    escalate, client_for, alice, sam, senior2, session
):
    handoff = escalate(alice, session)
    url = reverse("handoffs:claim", args=[handoff.pk])
    won = client_for(sam).post(url, HTTP_HX_REQUEST="true")
    assert won["HX-Redirect"] == f"/sessions/{session.pk}/pickup/"
    lost = client_for(senior2).post(url, HTTP_HX_REQUEST="true")
    assert lost.status_code == 409
    assert "<html" not in lost.content.decode()
    assert "Already claimed by Sam Senior" in lost.content.decode()


def test_claim_endpoint_viewer_403_other_account_404(
    escalate, client_for, alice, viewer, charlie, session
):
    handoff = escalate(alice, session)
    url = reverse("handoffs:claim", args=[handoff.pk])
    assert client_for(viewer).post(url).status_code == 403
    assert client_for(charlie).post(url).status_code == 404
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.OPEN


def test_claim_endpoint_requires_post(escalate, client_for, alice, sam, session):
    handoff = escalate(alice, session)
    assert client_for(sam).get(reverse("handoffs:claim", args=[handoff.pk])).status_code == 405


def test_illegal_transitions_over_http_are_409_with_the_state(
    escalate, client_for, alice, sam, session
):
    handoff = escalate(alice, session)
    response = client_for(sam).post(reverse("handoffs:release", args=[handoff.pk]))
    assert response.status_code == 409
    assert "is open" in response.content.decode()


def test_release_reassign_resolve_over_http(escalate, client_for, alice, sam, senior2, session):
    handoff = escalate(alice, session)
    client = client_for(sam)
    client.post(reverse("handoffs:claim", args=[handoff.pk]))
    r = client.post(reverse("handoffs:reassign", args=[handoff.pk]), {"to_user": senior2.pk})
    assert r.status_code == 303
    r = client_for(senior2).post(reverse("handoffs:resolve", args=[handoff.pk]), {"note": "Done"})
    assert r.status_code == 303
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.RESOLVED
    kinds = list(handoff.events.values_list("kind", flat=True))
    assert kinds == ["created", "assessment", "claimed", "reassigned", "resolved"]


def test_resolving_the_session_on_its_page_resolves_the_handoff(escalate, alice, sam, session):
    from troubleshoot.sessions.services import session_resolve

    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    session_resolve(actor=sam, session_id=session.pk, resolution_note="Rebuilt the profile")
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.RESOLVED
    assert handoff.events.last().note == "Rebuilt the profile"


def test_abandoning_a_parked_session_cancels_its_park(escalate, alice, session):
    from troubleshoot.sessions.services import session_abandon

    park = escalate(alice, session, intent="park")
    session_abandon(actor=alice, session_id=session.pk)
    park.refresh_from_db()
    assert park.status == HandoffStatus.CANCELLED
