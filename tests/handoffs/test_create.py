"""Park and escalate: validation, snapshot, status flips, and what happens after commit."""

from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from handoffs import services
from handoffs.errors import HandoffConflict, HandoffForbidden, HandoffValidationError
from handoffs.models import AIStatus, EventKind, Handoff, HandoffStatus
from notifications.models import Delivery, Notification
from tests.factories import make_user
from tests.factories_sessions import add_step, make_session
from troubleshoot.models import Role, Session, SessionStatus, Step, StepKind

pytestmark = pytest.mark.django_db


def test_escalation_snapshots_the_session_and_flips_its_status(escalate, alice, session):
    handoff = escalate(alice, session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ESCALATED
    assert handoff.status == HandoffStatus.OPEN
    assert handoff.snapshot["problem_summary"] == session.problem_summary
    assert handoff.snapshot["psa_ticket"] == "12345"
    assert any("safe mode" in s["note"] for s in handoff.snapshot["steps"])
    assert "Outlook is failing" in handoff.snapshot["documentation"]
    assert [e.kind for e in handoff.events.all()] == [EventKind.CREATED, EventKind.ASSESSMENT]
    assert Step.objects.filter(session=session, text__startswith="Escalated to the team").exists()


def test_snapshot_does_not_change_when_the_session_goes_on(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    before = dict(handoff.snapshot)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    Session.objects.filter(pk=session.pk).update(problem_summary="Changed later")
    handoff.refresh_from_db()
    assert handoff.snapshot == before


def test_escalation_notifies_teammates_and_writes_the_assessment(
    escalate, alice, sam, admin, viewer, session
):
    handoff = escalate(alice, session)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {sam.pk, admin.pk}  # not the requester, not the viewer
    assert Delivery.objects.filter(channel="email").count() == 2
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.READY
    assert handoff.ai_assessment["likely_cause"]
    assert handoff.ai_assessment["next_steps"]


def test_park_is_private_no_fan_out_and_no_assessment(escalate, alice, sam, session):
    handoff = escalate(alice, session, intent="park")
    session.refresh_from_db()
    assert session.status == SessionStatus.PARKED
    assert handoff.ai_status == AIStatus.SKIPPED
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_after_commit_publishes_handoff_created_to_the_account(
    alice, sam, session, django_capture_on_commit_callbacks
):
    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            handoff = services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    events = [c.args for c in publish.call_args_list]
    # One message per watcher: the queue's event also rings the bells (Sam has a new
    # bell row), no separate notification_created follows it.
    assert Notification.objects.filter(recipient=sam).exists()
    announced = [
        (group, e)
        for group, e in events
        if e["type"] in ("handoff_created", "notification_created")
    ]
    # The same event, one id, to the account and to the pages open on the session.
    assert [group for group, _ in announced] == [
        f"account-{alice.account_id}",
        f"session-{session.pk}",
    ]
    (_, to_account), (_, to_session) = announced
    assert to_account is to_session
    assert to_account == {
        "type": "handoff_created",
        "handoff_id": handoff.pk,
        "session_id": session.pk,
        "intent": "escalate",
        "status": "open",
        "priority": "normal",
        "rings_bell": True,
        "event_id": to_account["event_id"],
    }
    assert len(to_account["event_id"]) == 32
    # No private text travels over the socket.
    assert session.problem_summary not in str(events)


def test_rolled_back_handoff_publishes_and_notifies_nothing(
    alice, session, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    with (
        mock.patch("troubleshoot.live.events.publish_now") as publish,
        mock.patch("troubleshoot.live.tasking.enqueue") as enqueue,
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(Boom), transaction.atomic():
                # Not durable-outermost here on purpose: we roll the whole thing back.
                Handoff.objects.create(
                    session=session, account=session.account, intent="escalate", created_by=alice
                )
                raise Boom
    assert callbacks == []
    publish.assert_not_called()
    enqueue.assert_not_called()
    assert not Handoff.objects.exists()


def test_service_failure_midway_leaves_no_rows_and_sends_nothing(
    alice, session, django_capture_on_commit_callbacks
):
    with (
        mock.patch(
            "handoffs.services.create.session_set_status",
            side_effect=RuntimeError("disk full"),
        ),
        mock.patch("troubleshoot.live.events.publish_now") as publish,
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError):
                services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    assert callbacks == []
    publish.assert_not_called()
    assert not Handoff.objects.exists()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.ACTIVE


def test_only_the_owner_hands_off(alice, sam, session):
    with pytest.raises(HandoffForbidden):
        services.handoff_create(actor=sam, session_id=session.pk, intent="escalate")


def test_viewer_cannot_hand_off(viewer, session):
    with pytest.raises(HandoffForbidden):
        services.handoff_create(actor=viewer, session_id=session.pk, intent="escalate")


def test_you_cant_escalate_to_yourself(alice, session):
    with pytest.raises(HandoffValidationError, match="can't escalate to yourself"):
        services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate", target_user_id=alice.pk
        )


def test_target_must_be_an_active_engineer_of_the_account(alice, viewer, charlie, session):
    for target in (viewer, charlie):
        with pytest.raises(HandoffValidationError, match="active engineer"):
            services.handoff_create(
                actor=alice, session_id=session.pk, intent="escalate", target_user_id=target.pk
            )


def test_second_handoff_of_the_same_session_is_refused(escalate, alice, session):
    escalate(alice, session)
    with pytest.raises(HandoffConflict):
        services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    assert Handoff.objects.count() == 1


def test_unknown_intent_or_priority_or_long_notes_are_rejected(alice, session):
    for kwargs in (
        {"intent": "teleport"},
        {"intent": "escalate", "priority": "asap"},
        {"intent": "escalate", "engineer_notes": "x" * 5001},
    ):
        with pytest.raises(HandoffValidationError):
            services.handoff_create(actor=alice, session_id=session.pk, **kwargs)


# --- the HTTP contract -----------------------------------------------------------


def test_post_handoff_redirects_303_to_the_session(client_for, alice, session):
    response = client_for(alice).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "urgent", "engineer_notes": "Help", "target_user": ""},
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("troubleshoot:session_detail", args=[session.pk])
    assert Handoff.objects.get().priority == "urgent"


def test_post_handoff_with_bad_input_is_400_with_the_form(client_for, alice, session):
    response = client_for(alice).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "whenever"},
    )
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert not Handoff.objects.exists()


def test_post_handoff_targeting_yourself_says_so(client_for, alice, session):
    response = client_for(alice).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "normal", "target_user": alice.pk},
    )
    assert response.status_code == 400
    assert "can&#x27;t escalate to yourself" in response.content.decode()


def test_post_handoff_twice_is_409(client_for, alice, session):
    client = client_for(alice)
    url = reverse("handoffs:handoff_form", args=[session.pk])
    client.post(url, {"intent": "park", "priority": "normal"})
    response = client.post(url, {"intent": "escalate", "priority": "normal"})
    assert response.status_code == 409


def test_post_handoff_for_another_accounts_session_is_404(client_for, charlie, session):
    response = client_for(charlie).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "normal"},
    )
    assert response.status_code == 404


def test_handoff_form_page_works_without_javascript(client_for, alice, session):
    response = client_for(alice).get(reverse("handoffs:handoff_form", args=[session.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="intent"' in body and "csrfmiddlewaretoken" in body


def test_escalation_from_a_chat_session_works(escalate, alice):
    chat = make_session(alice, problem_summary="VPN drops every 5 minutes")
    handoff = escalate(alice, chat)
    assert handoff.snapshot["kind"] == "chat"


def _escalate_queries(client, session, django_assert_max_num_queries) -> int:
    # Login session, user, access check; begin; session locked, its steps; handoff,
    # timeline line, session status, audit row; recipients, bell rows, integrations,
    # webhooks, outbox rows; commit.
    with django_assert_max_num_queries(16) as queries:
        response = client.post(
            reverse("handoffs:handoff_form", args=[session.pk]),
            {"intent": "escalate", "priority": "high", "engineer_notes": "Help"},
        )
    assert response.status_code == 303
    return len(queries.captured_queries)


def test_escalate_costs_the_same_few_queries_whatever_the_team_size(
    client_for, alice, sam, acme, acme_team, tree_version, django_assert_max_num_queries
):
    """The request's queries are its latency (about 1 ms each, bench/ figure 1): the
    bell rows and the outbox are one INSERT each, for 1 recipient or 30, and the
    snapshot reads the steps in one query however many there are."""
    few = make_session(alice, tree_version=tree_version, psa_ticket="1")
    add_step(few, alice, kind=StepKind.NOTE, note="one step")
    small_team = _escalate_queries(client_for(alice), few, django_assert_max_num_queries)

    for n in range(30):
        make_user(acme, Role.ENGINEER, name=f"Senior {n}", team=acme_team)
    many = make_session(alice, tree_version=tree_version, psa_ticket="2")
    for n in range(20):
        add_step(many, alice, kind=StepKind.NOTE, note=f"step {n}")
    big_team = _escalate_queries(client_for(alice), many, django_assert_max_num_queries)

    assert big_team == small_team
    assert Notification.objects.filter(link__contains=f"/{many.pk}/").count() == 31
