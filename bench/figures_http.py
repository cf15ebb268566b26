"""Figure 1 (escalate request latency, fast and slow fakes) and figure 4 (queue and
bell render cost at 10, 100 and 1,000 open handoffs)."""

import time

import httpx
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.data import (
    CSRF,
    add_integrations,
    cookie_header,
    make_account,
    make_sessions,
    make_users,
    session_cookies,
)
from bench.fakes import PSA_TICKET
from bench.stats import summary, verdict
from handoffs.models import Handoff
from notifications.models import Notification
from troubleshoot.models import Role

WARMUP = 20


def _post_escalations(port: int, session_key: str, sessions) -> list[float]:
    latencies = []
    headers = {"Cookie": cookie_header(session_key)}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
        for i, session in enumerate(sessions):
            data = {
                "intent": "escalate",
                "priority": "high",
                "engineer_notes": "Rebuilt the profile, cleared the OST; still failing.",
                "csrfmiddlewaretoken": CSRF,
            }
            started = time.perf_counter()
            response = client.post(f"/sessions/{session.pk}/handoff/", data=data)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 303:
                raise RuntimeError(
                    f"escalate answered {response.status_code}: {response.text[:300]}"
                )
            if i >= WARMUP:
                latencies.append(elapsed)
    return latencies


def escalate_latency(port: int, fakes, restart_worker, count: int = 500) -> dict:
    """500 escalations as a logged-in engineer, fakes answering at once, then again
    with every fake taking 20 s. Sequential requests, client-side timing."""
    account, team = make_account("Latency MSP")
    add_integrations(account, fakes)
    junior = make_users(account, team, Role.ENGINEER, 1, "junior")[0]
    make_users(account, team, Role.ENGINEER, 2, "senior")  # two emails per escalation
    key = session_cookies([junior])[junior.pk]
    runs = {}
    for label, delay in (("fast", 0.0), ("slow", 20.0)):
        fakes.set_delay(delay)
        sessions = make_sessions(junior, count + WARMUP, ticket=PSA_TICKET)
        runs[label] = summary(_post_escalations(port, key, sessions))
        runs[label]["fake_delay_s"] = delay
    # The slow run left thousands of 20 s sends queued: drop them, start clean.
    fakes.set_delay(0.0)
    restart_worker()
    fast, slow = runs["fast"]["p95"], runs["slow"]["p95"]
    spread = abs(slow - fast) / fast * 100 if fast else float("nan")
    return {
        "runs": runs,
        "p95_spread_percent": round(spread, 1),
        "goal": "p95 <= 30 ms in both runs; runs within 10 % of each other",
        "verdict": verdict(max(fast, slow) <= 30 and spread <= 10),
    }


def _grow_queue(account, team, junior, senior, target: int) -> None:
    have = Handoff.objects.filter(account=account).count()
    missing = target - have
    if missing <= 0:
        return
    sessions = make_sessions(junior, missing, ticket=PSA_TICKET)
    snapshot_steps = [{"kind": "note", "note": "Checked the OST size " * 5}] * 20
    Handoff.objects.bulk_create(
        [
            Handoff(
                session=s,
                account=account,
                team=team,
                intent="escalate",
                priority=("urgent", "high", "normal", "low")[i % 4],
                engineer_notes="Mailbox over 50 GB; suspect the OST.",
                created_by=junior,
                snapshot={"problem_summary": s.problem_summary, "steps": snapshot_steps},
                ai_status="ready",
            )
            for i, s in enumerate(sessions)
        ]
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=senior,
                account=account,
                kind="escalation",
                title=f"Junior 0 escalated #{PSA_TICKET}: {s.problem_summary}",
                body=s.problem_summary,
                link=f"/sessions/{s.pk}/pickup/",
                event_key=f"bench-{s.pk}",
                created_at=now,
            )
            for s in sessions
        ]
    )


def _timed_gets(port: int, key: str, path: str, n: int = 60) -> list[float]:
    latencies = []
    headers = {"Cookie": cookie_header(key)}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
        for i in range(n + 5):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if i >= 5:
                latencies.append(elapsed)
    return latencies


def render_cost(port: int) -> dict:
    """Query count (Django's test client in-process, same code) and p95 latency (HTTP
    through daphne) of the queue page and the bell panel as the queue grows."""
    account, team = make_account("Queue MSP")
    junior = make_users(account, team, Role.ENGINEER, 1, "junior")[0]
    senior = make_users(account, team, Role.ENGINEER, 1, "watcher")[0]
    key = session_cookies([senior])[senior.pk]
    client = Client()
    client.force_login(senior)
    pages = {"queue": "/queue/", "bell": "/notifications/panel/"}
    rows = []
    for size in (10, 100, 1000):
        _grow_queue(account, team, junior, senior, size)
        for name, path in pages.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            stats = summary(_timed_gets(port, key, path))
            rows.append({"page": name, "open_handoffs": size, "queries": len(queries), **stats})
    met = True
    for name in pages:
        counts = {r["queries"] for r in rows if r["page"] == name}
        at_1000 = next(r for r in rows if r["page"] == name and r["open_handoffs"] == 1000)
        met &= len(counts) == 1 and max(counts) <= 10 and at_1000["p95"] <= 80
    return {
        "rows": rows,
        "goal": "query count identical across sizes and <= 10; p95 <= 80 ms at 1,000",
        "verdict": verdict(met),
    }
