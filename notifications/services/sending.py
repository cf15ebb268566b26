"""Sending one delivery, retrying it, sweeping up what a broker outage left behind.

The send runs outside any transaction: claim the row (a conditional UPDATE, so two
workers never send the same row), talk to the network, then record the outcome with
one conditional UPDATE, committed as it runs.

PSA notes must never be posted twice. An email or chat post sent twice is a small
annoyance; a duplicated ticket note is visible to the whole service desk. So a PSA
send whose outcome is unknown (a read timeout, a worker killed mid-send) is marked
failed with a sentence saying the note may be on the ticket, and only a person's
Retry posts it again. Emails and chat posts in the same situation are retried.
"""

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from notifications import transports
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Integration,
)
from notifications.services.claiming import claim_many
from notifications.services.queueing import (
    delayed_retry_possible,
    enqueue_deliveries_on_commit,
    enqueue_delivery,
    enqueue_each,
    enqueue_emails,
)
from notifications.services.switch_off import switch_off_and_tell_admins
from notifications.transports.http import TransportError
from troubleshoot.accounts.roles import is_admin_or_above
from troubleshoot.live.events import publish_now, session_group
from troubleshoot.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "BATON_DELIVERY_MAX_ATTEMPTS", 6)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 60 * 60
RETRY_AFTER_CAP_SECONDS = 6 * 60 * 60
# A `sending` row this old belongs to a worker that died: longer than the task's
# hard time limit (see tasks.py), so a slow but live send is never taken over.
STALE_SENDING_AFTER = timedelta(minutes=5)
# Pending rows are queued at commit; the sweeper only takes those a missed queueing
# left behind, so it waits a little past their due time before stepping in.
SWEEP_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 500
# How many deliveries of one batch are sent together, each on a thread of its own;
# the rest of a larger batch is queued one task each.
BATCH_THREADS = 8

SENT, SKIPPED, RETRYING, FAILED, DISABLED = "sent", "skipped", "retrying", "failed", "disabled"
UNKNOWN_PSA_OUTCOME = (
    "The PSA did not confirm the note; it may or may not be on the ticket. "
    "Check the ticket before pressing Retry."
)


def backoff_seconds(attempts: int) -> float:
    """30 s, 1 min, 2 min, 4 min ... capped at an hour."""
    return float(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def delivery_send(*, delivery_id: int, now=None) -> str:
    """Send one pending, due delivery; record sent / retry / failed / disabled.

    Idempotent: a row that is not pending and due (already sent, being sent by
    another worker, waiting for its backoff) is skipped. Never raises for a failed
    send. Returns what happened, for logs and tests.
    """
    ready = _claim_and_load([delivery_id], now or timezone.now())[delivery_id]
    if isinstance(ready, str):
        return ready
    return _finish(ready, _transmit(ready))


def deliveries_send(*, delivery_ids: list[int], email_ids: list[int] = ()) -> dict[int, str]:
    """Send one event's deliveries together: up to BATCH_THREADS at once, each on its
    own thread, so a slow Slack never holds the email; the rest are queued one task
    each. One task instead of one per delivery saves the worker a task's overhead
    (about 2 ms of CPU) and a broker round trip per delivery, measured in bench/.

    The threads only talk to the network: claiming, loading and recording stay on
    the caller's thread and its one database connection. The batch is claimed and
    loaded with one query, plus one for its integrations (_claim_and_load), and the
    outcomes are recorded as their sends end. With tasks running in-process
    (embedded SQLite, tests) the sends run one after the other. Same guarantees as
    delivery_send. Returns {delivery id: outcome} for the ones handled here.
    `email_ids` are handed to the email queue first (email_sending.emails_send;
    in-process, that task runs like any other).
    """
    if email_ids:
        enqueue_emails(list(email_ids))
    here, queued = delivery_ids[:BATCH_THREADS], delivery_ids[BATCH_THREADS:]
    if queued:
        enqueue_each(queued)
    if len(here) <= 1 or settings.CELERY_TASK_ALWAYS_EAGER:
        return {delivery_id: delivery_send(delivery_id=delivery_id) for delivery_id in here}
    prepared = _claim_and_load(here, timezone.now())
    outcomes = {pk: found for pk, found in prepared.items() if isinstance(found, str)}
    ready = [found for found in prepared.values() if not isinstance(found, str)]
    if ready:
        with ThreadPoolExecutor(max_workers=len(ready), thread_name_prefix="baton-send") as pool:
            sending = {pool.submit(_transmit_on_thread, d): d for d in ready}
            # Each outcome is recorded as its send ends (the sends that ended together,
            # in one statement). Should the task's time limit interrupt this wait,
            # only sends still running then are left `sending`: the sweeper settles
            # them as it does a killed worker's (email again, PSA note failed as
            # unknown), which is what their timeouts would have said.
            for batch in finished_together(sending):
                outcomes.update(finish_many([(sending[f], f.result()) for f in batch]))
    return {delivery_id: outcomes[delivery_id] for delivery_id in here}


def finished_together(futures):
    """Yield the futures in groups: each time one ends, every one that has ended."""
    waiting = set(futures)
    while waiting:
        done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
        yield done


def finish_many(results: list[tuple[Delivery, str | TransportError]]) -> dict[int, str]:
    """Record several outcomes: the sent ones with one UPDATE (measured in bench/,
    figure 6: one statement per sent delivery was a fifth of a send's CPU), each
    failure as _finish does. Returns {delivery id: outcome}."""
    sent = [(d.pk, r) for d, r in results if not isinstance(r, TransportError)]
    outcomes = {d.pk: _finish(d, r) for d, r in results if isinstance(r, TransportError)}
    if len(sent) == 1:
        outcomes[sent[0][0]] = _record(sent[0][0], DeliveryStatus.SENT, external_id=sent[0][1])
    elif sent:
        _record_sent(sent)
        outcomes.update((pk, SENT) for pk, _ in sent)
    return outcomes


def _record_sent(sent: list[tuple[int, str]]) -> None:
    """One autocommit UPDATE marking these `sending` rows sent, each with its
    external id (a CASE on the id)."""
    # Only the model's own table name and "%s" markers are formatted in; every value
    # is a parameter.
    table = connection.ops.quote_name(Delivery._meta.db_table)
    whens = " ".join(["WHEN %s THEN %s"] * len(sent))
    placeholders = ", ".join(["%s"] * len(sent))
    sql = (
        f"UPDATE {table} SET status = %s, updated_at = %s, sent_at = %s, "  # noqa: S608
        f"last_error = '', external_id = CASE id {whens} END "
        f"WHERE id IN ({placeholders}) AND status = %s"
    )
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [DeliveryStatus.SENT, at, at]
    for pk, external_id in sent:
        params += [pk, external_id[:120]]
    params += [pk for pk, _ in sent] + [DeliveryStatus.SENDING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _claim_and_load(delivery_ids: list[int], now) -> dict[int, Delivery | str]:
    """For each id, the claimed row with its integration, ready to send; or, when there
    is nothing to send, the outcome (skipped, or disabled with the integration off)."""
    claimed = claim_many(delivery_ids, now)
    return {
        pk: SKIPPED if claimed.get(pk) is None else _ready_to_send(claimed[pk])
        for pk in delivery_ids
    }


def _ready_to_send(delivery: Delivery) -> Delivery | str:
    """A claimed row whose integration (or webhook) is on; else record it disabled."""
    if delivery.channel == Channel.WEBHOOK:
        webhook = delivery.webhook
        if webhook is None or not webhook.enabled:
            reason = (webhook.disabled_reason or "turned off") if webhook else "it was removed"
            return _record(delivery.pk, DeliveryStatus.DISABLED, error=f"Webhook off: {reason}")
        return delivery
    if delivery.channel == Channel.PUSH:
        if delivery.push_subscription is None:
            return _record(delivery.pk, DeliveryStatus.DISABLED, error="The browser unsubscribed.")
        return delivery
    integration = delivery.integration
    if delivery.channel != Channel.EMAIL and (integration is None or not integration.enabled):
        reason = integration.disabled_reason if integration else "it was removed"
        return _record(delivery.pk, DeliveryStatus.DISABLED, error=f"Integration off: {reason}")
    return delivery


def _transmit(delivery: Delivery) -> str | TransportError:
    """The network part, no database: the external id, or the failure."""
    try:
        return transports.send(delivery, delivery.integration) or ""
    except TransportError as exc:
        return exc
    except Exception as exc:  # a bug or a time limit: keep the row, never lose it silently
        logger.exception("delivery %s: unexpected error while sending", delivery.pk)
        return TransportError(f"Unexpected error ({type(exc).__name__}).", maybe_delivered=True)


def _transmit_on_thread(delivery: Delivery) -> str | TransportError:
    try:
        return _transmit(delivery)
    finally:
        # Transports do not touch the database; should one ever do, its connection
        # goes back to the pool here instead of leaking with the thread.
        connections.close_all()


def _finish(delivery: Delivery, result: str | TransportError) -> str:
    if isinstance(result, TransportError):
        outcome = _record_failure(delivery, result)
    else:
        outcome = _record(delivery.pk, DeliveryStatus.SENT, external_id=result)
    if delivery.channel == Channel.PSA:
        announce_psa_outcome(delivery)
    return outcome


def announce_psa_outcome(delivery: Delivery) -> None:
    """The session's pages (its page, the pickup screen) re-fetch what reached the ticket."""
    session_id = (delivery.payload or {}).get("session_id")
    if isinstance(session_id, int):
        publish_now(session_group(session_id), {"type": "psa_updated", "session_id": session_id})


def _record(
    delivery_id: int, status: str, *, error: str = "", external_id: str = "", retry_at=None
):
    # One UPDATE in autocommit: durable as soon as it returns, without a BEGIN and a
    # COMMIT round trip of its own (sends run outside any transaction).
    now = timezone.now()
    fields = {"status": status, "updated_at": now, "last_error": error[:2000]}
    if status == DeliveryStatus.SENT:
        fields.update(sent_at=now, external_id=external_id[:120])
    if retry_at is not None:
        fields["next_attempt_at"] = retry_at
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(**fields)
    return {
        DeliveryStatus.SENT: SENT,
        DeliveryStatus.PENDING: RETRYING,
        DeliveryStatus.FAILED: FAILED,
        DeliveryStatus.DISABLED: DISABLED,
    }[status]


def _record_failure(delivery: Delivery, exc: TransportError) -> str:
    is_psa = delivery.channel == Channel.PSA
    if is_psa and exc.maybe_delivered and not exc.permanent:
        logger.warning("delivery %s: PSA outcome unknown, not retrying", delivery.pk)
        return _record(
            delivery.pk, DeliveryStatus.FAILED, error=f"{exc.message} {UNKNOWN_PSA_OUTCOME}"
        )
    attempts = delivery.attempts  # read after the claim, so it counts this try
    if exc.permanent:
        outcome = _record(delivery.pk, DeliveryStatus.FAILED, error=exc.message)
        if exc.disables and delivery.integration_id:
            integration_disable(integration_id=delivery.integration_id, reason=exc.message)
        elif exc.disables and delivery.webhook_id:
            from notifications.services.webhooks import webhook_disable

            webhook_disable(webhook_id=delivery.webhook_id, reason=exc.message)
        elif exc.disables and delivery.push_subscription_id:
            from notifications.reach.services import push_subscription_expire

            push_subscription_expire(subscription_id=delivery.push_subscription_id)
        return outcome
    if attempts >= MAX_ATTEMPTS:
        return _record(
            delivery.pk,
            DeliveryStatus.FAILED,
            error=f"Gave up after {attempts} tries: {exc.message}",
        )
    delay = backoff_seconds(attempts)
    if exc.retry_after is not None:
        delay = min(max(exc.retry_after, 1.0), RETRY_AFTER_CAP_SECONDS)
    outcome = _record(
        delivery.pk,
        DeliveryStatus.PENDING,
        error=exc.message,
        retry_at=timezone.now() + timedelta(seconds=delay),
    )
    # A countdown task is the fast path; the row's next_attempt_at and the sweeper
    # are the guarantee (a countdown task can be lost with Redis).
    if delayed_retry_possible():
        enqueue_delivery(delivery.pk, countdown=delay, email=delivery.channel == Channel.EMAIL)
    return outcome


@transaction.atomic(durable=True)
def integration_disable(*, integration_id: int, reason: str) -> bool:
    """Turn an integration off after a permanent error and say so to the admins.

    Its other pending deliveries become `disabled` (they would fail the same way);
    every admin and owner gets a bell notification. Returns False when it was off
    already, so concurrent failures tell the admins once.
    """
    integration = Integration.objects.select_for_update().filter(pk=integration_id).first()
    return switch_off_and_tell_admins(
        integration,
        reason=reason,
        pending=Delivery.objects.filter(integration=integration),
        error_prefix="Integration disabled",
        title=f"{integration.get_kind_display()} integration disabled" if integration else "",
        kind="integration_disabled",
        body="Baton stopped sending to it after a permanent error. Fix the settings and "
        "save them to turn it back on.",
        link="/account/integrations/",
    )


@transaction.atomic(durable=True)
def delivery_retry(*, actor: User, delivery_id: int) -> Delivery:
    """An admin sends a failed, disabled or stuck delivery again, from scratch.

    Raises PermissionDenied for a non-admin, Delivery.DoesNotExist for another
    account's row, ValidationError (a sentence) for a row already sent or sending.
    Queues the send after commit.
    """
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can retry deliveries.")
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id, account_id=actor.account_id)
    if delivery.status == DeliveryStatus.SENT:
        raise ValidationError("This delivery was already sent; it is not sent twice.")
    if delivery.status == DeliveryStatus.SENDING:
        raise ValidationError("This delivery is being sent right now.")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.updated_at = delivery.next_attempt_at
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    enqueue_deliveries_on_commit([delivery.pk])
    if delivery.channel == Channel.PSA:
        transaction.on_commit(lambda: announce_psa_outcome(delivery), robust=True)
    return delivery


def deliveries_sweep(*, now=None) -> dict:
    """The periodic safety net: recover abandoned sends and queue overdue pending rows.

    A `sending` row past STALE_SENDING_AFTER lost its worker: emails and chat posts
    go back to pending, PSA notes are failed with UNKNOWN_PSA_OUTCOME (see module
    docstring). Pending rows due for longer than SWEEP_GRACE, e.g. because Redis was
    down when their transaction committed, are queued again; the claim in
    delivery_send makes a double queueing harmless. Returns counts.
    """
    now = now or timezone.now()
    stale = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, updated_at__lt=now - STALE_SENDING_AFTER
    )
    with transaction.atomic(durable=True):
        failed_psa = stale.filter(channel=Channel.PSA).update(
            status=DeliveryStatus.FAILED,
            updated_at=now,
            last_error=f"The worker stopped while posting. {UNKNOWN_PSA_OUTCOME}",
        )
        revived = dict(
            stale.exclude(channel=Channel.PSA)
            .select_for_update(skip_locked=True)
            .values_list("pk", "channel")[:SWEEP_BATCH]
        )
        revived_ids = list(revived)
        Delivery.objects.filter(pk__in=revived_ids, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING,
            updated_at=now,
            next_attempt_at=now,
            last_error="The worker stopped while sending; sending again.",
        )
    due = {
        **revived,
        **dict(
            Delivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
            )
            .exclude(pk__in=revived_ids)
            .order_by("next_attempt_at")
            .values_list("pk", "channel")[:SWEEP_BATCH]
        ),
    }
    queued = sum(
        1
        for delivery_id, channel in due.items()
        if enqueue_delivery(delivery_id, email=channel == Channel.EMAIL)
    )
    return {"queued": queued, "revived": len(revived_ids), "failed_psa": failed_psa}
