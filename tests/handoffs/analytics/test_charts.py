"""The server-drawn charts: round axis steps, a gap for a week without sessions, every
value labelled, and a description that says the numbers."""

from datetime import date, timedelta

from django.template.defaultfilters import floatformat

from handoffs.analytics.charts import outcome_chart, px, rate_chart
from handoffs.analytics.selectors import OUTCOMES, Tally, TreeRow


def tally(escalated, resolved, abandoned=0):
    t = Tally()
    for outcome, n in (("escalated", escalated), ("resolved", resolved), ("abandoned", abandoned)):
        if n:
            t.add(outcome, n)
    return t


def weeks(*tallies):
    return [(date(2026, 11, 2) + timedelta(weeks=i), t) for i, t in enumerate(tallies)]


def test_axis_steps_are_round_and_cover_the_highest_rate():
    labels = lambda *t: [g["label"] for g in rate_chart(weeks(*t), tally(1, 1))["grid"]]  # noqa: E731
    assert labels(tally(43, 57)) == ["0%", "10%", "20%", "30%", "40%", "50%"]
    assert labels(tally(90, 10)) == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_a_week_without_sessions_breaks_the_line_and_every_point_is_labelled():
    chart = rate_chart(weeks(tally(1, 3), Tally(), tally(1, 1), tally(0, 2)), tally(2, 6))
    assert len(chart["polylines"]) == 2
    assert [p.label for p in chart["points"]] == ["25%", "50%", "0%"]
    assert chart["average"]["label"] == "25%"
    assert "week of 9 Nov: – of 0" in chart["description"]


def test_outcome_bars_fill_the_width_and_label_parts_wide_enough():
    rows = [
        TreeRow(
            tree_id=1,
            title="A tree with a title far longer than the label column",
            tally=tally(30, 69, 1),
        )
    ]
    chart = outcome_chart(rows, OUTCOMES)
    parts = chart["rows"][0]["parts"]
    assert [p["key"] for p in parts] == ["resolved", "escalated", "abandoned"]
    assert sum(p["w"] for p in parts) == chart["width"] - chart["label_w"] - 16
    assert [p["show"] for p in parts] == [True, True, False]  # 1 % is too thin for "1"
    assert chart["rows"][0]["title"].endswith("…")
    assert "30 escalated, 1 abandoned" in chart["description"]
    xs = [entry["x"] for entry in chart["legend"]]
    assert xs == sorted(xs) and len(set(xs)) == 4


def test_coordinates_are_written_as_the_template_filter_wrote_them():
    # Ties round half up (12.25 -> 12.3, where Python's format gives 12.2).
    for value in (12.25, 0.05, 52.0, 99.95, 236.66666666666666, 1e-07, 690.0):
        assert px(value) == floatformat(value, "1u")
        assert px(value, 0) == floatformat(value, "0u")
