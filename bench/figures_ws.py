"""Figure 2 (commit -> websocket latency with 500 watchers, and the hardware floor)
and figure 3 (fan-out to 2,000 idle sockets across 50 accounts, and isolation)."""

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import redis
from django.conf import settings
from django.db import connections

from bench.data import make_account, make_seniors_quiet, make_sessions, make_users, session_cookies
from bench.stats import percentile, summary, verdict
from bench.ws import Watchers, escalate_timed
from troubleshoot.models import Role


def floor(samples: int = 300) -> dict:
    """What the hardware allows: one-row INSERT + COMMIT, and a Redis PUBLISH."""
    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST']} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    inserts = []
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TEMP TABLE bench_floor (id serial, note text)")
        conn.commit()
        for _ in range(samples):
            started = time.perf_counter()
            conn.execute("INSERT INTO bench_floor (note) VALUES ('x')")
            conn.commit()
            inserts.append((time.perf_counter() - started) * 1000)
    client = redis.Redis.from_url(settings.REDIS_URL)
    publishes = []
    for _ in range(samples):
        started = time.perf_counter()
        client.publish("bench-floor", b"x")
        publishes.append((time.perf_counter() - started) * 1000)
    client.close()
    return {
        "postgres_insert_commit_p50_ms": round(percentile(inserts, 50), 3),
        "redis_publish_p50_ms": round(percentile(publishes, 50), 3),
        "floor_p50_ms": round(percentile(inserts, 50) + percentile(publishes, 50), 3),
    }


def commit_to_socket(
    port: int, *, sockets: int = 500, escalations: int = 20, ports: list[int] | None = None
) -> dict:
    """500 seniors of one account watching; each escalation's commit -> every socket.
    With `ports`, the sockets are spread over several daphne processes."""
    account, team = make_account("Watchers MSP")
    junior = make_users(account, team, Role.ENGINEER, 1, "junior")[0]
    seniors = make_seniors_quiet(account, team, sockets)
    keys = session_cookies(seniors)
    sessions = make_sessions(junior, escalations + 2)
    watchers = Watchers(port, ports=ports)
    latencies, first, last, missing = [], [], [], 0
    try:
        watchers.connect([(account.pk, keys[s.pk]) for s in seniors])
        for i, session in enumerate(sessions):
            watchers.clear()
            handoff_id, committed = escalate_timed(junior, session.pk)
            watchers.wait_for("handoff_created", sockets, timeout=5)
            arrivals = [
                r[3] for r in watchers.events("handoff_created") if r[2]["handoff_id"] == handoff_id
            ]
            if i >= 2:  # the first two warm connections and caches
                ms = [(t - committed) * 1000 for t in arrivals]
                latencies += ms
                first.append(min(ms) if ms else float("nan"))
                last.append(max(ms) if ms else float("nan"))
                missing += sockets - len(arrivals)
            time.sleep(0.2)
    finally:
        watchers.close()
    stats = summary(latencies)
    return {
        "sockets": sockets,
        "daphne_processes": len(watchers.ports),
        "escalations": escalations,
        "per_socket": stats,
        # First and last socket of each escalation: how much is the fan-out itself.
        "first_socket_p50_ms": round(percentile(first, 50), 2),
        "last_socket_p50_ms": round(percentile(last, 50), 2),
        "missing_deliveries": missing,
        "client_processes": len(watchers.children),
        "client_cpu_seconds": watchers.cpu_seconds,
        "goal": "p50 <= 15 ms, p99 <= 75 ms",
        "verdict": verdict(stats["p50"] <= 15 and stats["p99"] <= 75 and missing == 0),
    }


def fan_out(
    port: int, daphne, *, accounts: int = 50, per_account: int = 40, burst: int = 100, idle=30
) -> dict:
    """2,000 sockets in 50 accounts on one daphne; all idle for `idle` seconds (past
    redis-py's 5 s read timeout), then 100 escalations at once, spread over accounts."""
    logins, juniors = [], []
    for a in range(accounts):
        account, team = make_account(f"Fan-out MSP {a}")
        junior = make_users(account, team, Role.ENGINEER, 1, f"junior{a}-")[0]
        seniors = make_seniors_quiet(account, team, per_account, f"senior{a}-")
        keys = session_cookies(seniors)
        logins += [(account.pk, keys[s.pk]) for s in seniors]
        juniors.append((junior, make_sessions(junior, burst // accounts + 1)))
    plan = [
        (juniors[i % accounts][0], juniors[i % accounts][1][i // accounts].pk) for i in range(burst)
    ]
    watchers = Watchers(port)
    try:
        started = time.monotonic()
        watchers.connect(logins, batch=100)
        connect_seconds = time.monotonic() - started
        rss_connected = daphne.rss_mb()
        time.sleep(idle)

        published_ms: list[float] = []

        def escalate(args):
            junior, session_id = args
            try:
                handoff_id, committed = escalate_timed(junior, session_id)
                # The service returns once its after-commit work (the publish) is done.
                published_ms.append((time.time() - committed) * 1000)
                return handoff_id, committed, junior.account_id
            finally:
                connections["default"].close()

        with ThreadPoolExecutor(max_workers=4) as pool:
            sent = list(pool.map(escalate, plan))
        per_account_count = burst // accounts
        expected = len(logins) * per_account_count
        watchers.wait_for("handoff_created", expected, timeout=10)
        time.sleep(0.5)  # let any stray cross-account event arrive, to be counted
        received = watchers.events("handoff_created")
        # Same sockets, same moments: assessments finishing mid-burst add their own
        # fan-out (assessment_ready goes to the account group too).
        assessments = watchers.events("assessment_ready")
        rss_after = daphne.rss_mb()
    finally:
        watchers.close()
    commit_of = {h: (t, acct) for h, t, acct in sent}
    foreign = sum(1 for r in received if commit_of.get(r[2]["handoff_id"], (0, r[1]))[1] != r[1])
    own = [r for r in received if commit_of.get(r[2]["handoff_id"], (0, None))[1] == r[1]]
    latencies = [(r[3] - commit_of[r[2]["handoff_id"]][0]) * 1000 for r in own]
    late = sum(1 for ms in latencies if ms > 1000)
    missing = expected - len(own)
    return {
        "sockets": len(logins),
        "accounts": accounts,
        "escalations": burst,
        "idle_seconds_before_burst": idle,
        "connect_seconds": round(connect_seconds, 1),
        "latency": summary(latencies),
        # How much of it the bench's own process spent before the event left it.
        "commit_to_published": summary(published_ms),
        "assessment_ready_received": len(assessments),
        "assessment_ready_within_1s_of_commit": sum(
            1
            for r in assessments
            if r[2].get("handoff_id") in commit_of
            and r[3] - commit_of[r[2]["handoff_id"]][0] <= 1.0
        ),
        "late_over_1s": late,
        "missing": missing,
        "foreign_events": foreign,
        "client_processes": len(watchers.children),
        "client_cpu_seconds": watchers.cpu_seconds,
        "daphne_rss_mb_connected": round(rss_connected, 1),
        "daphne_rss_mb_after_burst": round(rss_after, 1),
        "goal": "every socket gets each own-account event within 1 s; 0 foreign events",
        "verdict": verdict(late == 0 and missing == 0 and foreign == 0),
    }
