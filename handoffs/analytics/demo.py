"""Demo history for the analytics page: six weeks of sessions per account, across the
demo trees and engineers, so `/analytics/` shows something on a fresh `make run`.

Written as rows with past timestamps (the services stamp `now`), in bulk, from a fixed
random seed: resolved at a solution, escalated (claimed after a few minutes, some past
the unclaimed timeout with the ladder's reminders, then resolved), parked and picked
up, abandoned. Each tree has a weak step where most of its escalations stop (the hot
steps), escalations fall week by week, and one tree gets a v2 published twelve days
ago that escalates less (the before/after table). Idempotent: an account that already
has history is left alone.
"""

import random
from collections import deque
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from handoffs.models import EventKind, Handoff, HandoffEvent, HandoffStatus, Intent
from troubleshoot.models import Account, Session, Step, StepKind, Tree, User
from troubleshoot.trees import services as tree_services

WEEKS = 6
# Per account: who starts sessions, who picks escalations up, sessions a day.
PEOPLE = {
    "northwind": {"juniors": ["jane", "jim"], "seniors": ["sara", "sam"], "per_day": 5},
    "bluebird": {"juniors": ["jill", "joe"], "seniors": ["sofia", "seth"], "per_day": 2},
}
VARIANTS = [
    "for one user since this morning",
    "after last night's updates",
    "at the branch office",
    "for the new starter",
    "on the CEO's laptop",
    "for two users in accounts",
    "after a password change",
    "again, third time this month",
]
RESOLUTIONS = [
    "Cleared the cached credentials and re-added the profile.",
    "Re-pushed the policy and rebooted; confirmed with the user.",
    "Replaced the stale certificate on the gateway.",
    "Rolled back the driver and paused the update ring.",
]
# The tree that gets a v2 published mid-history (fewer escalations after it).
IMPROVED_TREE = "Printer offline"


def _path_to(version, target_id: int) -> list:
    """The options walked from the start step to `target_id` (shortest), as
    (node, option) pairs; read from the version's prefetched nodes."""
    nodes = {n.pk: n for n in version.nodes.all()}
    start = version.start_node_id
    previous = {start: None}
    queue = deque([start])
    while queue:
        node_id = queue.popleft()
        if node_id == target_id:
            break
        for option in nodes[node_id].options.all():
            if option.target_id and option.target_id not in previous:
                previous[option.target_id] = (node_id, option)
                queue.append(option.target_id)
    path = []
    node_id = target_id
    while previous.get(node_id):
        parent, option = previous[node_id]
        path.append((nodes[parent], option))
        node_id = parent
    return list(reversed(path))


def _versions(tree: Tree, senior, now):
    """(v1, v2 or None, when v2 was published): v2 for the improved tree only."""
    v1 = tree.versions.filter(number=1).first()
    history_start = now - timedelta(days=WEEKS * 7 + 1)
    if v1 is not None and v1.published_at and v1.published_at > history_start:
        # The demo trees were published a moment ago; the history walked them for weeks.
        type(v1).objects.filter(pk=v1.pk).update(published_at=history_start)
    if tree.title != IMPROVED_TREE:
        return v1, None, None
    v2 = tree.versions.filter(number=2).first()
    if v2 is None and tree.versions.filter(state="published").count() == 1:
        try:
            v2 = tree_services.tree_publish(actor=senior, tree_id=tree.pk)
        except ValidationError:
            v2 = None
    published = now - timedelta(days=12)
    if v2 is not None:
        type(v2).objects.filter(pk=v2.pk).update(published_at=published)
    return v1, v2, published


def _load(tree_versions):
    return {
        v.pk: v
        for v in type(tree_versions[0])
        .objects.filter(pk__in=[v.pk for v in tree_versions])
        .prefetch_related("nodes__options")
    }


def seed_history(out) -> None:
    now = timezone.now()
    for slug, cast in PEOPLE.items():
        account = Account.objects.filter(slug=slug).first()
        if account is None:
            continue
        if Session.objects.filter(account=account, created_at__lt=now - timedelta(days=3)).exists():
            continue
        made = _seed_account(account, cast, now)
        out.write(f"  analytics history for {account.name}: {made} sessions over {WEEKS} weeks")


def _seed_account(account, cast, now) -> int:
    rng = random.Random(f"baton-analytics-{account.slug}")
    users = {u.email.split("@")[0]: u for u in User.objects.filter(account=account)}
    juniors = [users[n] for n in cast["juniors"] if n in users]
    seniors = [users[n] for n in cast["seniors"] if n in users]
    trees = list(
        Tree.objects.filter(
            account=account, latest_published__isnull=False, archived_at__isnull=True
        )
    )
    if not juniors or not seniors or not trees:
        return 0
    plans = []
    for tree in trees:
        v1, v2, v2_at = _versions(tree, seniors[0], now)
        if v1 is not None:
            plans.append((tree, v1, v2, v2_at))
    loaded = _load([v for _, v1, v2, _ in plans for v in (v1, v2) if v is not None])
    # Per tree: how often it escalates, and its weak step (where most escalations stop).
    profiles = {}
    for tree, v1, _, _ in plans:
        steps = [n for n in loaded[v1.pk].nodes.all() if n.kind != "solution"]
        weak = rng.choice(steps[1:] or steps)
        profiles[tree.pk] = (rng.uniform(0.25, 0.55), weak, steps)
    with transaction.atomic():
        return _write(account, rng, plans, loaded, profiles, juniors, seniors, cast, now)


def _write(account, rng, plans, loaded, profiles, juniors, seniors, cast, now) -> int:

    sessions, meta = [], []
    for day in range(WEEKS * 7, 0, -1):
        for _ in range(cast["per_day"] + rng.randint(-1, 2)):
            tree, v1, v2, v2_at = rng.choice(plans)
            at = now - timedelta(days=day, hours=rng.uniform(0, 9), minutes=rng.uniform(0, 59))
            version = loaded[(v2 if v2 is not None and at > v2_at else v1).pk]
            base, weak, steps = profiles[tree.pk]
            # Escalations fall over the weeks; the improved tree's v2 escalates less.
            rate = base * (1.25 - 0.5 * (WEEKS * 7 - day) / (WEEKS * 7))
            if version.pk != v1.pk:
                rate *= 0.45
            junior = rng.choice(juniors)
            roll = rng.random()
            outcome = (
                "escalated" if roll < rate
                else "parked" if roll < rate + 0.06
                else "abandoned" if roll < rate + 0.14
                else "resolved"
            )  # fmt: skip
            sessions.append(
                Session(
                    account=account,
                    user=junior,
                    team=junior.team,
                    kind="tree",
                    tree_version=version,
                    problem_summary=f"{tree.title} {rng.choice(VARIANTS)}",
                    client_name=rng.choice(
                        ["Contoso Dental", "Fabrikam Logistics", "Tailspin Toys"]
                    ),
                    status=outcome if outcome != "parked" else "resolved",
                    created_at=at,
                    last_activity_at=at + timedelta(hours=2),
                )
            )
            stuck_ref = weak.ref if rng.random() < 0.7 else rng.choice(steps).ref
            stuck = next((n for n in version.nodes.all() if n.ref == stuck_ref), None)
            meta.append((outcome, version, stuck, junior, at))
    sessions = Session.objects.bulk_create(sessions)

    steps, handoffs, closing = [], [], []
    for session, (outcome, version, stuck, junior, at) in zip(sessions, meta, strict=True):
        if outcome == "resolved":
            solution = next((n for n in version.nodes.all() if n.kind == "solution"), None)
            target = solution
        else:
            target = stuck
        walked = _path_to(version, target.pk) if target is not None else []
        for i, (node, option) in enumerate(walked):
            steps.append(Step(session=session, author=junior, kind=StepKind.ANSWER, node=node,
                              choice_label=option.label, next_node=option.target,
                              created_at=at + timedelta(minutes=2 * (i + 1))))  # fmt: skip
        if outcome == "resolved":
            session.resolved_at = at + timedelta(minutes=2 * len(walked) + 3)
            session.resolution_note = "Followed the tree to its solution."
            closing.append(session)
        if outcome in ("escalated", "parked"):
            handoffs.append(
                (session, outcome, stuck, junior, at + timedelta(minutes=2 * len(walked) + 4))
            )
    Step.objects.bulk_create(steps)
    Session.objects.bulk_update(closing, ["resolved_at", "resolution_note"])

    rows, plans_for_events = [], []
    for session, outcome, stuck, junior, at in handoffs:
        priority = rng.choices(["low", "normal", "high", "urgent"], weights=[2, 6, 3, 1])[0]
        wait = rng.lognormvariate(2.0 if priority in ("high", "urgent") else 2.6, 0.7)  # minutes
        work = rng.uniform(15, 240)
        senior = rng.choice(seniors)
        claimed_at = at + timedelta(minutes=wait)
        closed_at = claimed_at + timedelta(minutes=work)
        intent = Intent.ESCALATE if outcome == "escalated" else Intent.PARK
        # The ladder reminds an unclaimed escalation at one and two timeouts.
        reminders = [
            step
            for step in (1, 2)
            if intent == Intent.ESCALATE and wait > account.unclaimed_timeout_minutes * step
        ]
        rows.append(
            Handoff(
                session=session,
                account=account,
                team=session.team,
                intent=intent,
                priority=priority,
                engineer_notes="Stuck here; the tree has nothing for this case.",
                created_by=junior,
                status=HandoffStatus.RESOLVED,
                claimed_by=senior,
                claimed_at=claimed_at,
                first_claimed_at=claimed_at,
                unclaimed_reminders=len(reminders),
                snapshot={
                    "problem_summary": session.problem_summary,
                    "steps": [],
                    "documentation": "",
                },
                ai_status="skipped",
                queued_at=at,
                tree_node=stuck,
                created_at=at,
                closed_at=closed_at,
            )
        )
        plans_for_events.append((senior, junior, at, reminders, claimed_at, closed_at))
    rows = Handoff.objects.bulk_create(rows)

    events, resolved_sessions = [], []
    timeout = account.unclaimed_timeout_minutes
    for handoff, (senior, junior, at, reminders, claimed_at, closed_at) in zip(
        rows, plans_for_events, strict=True
    ):
        note = rng.choice(RESOLUTIONS)
        events.append(HandoffEvent(handoff=handoff, actor=junior, kind=EventKind.CREATED,
                                   to_status="open", created_at=at))  # fmt: skip
        for step in reminders:
            events.append(
                HandoffEvent(
                    handoff=handoff,
                    kind=EventKind.UNCLAIMED_REMINDER,
                    from_status="open",
                    note=f"Still unclaimed after {timeout * step} min: admins and owners reminded.",
                    created_at=at + timedelta(minutes=timeout * step),
                )
            )
        for kind, when, text, old, new in (
            (EventKind.CLAIMED, claimed_at, "", "open", "claimed"),
            (EventKind.RESOLVED, closed_at, note, "claimed", "resolved"),
        ):
            events.append(
                HandoffEvent(handoff=handoff, actor=senior, kind=kind, note=text,
                             from_status=old, to_status=new, created_at=when)
            )  # fmt: skip
        session = handoff.session
        session.status = "resolved"
        session.assignee = senior
        session.resolved_at = closed_at
        session.resolution_note = note
        session.last_activity_at = closed_at
        resolved_sessions.append(session)
    HandoffEvent.objects.bulk_create(events)
    Session.objects.bulk_update(
        resolved_sessions,
        ["status", "assignee", "resolved_at", "resolution_note", "last_activity_at"],
    )
    return len(sessions)
