"""Publishing small events to websocket groups, only after the transaction commits.

Groups: `account-<id>` (engineers and above of one account) and `user-<id>`.
Payloads carry kinds and ids, never private text: the page re-fetches its partial
through a normal view, which renders and authorizes.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "baton.event"  # consumer method baton_event


def account_group(account_id: int) -> str:
    return f"account-{account_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def publish_now(group: str, event: dict) -> bool:
    """Send one event to a group. Never raises: a live push is best effort.

    Whatever must not be lost is already a row; a page that missed the push
    catches up when it re-fetches on reconnect.
    """
    try:
        layer = get_channel_layer()
        async_to_sync(layer.group_send)(group, {"type": MESSAGE_TYPE, "event": event})
        return True
    except Exception:  # Redis down, layer misconfigured: log, never fail the caller
        logger.warning("could not publish %s to %s", event.get("type"), group, exc_info=True)
        return False


def publish_on_commit(group: str, event: dict) -> None:
    """Publish after the surrounding transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: publish_now(group, event), robust=True)
