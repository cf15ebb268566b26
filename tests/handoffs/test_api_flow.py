"""The API's done criterion, end to end through HTTP with two tokens: a script starts a
session from a ticket, walks it, notes, escalates; a second token claims it; a third
claimer gets 409 naming the winner; the claimer resolves it."""

import pytest

from handoffs.models import Handoff, HandoffStatus
from notifications.models import Notification
from troubleshoot.models import SessionStatus

pytestmark = pytest.mark.django_db


def test_a_script_starts_walks_and_escalates_and_a_second_token_claims(
    api_for, alice, sam, admin, tree_version, django_capture_on_commit_callbacks
):
    junior, senior, other_senior = api_for(alice), api_for(sam), api_for(admin)
    tree = tree_version.tree

    started = junior.post(
        "/api/v1/sessions/",
        {
            "tree_id": tree.pk,
            "problem_summary": "Outlook not syncing for finance",
            "client_name": "Contoso Dental",
            "psa_ticket": "#48213",
        },
        format="json",
    )
    assert started.status_code == 201, started.json()
    session = started.json()
    assert session["psa_ticket"] == "48213"
    assert session["tree"] == {"id": tree.pk, "title": tree.title, "version": 1}
    step = session["current_step"]
    assert step["title"] == "Does the device power on?"

    yes = next(o for o in step["options"] if o["label"] == "Yes")
    walked = junior.post(
        f"/api/v1/sessions/{session['id']}/answer/",
        {"option_id": yes["id"], "note": "Lights on"},
        format="json",
    )
    assert walked.status_code == 200, walked.json()
    assert walked.json()["current_step"]["title"] == "Restart the service"
    assert walked.json()["steps"][-1]["choice"] == "Yes"

    noted = junior.post(
        f"/api/v1/sessions/{session['id']}/notes/", {"note": "OST is 49 GB"}, format="json"
    )
    assert noted.status_code == 201

    with django_capture_on_commit_callbacks(execute=True):
        escalated = junior.post(
            f"/api/v1/sessions/{session['id']}/handoff/",
            {"intent": "escalate", "priority": "high", "engineer_notes": "Suspect the OST"},
            format="json",
        )
    assert escalated.status_code == 201, escalated.json()
    handoff = escalated.json()
    assert handoff["status"] == "open"
    assert handoff["psa_ticket"] == "48213"
    assert Notification.objects.filter(recipient=sam).count() == 1

    queue = senior.get("/api/v1/handoffs/queue/")
    assert [card["id"] for card in queue.json()["results"]] == [handoff["id"]]

    claimed = senior.post(f"/api/v1/handoffs/{handoff['id']}/claim/")
    assert claimed.status_code == 200, claimed.json()
    assert claimed.json()["claimed_by"]["name"] == "Sam Senior"

    late = other_senior.post(f"/api/v1/handoffs/{handoff['id']}/claim/")
    assert late.status_code == 409
    assert late.json()["claimed_by"] == "Sam Senior"
    assert late.json()["detail"].startswith("Already claimed by Sam Senior at ")

    # The claimer continues the same session, then resolves it.
    assert senior.get(f"/api/v1/sessions/{session['id']}/").json()["can_work"] is True
    resolved = senior.post(
        f"/api/v1/handoffs/{handoff['id']}/resolve/", {"note": "Rebuilt the OST"}, format="json"
    )
    assert resolved.status_code == 200
    assert Handoff.objects.get(pk=handoff["id"]).status == HandoffStatus.RESOLVED
    doc = senior.get(f"/api/v1/sessions/{session['id']}/documentation/")
    assert doc["Content-Type"].startswith("text/markdown")
    assert b"Outlook not syncing for finance" in doc.content
    assert alice.sessions.get().status == SessionStatus.RESOLVED
