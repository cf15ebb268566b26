"""The pickup screen and its live assessment partial."""

import pytest
from django.urls import reverse

from handoffs import services
from handoffs.models import AIStatus, Handoff

pytestmark = pytest.mark.django_db


def test_pickup_shows_everything_the_junior_tried(escalate, client_for, alice, sam, session):
    handoff = escalate(alice, session, engineer_notes="Mailbox is <b>49 GB</b>")
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    body = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    for text in (
        "Outlook is failing to sync email",
        "#12345",
        "Contoso Dental",
        "Alice Junior",
        "Restarted Outlook in safe mode",
        "High priority",
        "Mailbox is &lt;b&gt;49 GB&lt;/b&gt;",
        "Likely cause",
        "Audit trail",
        "Continue the session",
    ):
        assert text in body, text
    assert "<b>49 GB</b>" not in body


def test_pickup_before_claim_offers_claim_to_seniors(escalate, client_for, alice, sam, session):
    escalate(alice, session)
    body = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    assert ">Claim</button>" in body


def test_pickup_of_another_account_is_404(escalate, client_for, alice, charlie, session):
    escalate(alice, session)
    assert client_for(charlie).get(reverse("handoffs:pickup", args=[session.pk])).status_code == 404


def test_viewer_reads_an_escalation_but_gets_no_actions(
    escalate, client_for, alice, viewer, session
):
    escalate(alice, session)
    response = client_for(viewer).get(reverse("handoffs:pickup", args=[session.pk]))
    assert response.status_code == 200
    assert ">Claim</button>" not in response.content.decode()


def test_parked_session_pickup_is_hidden_from_viewers(
    escalate, client_for, alice, viewer, sam, session
):
    escalate(alice, session, intent="park")
    assert client_for(viewer).get(reverse("handoffs:pickup", args=[session.pk])).status_code == 404
    assert client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).status_code == 200


def test_pending_assessment_shows_the_writing_state(alice, sam, session, client_for):
    # Created without running the after-commit task: the assessment is still pending.
    handoff = services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    body = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    assert "Writing the assessment" in body
    # It re-fetches with the rest of the screen's live part when the assessment arrives.
    assert f"baton:assessment_ready:session-{session.pk} from:body" in body
    assert f'hx-get="/sessions/{session.pk}/pickup/live/"' in body
    assert f'data-handoff-id="{handoff.pk}"' in body
    # The page's socket asks for this session's group, where assessment_ready goes.
    assert f'ws-connect="/ws/events/?session={session.pk}"' in body


def test_assessment_partial_renders_ready_and_failed_states(
    escalate, client_for, alice, sam, session
):
    handoff = escalate(alice, session)
    url = reverse("handoffs:assessment", args=[handoff.pk])
    body = client_for(sam).get(url).content.decode()
    assert "Likely cause" in body and "<html" not in body
    Handoff.objects.filter(pk=handoff.pk).update(
        ai_status=AIStatus.FAILED, ai_error="The AI service took too long to answer."
    )
    body = client_for(sam).get(url).content.decode()
    assert "took too long" in body and ">Retry</button>" in body


def test_retry_after_failure_writes_the_assessment(
    escalate, client_for, alice, sam, session, django_capture_on_commit_callbacks
):
    handoff = escalate(alice, session)
    Handoff.objects.filter(pk=handoff.pk).update(ai_status=AIStatus.FAILED, ai_error="timeout")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(reverse("handoffs:retry_assessment", args=[handoff.pk]))
    assert response.status_code == 303
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.READY


def test_retry_while_ready_is_409(escalate, client_for, alice, sam, session):
    handoff = escalate(alice, session)
    response = client_for(sam).post(reverse("handoffs:retry_assessment", args=[handoff.pk]))
    assert response.status_code == 409


def test_session_panel_offers_the_form_to_the_owner_and_state_after(
    escalate, client_for, alice, sam, session
):
    url = reverse("handoffs:session_panel", args=[session.pk])
    body = client_for(alice).get(url).content.decode()
    assert 'name="intent"' in body
    escalate(alice, session)
    body = client_for(alice).get(url).content.decode()
    assert "Cancel escalation" in body
    body = client_for(sam).get(url).content.decode()
    assert "Open handoff" in body


def test_pickup_shows_no_link_an_engineer_typed(escalate, client_for, alice, sam, session):
    """Notes, chat and titles reach the pickup screen's documentation and escalation
    package as Markdown documents: the user text in them stays characters."""
    from tests.factories_sessions import add_step

    evil = "[the fix](https://evil.example/x)"
    session.problem_summary = f"Mail stuck {evil}"
    session.save(update_fields=["problem_summary"])
    add_step(session, alice, kind="note", note=f"Tried {evil}")
    add_step(session, alice, kind="user_message", text=f"See {evil}")
    node = session.tree_version.nodes.get(title="Does the device power on?")
    node.title = f"Powers on? {evil}"  # a step title as the snapshot records it
    node.save(update_fields=["title"])
    add_step(session, alice, kind="answer", node=node, choice_label="Yes")
    escalate(alice, session, engineer_notes=f"Notes {evil}")
    body = client_for(sam).get(reverse("handoffs:pickup", args=[session.pk])).content.decode()
    assert 'href="https://evil.example/x"' not in body
    assert body.count(evil) >= 5  # summary, notes, timeline, documentation, package


def test_escalation_notes_refuse_bidi_controls(client_for, alice, session):
    response = client_for(alice).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "high", "engineer_notes": "run \u202eexe.txt"},
    )
    assert response.status_code == 400
    assert "text-direction control characters" in response.content.decode()
    assert not Handoff.objects.exists()
