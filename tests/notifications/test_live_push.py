"""Which websocket group hears about new bell rows."""

from unittest import mock

import pytest

from notifications.services import notify_escalation, notify_user

pytestmark = pytest.mark.django_db


def _escalate(alice, **kwargs):
    return notify_escalation(
        account_id=alice.account_id,
        event_key=kwargs.pop("event_key", "handoff-1-created"),
        requester_id=alice.pk,
        requester_name=alice.display_name,
        target_user_id=None,
        session_id=1,
        problem_summary="Printer offline",
        psa_ticket="",
        priority="normal",
        link_path="/sessions/1/pickup/",
        documentation="",
    )


def test_escalation_to_many_rings_the_account_group_once(
    alice, sam, admin, django_capture_on_commit_callbacks
):
    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            _escalate(alice)
    bell_pushes = [
        c.args for c in publish.call_args_list if c.args[1]["type"] == "notification_created"
    ]
    assert bell_pushes == [(f"account-{alice.account_id}", {"type": "notification_created"})]


def test_a_single_recipient_is_rung_on_their_own_group(
    alice, sam, django_capture_on_commit_callbacks
):
    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            notify_user(
                account_id=alice.account_id,
                recipient_id=sam.pk,
                kind="handoff_claimed",
                title="Picked up",
                body="",
                link="/sessions/1/pickup/",
            )
    assert [c.args[0] for c in publish.call_args_list] == [f"user-{sam.pk}"]


def test_a_repeated_event_rings_nobody(alice, sam, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _escalate(alice)
    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            _escalate(alice)
    assert not [c for c in publish.call_args_list if c.args[1]["type"] == "notification_created"]
