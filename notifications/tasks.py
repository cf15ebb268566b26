"""Celery tasks: take ids, call a service, safe to run twice."""

from celery import shared_task

from notifications.services.sending import deliveries_send, deliveries_sweep, delivery_send

# The hard limit stays below sending.STALE_SENDING_AFTER, so the sweeper never
# takes over a send that is still running.
SEND_SOFT_TIME_LIMIT = 45
SEND_TIME_LIMIT = 60


@shared_task(acks_late=True, soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT)
def send_delivery(delivery_id: int) -> str:
    """Send one Delivery row. Retries live in the row (next_attempt_at), not in Redis."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=55)
def sweep_deliveries() -> dict:
    """Every minute: re-queue pending rows a broker outage left behind; recover stuck sends."""
    return deliveries_sweep()


@shared_task(acks_late=True, soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT)
def send_deliveries(delivery_ids: list[int]) -> dict:
    """Send one event's deliveries together (see deliveries_send).

    Safe to run twice: a delivery already sent or being sent is skipped.
    """
    outcomes = deliveries_send(delivery_ids=delivery_ids)
    return {str(delivery_id): outcome for delivery_id, outcome in outcomes.items()}
