"""Notification services. Other apps import from here, with plain data only.

notify_* run inside the caller's transaction; the rest are outermost (durable).
"""

from notifications.services.bell import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_update,
)
from notifications.services.integrations import (
    integration_remove,
    integration_save,
    integration_send_test,
)
from notifications.services.notify import notify_escalation, notify_user
from notifications.services.psa_lookup import psa_ticket_lookup
from notifications.services.psa_writeback import (
    psa_writeback_on_resolve,
    psa_writeback_settings_save,
)
from notifications.services.sending import (
    deliveries_sweep,
    delivery_retry,
    delivery_send,
    integration_disable,
)
from notifications.services.unclaimed import notify_unclaimed
from notifications.services.webhooks import (
    notify_session_resolved,
    notify_webhooks,
    webhook_create,
    webhook_delete,
    webhook_ping,
    webhook_rotate_secret,
    webhook_update,
)
from notifications.titles import escalation_title, handoff_title

__all__ = [
    "deliveries_sweep",
    "delivery_retry",
    "delivery_send",
    "escalation_title",
    "handoff_title",
    "integration_disable",
    "integration_remove",
    "integration_save",
    "integration_send_test",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify_escalation",
    "psa_ticket_lookup",
    "psa_writeback_on_resolve",
    "psa_writeback_settings_save",
    "notify_session_resolved",
    "notify_unclaimed",
    "notify_user",
    "notify_webhooks",
    "preference_update",
    "webhook_create",
    "webhook_delete",
    "webhook_ping",
    "webhook_rotate_secret",
    "webhook_update",
]
