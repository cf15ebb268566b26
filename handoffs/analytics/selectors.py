"""The analytics' reads: every figure is an aggregate computed by the database.

A fixed number of queries whatever the data's size (asserted in the tests): sessions
by tree version, week and outcome (one GROUP BY, from which the overall, per-tree,
per-week and per-version figures are summed: their number is bounded by the trees,
versions and weeks, not by the sessions; on PostgreSQL the same pass counts them per
person); the timings and the unclaimed ladder (one query, see timings.py); the hot
steps and their draft steps; the published versions; and, for admins and owners,
the other counts per engineer and the people's names.
Every query is filtered on the reader's account first.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from handoffs.analytics.scope import Names, Scope
from handoffs.analytics.timings import Timing, escalation_figures
from handoffs.models import EventKind, Handoff, HandoffEvent, Intent, Priority
from troubleshoot.models import Node, Session, SessionStatus, TreeVersion, User
from troubleshoot.trees.models import VersionState

HOT_STEPS_SHOWN = 15

# How a session ended (or stands), for the outcome chart, in the chart's order.
OUTCOMES = [
    ("resolved", "Resolved without escalating"),
    ("escalated", "Escalated"),
    ("abandoned", "Abandoned"),
    ("open", "Still open"),
]


def scoped_sessions(scope: Scope):
    sessions = Session.objects.filter(
        account_id=scope.account_id, created_at__gte=scope.start, created_at__lt=scope.end
    )
    if scope.team_id:
        sessions = sessions.filter(team_id=scope.team_id)
    if scope.tree_id:
        sessions = sessions.filter(tree_version__tree_id=scope.tree_id)
    return sessions


def scoped_escalations(scope: Scope):
    """Escalations raised in the period (their session may have started earlier)."""
    handoffs = Handoff.objects.filter(
        account_id=scope.account_id,
        intent=Intent.ESCALATE,
        created_at__gte=scope.start,
        created_at__lt=scope.end,
    )
    if scope.team_id:
        handoffs = handoffs.filter(team_id=scope.team_id)
    if scope.tree_id:
        handoffs = handoffs.filter(session__tree_version__tree_id=scope.tree_id)
    return handoffs


@dataclass
class Tally:
    started: int = 0
    resolved: int = 0
    escalated: int = 0
    abandoned: int = 0
    open: int = 0

    def add(self, outcome: str, n: int) -> None:
        self.started += n
        setattr(self, outcome, getattr(self, outcome) + n)

    @property
    def rate(self) -> float | None:
        """Sessions escalated ÷ sessions started (None when none started)."""
        return self.escalated / self.started if self.started else None

    def share(self, outcome: str) -> float:
        return getattr(self, outcome) / self.started if self.started else 0.0


@dataclass
class TreeRow:
    tree_id: int | None  # None: AI chats (no tree)
    title: str
    tally: Tally = field(default_factory=Tally)


@dataclass
class VersionRow:
    tree_id: int
    tree_title: str
    number: int
    published_at: object
    tally: Tally = field(default_factory=Tally)


def _week_started(scope: Scope):
    """(an expression for the week a session started in, a function giving its Monday).

    On PostgreSQL: which of the period's weeks, by `width_bucket` over the instants its
    Mondays begin in the reader's zone (a binary search per row; converting each row's
    time to the zone and truncating it cost ~45 ms over 100,000 sessions). Elsewhere
    the ORM's TruncWeek in that zone."""
    if connection.vendor != "postgresql":
        return TruncWeek("created_at"), lambda week: timezone.localtime(week).date()
    mondays = weeks_between(scope.start_date, scope.end_date)
    starts = [timezone.make_aware(datetime.combine(monday, time.min)) for monday in mondays]
    bucket = Func(
        F("created_at"),
        Value(starts, output_field=ArrayField(DateTimeField())),
        function="width_bucket",
        output_field=IntegerField(),
    )
    # Every session of the period starts on or after the first Monday: buckets from 1.
    return bucket, lambda n: mondays[n - 1]


def session_counts(scope: Scope, week) -> tuple[list, dict | None]:
    """Sessions started in the period by tree version, week and outcome, and (for the
    whole account) per person. On PostgreSQL one pass over the period's sessions (two
    grouping sets); elsewhere a GROUP BY each."""
    escalated_ids = Handoff.objects.filter(
        account_id=scope.account_id, intent=Intent.ESCALATE, created_at__gte=scope.start
    ).values("session_id")
    outcome = Case(
        # An uncorrelated IN: PostgreSQL hashes the period's escalations once.
        When(pk__in=escalated_ids, then=Value("escalated")),
        When(status=SessionStatus.RESOLVED, then=Value("resolved")),
        When(status=SessionStatus.ABANDONED, then=Value("abandoned")),
        default=Value("open"),
        output_field=CharField(),
    )
    sessions = scoped_sessions(scope).order_by().annotate(week=week, outcome=outcome)
    if connection.vendor != "postgresql":
        rows = list(
            sessions.values_list("tree_version_id", "week", "outcome").annotate(n=Count("id"))
        )
        if not scope.whole_account:
            return rows, None
        per_user = scoped_sessions(scope).order_by().values_list("user_id").annotate(n=Count("id"))
        return rows, dict(per_user)
    # The week is width_bucket's integer here, so the rows need none of the ORM's
    # conversions; the SQL is the ORM's own inside this module's constants.
    inner, params = sessions.values_list(
        "tree_version_id", "week", "outcome", "user_id"
    ).query.sql_with_params()
    sql = f"""
        SELECT GROUPING(user_id), tree_version_id, week, outcome, user_id, COUNT(*)
          FROM ({inner}) AS s (tree_version_id, week, outcome, user_id)
         GROUP BY GROUPING SETS ((tree_version_id, week, outcome), (user_id))
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        grouped = cursor.fetchall()
    rows = [(version, week, outcome, n) for by_user, version, week, outcome, _, n in grouped
            if by_user]  # fmt: skip
    per_user = {user_id: n for by_user, *_, user_id, n in grouped if not by_user}
    return rows, per_user if scope.whole_account else None


def weeks_between(start: date, end: date) -> list[date]:
    """Mondays of every week the period touches."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@dataclass
class Report:
    """The page's figures. A CSV download asks only for the parts its table shows;
    the parts not asked for stay empty."""

    scope: Scope
    overall: Tally = field(default_factory=Tally)
    trees: list[TreeRow] = field(default_factory=list)
    weeks: list[tuple[date, Tally]] = field(default_factory=list)
    versions: list[VersionRow] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    hot_steps: list[dict] = field(default_factory=list)
    engineers: list[dict] | None = None


# What a report can be asked for: the outcome figures (rates by tree, week and version,
# how sessions end), the timings and the escalations' counts, the hot steps, and the
# per-engineer table (which needs the outcomes' sessions per person).
PARTS = frozenset({"outcomes", "timings", "hot_steps", "engineers"})


def _versions(scope: Scope, version_ids) -> dict[int, TreeVersion]:
    """The published versions of the trees in view (their publish times label the
    before/after table), and any version a session of the period walked."""
    versions = TreeVersion.objects.filter(tree__account_id=scope.account_id).filter(
        Q(pk__in=list(version_ids)) | Q(state=VersionState.PUBLISHED, published_at__lt=scope.end)
    )
    if scope.tree_id:
        versions = versions.filter(tree_id=scope.tree_id)
    return {v.pk: v for v in versions.only("id", "tree_id", "number", "published_at", "title")}


def outcome_tables(scope: Scope, names: Names):
    """The outcome figures, and the sessions per person (None unless whole account)."""
    week, monday_of = _week_started(scope)
    rows, sessions_by_user = session_counts(scope, week)
    versions = _versions(scope, {r[0] for r in rows if r[0] is not None})
    overall = Tally()
    by_tree: dict = {}
    by_week: dict = defaultdict(Tally)
    by_version: dict = {}
    for version_id, week, outcome, n in rows:
        overall.add(outcome, n)
        version = versions.get(version_id)
        tree_id = version.tree_id if version else None
        if tree_id not in by_tree:
            tree = names.trees.get(tree_id)
            title = tree.title if tree else (version.title if version else "AI chat (no tree)")
            by_tree[tree_id] = TreeRow(tree_id=tree_id, title=title)
        by_tree[tree_id].tally.add(outcome, n)
        by_week[monday_of(week)].add(outcome, n)
        if version is not None:
            by_version.setdefault(version_id, Tally()).add(outcome, n)
    trees = sorted(by_tree.values(), key=lambda r: (-(r.tally.escalated), r.title))
    weeks = [(w, by_week.get(w, Tally())) for w in weeks_between(scope.start_date, scope.end_date)]
    version_rows = []
    for version in sorted(versions.values(), key=lambda v: (v.tree_id, v.number)):
        if version.published_at is None:
            continue
        tree = names.trees.get(version.tree_id)
        version_rows.append(
            VersionRow(
                tree_id=version.tree_id,
                tree_title=tree.title if tree else version.title,
                number=version.number,
                published_at=version.published_at,
                tally=by_version.get(version.pk, Tally()),
            )
        )
    return overall, trees, weeks, version_rows, sessions_by_user


def hot_steps(scope: Scope, names: Names) -> list[dict]:
    """The tree steps sessions stood on when escalated, most escalations first (a step
    counts across versions by its stable `ref`), each with its draft step to edit.
    Two queries."""
    # The escalations are counted per step in the index (one small integer key), and
    # only those counts are joined to the steps and summed by ref: joining each
    # escalation to its step and grouping on the text took twice as long (~10 -> ~5 ms
    # for 20,000).
    per_node, params = (
        scoped_escalations(scope)
        .filter(tree_node__isnull=False)
        .order_by()
        .values_list("tree_node_id")
        .annotate(n=Count("id"))
        .query.sql_with_params()
    )
    node, version = Node._meta.db_table, TreeVersion._meta.db_table
    sql = f"""
        WITH c (node_id, n) AS ({per_node})
        SELECT v.tree_id, s.ref, SUM(c.n), MAX(s.title), MAX(s.kind)
          FROM c
          JOIN {node} AS s ON s.id = c.node_id
          JOIN {version} AS v ON v.id = s.version_id
         GROUP BY v.tree_id, s.ref
         ORDER BY 3 DESC, 4
         LIMIT {HOT_STEPS_SHOWN}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = ("tree_id", "ref", "escalations", "title", "kind")
        rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["escalations"] = int(row["escalations"])
    if not rows:
        return []
    drafts = Node.objects.filter(
        version__tree__account_id=scope.account_id,
        version__state=VersionState.DRAFT,
        version__tree_id__in={r["tree_id"] for r in rows},
        ref__in={r["ref"] for r in rows},
    ).values_list("version__tree_id", "ref", "id")
    draft_ids = {(tree_id, ref): node_id for tree_id, ref, node_id in drafts}
    for row in rows:
        tree = names.trees.get(row["tree_id"])
        row["tree_title"] = tree.title if tree else ""
        row["tree_archived"] = bool(tree and tree.archived_at)
        row["draft_node_id"] = draft_ids.get((row["tree_id"], row["ref"]))
    return rows


def engineer_counts(scope: Scope, sessions_by_user: dict) -> list[dict]:
    """Per person: sessions started (counted with the outcomes) and escalations raised
    in the period, and how many of the period's escalations they claimed and resolved.
    Three queries (two GROUP BYs and the names)."""
    counts: dict = defaultdict(lambda: {"sessions": 0, "raised": 0, "claimed": 0, "resolved": 0})
    for user_id, n in sessions_by_user.items():
        counts[user_id]["sessions"] = n
    for user_id, n in (
        scoped_escalations(scope).order_by().values_list("created_by_id").annotate(n=Count("id"))
    ):
        counts[user_id]["raised"] = n
    # Claims and resolutions of the period's escalations, in one GROUP BY.
    events = HandoffEvent.objects.filter(
        handoff__in=scoped_escalations(scope).values("pk"),
        kind__in=(EventKind.CLAIMED, EventKind.RESOLVED),
        # Implied (an escalation's events follow it), and what the index ranges on.
        created_at__gte=scope.start,
        actor__isnull=False,
    )
    for user_id, kind, n in (
        events.order_by()
        .values_list("actor_id", "kind")
        .annotate(n=Count("handoff_id", distinct=True))
    ):
        counts[user_id]["claimed" if kind == EventKind.CLAIMED else "resolved"] = n
    people = User.all_objects.filter(account_id=scope.account_id, pk__in=list(counts)).values_list(
        "pk", "display_name", "deleted_at"
    )
    rows = [
        {"user_id": pk, "name": name, "removed": deleted is not None, **counts[pk]}
        for pk, name, deleted in people
    ]
    return sorted(rows, key=lambda r: (-r["sessions"], -r["claimed"], r["name"]))


def _tune_for_aggregates() -> None:
    """For this transaction only, on PostgreSQL: no JIT (compiling these short
    aggregates cost ~0.7 s with 100,000 sessions, more than running them) and room to
    sort the period's durations in memory."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '32MB'")


@transaction.atomic
def analytics_report(scope: Scope, names: Names, parts: frozenset = PARTS) -> Report:
    """The figures of `parts` (all of them for the page)."""
    _tune_for_aggregates()
    report = Report(scope=scope)
    engineers = "engineers" in parts and scope.whole_account
    if "outcomes" in parts or engineers:
        overall, trees, weeks, versions, sessions_by_user = outcome_tables(scope, names)
        report.overall, report.trees, report.weeks, report.versions = (
            overall, trees, weeks, versions,
        )  # fmt: skip
    if "timings" in parts:
        report.timings, report.counts = escalation_figures(scoped_escalations(scope))
    if "hot_steps" in parts:
        report.hot_steps = hot_steps(scope, names)
    if engineers:
        report.engineers = engineer_counts(scope, sessions_by_user)
    return report


PRIORITY_LABELS = dict(Priority.choices)
