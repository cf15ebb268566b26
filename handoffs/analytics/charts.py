"""Server-drawn SVG charts: geometry here, markup in the page's template.

Drawn on the server so they need no script (the CSP allows none inline anyway), never
move (nothing to reduce for `prefers-reduced-motion`), and print. They do not rely on
colour: the weekly line carries its value as a label at every point, and the outcome
bars fill each outcome with its own pattern (solid, hatched, dotted, empty), named in
the legend and labelled with its count. Each chart has a title and a description
(`role="img"`), and the same numbers are in the tables below it (and their CSV).
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format

WIDTH = 720
RATE_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 24, 48
MAX_TREES_CHARTED = 12
# Room right of the weekly plot for the period's label ("period 30%").
AVERAGE_LABEL_W = 84


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def px(value: float, places: int = 1) -> str:
    """A coordinate as the SVG writes it: what the template's `floatformat:'1u'` gave
    (the decimal rounded half up, no localisation), done here because ~200 filter calls
    a page were a third of its rendering."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


@dataclass
class Point:
    x: float
    y: float
    label: str

    @property
    def x_px(self) -> str:
        return px(self.x)

    @property
    def y_px(self) -> str:
        return px(self.y)


def rate_chart(weeks, overall) -> dict:
    """The escalation rate per week as a line with a labelled point per week, and the
    period's rate as a dashed line."""
    plot_w = WIDTH - LEFT - AVERAGE_LABEL_W
    plot_h = RATE_HEIGHT - TOP - BOTTOM
    rates = [t.rate for _, t in weeks if t.rate is not None]
    highest = max([*rates, overall.rate or 0, 0.05])
    # Round numbers on the axis: steps of 5 %, 10 % or 20 %, the top a whole step.
    grid_step = 0.05 if highest <= 0.2 else 0.1 if highest <= 0.5 else 0.2
    steps = min(math.ceil(highest / grid_step - 1e-9), round(1 / grid_step))
    top = steps * grid_step
    count = max(len(weeks), 1)
    step = plot_w / count

    def y_of(rate: float) -> float:
        return TOP + plot_h * (1 - rate / top)

    segments, current, points, ticks = [], [], [], []
    every = 1 if count <= 10 else 2 if count <= 20 else 4
    for i, (monday, tally) in enumerate(weeks):
        x = LEFT + step * (i + 0.5)
        if i % every == 0:
            ticks.append({"x": x, "x_px": px(x), "label": date_format(monday, "j M")})
        if tally.rate is None:
            if current:
                segments.append(current)
            current = []
            continue
        point = Point(x, y_of(tally.rate), percent(tally.rate))
        points.append(point)
        current.append(point)
    if current:
        segments.append(current)
    grid = []
    for i in range(steps + 1):
        y = y_of(grid_step * i)
        grid.append({"y": y, "y_px": px(y), "y_px0": px(y, 0), "label": percent(grid_step * i)})
    average = None
    if overall.rate is not None:
        y = y_of(overall.rate)
        average = {"y": y, "y_px": px(y), "label": percent(overall.rate)}
    described = ", ".join(
        f"week of {date_format(m, 'j M')}: {percent(t.rate)} of {t.started}" for m, t in weeks
    )
    return {
        "width": WIDTH,
        "height": RATE_HEIGHT,
        "left": LEFT,
        "right": LEFT + plot_w,
        "average_label_x": LEFT + plot_w + 6,
        "bottom": TOP + plot_h,
        "label_y": TOP + plot_h + 18,
        "grid": grid,
        "ticks": ticks,
        "polylines": [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in seg) for seg in segments],
        "points": points,
        "average": average,
        "description": f"Escalation rate per week. {described}." if weeks else "No weeks.",
    }


def outcome_chart(trees, outcomes) -> dict:
    """One 100 % bar per tree (the most escalated first), split by how its sessions
    ended, each part patterned and labelled with its count."""
    label_w, bar_h, gap = 210, 22, 12
    plot_w = WIDTH - label_w - RIGHT
    legend_h = 34
    rows = []
    for i, row in enumerate(trees[:MAX_TREES_CHARTED]):
        y = legend_h + i * (bar_h + gap)
        x = label_w
        parts = []
        for key, label in outcomes:
            n = getattr(row.tally, key)
            if not n:
                continue
            w = plot_w * n / row.tally.started
            parts.append(
                {
                    "key": key,
                    "x": x,
                    "w": w,
                    "n": n,
                    "label": label,
                    "show": w >= 26,
                    "mid": x + w / 2,
                    "x_px": px(x),
                    "w_px": px(w),
                    "mid_px": px(x + w / 2),
                }
            )
            x += w
        title = row.title if len(row.title) <= 30 else row.title[:29] + "…"
        rows.append({"y": y, "text_y": y + bar_h / 2 + 4, "text_y_px": px(y + bar_h / 2 + 4),
                     "title": title, "full_title": row.title, "parts": parts,
                     "started": row.tally.started})  # fmt: skip
    legend, x = [], 8
    for key, label in outcomes:
        legend.append({"key": key, "label": label, "x": x})
        x += 16 + 6 + 7 * len(label) + 22  # swatch, gap, ~7 px a character, space
    described = "; ".join(
        f"{r.title}: "
        + ", ".join(f"{getattr(r.tally, k)} {label.lower()}" for k, label in outcomes)
        for r in trees[:MAX_TREES_CHARTED]
    )
    return {
        "width": WIDTH,
        "height": legend_h + max(len(rows), 1) * (bar_h + gap),
        "label_w": label_w,
        "bar_h": bar_h,
        "rows": rows,
        "legend": legend,
        "description": f"How sessions ended, per tree. {described}." if rows else "No sessions.",
        "more": max(len(trees) - MAX_TREES_CHARTED, 0),
    }
