"""A session's corrected details reach its open handoff's queue card live."""

from unittest import mock

import pytest
from django.urls import reverse

from troubleshoot.sessions import services as session_services

pytestmark = pytest.mark.django_db


def test_correcting_a_waiting_escalation_refreshes_its_queue_card(
    client_for, alice, sam, session, escalate, django_capture_on_commit_callbacks
):
    handoff = escalate(alice, session)
    with (
        mock.patch("troubleshoot.live.events.publish_now") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        session_services.session_update_details(
            actor=alice,
            session_id=session.pk,
            problem_summary="Outlook: the finance team's mailboxes do not sync",
            client_name="Contoso Dental",
            psa_ticket="12346",
        )
    events = [c.args for c in publish.call_args_list]
    assert (f"account-{alice.account_id}", mock.ANY) in events
    sent = next(e for g, e in events if g == f"account-{alice.account_id}")
    assert sent["type"] == "handoff_updated" and sent["handoff_id"] == handoff.pk

    # The card the queue re-fetches shows the corrected summary and ticket.
    queue = client_for(sam).get(reverse("handoffs:queue_list")).content.decode()
    assert "Outlook: the finance team&#x27;s mailboxes do not sync" in queue
    assert "#12346" in queue


def test_a_session_without_an_open_handoff_announces_no_card(
    alice, session, django_capture_on_commit_callbacks
):
    with (
        mock.patch("troubleshoot.live.events.publish_now") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        session_services.session_update_details(
            actor=alice,
            session_id=session.pk,
            problem_summary="New words",
            client_name="",
            psa_ticket="",
        )
    assert not [c for c in publish.call_args_list if c.args[1]["type"] == "handoff_updated"]
