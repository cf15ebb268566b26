"""Queue a Celery task without ever failing the caller.

Used from after-commit callbacks: what must not be lost is already a committed row,
so a broker that is down only delays the work (a sweeper picks the row up again).
In embedded mode (no Redis, tasks eager) the task runs in-process on a short-lived
thread, so a slow model or webhook never holds the request that caused it; the
test settings turn the thread off so effects are visible when the request returns.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

# After the broker refused a task, stop asking for a few seconds. Each attempt costs
# the broker connection timeout (about 2 s), so an escalation queueing five tasks
# while Redis is down would hold its request for ten; measured in tests/faults/.
# Skipping loses nothing: the rows stay pending and the sweepers queue them again.
BROKER_PAUSE_SECONDS = 10.0
_broker_paused_until = 0.0


def _run_in_thread(task, args: tuple, countdown: float | None) -> None:
    def run() -> None:
        try:
            if countdown:
                threading.Event().wait(countdown)
            task.apply(args=args)
        except Exception:
            logger.exception("in-process task %s failed", task.name)
        finally:
            connections.close_all()

    close_old_connections()
    threading.Thread(target=run, name=f"baton-task-{task.name}", daemon=True).start()


def enqueue(task, *args, countdown: float | None = None) -> bool:
    """Send `task(*args)` to the worker (or run it in-process when eager).

    Never raises; returns whether the task was handed over.
    """
    global _broker_paused_until
    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_paused_until:
        logger.warning("broker recently down: not queueing %s%r; a sweeper will", task.name, args)
        return False
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER and getattr(settings, "BATON_TASKS_IN_THREAD", False):
            _run_in_thread(task, args, countdown)
        elif countdown:
            task.apply_async(args=args, countdown=countdown)
        else:
            task.apply_async(args=args)
        return True
    except Exception:  # broker down or misconfigured
        if not eager:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("could not queue %s%r; a sweeper will retry", task.name, args)
        return False


def enqueue_on_commit(task, *args) -> None:
    """Queue after the surrounding transaction commits; nothing on rollback."""
    from django.db import transaction

    transaction.on_commit(lambda: enqueue(task, *args), robust=True)
