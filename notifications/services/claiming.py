"""Claiming deliveries for sending: one conditional UPDATE decides which worker sends
each row (notifications/services/sending.py and email_sending.py send what it returns)."""

from django.db import connection

from notifications.models import Delivery, DeliveryStatus, Integration, PushSubscription, Webhook


def claim_many(delivery_ids: list[int], now) -> dict[int, Delivery]:
    """Claim the pending, due rows among `delivery_ids` and load them. The claim is
    one conditional UPDATE (pending and due -> sending) whose RETURNING brings the
    rows this worker won, whole (the ORM's update() only counts them), so two workers
    with the same rows never send the same one. Their integrations and webhooks come
    with one query each, only when a row has one: an email batch is one query.
    (Before: RETURNING id, then a load joining both, whose compiling alone was about a
    tenth of a send's CPU; bench/, figure 6.)"""
    # Only the model's own table and column names and "%s" markers are formatted in;
    # every value is a parameter.
    quote = connection.ops.quote_name
    table = quote(Delivery._meta.db_table)
    columns = ", ".join(quote(f.column) for f in Delivery._meta.concrete_fields)
    placeholders = ", ".join(["%s"] * len(delivery_ids))
    sql = (
        f"UPDATE {table} SET status = %s, attempts = attempts + 1, updated_at = %s "  # noqa: S608
        f"WHERE id IN ({placeholders}) AND status = %s AND next_attempt_at <= %s "
        f"RETURNING {columns}"
    )
    # Datetimes as the ORM writes them (SQLite keeps naive UTC text), so later ORM
    # comparisons on these columns still hold.
    at = connection.ops.adapt_datetimefield_value(now)
    params = [DeliveryStatus.SENDING, at, *delivery_ids, DeliveryStatus.PENDING, at]
    # raw() turns the returned rows into Delivery instances with the fields' own
    # conversions (JSON, datetimes), as a SELECT would.
    won = {d.pk: d for d in Delivery.objects.raw(sql, params)}
    attach(won.values(), "integration", Integration)
    attach(won.values(), "webhook", Webhook)
    attach(won.values(), "push_subscription", PushSubscription)
    return won


def attach(deliveries, name: str, model) -> None:
    """Load the rows' `name` (a foreign key) in one query, only if some row has one."""
    attname = f"{name}_id"
    ids = {getattr(d, attname) for d in deliveries} - {None}
    found = model.objects.in_bulk(ids) if ids else {}
    field = Delivery._meta.get_field(name)
    for delivery in deliveries:
        field.set_cached_value(delivery, found.get(getattr(delivery, attname)))
