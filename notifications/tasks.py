"""Celery tasks: take ids, call a service, safe to run twice."""

from celery import shared_task

from notifications.services.email_sending import emails_send
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
def send_deliveries(delivery_ids: list[int], email_ids: list[int] | None = None) -> dict:
    """Send one event's deliveries together (see deliveries_send); `email_ids` go on
    to the email queue.

    Safe to run twice: a delivery already sent or being sent is skipped.
    """
    outcomes = deliveries_send(delivery_ids=delivery_ids, email_ids=email_ids or [])
    return {str(delivery_id): outcome for delivery_id, outcome in outcomes.items()}


# Runs on the email queue (config/celery_queues.py), whose worker is a threads pool:
# Celery's time limits do not apply there, the SMTP timeout (EMAIL_TIMEOUT) does.
@shared_task(acks_late=True, soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT)
def send_emails(delivery_ids: list[int]) -> dict:
    """Send email deliveries, several SMTP connections at once (see emails_send).

    Safe to run twice: a delivery already sent or being sent is skipped.
    """
    outcomes = emails_send(delivery_ids=delivery_ids)
    return {str(delivery_id): outcome for delivery_id, outcome in outcomes.items()}
