"""Handing deliveries to Celery without ever failing the caller.

The Delivery row is already committed when these run, so a broker that is down only
delays the send: the row stays `pending` and the sweeper queues it again.
"""

from django.conf import settings
from django.db import transaction

from troubleshoot.live.tasking import enqueue


def enqueue_delivery(
    delivery_id: int, *, countdown: float | None = None, email: bool = False
) -> bool:
    """Queue one send now (or after `countdown` seconds); an email on the email
    queue. Never raises."""
    from notifications.tasks import send_delivery, send_emails  # tasks import services

    if email:
        return enqueue(send_emails, [delivery_id], countdown=countdown)
    return enqueue(send_delivery, delivery_id, countdown=countdown)


def delayed_retry_possible() -> bool:
    """Can a countdown task wait for a backoff? Not when tasks run inline (tests)."""
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    return not eager or getattr(settings, "BATON_TASKS_IN_THREAD", False)


def enqueue_deliveries_on_commit(delivery_ids: list[int], *, email_ids=()) -> None:
    """After the surrounding transaction commits, queue the batch's sends.

    One broker message from the caller (a publish costs about 1.5 ms of the
    escalation request, measured in bench/); the worker sends them together, each
    isolated from the others (sending.deliveries_send), and hands `email_ids` (a
    subset of delivery_ids) on to the email queue (email_sending.emails_send). A batch
    of emails only goes to the email queue directly. Nothing is queued on rollback;
    with the broker down the rows stay pending and the sweeper queues them.
    """
    if not delivery_ids:
        return
    emails = set(email_ids)
    others = [pk for pk in delivery_ids if pk not in emails]
    mail = [pk for pk in delivery_ids if pk in emails]

    def queue_all() -> None:
        from notifications.tasks import send_deliveries, send_emails

        if not others:
            enqueue(send_emails, mail)
        elif len(others) == 1 and not mail:
            enqueue_delivery(others[0])
        elif mail:
            enqueue(send_deliveries, others, mail)
        else:
            enqueue(send_deliveries, others)

    transaction.on_commit(queue_all, robust=True)


def enqueue_emails(delivery_ids: list[int]) -> bool:
    """Queue one email task for these email deliveries. Never raises."""
    from notifications.tasks import send_emails

    return enqueue(send_emails, delivery_ids)


def enqueue_each(delivery_ids: list[int]) -> int:
    """Queue one send task per delivery; returns how many the broker took."""
    return sum(1 for delivery_id in delivery_ids if enqueue_delivery(delivery_id))
