"""Figure 6 (CPU per escalation across every process, read from /proc) and figure 7
(a mail server taking 2 s per message: every mail still out, soon, and the Slack
post and PSA note unaffected)."""

import asyncio
import time

from bench.clients import post_escalations_at_rate
from bench.cpu import Meter, group_pids, postgres_backends, redis_pid
from bench.data import (
    add_integrations,
    make_account,
    make_sessions,
    make_users,
    session_cookies,
)
from bench.fakes import PSA_TICKET
from bench.stats import percentile, summary, verdict
from handoffs.models import AIStatus, Handoff
from notifications.models import Delivery, DeliveryStatus
from troubleshoot.models import Role

EMAILED = 5  # seniors who get an email per escalation


NOTES = "Rebuilt the profile, cleared the OST; still failing."


def _post_at_rate(port: int, key: str, session_ids: list[int], rate: float) -> dict:
    return asyncio.run(post_escalations_at_rate(port, key, session_ids, rate, notes=NOTES))


def _escalating_account(fakes, label: str):
    account, team = make_account(label)
    add_integrations(account, fakes)  # a Slack post and a PSA note per escalation
    junior = make_users(account, team, Role.ENGINEER, 1, "junior")[0]
    make_users(account, team, Role.ENGINEER, EMAILED, "senior")
    return account, junior, session_cookies([junior])[junior.pk]


def _settled(account, count: int) -> bool:
    """Every delivery of `account` out of pending/sending, every assessment written."""
    deliveries = Delivery.objects.filter(account=account)
    busy = deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
    expected = count * (EMAILED + 2)
    pending_ai = Handoff.objects.filter(account=account, ai_status=AIStatus.PENDING)
    return deliveries.count() >= expected and not busy.exists() and not pending_ai.exists()


def _wait_settled(account, count: int, timeout: float) -> float:
    started = time.monotonic()
    while not _settled(account, count):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"deliveries or assessments not settled after {timeout:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - started


def cpu_per_escalation(
    port: int, fakes, procs: dict, database: str, redis_url: str, *, rate=20, seconds=30
) -> dict:
    """Steady `rate` escalations/s for `seconds` with instant fakes; CPU of each
    process from the first POST until every send and assessment is done."""
    fakes.set_delay(0.0)
    account, junior, key = _escalating_account(fakes, "CPU MSP")
    count = rate * seconds
    warmup = make_sessions(junior, 20, ticket=PSA_TICKET)
    sessions = make_sessions(junior, count, ticket=PSA_TICKET)
    # Warm every process (imports, pools, first templates), then measure.
    _post_at_rate(port, key, [s.pk for s in warmup], 10)
    _wait_settled(account, len(warmup), 60)
    sources = {name: (lambda pgid=proc.pid: group_pids(pgid)) for name, proc in procs.items()}
    sources["postgres"] = lambda: postgres_backends(database)
    redis = redis_pid(redis_url)
    sources["redis"] = lambda: [redis] if redis else []
    idle = Meter(sources)
    idle.begin()
    time.sleep(5)
    idle_used = idle.end()
    meter = Meter(sources)
    meter.begin()
    started = time.monotonic()
    sent = _post_at_rate(port, key, [s.pk for s in sessions], rate)
    _wait_settled(account, len(warmup) + count, 120)
    wall = time.monotonic() - started
    used = meter.end()
    per = {name: round(seconds_ * 1000 / count, 2) for name, seconds_ in used.items()}
    idle_per = {name: round(idle_used[name] / 5 * wall * 1000 / count, 2) for name in idle_used}
    total = round(sum(per.values()), 2)
    return {
        "escalations": count,
        "rate_per_s": rate,
        "achieved_send_rate": round(sent["sent_rate"], 1),
        "http_errors": sent["errors"],
        "request": summary(sent["latencies"]),
        "wall_seconds": round(wall, 1),
        "cpu_ms_per_escalation": per,
        "idle_share_ms": idle_per,
        "total_ms": total,
        "per_escalation": f"{EMAILED} emails, a Slack post, a PSA note, the assessment",
        "goal": "<= 25 ms of CPU per escalation, all processes",
        "verdict": verdict(total <= 25 and sent["errors"] == 0),
    }


def slow_mail(port: int, fakes, *, rate=5, seconds=20, smtp_delay=2.0) -> dict:
    """A mail server taking `smtp_delay` s per message (many connections at once),
    `rate` escalations/s for `seconds`, 5 emails each: commit -> sent for every
    email, Slack post and PSA note."""
    fakes.set_delay(0.0)
    account, junior, key = _escalating_account(fakes, "Slow Mail MSP")
    count = rate * seconds
    sessions = make_sessions(junior, count, ticket=PSA_TICKET)
    fakes.set_smtp_delay(smtp_delay)
    accepted_before = fakes.smtp_count()
    try:
        sent = _post_at_rate(port, key, [s.pk for s in sessions], rate)
        drained = _wait_settled(account, count, 300)
    finally:
        fakes.set_smtp_delay(0.0)
    accepted = fakes.smtp_count() - accepted_before
    created = dict(Handoff.objects.filter(account=account).values_list("pk", "created_at"))
    after = {"email": [], "slack": [], "psa": []}
    not_sent = 0
    for dedupe_key, channel, status, sent_at in Delivery.objects.filter(
        account=account
    ).values_list("dedupe_key", "channel", "status", "sent_at"):
        if status != DeliveryStatus.SENT:
            not_sent += 1
            continue
        handoff_id = int(dedupe_key.split("-")[1])
        after[channel].append((sent_at - created[handoff_id]).total_seconds() * 1000)
    emails = summary(after["email"])
    posts = after["slack"] + after["psa"]
    met = (
        not_sent == 0
        and sent["errors"] == 0
        and emails["n"] == count * EMAILED
        and percentile(after["email"], 95) <= 10_000
        and max(posts, default=0) <= 1000
    )
    return {
        "escalations": count,
        "smtp_delay_s": smtp_delay,
        "emails_expected": count * EMAILED,
        "emails_accepted_by_smtp": accepted,
        "not_sent": not_sent,
        "http_errors": sent["errors"],
        "request": summary(sent["latencies"]),
        "email_commit_to_sent": emails,
        "slack_commit_to_sent": summary(after["slack"]),
        "psa_commit_to_sent": summary(after["psa"]),
        "drained_after_last_post_s": round(drained, 1),
        "goal": "every mail sent; email p95 <= 10 s; Slack and PSA all <= 1 s",
        "verdict": verdict(met),
    }
