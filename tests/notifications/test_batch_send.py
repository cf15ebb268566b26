"""One escalation's deliveries go out in one task: concurrently on a worker, in order
when tasks run in-process, and a large batch queues what it does not send itself."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, IntegrationKind
from notifications.services import claiming, sending
from notifications.services.sending import deliveries_send
from tests.conftest import requires_postgres
from tests.factories import make_user
from tests.fakes.gated_smtp import GatedSMTPServer
from tests.notifications.conftest import escalate, make_integration
from troubleshoot.models import Role


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_worker_a_stuck_email_does_not_hold_the_slack_post(
    alice, sam, acme, fake_http, settings, as_on_a_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "127.0.0.1", False
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    smtp = GatedSMTPServer().start()
    settings.EMAIL_PORT = smtp.port
    try:
        ids = escalate(alice)  # the email to Sam and the Slack post
        outcomes = {}

        def send_batch():
            outcomes.update(deliveries_send(delivery_ids=ids))
            connection.close()  # the thread's own connection; teardown drops the database

        sender = threading.Thread(target=send_batch)
        sender.start()
        assert smtp.waiting.wait(10), "the email never reached RCPT"
        # The email is held inside its SMTP conversation; the Slack post went anyway,
        # and its outcome is on record before the email's ends.
        slack = Delivery.objects.get(channel="slack")
        for _ in range(100):
            if Delivery.objects.get(pk=slack.pk).status == DeliveryStatus.SENT:
                break
            threading.Event().wait(0.05)
        assert len(fake_http.requests_to("/slack")) == 1
        assert Delivery.objects.get(pk=slack.pk).status == DeliveryStatus.SENT
        assert Delivery.objects.get(channel="email").status == DeliveryStatus.SENDING
        smtp.release()
        sender.join(10)
    finally:
        smtp.stop()
    assert sorted(outcomes.values()) == ["sent", "sent"] and sorted(outcomes) == sorted(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert [m["To"] for m in smtp.messages] == [sam.email]


def test_a_batch_larger_than_the_threads_queues_the_rest(alice, acme, monkeypatch):
    monkeypatch.setattr(sending, "BATCH_THREADS", 2)
    for i in range(3):
        make_user(acme, Role.ENGINEER, name=f"Senior {i}", email=f"senior{i}@example.test")
    ids = escalate(alice)
    assert len(ids) == 3  # an email to each senior
    outcomes = deliveries_send(delivery_ids=ids)
    # Two sent here; the third went through the queue (tasks run inline in tests).
    assert list(outcomes) == ids[:2] and set(outcomes.values()) == {"sent"}
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3
    assert len(mail.outbox) == 3


def test_running_a_batch_twice_sends_nothing_twice(alice, sam, acme, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    ids = escalate(alice)
    assert set(deliveries_send(delivery_ids=ids).values()) == {"sent"}
    assert set(deliveries_send(delivery_ids=ids).values()) == {"skipped"}
    assert len(mail.outbox) == 1 and len(fake_http.requests_to("/slack")) == 1


def test_a_batch_claims_only_its_pending_due_rows_and_counts_the_attempt(
    alice, sam, acme, fake_http
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    ids = escalate(alice)  # the email to Sam and the Slack post
    email, slack = (Delivery.objects.get(pk=pk) for pk in sorted(ids))
    Delivery.objects.filter(pk=slack.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)  # waiting for its backoff
    )
    now = timezone.now()
    claimed = claiming.claim_many([*ids, 999_999], now)
    assert list(claimed) == [email.pk]
    row = claimed[email.pk]
    assert (row.status, row.attempts) == (DeliveryStatus.SENDING, 1)
    # Stored as the ORM stores datetimes on this database (SQLite: naive UTC text), so
    # the sweeper's comparisons on updated_at still hold.
    assert Delivery.objects.filter(pk=email.pk, updated_at=now).exists()
    assert Delivery.objects.get(pk=slack.pk).status == DeliveryStatus.PENDING
    assert claiming.claim_many(ids, timezone.now()) == {}  # nothing left to win


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_with_the_same_batch_never_claim_the_same_row(alice, acme, as_on_a_worker):
    """The claim is one conditional UPDATE ... RETURNING: rows split between racers."""
    for i in range(11):
        make_user(acme, Role.ENGINEER, name=f"Senior {i}", email=f"senior{i}@example.test")
    for round_ in range(10):
        ids = escalate(alice, event_key=f"handoff-{round_}-created")
        barrier, won = threading.Barrier(2), []

        def claim(batch, barrier=barrier, won=won):
            barrier.wait()
            won.append(set(claiming.claim_many(batch, timezone.now())))
            connection.close()

        racers = [threading.Thread(target=claim, args=(ids,)) for _ in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(10)
        first, second = won
        assert not first & second
        assert first | second == set(ids)


def test_on_a_worker_a_batch_costs_two_queries_plus_at_most_one_per_outcome(
    alice, sam, acme, fake_http, as_on_a_worker
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    make_user(acme, Role.ENGINEER, name="Second Senior", email="second@example.test")
    ids = escalate(alice)
    assert len(ids) == 3  # two emails and the Slack post
    with CaptureQueriesContext(connection) as queries:
        outcomes = deliveries_send(delivery_ids=ids)
    assert set(outcomes.values()) == {"sent"}
    # Claim the batch, its rows returned (1), load the Slack post's integration (1),
    # then record the outcomes as they come: those that ended together in one
    # statement (1 to 3).
    assert 3 <= len(queries) <= 5, [q["sql"] for q in queries]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_outcomes_that_end_together_are_recorded_in_one_statement(alice, sam, acme, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    make_user(acme, Role.ENGINEER, name="Second Senior", email="second@example.test")
    ids = escalate(alice)
    claimed = claiming.claim_many(ids, timezone.now())
    first, second, third = (claimed[pk] for pk in ids)
    Delivery.objects.filter(pk=third.pk).update(status=DeliveryStatus.PENDING)  # taken back
    with CaptureQueriesContext(connection) as queries:
        outcomes = sending.finish_many([(first, "<a@x>"), (second, "<b@x>"), (third, "<c@x>")])
    assert len(queries) == 1
    assert outcomes == {first.pk: "sent", second.pk: "sent", third.pk: "sent"}
    rows = {d.pk: d for d in Delivery.objects.all()}
    assert (rows[first.pk].status, rows[first.pk].external_id) == ("sent", "<a@x>")
    assert (rows[second.pk].status, rows[second.pk].external_id) == ("sent", "<b@x>")
    assert rows[first.pk].sent_at is not None and rows[first.pk].last_error == ""
    # A row no longer being sent by this worker is left as it is.
    assert (rows[third.pk].status, rows[third.pk].external_id) == ("pending", "")
