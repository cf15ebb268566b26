"""Sending email deliveries: the email queue's task (tasks.send_emails).

Same ledger as every other delivery (sending.py): the rows are claimed with one
conditional UPDATE, each outcome is recorded with one UPDATE, a failure retries with
backoff, a row already sent or being sent is skipped. What differs is the network
part. A fast mail server gets the batch over one connection, kept open between tasks
(transports/smtp_pool.py: a handshake costs more CPU than a message). A slow one,
taking seconds per message, gets it over up to BATON_EMAIL_CONNECTIONS connections at
once, each sending its share one after the other; the server's recent pace decides.
The email queue has a worker of its own (a threads pool, `make worker`), so a mail
server taking 2 s per message holds neither a Slack post nor a PSA note.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections
from django.utils import timezone

from notifications.services.sending import (
    _claim_and_load,
    _finish,
    finish_many,
    finished_together,
)
from notifications.transports import email, smtp_pool
from notifications.transports.http import TransportError

logger = logging.getLogger(__name__)


def emails_send(*, delivery_ids: list[int]) -> dict[int, str]:
    """Send these email deliveries; record each outcome. Returns {id: outcome}
    (sent / retrying / failed, or skipped for a row not pending and due).

    With tasks running in-process (embedded mode, tests) the messages go out one
    after the other on one connection. Never raises for a failed send.
    """
    prepared = _claim_and_load(list(delivery_ids), timezone.now())
    outcomes = {pk: found for pk, found in prepared.items() if isinstance(found, str)}
    ready = []
    for delivery in (found for found in prepared.values() if not isinstance(found, str)):
        try:
            ready.append((delivery, email.message_for(delivery)))
        except Exception as exc:  # a bug in a template: keep the row, say so
            logger.exception("delivery %s: could not build the email", delivery.pk)
            failure = TransportError(f"Unexpected error ({type(exc).__name__}).")
            outcomes[delivery.pk] = _finish(delivery, failure)
    if ready and (settings.CELERY_TASK_ALWAYS_EAGER or smtp_pool.connections_for(len(ready)) == 1):
        # A fast server: one pooled connection on this thread, no threads to start.
        # In-process (embedded mode, tests) always so; on a worker until the server
        # turns out slow, then the rest goes over several connections below.
        results = _send_group(ready, stop_when_slow=not settings.CELERY_TASK_ALWAYS_EAGER)
        outcomes.update(_record_pairs(list(zip(ready, results, strict=False))))
        ready = ready[len(results) :]
    if ready:
        width = smtp_pool.connections_for(len(ready))
        groups = [ready[i::width] for i in range(width)]
        with ThreadPoolExecutor(max_workers=width, thread_name_prefix="baton-smtp") as pool:
            sending = {pool.submit(_send_group_on_thread, group): group for group in groups}
            # Each connection's outcomes are recorded as soon as it is done (those
            # done together in one statement); the database work stays on this
            # thread and its one connection.
            for batch in finished_together(sending):
                pairs = [p for f in batch for p in zip(sending[f], f.result(), strict=True)]
                outcomes.update(_record_pairs(pairs))
    return {pk: outcomes[pk] for pk in delivery_ids if pk in outcomes}


def _send_group(group: list, *, stop_when_slow: bool = False) -> list:
    try:
        messages = [message for _, message in group]
        return email.send_messages(messages, stop_when_slow=stop_when_slow)
    except Exception as exc:  # a bug: keep the rows, never lose them silently
        logger.exception("email batch: unexpected error while sending")
        failure = TransportError(f"Unexpected error ({type(exc).__name__}).", maybe_delivered=True)
        return [failure] * len(group)


def _send_group_on_thread(group: list) -> list:
    try:
        return _send_group(group)
    finally:
        connections.close_all()  # transports do not touch the database; in case one does


def _record_pairs(pairs: list) -> dict[int, str]:
    """Record ((delivery, message), result) pairs."""
    return finish_many([(delivery, result) for (delivery, _), result in pairs])
