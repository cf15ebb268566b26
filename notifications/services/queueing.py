"""Handing deliveries to Celery without ever failing the caller.

The Delivery row is already committed when these run, so a broker that is down only
delays the send: the row stays `pending` and the sweeper queues it again.
"""

from django.conf import settings
from django.db import transaction

from troubleshoot.live.tasking import enqueue


def enqueue_delivery(delivery_id: int, *, countdown: float | None = None) -> bool:
    """Queue one send now (or after `countdown` seconds). Never raises."""
    from notifications.tasks import send_delivery  # tasks import services: import late

    return enqueue(send_delivery, delivery_id, countdown=countdown)


def delayed_retry_possible() -> bool:
    """Can a countdown task wait for a backoff? Not when tasks run inline (tests)."""
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    return not eager or getattr(settings, "BATON_TASKS_IN_THREAD", False)


def enqueue_deliveries_on_commit(delivery_ids: list[int]) -> None:
    """After the surrounding transaction commits, queue the batch's sends.

    One broker message from the caller (a publish costs about 1.5 ms of the
    escalation request, measured in bench/); the worker sends them together, each
    isolated from the others (sending.deliveries_send). Nothing is queued on
    rollback; with the broker down the rows stay pending and the sweeper queues them.
    """
    if not delivery_ids:
        return
    ids = list(delivery_ids)

    def queue_all() -> None:
        if len(ids) == 1:
            enqueue_delivery(ids[0])
            return
        from notifications.tasks import send_deliveries

        enqueue(send_deliveries, ids)

    transaction.on_commit(queue_all, robust=True)


def enqueue_each(delivery_ids: list[int]) -> int:
    """Queue one send task per delivery; returns how many the broker took."""
    return sum(1 for delivery_id in delivery_ids if enqueue_delivery(delivery_id))
