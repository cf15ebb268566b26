"""Email deliveries on a queue of their own: an escalation's emails go to the email
queue while its Slack post and PSA note stay on the default one; an email task sends
its batch over one connection kept open for the next task when the server is fast,
over several at once when it is slow."""

import socket
import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery_queues import route
from notifications.models import Delivery, DeliveryStatus, IntegrationKind
from notifications.services import queueing
from notifications.services.email_sending import emails_send
from notifications.transports import smtp_pool
from tests.conftest import requires_postgres
from tests.factories import make_user
from tests.fakes.smtp_fake import FakeSMTPServer, _Handler
from tests.notifications.conftest import escalate, make_integration
from troubleshoot.models import Role


class _SlowCountingHandler(_Handler):
    """Takes `delay` seconds per message and notes which connection (client port)
    each came over."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(self.fake.delay)
        self.fake.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


class SlowSMTP(FakeSMTPServer):
    def __init__(self, delay: float, refuse=None):
        super().__init__(refuse=refuse)
        from aiosmtpd.controller import Controller

        self.delay, self.peers = delay, []
        self._controller = Controller(
            _SlowCountingHandler(self), hostname="127.0.0.1", port=self.port
        )


def smtp_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 10


@pytest.fixture
def any_pace_is_fast(monkeypatch):
    """A delay-0 server is fast, but on a loaded CI machine one message (its connect
    included) has taken over the 1/3 s that makes three messages go wide. Plan batches
    against a minute instead, so these tests judge the pooling, not the machine."""
    monkeypatch.setattr(smtp_pool, "BATCH_TARGET_SECONDS", 60.0)


def seniors(acme, count: int) -> None:
    for i in range(count):
        make_user(acme, Role.ENGINEER, name=f"Senior {i}", email=f"senior{i}@example.test")


def test_the_email_task_goes_to_the_email_queue_and_nothing_else_does(settings):
    settings.BATON_EMAIL_QUEUE = "mail-here"
    assert route("notifications.tasks.send_emails", [], {}, {}) == {"queue": "mail-here"}
    assert route("notifications.tasks.send_deliveries", [], {}, {}) is None
    assert route("handoffs.tasks.enrich_handoff", [], {}, {}) is None


def test_an_escalation_queues_its_emails_apart_from_its_posts(
    alice, acme, fake_http, monkeypatch, django_capture_on_commit_callbacks
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    seniors(acme, 2)
    queued = []
    monkeypatch.setattr(queueing, "enqueue", lambda task, *args, **kw: queued.append((task, args)))
    with django_capture_on_commit_callbacks(execute=True):
        ids = escalate(alice)
    emails = list(
        Delivery.objects.filter(channel="email").order_by("pk").values_list("pk", flat=True)
    )
    slack = Delivery.objects.get(channel="slack").pk
    assert len(emails) == 2 and sorted(ids) == sorted([*emails, slack])
    # One broker message from the request: the post's task, which hands the emails on.
    assert [(task.name, args) for task, args in queued] == [
        ("notifications.tasks.send_deliveries", ([slack], emails))
    ]


def test_an_escalation_with_only_emails_queues_the_email_task_directly(
    alice, acme, monkeypatch, django_capture_on_commit_callbacks
):
    seniors(acme, 2)
    queued = []
    monkeypatch.setattr(queueing, "enqueue", lambda task, *args, **kw: queued.append((task, args)))
    with django_capture_on_commit_callbacks(execute=True):
        ids = escalate(alice, ticket="")
    assert [(task.name, args) for task, args in queued] == [
        ("notifications.tasks.send_emails", (ids,))
    ]


def test_in_process_every_delivery_is_still_sent(
    alice, acme, fake_http, mailoutbox, django_capture_on_commit_callbacks
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    seniors(acme, 3)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)  # tasks run inline in tests, the email task too
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(mailoutbox) == 3 and len(fake_http.requests_to("/slack")) == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_worker_a_slow_server_gets_the_batch_over_several_reused_connections(
    alice, acme, settings, as_on_a_worker
):
    """Six messages at 0.5 s each: over three connections at once, about 1 s, not 3 s;
    two messages per connection, each connection opened once."""
    seniors(acme, 6)
    settings.BATON_EMAIL_CONNECTIONS = 3
    smtp = SlowSMTP(delay=0.5).start()
    smtp_settings(settings, smtp.port)
    try:
        ids = escalate(alice)
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            outcomes = emails_send(delivery_ids=ids)
        took = time.monotonic() - started
    finally:
        smtp.stop()
    assert outcomes == dict.fromkeys(ids, "sent")
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert sorted(m["To"] for m in smtp.messages) == [f"senior{i}@example.test" for i in range(6)]
    assert len(set(smtp.peers)) == 3, smtp.peers
    assert took < 2.5, took
    # The claim brings the rows (1; emails have no integration to load), then an
    # UPDATE per connection at most (outcomes that end together share one).
    assert 2 <= len(queries) <= 4, [q["sql"] for q in queries]
    # The same task again sends nothing.
    assert emails_send(delivery_ids=ids) == dict.fromkeys(ids, "skipped")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_server_that_turns_slow_gets_the_rest_of_the_batch_over_several_connections(
    alice, acme, settings, as_on_a_worker
):
    """The pace said fast; the first message takes 0.5 s: the other five go over
    three connections at once (about 1.5 s in all, not 3 s)."""
    seniors(acme, 6)
    settings.BATON_EMAIL_CONNECTIONS = 3
    smtp_pool.note_message_seconds(0.001)
    smtp = SlowSMTP(delay=0.5).start()
    smtp_settings(settings, smtp.port)
    try:
        ids = escalate(alice)
        started = time.monotonic()
        outcomes = emails_send(delivery_ids=ids)
        took = time.monotonic() - started
    finally:
        smtp.stop()
    assert outcomes == dict.fromkeys(ids, "sent")
    assert len(smtp.messages) == 6
    assert len(set(smtp.peers)) == 3, smtp.peers
    assert took < 2.5, took


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_worker_a_fast_server_gets_one_connection_kept_for_the_next_task(
    alice, acme, settings, as_on_a_worker, any_pace_is_fast
):
    """A fast server: each batch goes over one connection on the task's own thread (no
    send threads), and the next task reuses that connection (no new handshake)."""
    seniors(acme, 3)
    settings.BATON_EMAIL_CONNECTIONS = 8
    smtp = SlowSMTP(delay=0).start()
    smtp_settings(settings, smtp.port)
    started_threads = []
    real_start = threading.Thread.start

    def noting_start(thread):
        started_threads.append(thread.name)
        return real_start(thread)

    try:
        # The first batch of a process goes wide (the pace is not known yet) ...
        assert set(emails_send(delivery_ids=escalate(alice)).values()) == {"sent"}
        first_peers = set(smtp.peers)
        # ... then the server has shown it is fast: one connection, no threads.
        second = escalate(alice, event_key="handoff-2-created")
        with mock.patch.object(threading.Thread, "start", noting_start):
            assert emails_send(delivery_ids=second) == dict.fromkeys(second, "sent")
        third = escalate(alice, event_key="handoff-3-created")
        assert emails_send(delivery_ids=third) == dict.fromkeys(third, "sent")
    finally:
        smtp.stop()
    assert len(first_peers) == 3
    later_peers = smtp.peers[3:]
    assert len(smtp.messages) == 9
    assert len(set(later_peers)) == 1 and later_peers[0] in first_peers, smtp.peers
    assert not [name for name in started_threads if name.startswith("baton-smtp")]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_the_server_dropped_is_replaced_and_the_mail_sent(
    alice, acme, settings, as_on_a_worker, any_pace_is_fast
):
    seniors(acme, 2)
    smtp_pool.note_message_seconds(0.001)  # a fast server: one connection per batch
    smtp = SlowSMTP(delay=0).start()
    smtp_settings(settings, smtp.port)
    try:
        assert set(emails_send(delivery_ids=escalate(alice)).values()) == {"sent"}
        [(_, _, pooled)] = smtp_pool._idle
        pooled.connection.sock.shutdown(socket.SHUT_RDWR)  # as an idle timeout would
        again = escalate(alice, event_key="handoff-2-created")
        assert emails_send(delivery_ids=again) == dict.fromkeys(again, "sent")
    finally:
        smtp.stop()
    assert len(smtp.messages) == 4
    assert len(set(smtp.peers)) == 2, smtp.peers


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_an_idle_connection_is_not_reused_after_its_time(
    alice, acme, settings, as_on_a_worker, monkeypatch
):
    seniors(acme, 1)
    smtp = SlowSMTP(delay=0).start()
    smtp_settings(settings, smtp.port)
    monkeypatch.setattr(smtp_pool, "IDLE_SECONDS", 0.0)
    try:
        emails_send(delivery_ids=escalate(alice))
        emails_send(delivery_ids=escalate(alice, event_key="handoff-2-created"))
    finally:
        smtp.stop()
    assert len(smtp.messages) == 2 and len(set(smtp.peers)) == 2


def test_the_pace_chooses_how_many_connections_a_batch_gets(settings):
    settings.BATON_EMAIL_CONNECTIONS = 8
    smtp_pool.close_all()
    assert smtp_pool.connections_for(5) == 5  # nothing known yet: as if slow
    smtp_pool.note_message_seconds(0.01)
    assert smtp_pool.connections_for(5) == 1
    smtp_pool.note_message_seconds(2.0)  # the server slowed down: wide at once
    assert smtp_pool.connections_for(5) == 5  # never more than the messages
    assert smtp_pool.connections_for(20) == 8  # nor the setting
    smtp_pool.note_message_seconds(0.01)  # one fast message: not trusted yet
    assert smtp_pool.connections_for(5) > 1
    for _ in range(20):
        smtp_pool.note_message_seconds(0.01)
    assert smtp_pool.connections_for(5) == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_refused_address_fails_alone_and_the_connection_carries_on(
    alice, acme, settings, as_on_a_worker
):
    seniors(acme, 3)
    settings.BATON_EMAIL_CONNECTIONS = 1
    smtp = SlowSMTP(delay=0, refuse={"senior1@example.test"}).start()
    smtp_settings(settings, smtp.port)
    try:
        ids = escalate(alice)
        outcomes = emails_send(delivery_ids=ids)
    finally:
        smtp.stop()
    by_target = dict(Delivery.objects.values_list("target", "status"))
    assert by_target == {
        "senior0@example.test": DeliveryStatus.SENT,
        "senior1@example.test": DeliveryStatus.FAILED,
        "senior2@example.test": DeliveryStatus.SENT,
    }
    assert sorted(outcomes.values()) == ["failed", "sent", "sent"]
    assert sorted(m["To"] for m in smtp.messages) == [
        "senior0@example.test",
        "senior2@example.test",
    ]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_an_unreachable_mail_server_leaves_every_email_to_retry(
    alice, acme, settings, as_on_a_worker
):
    from tests.fakes.smtp_fake import free_port

    seniors(acme, 2)
    smtp_settings(settings, free_port())  # nothing listens there
    ids = escalate(alice)
    assert emails_send(delivery_ids=ids) == dict.fromkeys(ids, "retrying")
    rows = Delivery.objects.filter(pk__in=ids)
    assert {r.status for r in rows} == {DeliveryStatus.PENDING}
    assert all("Could not reach the mail server" in r.last_error for r in rows)
    assert threading.active_count() < 50  # the send threads are gone
