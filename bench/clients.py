"""The bench's open-loop HTTP client: escalations posted at a steady rate, each as its
time comes, without waiting for earlier answers (figures 5, 6 and 7)."""

import asyncio
import time

import httpx

from bench.data import CSRF, cookie_header


async def post_escalations_at_rate(
    port: int,
    key: str,
    session_ids: list[int],
    rate: float,
    *,
    notes: str = "",
    max_connections: int = 50,
) -> dict:
    """POST an escalation for each session, `rate` per second, as the engineer whose
    login session is `key`. Returns each answer's status (0: no answer), how many were
    not a 303, the 303s' latencies in ms, and the rate the posts actually went out at."""
    data = {"intent": "escalate", "priority": "high", "csrfmiddlewaretoken": CSRF}
    if notes:
        data["engineer_notes"] = notes
    statuses: list[int] = []
    latencies: list[float] = []
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Cookie": cookie_header(key)},
        timeout=30,
        limits=limits,
    ) as client:

        async def post(session_id: int):
            started = time.perf_counter()
            try:
                response = await client.post(f"/sessions/{session_id}/handoff/", data=data)
                statuses.append(response.status_code)
            except httpx.HTTPError:
                statuses.append(0)
                return
            if response.status_code == 303:
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.monotonic()
        tasks = []
        for i, session_id in enumerate(session_ids):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(session_id)))
        sent_in = time.monotonic() - started
        await asyncio.gather(*tasks)
    return {
        "statuses": statuses,
        "errors": len(statuses) - statuses.count(303),
        "latencies": latencies,
        "sent_rate": len(session_ids) / max(sent_in, 1e-6),
    }
