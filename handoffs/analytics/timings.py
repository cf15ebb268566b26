"""Time to claim and time to resolve, p50 and p90, by priority and by team, and the
escalations' counts (claimed, resolved, reminded by the unclaimed ladder): one query.

The escalations of the scope come from the ORM (so the account scoping and filters are
the same as everywhere else); the percentiles are computed around it in SQL:
PostgreSQL's `percentile_cont`, and on SQLite (embedded mode) the same continuous
percentile from window functions (row number and count per group, then linear
interpolation between the two neighbouring ranks), so both give the same figures.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from handoffs.models import EventKind, HandoffEvent, HandoffStatus

PERCENTILES = (0.5, 0.9)


@dataclass
class Timing:
    metric: str  # "claim" or "resolve"
    dim: str  # "priority", "team" or "all"
    key: str | None
    count: int
    p50: float | None  # seconds
    p90: float | None


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS double precision)"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _percentile_columns() -> tuple[str, str]:
    """(the SELECT list's percentile columns, the FROM clause they read)."""
    if connection.vendor == "postgresql":
        cols = ", ".join(f"percentile_cont({p}) WITHIN GROUP (ORDER BY secs)" for p in PERCENTILES)
        return f"COUNT(*), {cols}", "d"
    parts = []
    for p in PERCENTILES:
        rank = f"CAST({p} * (n - 1) AS INTEGER)"
        low = f"MAX(CASE WHEN rn = {rank} + 1 THEN secs END)"
        high = f"MAX(CASE WHEN rn = {rank} + 2 THEN secs END)"
        frac = f"MAX({p} * (n - 1) - {rank})"
        parts.append(f"({low} + {frac} * (COALESCE({high}, {low}) - {low}))")
    ranked = (
        "(SELECT metric, dim, key, secs,"
        " ROW_NUMBER() OVER (PARTITION BY metric, dim, key ORDER BY secs) AS rn,"
        " COUNT(*) OVER (PARTITION BY metric, dim, key) AS n FROM g) AS r"
    )
    return f"MAX(n), {', '.join(parts)}", ranked


def escalation_figures(escalations: QuerySet) -> tuple[list[Timing], dict]:
    """`escalations`: the scope's escalations (a Handoff queryset). One query gives
    the timings and the counts (escalations, claimed, resolved, reminded, reminders).

    Time to claim is from the escalation to its first claim (a later release and
    re-claim does not restart it); time to resolve from the escalation to its
    resolution. Each escalation's events are read once, through the events'
    (handoff, kind, created_at) index."""
    base = escalations.order_by().values(
        "id", "priority", "team_id", "status", "created_at", "closed_at"
    )
    base_sql, params = base.query.sql_with_params()
    events = HandoffEvent._meta.db_table
    # The SQL is this module's constants around the ORM's own; values go as parameters.
    per_escalation = f"""
        base (id, priority, team_id, status, created_at, closed_at) AS ({base_sql}),
        per AS (
            SELECT b.priority, b.team_id, b.status, b.created_at, b.closed_at,
                   MIN(CASE WHEN e.kind = %s THEN e.created_at END) AS first_claim_at,
                   COUNT(CASE WHEN e.kind = %s THEN 1 END) AS reminders
              FROM base b LEFT JOIN {events} e ON e.handoff_id = b.id AND e.kind IN (%s, %s)
             GROUP BY b.id, b.priority, b.team_id, b.status, b.created_at, b.closed_at
        ),
        d AS (
            SELECT 'claim' AS metric, priority, team_id,
                   {_seconds("first_claim_at", "created_at")} AS secs
              FROM per WHERE first_claim_at IS NOT NULL
            UNION ALL
            SELECT 'resolve', priority, team_id, {_seconds("closed_at", "created_at")}
              FROM per WHERE status = %s AND closed_at IS NOT NULL
        )"""  # noqa: S608
    # The counts ride in the same columns: two rows, read back by name below.
    counts_sql = """
        SELECT 'count', 'escalations', '', COUNT(*), COUNT(first_claim_at),
               COUNT(CASE WHEN status = %s THEN 1 END) FROM per
        UNION ALL
        SELECT 'count', 'ladder', '', COUNT(CASE WHEN reminders > 0 THEN 1 END),
               COALESCE(SUM(reminders), 0), NULL FROM per"""
    if connection.vendor == "postgresql":
        # One pass over the durations, three groupings (by priority, by team, all).
        sql = f"""
            WITH {per_escalation}
            SELECT metric,
                   CASE WHEN GROUPING(priority) = 0 THEN 'priority'
                        WHEN GROUPING(team_id) = 0 THEN 'team' ELSE 'all' END,
                   CASE WHEN GROUPING(priority) = 0 THEN priority
                        WHEN GROUPING(team_id) = 0 THEN CAST(team_id AS TEXT) ELSE '' END,
                   {_percentile_columns()[0]}
              FROM d
             GROUP BY GROUPING SETS ((metric, priority), (metric, team_id), (metric))
            UNION ALL {counts_sql}
        """  # noqa: S608
    else:
        columns, source = _percentile_columns()
        sql = f"""
            WITH {per_escalation},
            g AS (
                SELECT metric, 'priority' AS dim, priority AS key, secs FROM d
                UNION ALL SELECT metric, 'team', CAST(team_id AS TEXT), secs FROM d
                UNION ALL SELECT metric, 'all', '', secs FROM d
            )
            SELECT metric, dim, key, {columns} FROM {source} GROUP BY metric, dim, key
            UNION ALL {counts_sql}
        """  # noqa: S608
    claimed, reminder = EventKind.CLAIMED, EventKind.UNCLAIMED_REMINDER
    resolved = HandoffStatus.RESOLVED
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, claimed, reminder, claimed, reminder, resolved, resolved))
        rows = cursor.fetchall()
    timings, counts = [], {}
    for metric, dim, key, count, p50, p90 in rows:
        if metric == "count" and dim == "escalations":
            counts.update(escalations=count, claimed=int(p50), resolved=int(p90))
            continue
        if metric == "count":
            counts.update(reminded=count, reminders=int(p50))
            continue
        timings.append(
            Timing(
                metric=metric,
                dim=dim,
                key=key,
                count=count,
                p50=None if p50 is None else float(p50),
                p90=None if p90 is None else float(p90),
            )
        )
    return timings, counts
