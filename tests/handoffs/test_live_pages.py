"""Pages showing one session's handoff follow every change to it, whoever is watching.

The pickup screen and the session page's handoff panel re-fetch on each event a
service publishes about the session's handoffs; those events reach the session's
group too (a viewer is not in the account's), with one id so a page in both groups
acts once. The browser side is in tests/e2e/test_escalation_flow.py.
"""

import re
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from handoffs import services
from handoffs.services.common import SESSION_EVENT_TYPES
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.live.consumers import EventsConsumer
from troubleshoot.models import Role


@pytest.fixture
def sara(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sara Senior", team=acme_team)


def _published_during(django_capture_on_commit_callbacks, moves) -> list[tuple[str, dict]]:
    sent = []
    with mock.patch(
        "troubleshoot.live.events.publish_now", lambda group, event: sent.append((group, event))
    ):
        for move in moves:
            with django_capture_on_commit_callbacks(execute=True):
                move()
    return sent


def _triggers(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*?hx-trigger="([^"]*)"', html, re.S)
    assert match, f"no live element #{element_id}"
    return match.group(1)


@pytest.mark.django_db
def test_every_handoff_event_reaches_the_session_and_both_pages_refetch_on_it(
    alice, sam, sara, admin, client_for, django_capture_on_commit_callbacks
):
    first = make_session(alice, problem_summary="Printer offline")
    second = make_session(alice, problem_summary="VPN down")
    state = {}

    def create(session, intent):
        state[session.pk] = services.handoff_create(
            actor=alice, session_id=session.pk, intent=intent
        ).pk

    sent = _published_during(
        django_capture_on_commit_callbacks,
        [
            lambda: create(first, "park"),
            lambda: services.handoff_reescalate(
                actor=alice, handoff_id=state[first.pk], priority="urgent"
            ),
            lambda: services.handoff_claim(actor=sam, handoff_id=state[first.pk]),
            lambda: services.handoff_reassign(
                actor=sam, handoff_id=state[first.pk], to_user_id=sara.pk
            ),
            lambda: services.handoff_release(actor=sara, handoff_id=state[first.pk]),
            lambda: services.handoff_resolve(actor=admin, handoff_id=state[first.pk]),
            lambda: create(second, "escalate"),
            lambda: services.handoff_cancel(actor=alice, handoff_id=state[second.pk]),
        ],
    )
    about_handoffs = [(group, e) for group, e in sent if "handoff_id" in e]
    kinds = {e["type"] for _, e in about_handoffs}
    assert kinds == set(SESSION_EVENT_TYPES), "a move published a kind the pages ignore"

    to_sessions = [e for group, e in about_handoffs if group.startswith("session-")]
    for group, event in about_handoffs:
        # Whatever the account hears about a handoff, the pages on its session hear too.
        assert group == f"session-{event['session_id']}" or event in to_sessions, event

    pickup = client_for(sam).get(reverse("handoffs:pickup", args=[first.pk])).content.decode()
    panel_page = client_for(alice).get(reverse("troubleshoot:session_detail", args=[second.pk]))
    for triggers, session in (
        (_triggers(pickup, "pickup-live"), first),
        (_triggers(panel_page.content.decode(), f"handoff-panel-{second.pk}"), second),
    ):
        for kind in SESSION_EVENT_TYPES:
            assert f"baton:{kind}:session-{session.pk} from:body" in triggers
        assert "baton:reconnected from:body" in triggers


@pytest.mark.django_db
def test_both_copies_of_an_event_carry_one_id(alice, django_capture_on_commit_callbacks):
    session = make_session(alice)
    sent = _published_during(
        django_capture_on_commit_callbacks,
        [lambda: services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")],
    )
    created = [(g, e) for g, e in sent if e["type"] == "handoff_created"]
    assert [g for g, _ in created] == [f"account-{alice.account_id}", f"session-{session.pk}"]
    assert created[0][1]["event_id"] == created[1][1]["event_id"]
    # (The browser suite checks that a page in both groups fetches once.)


@pytest.mark.django_db
def test_live_part_of_a_parked_pickup_shows_the_re_escalation(
    alice, sam, client_for, django_capture_on_commit_callbacks
):
    session = make_session(alice, problem_summary="Outlook is failing to sync email")
    park = services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    url = reverse("handoffs:pickup_live", args=[session.pk])
    before = client_for(sam).get(url).content.decode()
    assert "<html" not in before and 'id="pickup-live"' not in before  # its content
    assert ">Parked</span>" in before and "Normal priority" in before
    assert "No assessment was requested for this parked session." in before

    services.handoff_reescalate(actor=alice, handoff_id=park.pk, priority="urgent")
    after = client_for(sam).get(url).content.decode()
    assert ">Escalated</span>" in after and "Urgent priority" in after
    assert "Writing the assessment" in after


@pytest.mark.django_db
def test_live_part_is_for_those_who_may_read_the_pickup_screen(alice, viewer, charlie, client_for):
    session = make_session(alice)
    services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    url = reverse("handoffs:pickup_live", args=[session.pk])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(viewer).get(url).status_code == 404  # a park is private
    assert client_for(alice).get(url).status_code == 200


def test_the_session_page_listens_to_its_session(alice, client_for, db):
    session = make_session(alice)
    body = client_for(alice).get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert f'ws-connect="/ws/events/?session={session.pk}"' in body.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_viewer_on_an_escalation_hears_it_claimed(alice, sam, viewer):
    session = make_session(alice)
    handoff = services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    claim = sync_to_async(services.handoff_claim)

    async def scenario():
        ws = WebsocketCommunicator(EventsConsumer.as_asgi(), f"/ws/events/?session={session.pk}")
        ws.scope["user"] = viewer
        connected, _ = await ws.connect()
        assert connected
        assert (await ws.receive_json_from(timeout=2))["type"] == "hello"
        await claim(actor=sam, handoff_id=handoff.pk)
        event = await ws.receive_json_from(timeout=2)
        assert (event["type"], event["session_id"]) == ("handoff_claimed", session.pk)
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_an_engineer_on_a_parked_pickup_hears_it_re_escalated_and_assessed(alice, sam, viewer):
    session = make_session(alice)
    park = services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    reescalate = sync_to_async(services.handoff_reescalate)

    async def listen(user):
        ws = WebsocketCommunicator(EventsConsumer.as_asgi(), f"/ws/events/?session={session.pk}")
        ws.scope["user"] = user
        assert (await ws.connect())[0]
        return ws, (await ws.receive_json_from(timeout=2))["groups"]

    async def scenario():
        # The session page would not show a parked session to Sam; the pickup screen does.
        ws, groups = await listen(sam)
        assert groups == 3  # his own, the account's, the session's
        _, viewer_groups = await listen(viewer)
        assert viewer_groups == 1  # a park stays private to viewers
        await reescalate(actor=alice, handoff_id=park.pk, priority="urgent")
        kinds = set()
        while not {"handoff_updated", "assessment_ready"} <= kinds:
            kinds.add((await ws.receive_json_from(timeout=5))["type"])
        await ws.disconnect()

    async_to_sync(scenario)()
