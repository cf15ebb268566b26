"""The handoff endpoints: the same service as the pages (same rows, same events), the
claim race's 409 naming the winner, the moves after a claim, the queue and the list."""

from unittest import mock

import pytest
from django.urls import reverse

from handoffs.models import Handoff, HandoffEvent, HandoffStatus
from notifications.models import Delivery, Notification
from tests.factories_sessions import add_step, make_session
from troubleshoot.models import SessionStatus, Step, StepKind

pytestmark = pytest.mark.django_db


def _same_session(alice, tree_version):
    session = make_session(
        alice,
        tree_version=tree_version,
        problem_summary="Outlook is failing to sync email for the whole finance team",
        psa_ticket="12345",
        client_name="Contoso Dental",
    )
    add_step(session, alice, kind=StepKind.NOTE, note="Restarted Outlook in safe mode")
    return session


def _world_of(session, published) -> dict:
    """Everything an escalation of this session left behind, ids replaced by names."""
    handoff = Handoff.objects.get(session=session)
    sid, hid = str(session.pk), str(handoff.pk)

    def plain(value):
        text = str(value)
        return text.replace(f"/sessions/{sid}/", "/sessions/S/").replace(f"handoff-{hid}-", "H-")

    snapshot = dict(handoff.snapshot)
    snapshot.pop("created_at")
    snapshot["steps"] = [{k: v for k, v in s.items() if k != "at"} for s in snapshot["steps"]]
    return {
        "handoff": {
            "fields": [
                handoff.intent,
                handoff.priority,
                handoff.status,
                handoff.engineer_notes,
                handoff.created_by_id,
                handoff.target_user_id,
                handoff.team_id,
                handoff.ai_status,
            ],
            "snapshot": snapshot,
        },
        "audit": list(
            HandoffEvent.objects.filter(handoff=handoff)
            .order_by("id")
            .values_list("kind", "actor_id", "from_status", "to_status", "note")
        ),
        "timeline": [
            (s.kind, s.author_id, s.text)
            for s in Step.objects.filter(session=session).order_by("id")
        ],
        "session_status": type(session).objects.get(pk=session.pk).status,
        "bells": sorted(
            (n.recipient_id, n.kind, n.title, n.body, plain(n.link), plain(n.event_key))
            for n in Notification.objects.filter(link__startswith=f"/sessions/{sid}/")
        ),
        "outbox": sorted(
            (d.channel, d.target, d.status, d.subject, plain(d.dedupe_key))
            for d in Delivery.objects.filter(dedupe_key__startswith=f"handoff-{hid}-")
        ),
        "events": [
            (
                group.replace(f"session-{sid}", "session-S"),
                {
                    k: {"session_id": "S", "handoff_id": "H", "event_id": "E"}.get(k, v)
                    for k, v in event.items()
                },
            )
            for group, event in published
        ],
    }


def test_the_apis_escalate_gives_the_same_rows_and_events_as_the_pages(
    client_for, api_for, alice, sam, admin, tree_version, django_capture_on_commit_callbacks
):
    """One test for both: the page's POST and the API's, on two identical sessions."""
    by_page, by_api = _same_session(alice, tree_version), _same_session(alice, tree_version)
    form = {"intent": "escalate", "priority": "high", "engineer_notes": "Suspect the OST"}
    worlds = []
    for session, send in [
        (
            by_page,
            lambda s: client_for(alice).post(reverse("handoffs:handoff_form", args=[s.pk]), form),
        ),
        (
            by_api,
            lambda s: api_for(alice).post(f"/api/v1/sessions/{s.pk}/handoff/", form, format="json"),
        ),
    ]:
        with mock.patch("troubleshoot.live.events.publish_now") as publish:
            with django_capture_on_commit_callbacks(execute=True):
                response = send(session)
        assert response.status_code in (201, 303), response.content
        published = [call.args for call in publish.call_args_list]
        worlds.append(_world_of(session, published))
    page, api = worlds
    assert page["events"], "the page's escalation published nothing?"
    assert page["bells"] and page["outbox"]
    assert api == page


def test_escalating_anothers_or_another_accounts_session_is_404(
    api_for, alice, sam, charlie, tree_version
):
    session = _same_session(alice, tree_version)
    body = {"intent": "escalate"}
    assert (
        api_for(sam)
        .post(f"/api/v1/sessions/{session.pk}/handoff/", body, format="json")
        .status_code
        == 404
    )
    assert (
        api_for(charlie)
        .post(f"/api/v1/sessions/{session.pk}/handoff/", body, format="json")
        .status_code
        == 404
    )
    assert not Handoff.objects.exists()


def test_bad_handoff_input_is_400_with_the_sentence(api_for, alice, tree_version):
    session = _same_session(alice, tree_version)
    url = f"/api/v1/sessions/{session.pk}/handoff/"
    client = api_for(alice)
    wrong = client.post(url, {"intent": "shout"}, format="json")
    assert wrong.status_code == 400 and "intent" in wrong.json()["errors"]
    to_self = client.post(url, {"intent": "escalate", "target_user_id": alice.pk}, format="json")
    assert to_self.status_code == 400
    assert to_self.json()["detail"] == "You can't escalate to yourself."
    client.post(url, {"intent": "park"}, format="json")
    again = client.post(url, {"intent": "escalate"}, format="json")
    assert again.status_code == 409
    assert "parked" in again.json()["detail"]


@pytest.fixture
def escalated(api_for, alice, tree_version, django_capture_on_commit_callbacks):
    session = _same_session(alice, tree_version)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(alice).post(
            f"/api/v1/sessions/{session.pk}/handoff/", {"intent": "escalate"}, format="json"
        )
    return Handoff.objects.get(pk=response.json()["id"])


def test_claim_release_reassign_and_reescalate(api_for, escalated, alice, sam, admin):
    base = f"/api/v1/handoffs/{escalated.pk}"
    senior = api_for(sam)
    own = api_for(alice).post(f"{base}/claim/")
    assert own.status_code == 403
    assert own.json()["detail"] == "You can't claim your own escalation: cancel it instead."
    assert senior.post(f"{base}/claim/").status_code == 200
    released = senior.post(f"{base}/release/", {"note": "Out of my depth"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert released.json()["events"][-1]["note"] == "Out of my depth"
    assert api_for(admin).post(f"{base}/claim/").status_code == 200
    moved = api_for(admin).post(f"{base}/reassign/", {"to_user_id": sam.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["claimed_by"]["id"] == sam.pk
    illegal = api_for(alice).post(f"{base}/reescalate/", {"priority": "urgent"}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["detail"] == "Cannot re-escalate: this escalation is claimed."


def test_cancel_gives_the_session_back(api_for, escalated, alice):
    response = api_for(alice).post(f"/api/v1/handoffs/{escalated.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert (
        escalated.session.__class__.objects.get(pk=escalated.session_id).status
        == SessionStatus.ACTIVE
    )


def test_viewers_read_escalations_but_not_parks_and_cannot_act(
    api_for, escalated, alice, viewer, tree_version
):
    parked = _same_session(alice, tree_version)
    api_for(alice).post(f"/api/v1/sessions/{parked.pk}/handoff/", {"intent": "park"}, format="json")
    client = api_for(viewer)
    listed = client.get("/api/v1/handoffs/").json()["results"]
    assert [h["id"] for h in listed] == [escalated.pk]
    park = Handoff.objects.get(session=parked)
    assert client.get(f"/api/v1/handoffs/{park.pk}/").status_code == 404
    assert client.get(f"/api/v1/handoffs/{escalated.pk}/").status_code == 200
    assert client.post(f"/api/v1/handoffs/{escalated.pk}/claim/").status_code == 403
    assert client.get("/api/v1/handoffs/queue/").status_code == 403


def test_queue_is_most_urgent_first_and_filters(api_for, alice, sam, tree_version):
    client = api_for(alice)
    made = {}
    for priority in ["low", "urgent", "normal"]:
        session = _same_session(alice, tree_version)
        response = client.post(
            f"/api/v1/sessions/{session.pk}/handoff/",
            {"intent": "escalate", "priority": priority},
            format="json",
        )
        made[priority] = response.json()["id"]
    queue = api_for(sam).get("/api/v1/handoffs/queue/").json()
    assert [c["id"] for c in queue["results"]] == [made["urgent"], made["normal"], made["low"]]
    urgent = api_for(sam).get("/api/v1/handoffs/queue/?priority=urgent").json()["results"]
    assert [c["id"] for c in urgent] == [made["urgent"]]
    assert api_for(sam).get("/api/v1/handoffs/queue/?priority=loud").status_code == 400


def test_handoff_list_filters_by_status_and_session(api_for, escalated, sam):
    client = api_for(sam)
    client.post(f"/api/v1/handoffs/{escalated.pk}/claim/")
    claimed = client.get("/api/v1/handoffs/?status=claimed").json()
    assert [h["id"] for h in claimed["results"]] == [escalated.pk]
    assert client.get("/api/v1/handoffs/?status=open").json()["count"] == 0
    by_session = client.get(f"/api/v1/handoffs/?session={escalated.session_id}").json()
    assert by_session["count"] == 1
    assert escalated.__class__.objects.get(pk=escalated.pk).status == HandoffStatus.CLAIMED
