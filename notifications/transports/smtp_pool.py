"""SMTP connections kept open between email tasks, and how fast the mail server has
been lately.

Opening an SMTP connection (TCP, the greeting, EHLO, and in production STARTTLS and
AUTH) costs more CPU than sending a message over it: in-process against the bench's
fake, an escalation's five emails cost 15–16 ms of CPU over five new connections and
8–9 ms over one. So a worker process keeps the connections it opened, idle, for the
next task, at most IDLE_SECONDS (well under the 60–300 s after which mail servers
usually drop an idle client), and each is used by one thread at a time.

The pace (recent seconds per message: up at once, down as a moving average) lets a
task choose how many connections a batch needs: a fast server gets one, on the task's
own thread; a slow one several at once, so a 2 s mail server does not make the fifth
recipient wait 10 s.
Until a process has sent a message it assumes a slow server.

Both are a process' performance hints, never state that matters: a restart costs a
handshake and one batch sent at the wrong width, not a message.
"""

import contextlib
import math
import os
import threading
import time

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

IDLE_SECONDS = 30.0
MAX_IDLE = 32
# A batch is planned to take about this long at the current pace: with a 2 s server,
# five messages get five connections; with a fast one, one.
BATCH_TARGET_SECONDS = 1.0
PACE_WEIGHT = 0.3  # a faster message's share of the moving average

_lock = threading.Lock()
_idle: list[tuple[tuple, float, SMTPBackend]] = []  # (settings signature, idle since, conn)
_owner_pid = os.getpid()
_pace: float | None = None  # seconds per message; None until a message was sent


def _signature() -> tuple:
    """What a pooled connection was opened for: a test or a settings change that points
    elsewhere must not get a connection to the old server."""
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def _forget_after_fork() -> None:
    """A forked child must not share its parent's sockets (the caller holds _lock)."""
    global _owner_pid, _pace
    if os.getpid() != _owner_pid:
        _idle.clear()
        _owner_pid, _pace = os.getpid(), None


def checkout(timeout: float):
    """(connection, reused): an idle open connection for the current settings, else a
    new, not yet opened one from Django's configured backend."""
    signature, now, found, stale = _signature(), time.monotonic(), None, []
    with _lock:
        _forget_after_fork()
        while _idle and found is None:
            pooled_for, since, connection = _idle.pop()
            if pooled_for == signature and now - since < IDLE_SECONDS:
                found = connection
            else:
                stale.append(connection)
    for connection in stale:
        _close(connection)
    if found is not None:
        return found, True
    connection = get_connection(timeout=timeout)
    connection.baton_signature = signature
    return connection, False


def checkin(connection) -> None:
    """Keep an open SMTP connection for the next task; close anything else."""
    signature = getattr(connection, "baton_signature", None)
    if isinstance(connection, SMTPBackend) and connection.connection is not None:
        with _lock:
            _forget_after_fork()
            if len(_idle) < MAX_IDLE:
                _idle.append((signature, time.monotonic(), connection))
                return
    _close(connection)


def discard(connection) -> None:
    """A connection that failed: close it, never pool it."""
    _close(connection)


def close_all() -> None:
    """Close every idle connection and forget the pace (tests, worker shutdown)."""
    global _pace
    with _lock:
        idle = [connection for _, _, connection in _idle]
        _idle.clear()
        _pace = None
    for connection in idle:
        _close(connection)


def _close(connection) -> None:
    with contextlib.suppress(Exception):  # closing a dead connection: nothing to save
        connection.close()
    connection.connection = None


def note_message_seconds(seconds: float) -> None:
    """Record how long the server took to accept one message."""
    global _pace
    previous = _pace
    if previous is None or seconds > previous:
        # Quick to call the server slow (a batch must not wait behind it), slow to
        # call it fast again (going wide for nothing costs only a few handshakes).
        _pace = seconds
    else:
        _pace = previous + PACE_WEIGHT * (seconds - previous)


def connections_for(messages: int) -> int:
    """How many connections `messages` messages should go over at the current pace,
    from 1 to BATON_EMAIL_CONNECTIONS (and never more than there are messages)."""
    # Nothing sent yet in this process: assume a slow server (a fast one costs a few
    # extra handshakes once; a slow one would otherwise make a whole batch wait).
    wanted = messages if _pace is None else math.ceil(messages * _pace / BATCH_TARGET_SECONDS)
    return max(1, min(messages, settings.BATON_EMAIL_CONNECTIONS, wanted))
