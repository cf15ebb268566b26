"""GET /healthz: is each service this process depends on answering?

Anyone (a load balancer) gets the status; only staff see each service's answer, whose
error text may name hosts and ports. The details are logged when a check fails.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

PROBE_TIMEOUT = 2.0
logger = logging.getLogger(__name__)


def _check_db() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT)
    return "ok"


async def _check_layer() -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "healthz.ping"})
    await asyncio.wait_for(layer.receive(channel), PROBE_TIMEOUT)
    return "ok"


async def _probe(name: str, check) -> tuple[str, str]:
    try:
        if asyncio.iscoroutinefunction(check):
            result = await asyncio.wait_for(check(), PROBE_TIMEOUT + 1)
        else:
            # The database call stays on Django's thread; the broker probe may block.
            sensitive = check is _check_db
            result = await asyncio.wait_for(
                sync_to_async(check, thread_sensitive=sensitive)(), PROBE_TIMEOUT + 1
            )
        return name, result
    except Exception as exc:  # any failure is the answer, not a 500
        return name, f"error: {type(exc).__name__}: {exc}"[:200]


async def healthz(request):
    results = dict(
        await asyncio.gather(
            _probe("db", _check_db),
            _probe("channel_layer", _check_layer),
            _probe("broker", _check_broker),
        )
    )
    healthy = all(not value.startswith("error") for value in results.values())
    if not healthy:
        results["failing"] = [k for k, v in results.items() if v.startswith("error")]
        logger.warning("healthz failing: %s", results)
    status = 200 if healthy else 503
    if not await _is_staff(request):
        return JsonResponse({"status": "ok" if healthy else "failing"}, status=status)
    return JsonResponse(results, status=status)


async def _is_staff(request) -> bool:
    """Staff may see the details; with the database down nobody can be looked up."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    try:
        user = await asyncio.wait_for(request.auser(), PROBE_TIMEOUT)
    except Exception:
        return False
    return user.is_active and user.is_staff
