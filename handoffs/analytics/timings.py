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

from handoffs.models import HandoffStatus

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
    """SQLite's seconds between two timestamps (PostgreSQL's are in _postgresql)."""
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _percentile_columns() -> tuple[str, str]:
    """SQLite's continuous percentiles: (the SELECT list's columns, the FROM clause
    they read)."""
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


def _timing(metric: str, dim: str, key, count: int, p50, p90) -> Timing:
    return Timing(
        metric=metric,
        dim=dim,
        key=key,
        count=count,
        p50=None if p50 is None else float(p50),
        p90=None if p90 is None else float(p90),
    )


def _postgresql(base_sql: str, params) -> tuple[list[Timing], dict]:
    """One pass over the period's escalations (an index-only scan: every column read is
    in the analytics index), three groupings; the grand total's row carries the counts."""
    p50, p90 = PERCENTILES
    # date_part gives the double directly (EXTRACT(EPOCH) computes a numeric first).
    claim = "date_part('epoch', first_claimed_at - created_at)"
    resolve = "CASE WHEN status = %s THEN date_part('epoch', closed_at - created_at) END"
    sql = f"""
        SELECT GROUPING(priority), GROUPING(team_id), priority, CAST(team_id AS TEXT),
               COUNT(claim_secs),
               percentile_cont({p50}) WITHIN GROUP (ORDER BY claim_secs),
               percentile_cont({p90}) WITHIN GROUP (ORDER BY claim_secs),
               COUNT(resolve_secs),
               percentile_cont({p50}) WITHIN GROUP (ORDER BY resolve_secs),
               percentile_cont({p90}) WITHIN GROUP (ORDER BY resolve_secs),
               COUNT(*), COUNT(CASE WHEN status = %s THEN 1 END),
               COUNT(CASE WHEN reminders > 0 THEN 1 END), COALESCE(SUM(reminders), 0)
          FROM (SELECT priority, team_id, status, reminders,
                       {claim} AS claim_secs, {resolve} AS resolve_secs
                  FROM ({base_sql}) AS b (priority, team_id, status, created_at, closed_at,
                                          first_claimed_at, reminders)) AS d
         GROUP BY GROUPING SETS ((priority), (team_id), ())
    """  # noqa: S608
    resolved = HandoffStatus.RESOLVED
    with connection.cursor() as cursor:
        cursor.execute(sql, (resolved, resolved, *params))
        rows = cursor.fetchall()
    timings, counts = [], {"escalations": 0, "claimed": 0, "resolved": 0}
    counts.update(reminded=0, reminders=0)
    for by_priority, by_team, priority, team, *figures in rows:
        claims, c50, c90, resolves, r50, r90, total, resolved_n, reminded, reminders = figures
        if by_priority == 0:
            dim, key = "priority", priority
        elif by_team == 0:
            dim, key = "team", team
        else:
            dim, key = "all", ""
            counts.update(escalations=total, claimed=claims, resolved=resolved_n)
            counts.update(reminded=reminded, reminders=int(reminders))
        # A group appears for its metrics that have a duration, as in the SQLite branch.
        if claims:
            timings.append(_timing("claim", dim, key, claims, c50, c90))
        if resolves:
            timings.append(_timing("resolve", dim, key, resolves, r50, r90))
    return timings, counts


def _sqlite(base_sql: str, params) -> tuple[list[Timing], dict]:
    """The same figures from window functions (no percentile_cont on SQLite)."""
    durations = f"""
        per (priority, team_id, status, created_at, closed_at, first_claim_at, reminders)
            AS ({base_sql}),
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
    columns, source = _percentile_columns()
    sql = f"""
        WITH {durations},
        g AS (
            SELECT metric, 'priority' AS dim, priority AS key, secs FROM d
            UNION ALL SELECT metric, 'team', CAST(team_id AS TEXT), secs FROM d
            UNION ALL SELECT metric, 'all', '', secs FROM d
        )
        SELECT metric, dim, key, {columns} FROM {source} GROUP BY metric, dim, key
        UNION ALL {counts_sql}
    """  # noqa: S608
    resolved = HandoffStatus.RESOLVED
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, resolved, resolved))
        rows = cursor.fetchall()
    timings, counts = [], {}
    for metric, dim, key, count, p50, p90 in rows:
        if metric == "count" and dim == "escalations":
            counts.update(escalations=count, claimed=int(p50), resolved=int(p90))
        elif metric == "count":
            counts.update(reminded=count, reminders=int(p50))
        else:
            timings.append(_timing(metric, dim, key, count, p50, p90))
    return timings, counts


def escalation_figures(escalations: QuerySet) -> tuple[list[Timing], dict]:
    """`escalations`: the scope's escalations (a Handoff queryset). One query gives
    the timings and the counts (escalations, claimed, resolved, reminded, reminders).

    Time to claim is from the escalation to its first claim (a later release and
    re-claim does not restart it: the claim service keeps `first_claimed_at`); time
    to resolve from the escalation to its resolution. The reminders are the ladder's
    count on the row, so no query reads the audit trail."""
    base = escalations.order_by().values_list(
        "priority", "team_id", "status", "created_at", "closed_at",
        "first_claimed_at", "unclaimed_reminders",
    )  # fmt: skip
    # The SQL is this module's constants around the ORM's own; values go as parameters.
    base_sql, params = base.query.sql_with_params()
    if connection.vendor == "postgresql":
        return _postgresql(base_sql, params)
    return _sqlite(base_sql, params)
