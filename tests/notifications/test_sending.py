"""The ledger's send path: retries, backoff, permanent errors, idempotency, the sweeper."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, IntegrationKind, Notification
from notifications.services import deliveries_sweep, delivery_retry, delivery_send
from notifications.services.sending import MAX_ATTEMPTS, STALE_SENDING_AFTER
from tests.fakes.http_fakes import Reply
from tests.notifications.conftest import escalate, make_integration


def delivery(channel, **filters) -> Delivery:
    return Delivery.objects.get(channel=channel, **filters)


def make_due(d: Delivery) -> None:
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def slack(acme, fake_http):
    return make_integration(acme, IntegrationKind.SLACK, fake_http)


def test_server_error_is_retried_later_with_growing_backoff(alice, sam, slack, fake_http):
    fake_http.route("/slack", Reply(503, "upstream down"))
    escalate(alice)
    d = delivery("slack")

    before = timezone.now()
    assert delivery_send(delivery_id=d.pk) == "retrying"
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PENDING and d.attempts == 1
    assert "503" in d.last_error
    first_wait = (d.next_attempt_at - before).total_seconds()
    assert 29 <= first_wait <= 31

    assert delivery_send(delivery_id=d.pk) == "skipped"  # not due yet: no second post
    assert len(fake_http.requests_to("/slack")) == 1

    make_due(d)
    before = timezone.now()
    delivery_send(delivery_id=d.pk)
    d.refresh_from_db()
    assert d.attempts == 2
    assert 59 <= (d.next_attempt_at - before).total_seconds() <= 61
    slack.refresh_from_db()
    assert slack.enabled


def test_rate_limit_honours_retry_after(alice, slack, fake_http):
    fake_http.queue("/slack", Reply(429, "rate_limited", headers={"Retry-After": "7"}))
    escalate(alice)
    d = delivery("slack")
    before = timezone.now()
    delivery_send(delivery_id=d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PENDING
    assert 6 <= (d.next_attempt_at - before).total_seconds() <= 8

    make_due(d)
    assert delivery_send(delivery_id=d.pk) == "sent"
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and d.sent_at is not None and d.attempts == 2


def test_gives_up_after_max_attempts(alice, slack, fake_http):
    fake_http.route("/slack", Reply(500, "boom"))
    escalate(alice)
    d = delivery("slack")
    for _ in range(MAX_ATTEMPTS):
        make_due(d)
        delivery_send(delivery_id=d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED
    assert d.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} tries")
    assert len(fake_http.requests_to("/slack")) == MAX_ATTEMPTS


def test_dead_webhook_fails_without_retry_and_disables_integration_telling_admins(
    alice, sam, admin, owner, acme, slack, fake_http, django_capture_on_commit_callbacks
):
    fake_http.route("/slack", Reply(404, "no_service"))
    escalate(alice)
    escalate(alice, event_key="handoff-2-created")
    first, second = Delivery.objects.filter(channel="slack").order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=first.pk) == "failed"
    first.refresh_from_db()
    second.refresh_from_db()
    slack.refresh_from_db()
    assert first.status == DeliveryStatus.FAILED and "404" in first.last_error
    assert not slack.enabled and "404" in slack.disabled_reason and slack.disabled_at
    assert second.status == DeliveryStatus.DISABLED
    alerts = Notification.objects.filter(kind="integration_disabled")
    assert set(alerts.values_list("recipient_id", flat=True)) == {admin.pk, owner.pk}
    assert alerts.first().title.startswith("Slack integration disabled:")
    assert len(fake_http.requests_to("/slack")) == 1


def test_slack_invalid_token_disables_but_other_400_fails_only_the_message(alice, slack, fake_http):
    fake_http.queue("/slack", Reply(400, "invalid_payload"))
    escalate(alice)
    assert delivery_send(delivery_id=delivery("slack").pk) == "failed"
    slack.refresh_from_db()
    assert slack.enabled

    fake_http.queue("/slack", Reply(400, "invalid_token"))
    escalate(alice, event_key="handoff-2-created")
    d = Delivery.objects.filter(channel="slack").latest("pk")
    delivery_send(delivery_id=d.pk)
    slack.refresh_from_db()
    assert not slack.enabled and "invalid_token" in slack.disabled_reason


def test_psa_unknown_ticket_fails_that_note_only(alice, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    path = "/v4_6_release/apis/3.0/service/tickets/12345/notes"
    fake_http.route(path, Reply(404, {"code": "NotFound", "message": "Ticket 12345 not found"}))
    escalate(alice)
    d = delivery("psa")
    assert delivery_send(delivery_id=d.pk) == "failed"
    d.refresh_from_db()
    cw.refresh_from_db()
    assert "Ticket 12345 not found" in d.last_error
    assert cw.enabled


def test_psa_refusing_credentials_disables_it(alice, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(
        "/v4_6_release/apis/3.0/service/tickets/12345/notes", Reply(401, {"message": "bad auth"})
    )
    escalate(alice)
    delivery_send(delivery_id=delivery("psa").pk)
    cw.refresh_from_db()
    assert not cw.enabled


def test_psa_read_timeout_is_not_retried_because_the_note_may_exist(
    alice, acme, fake_http, short_timeout
):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    path = "/v4_6_release/apis/3.0/service/tickets/12345/notes"
    fake_http.route(path, Reply(201, {"id": 1}, delay=2))
    escalate(alice)
    d = delivery("psa")
    started = time.monotonic()
    assert delivery_send(delivery_id=d.pk) == "failed"
    assert time.monotonic() - started < 1.5  # bounded by BATON_HTTP_TIMEOUT
    d.refresh_from_db()
    assert "may or may not be on the ticket" in d.last_error
    make_due(d)
    assert delivery_send(delivery_id=d.pk) == "skipped"
    assert len(fake_http.requests_to(path)) == 1


def test_slow_webhook_times_out_and_is_retried(alice, slack, fake_http, short_timeout):
    fake_http.queue("/slack", Reply(200, "ok", delay=2))
    escalate(alice)
    d = delivery("slack")
    started = time.monotonic()
    assert delivery_send(delivery_id=d.pk) == "retrying"
    assert time.monotonic() - started < 1.5
    make_due(d)
    assert delivery_send(delivery_id=d.pk) == "sent"


def test_sent_delivery_is_never_sent_again(alice, slack, fake_http):
    escalate(alice)
    d = delivery("slack")
    assert delivery_send(delivery_id=d.pk) == "sent"
    make_due(d)
    assert delivery_send(delivery_id=d.pk) == "skipped"
    assert len(fake_http.requests_to("/slack")) == 1


def test_row_being_sent_by_another_worker_is_skipped(alice, slack, fake_http):
    escalate(alice)
    d = delivery("slack")
    Delivery.objects.filter(pk=d.pk).update(status=DeliveryStatus.SENDING)
    assert delivery_send(delivery_id=d.pk) == "skipped"
    assert fake_http.requests == []


def test_one_failing_channel_does_not_block_the_others_or_the_caller(
    alice, sam, slack, acme, fake_http, django_capture_on_commit_callbacks, monkeypatch
):
    make_integration(acme, IntegrationKind.TEAMS, fake_http)
    fake_http.route("/slack", Reply(500, "down"))

    def broken(*args, **kwargs):
        raise RuntimeError("bug in the Teams module")

    monkeypatch.setattr("notifications.transports.teams.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)  # must not raise
    statuses = dict(Delivery.objects.values_list("channel", "status"))
    assert statuses == {"email": "sent", "slack": "pending", "teams": "pending"}
    assert "RuntimeError" in delivery("teams").last_error
    assert len(mail.outbox) == 1


def test_integration_disabled_before_send_marks_delivery_disabled(alice, slack, fake_http):
    escalate(alice)
    slack.enabled = False
    slack.disabled_reason = "turned off"
    slack.save()
    d = delivery("slack")
    assert delivery_send(delivery_id=d.pk) == "disabled"
    assert fake_http.requests == []


def test_broker_down_at_commit_leaves_rows_pending_and_sweeper_sends_them(
    alice, sam, slack, fake_http, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications.tasks import send_deliveries, send_delivery

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(send_delivery, "apply_async", broker_down)
    monkeypatch.setattr(send_deliveries, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)  # the broker error is logged, never raised
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert fake_http.requests == [] and mail.outbox == []

    monkeypatch.undo()  # Redis is back
    assert deliveries_sweep()["queued"] == 0  # within the grace period: leave them be
    # Two minutes later (the commit happened while Redis was down):
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    result = deliveries_sweep()
    assert result["queued"] == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(fake_http.requests_to("/slack")) == 1 and len(mail.outbox) == 1


def test_sweeper_resends_abandoned_email_but_fails_abandoned_psa_note(alice, sam, acme, fake_http):
    make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    escalate(alice)
    long_ago = timezone.now() - STALE_SENDING_AFTER - timedelta(minutes=1)
    Delivery.objects.update(status=DeliveryStatus.SENDING, updated_at=long_ago, attempts=1)

    result = deliveries_sweep()
    assert result == {"queued": 1, "revived": 1, "failed_psa": 1}
    assert delivery("email").status == DeliveryStatus.SENT
    psa = delivery("psa")
    assert psa.status == DeliveryStatus.FAILED
    assert "may or may not be on the ticket" in psa.last_error
    assert fake_http.requests == []


def test_admin_retry_sends_a_failed_delivery_again(
    alice, admin, slack, fake_http, django_capture_on_commit_callbacks
):
    fake_http.queue("/slack", Reply(400, "invalid_payload"))
    escalate(alice)
    d = delivery("slack")
    delivery_send(delivery_id=d.pk)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_retry(actor=admin, delivery_id=d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and d.attempts == 1

    with pytest.raises(ValidationError, match="already sent"):
        delivery_retry(actor=admin, delivery_id=d.pk)


def test_retry_of_another_accounts_delivery_is_not_found(alice, slack, charlie, globex):
    from tests.factories import make_user
    from troubleshoot.models import Role

    escalate(alice)
    other_admin = make_user(globex, Role.ADMIN)
    with pytest.raises(Delivery.DoesNotExist):
        delivery_retry(actor=other_admin, delivery_id=delivery("slack").pk)


def test_backoff_is_30_s_doubling_for_6_attempts_and_never_over_an_hour():
    from notifications.services.sending import backoff_seconds

    assert MAX_ATTEMPTS == 6
    # Waits after attempts 1-5; the 6th failure gives up.
    assert [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS)] == [30, 60, 120, 240, 480]
    assert backoff_seconds(20) == 3600


def test_operators_retry_failed_deliveries_from_django_admin_never_sent_ones(
    client_for, alice, slack, fake_http
):
    from django.urls import reverse

    from tests.factories import make_user

    fake_http.route("/slack", Reply(404, "no_service"))
    escalate(alice)
    escalate(alice, event_key="handoff-2-created")
    failed, sent = Delivery.objects.filter(channel="slack").order_by("pk")
    Delivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, attempts=3)
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT, attempts=1)
    operator = make_user(None, is_staff=True, is_superuser=True)
    response = client_for(operator).post(
        reverse("admin:notifications_delivery_changelist"),
        {"action": "retry_deliveries", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert sent.status == DeliveryStatus.SENT
