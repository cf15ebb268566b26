"""The mail server refuses connections when the escalation commits, then recovers."""

import pytest

from notifications.models import Delivery, DeliveryStatus
from tests.fakes.smtp_fake import FakeSMTPServer
from tests.faults.conftest import escalate_over_http, sweep, time_passes

pytestmark = pytest.mark.django_db


def test_email_refused_at_first_is_sent_exactly_once_after_the_server_recovers(
    alice, sam, session, smtp_settings, client_for, django_capture_on_commit_callbacks
):
    smtp = FakeSMTPServer()  # its port is chosen but nothing listens yet: refused
    smtp_settings(smtp.port)
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    email = Delivery.objects.get(account=handoff.account, channel="email")
    assert email.target == sam.email
    assert email.status == DeliveryStatus.PENDING and email.attempts == 1
    assert "Could not reach the mail server" in email.last_error

    # Still down at the next sweep: another attempt, still pending, nothing lost.
    time_passes(61)
    sweep(django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PENDING and email.attempts == 2

    with smtp:
        time_passes(121)
        sweep(django_capture_on_commit_callbacks)
        email.refresh_from_db()
        assert email.status == DeliveryStatus.SENT and email.attempts == 3
        assert [m["To"] for m in smtp.messages] == [sam.email]
        assert "Outlook stopped syncing" in smtp.messages[0]["Subject"]

        time_passes(3600)
        sweep(django_capture_on_commit_callbacks)
        assert len(smtp.messages) == 1
