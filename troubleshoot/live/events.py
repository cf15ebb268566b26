"""Publishing small events to websocket groups, only after the transaction commits.

Groups: `account-<id>` (engineers and above of one account), `user-<id>`, and
`session-<id>` (sockets of pages showing that session, joined after an access check).
Payloads carry kinds and ids, never private text: the page re-fetches its partial
through a normal view, which renders and authorizes.
"""

import asyncio
import json
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# How long a caller waits for Redis to take one event before giving up on it.
PUBLISH_TIMEOUT = 2.0
_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None
_publisher_lock = threading.Lock()

MESSAGE_TYPE = "baton.event"  # what the socket hub receives


# Sent to a person's group after their role changed or they were removed: each of their
# sockets closes, and the page's reconnect joins only what the new role allows (a
# removed person's is refused). Compared as text by the consumer, so it is built once.
ACCESS_CHANGED = json.dumps({"type": "access_changed"}, separators=(",", ":"))
CLOSE_ACCESS_CHANGED = 4403


def account_group(account_id: int) -> str:
    return f"account-{account_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def session_group(session_id: int) -> str:
    """The pages open on one session (its pickup screen), for events only they show."""
    return f"session-{session_id}"


def publish_now(group: str, event: dict) -> bool:
    """Send one event to a group. Never raises: a live push is best effort.

    Whatever must not be lost is already a row; a page that missed the push
    catches up when it re-fetches on reconnect.
    """
    try:
        layer = get_channel_layer()
        # Serialised here, once: the socket hub forwards the text to every socket of the
        # group in its process, so the message names the group it was sent to.
        text = json.dumps(event, separators=(",", ":"))
        message = {"type": MESSAGE_TYPE, "group": group, "text": text}
        if isinstance(layer, InMemoryChannelLayer):
            # In-process queues belong to the caller's loop: stay on it.
            async_to_sync(layer.group_send)(group, message)
        else:
            coroutine = layer.group_send(group, message)
            future = asyncio.run_coroutine_threadsafe(coroutine, _publisher_loop())
            future.result(timeout=PUBLISH_TIMEOUT)
        return True
    except Exception:  # Redis down, layer misconfigured: log, never fail the caller
        logger.warning("could not publish %s to %s", event.get("type"), group, exc_info=True)
        return False


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """One long-lived event loop per process for publishing to Redis.

    async_to_sync would start a new loop per call, and the Redis layers keep their
    connections per loop, so every event paid for a new connection: about 3.7 ms
    each, measured in bench/ (0.3 ms on a kept connection). Keyed by pid because a
    forked Celery child inherits the loop object but not its thread.
    """
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="baton-publisher", daemon=True).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


def publish_on_commit(group: str, event: dict) -> None:
    """Publish after the surrounding transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: publish_now(group, event), robust=True)


def tell_sockets_access_changed(user_id: int) -> None:
    """Close every open socket of this person, in every process (after commit only)."""
    publish_now(user_group(user_id), json.loads(ACCESS_CHANGED))
