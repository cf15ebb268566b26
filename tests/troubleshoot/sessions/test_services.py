"""The session contract the handoffs app builds on: visibility, who may work,
status changes, snapshot and documentation."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from tests.factories_sessions import add_step, make_session
from troubleshoot.models import Session, SessionStatus, Step
from troubleshoot.sessions import services
from troubleshoot.sessions.documentation import session_document
from troubleshoot.sessions.selectors import (
    can_work_on_session,
    get_session_for_user,
    session_snapshot,
)


def answer(user, session, label):
    node = Session.objects.get(pk=session.pk).current_node
    option = node.options.get(label=label)
    return services.session_answer(
        actor=user, session_id=session.pk, node_id=node.pk, option_id=option.pk, note=""
    )


@pytest.mark.parametrize("status", ["active", "parked"])
def test_active_and_parked_sessions_are_private_to_their_owner(alice, sam, admin, viewer, status):
    session = make_session(alice, status=status)
    assert get_session_for_user(alice, session.pk) == session
    for other in (sam, admin, viewer):
        with pytest.raises(Http404):
            get_session_for_user(other, session.pk)


@pytest.mark.parametrize("status", ["escalated", "claimed", "resolved"])
def test_shared_statuses_are_visible_to_the_account_but_not_to_charlie(
    alice, sam, viewer, charlie, status
):
    session = make_session(alice, status=status)
    assert get_session_for_user(sam, session.pk) == session
    assert get_session_for_user(viewer, session.pk) == session
    with pytest.raises(Http404):
        get_session_for_user(charlie, session.pk)


def test_only_owner_works_while_active_and_only_assignee_once_claimed(alice, sam, viewer, admin):
    session = make_session(alice)
    assert can_work_on_session(alice, session)
    assert not can_work_on_session(sam, session)
    session.status, session.assignee = SessionStatus.CLAIMED, sam
    assert can_work_on_session(sam, session)
    assert not can_work_on_session(alice, session)
    assert not can_work_on_session(admin, session)
    session.status = SessionStatus.ESCALATED
    assert not can_work_on_session(alice, session)
    viewer_session = make_session(viewer)
    assert not can_work_on_session(viewer, viewer_session)


def test_set_status_and_system_step_run_inside_the_callers_transaction(alice, sam):
    session = make_session(alice)
    with transaction.atomic():
        services.session_set_status(
            session_id=session.pk, status=SessionStatus.CLAIMED, assignee_id=sam.pk
        )
        step = services.session_add_system_step(
            session_id=session.pk, author_id=sam.pk, text="Claimed by Sam"
        )
    session.refresh_from_db()
    assert (session.status, session.assignee_id) == ("claimed", sam.pk)
    assert step.kind == "system" and step.text == "Claimed by Sam"
    # assignee omitted: left alone
    services.session_set_status(session_id=session.pk, status=SessionStatus.ESCALATED)
    session.refresh_from_db()
    assert session.assignee_id == sam.pk
    with pytest.raises(ValueError):
        services.session_set_status(session_id=session.pk, status="bogus")


def test_assignee_continues_the_same_timeline_after_claiming(alice, sam, tree_v1):
    session = services.session_start(
        actor=alice, tree_id=tree_v1.tree_id, problem_summary="Printer offline at reception"
    )
    answer(alice, session, "Yes")
    services.session_set_status(session_id=session.pk, status="claimed", assignee_id=sam.pk)
    with pytest.raises(PermissionDenied):
        answer(alice, session, "Didn't work")
    answer(sam, session, "Didn't work")
    authors = list(session.steps.order_by("id").values_list("author__display_name", flat=True))
    assert authors == ["Alice Junior", "Sam Senior"]


def test_snapshot_is_json_and_carries_steps_and_documentation(
    alice, tree_v1, django_assert_max_num_queries
):
    session = services.session_start(
        actor=alice,
        tree_id=tree_v1.tree_id,
        problem_summary="Printer offline at reception",
        client_name="Contoso",
        psa_ticket="12345",
    )
    answer(alice, session, "Yes")
    services.session_add_note(actor=alice, session_id=session.pk, note="Toner is full")
    with django_assert_max_num_queries(4):
        snapshot = session_snapshot(session)
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["problem_summary"] == "Printer offline at reception"
    assert snapshot["tree_title"] == "Printer offline" and snapshot["tree_version"] == 1
    assert [s["kind"] for s in snapshot["steps"]] == ["answer", "note"]
    assert snapshot["steps"][0]["node_title"] == "Does the device power on?"
    assert snapshot["steps"][0]["choice"] == "Yes"
    assert "#12345" in snapshot["documentation"]


def test_document_lists_problem_ticket_steps_outcomes_notes_status_and_time(alice, tree_v1):
    session = services.session_start(
        actor=alice,
        tree_id=tree_v1.tree_id,
        problem_summary="Printer offline at reception",
        client_name="Contoso",
        psa_ticket="T2024.0042",
    )
    answer(alice, session, "Yes")
    answer(alice, session, "Didn't work")
    services.session_add_note(actor=alice, session_id=session.pk, note="Spooler\nrestarted twice")
    doc = session_document(session)
    assert doc.startswith("# Printer offline at reception\n")
    assert "- **Client:** Contoso" in doc
    assert "- **PSA ticket:** #T2024.0042" in doc
    assert "Decision tree “Printer offline” (v1)" in doc
    assert "1. Does the device power on? → **Yes**" in doc
    assert "2. Restart the service → **Didn't work**" in doc
    assert "Alice Junior: Spooler restarted twice" in doc
    assert "- **Status:** Active" in doc
    assert "Time spent:" in doc


def test_document_is_query_bounded_whatever_the_number_of_steps(alice, django_assert_num_queries):
    session = make_session(alice, kind="chat")
    for i in range(3):
        add_step(session, alice, kind="user_message", text=f"message {i}")
    with django_assert_num_queries(2):
        session_document(session)
    for i in range(20):
        add_step(session, alice, kind="note", note=f"note {i}")
    with django_assert_num_queries(2):
        doc = session_document(session)
    assert "AI chat" in doc and "note 19" in doc


def test_status_change_tells_owner_and_assignee_after_commit(
    alice, sam, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "troubleshoot.live.events.publish_now", lambda group, event: sent.append((group, event))
    )
    session = make_session(alice)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.session_set_status(session_id=session.pk, status="claimed", assignee_id=sam.pk)
            assert sent == []
    groups = sorted(g for g, _ in sent)
    assert groups == sorted([f"user-{alice.pk}", f"user-{sam.pk}"])
    assert all(e == {"type": "session_updated", "session_id": session.pk} for _, e in sent)


def test_step_order_is_creation_order(alice):
    session = make_session(alice)
    first = add_step(session, alice, note="first")
    second = add_step(session, alice, note="second")
    assert list(Step.objects.filter(session=session)) == [first, second]
