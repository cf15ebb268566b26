"""The page's tables as rows of plain values: what the CSV downloads contain.

A cell of user text (a tree or step title, a name) that starts like a spreadsheet
formula (=, +, -, @, tab, CR) is prefixed with an apostrophe, so opening the file in
Excel or LibreOffice never runs it.
"""

import csv
import io

from handoffs.analytics.selectors import OUTCOMES, Report
from handoffs.models import Priority

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def rates_by_tree(report: Report):
    headers = ["tree", "sessions started", "sessions escalated", "escalation rate %"]
    rows = [
        [
            "All sessions",
            report.overall.started,
            report.overall.escalated,
            _rate(report.overall.rate),
        ]
    ]
    rows += [
        [r.title, r.tally.started, r.tally.escalated, _rate(r.tally.rate)] for r in report.trees
    ]
    return headers, rows


def rates_by_week(report: Report):
    headers = ["week starting", "sessions started", "sessions escalated", "escalation rate %"]
    rows = [[m.isoformat(), t.started, t.escalated, _rate(t.rate)] for m, t in report.weeks]
    return headers, rows


def outcomes_by_tree(report: Report):
    headers = ["tree", "sessions started"] + [label.lower() for _, label in OUTCOMES]
    rows = [
        [r.title, r.tally.started] + [getattr(r.tally, key) for key, _ in OUTCOMES]
        for r in report.trees
    ]
    return headers, rows


def timing_rows(report: Report, names_by_team: dict):
    """(dimension, group label, metric → timing) in a stable order."""
    priority_order = {p: i for i, p in enumerate(reversed(Priority.values))}
    labels = dict(Priority.choices)
    grouped: dict = {}
    for t in report.timings:
        if t.dim == "all":
            label, order = "All escalations", (0, 0, "")
        elif t.dim == "priority":
            label, order = labels.get(t.key, t.key), (1, priority_order.get(t.key, 9), "")
        else:
            name = names_by_team.get(int(t.key)) if t.key else None
            label, order = (name or "No team"), (2, 0, name or "~")
        grouped.setdefault((order, t.dim, label), {})[t.metric] = t
    return [(dim, label, metrics) for (order, dim, label), metrics in sorted(grouped.items())]


def timings(report: Report, names_by_team: dict):
    headers = [
        "by", "group", "claimed", "time to claim p50 (min)", "time to claim p90 (min)",
        "resolved", "time to resolve p50 (min)", "time to resolve p90 (min)",
    ]  # fmt: skip
    rows = []
    for dim, label, metrics in timing_rows(report, names_by_team):
        claim, resolve = metrics.get("claim"), metrics.get("resolve")
        row = [dim, label]
        for timing in (claim, resolve):
            row += [timing.count if timing else 0]
            row += [_minutes(timing and timing.p50), _minutes(timing and timing.p90)]
        rows.append(row)
    return headers, rows


def hot_steps(report: Report):
    headers = ["rank", "tree", "step", "step kind", "escalations"]
    rows = [
        [i, s["tree_title"], s["title"], s["kind"], s["escalations"]]
        for i, s in enumerate(report.hot_steps, start=1)
    ]
    return headers, rows


def versions(report: Report):
    headers = [
        "tree",
        "version",
        "published",
        "sessions started",
        "sessions escalated",
        "escalation rate %",
    ]
    rows = [
        [v.tree_title, f"v{v.number}", v.published_at.isoformat(), v.tally.started,
         v.tally.escalated, _rate(v.tally.rate)]
        for v in report.versions
    ]  # fmt: skip
    return headers, rows


def engineers(report: Report):
    headers = [
        "engineer",
        "sessions started",
        "escalations raised",
        "escalations claimed",
        "escalations resolved",
    ]
    rows = [
        [e["name"] + (" (removed)" if e["removed"] else "")]
        + [e["sessions"], e["raised"], e["claimed"], e["resolved"]]
        for e in report.engineers or []
    ]
    return headers, rows


# Each table's file name, its rows, and the report's parts it needs (a CSV computes
# only those: the timings over 90 days read 20,000 escalations, not 100,000 sessions).
TABLES = {
    "trees": ("escalation-rate-by-tree", rates_by_tree, {"outcomes"}),
    "weeks": ("escalation-rate-by-week", rates_by_week, {"outcomes"}),
    "outcomes": ("session-outcomes-by-tree", outcomes_by_tree, {"outcomes"}),
    "timings": ("time-to-claim-and-resolve", timings, {"timings"}),
    "hot-steps": ("hot-steps", hot_steps, {"hot_steps"}),
    "versions": ("escalations-by-tree-version", versions, {"outcomes"}),
    "engineers": ("engineers", engineers, {"engineers"}),
}


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(headers, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
