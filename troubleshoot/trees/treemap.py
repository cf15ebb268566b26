"""The tree map: a version's steps as boxes and answers as arrows, laid out in layers
top-down and drawn as SVG by the template (troubleshoot/_tree_map.html), with a text
alternative from the same data.

Layout (pure Python, no package): a step's layer is its distance from the start (a
breadth-first walk, so back-edges never push a step down); within a layer, steps are
ordered by the mean position of their parents (two sweeps of the barycentre rule),
which keeps arrows short and mostly uncrossed. Steps the start cannot reach go in a
last row of their own. Marked: unreachable steps, dead ends (a question or action
without an answer leading on), and hot steps (where escalations stood; counts from
TREE_HEAT_SOURCES, filled by the handoffs app).
"""

import textwrap
from collections import deque
from dataclasses import dataclass, field

from troubleshoot.trees.models import NodeKind, TreeVersion

BOX_W = 160
BOX_H = 50
GAP_X = 20
GAP_Y = 60
MARGIN = 16
TITLE_LINE = 23  # characters per line in a box (two lines)
LABEL_CHARS = 18
# A layer wider than this wraps onto more rows, so the map is never wider than a
# page's card on a 1366-px screen (about 1,085 px inside): 5 boxes and the room on the
# right for loops back take 1,072 px. Text stays at its natural size: readable.
MAX_PER_ROW = 5

# Callables `source(tree) -> {node ref: escalations}`: how hot each step is. The
# handoffs app registers one (troubleshoot never imports it).
TREE_HEAT_SOURCES: list = []


def step_heat(tree) -> dict[str, int]:
    heat: dict[str, int] = {}
    for source in TREE_HEAT_SOURCES:
        for ref, count in source(tree).items():
            heat[ref] = heat.get(ref, 0) + count
    return heat


@dataclass
class MapBox:
    node: object
    x: int = 0
    y: int = 0
    layer: int = 0  # distance from the start
    row: int = 0  # where it is drawn (a wide layer takes several rows)
    reachable: bool = True
    dead_end: bool = False
    is_start: bool = False
    heat: int = 0
    hot: bool = False
    lines: list[str] = field(default_factory=list)

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def text_x(self) -> int:
        return self.x + 8

    @property
    def text_y(self) -> int:
        return self.y + 17

    @property
    def flag_y(self) -> int:
        return self.y + BOX_H - 7

    @property
    def flags(self) -> list[str]:
        """What the box says besides its title: readable without colour."""
        flags = []
        if self.is_start:
            flags.append("start")
        if self.heat:
            flags.append(f"{'HOT · ' if self.hot else ''}{self.heat} escalated")
        if self.dead_end:
            flags.append("dead end")
        if not self.reachable:
            flags.append("unreachable")
        return flags


@dataclass
class MapEdge:
    source: MapBox
    target: MapBox
    label: str
    short_label: str
    path: str
    label_x: int
    label_y: int
    back: bool


@dataclass
class TreeMap:
    box_w = BOX_W
    box_h = BOX_H
    boxes: list[MapBox]
    edges: list[MapEdge]
    width: int
    height: int
    unreachable: list[MapBox]
    dead_ends: list[MapBox]
    hot: list[MapBox]
    has_unplaced_row: bool
    unplaced_y: int = 0


def _wrap(title: str) -> list[str]:
    return textwrap.wrap(title, TITLE_LINE, max_lines=2, placeholder=" …") or [""]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def build_tree_map(version: TreeVersion, heat: dict[str, int] | None = None) -> TreeMap:
    """The map of a version loaded by `version_with_nodes` (no query of its own)."""
    heat = heat or {}
    nodes = list(version.nodes.all())
    boxes = {n.pk: MapBox(node=n, lines=_wrap(n.title)) for n in nodes}
    children: dict[int, list[int]] = {n.pk: [] for n in nodes}
    for n in nodes:
        for option in n.options.all():
            if option.target_id in boxes:
                children[n.pk].append(option.target_id)
        leads_on = [o for o in n.options.all() if o.target_id in boxes]
        boxes[n.pk].dead_end = n.kind != NodeKind.SOLUTION and not leads_on

    # Layers: breadth-first distance from the start.
    layer_of: dict[int, int] = {}
    start = version.start_node_id if version.start_node_id in boxes else None
    if start is not None:
        boxes[start].is_start = True
        layer_of[start] = 0
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for child in children[current]:
                if child not in layer_of:
                    layer_of[child] = layer_of[current] + 1
                    queue.append(child)
    depth = max(layer_of.values(), default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(depth)]
    for n in nodes:  # by position: the editor's order is the first guess
        if n.pk in layer_of:
            layers[layer_of[n.pk]].append(n.pk)
    unplaced = [n.pk for n in nodes if n.pk not in layer_of]

    # Order within layers by the barycentre of parents (two sweeps).
    parents: dict[int, list[int]] = {pk: [] for pk in boxes}
    for pk, kids in children.items():
        for kid in kids:
            parents[kid].append(pk)
    for _ in range(2):
        index = {pk: i for layer in layers for i, pk in enumerate(layer)}
        for li in range(1, len(layers)):
            upper = {pk: i for i, pk in enumerate(layers[li - 1])}

            def centre(pk, upper=upper, index=index):
                ps = [upper[p] for p in parents[pk] if p in upper]
                return sum(ps) / len(ps) if ps else index[pk]

            layers[li].sort(key=centre)

    rows: list[list[int]] = []
    for layer in layers:
        for i in range(0, len(layer), MAX_PER_ROW):
            rows.append(layer[i : i + MAX_PER_ROW])
    layer_rows = len(rows)
    for i in range(0, len(unplaced), MAX_PER_ROW):
        rows.append(unplaced[i : i + MAX_PER_ROW])
    widest = max((len(row) for row in rows), default=1)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    back_room = 60  # loops back curve out to the right of their boxes
    for li, row in enumerate(rows):
        row_width = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = (width - row_width) // 2
        for i, pk in enumerate(row):
            box = boxes[pk]
            box.row = li
            box.layer = layer_of.get(pk, -1)
            box.x = left + i * (BOX_W + GAP_X)
            box.y = MARGIN + li * (BOX_H + GAP_Y) + (24 if li >= layer_rows else 0)
            box.reachable = pk in layer_of
    height = MARGIN * 2 + len(rows) * BOX_H + max(len(rows) - 1, 0) * GAP_Y
    height += 24 if unplaced else 0

    top = max(heat.values(), default=0)
    for box in boxes.values():
        box.heat = heat.get(box.node.ref, 0)
        # Hot: at least one escalation and within the top third of this tree's counts.
        box.hot = box.heat > 0 and box.heat * 3 >= top

    edges: list[MapEdge] = []
    for n in nodes:
        for option in n.options.all():
            if option.target_id not in boxes:
                continue
            a, b = boxes[n.pk], boxes[option.target_id]
            edges.append(_edge(a, b, option.label))

    ordered = [boxes[pk] for row in rows for pk in row]
    return TreeMap(
        boxes=ordered,
        edges=edges,
        width=width + back_room,
        height=height,
        unreachable=[b for b in ordered if not b.reachable],
        dead_ends=[b for b in ordered if b.dead_end],
        hot=sorted((b for b in ordered if b.heat), key=lambda b: -b.heat),
        has_unplaced_row=bool(unplaced),
        unplaced_y=MARGIN + layer_rows * (BOX_H + GAP_Y) + 12,
    )


def _edge(a: MapBox, b: MapBox, label: str) -> MapEdge:
    back = b.row <= a.row
    if b.row > a.row:
        x1, y1, x2, y2 = a.cx, a.y + BOX_H, b.cx, b.y
        mid = (y1 + y2) // 2
        path = f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2 - 2}"
        # The label sits three quarters along the curve, near the step it leads to, so
        # the labels of one step's answers spread apart instead of piling up at its foot.
        lx = round(0.156 * x1 + 0.844 * x2)
        ly = round(0.016 * y1 + 0.562 * mid + 0.422 * y2) - 3
    elif b.row == a.row:
        # Sideways within a row: under both boxes, through the gap to the next row.
        x1, y1, x2, y2 = a.cx, a.y + BOX_H, b.cx, b.y + BOX_H
        dip = y1 + GAP_Y // 2
        path = f"M{x1},{y1} C{x1},{dip} {x2},{dip} {x2},{y2 + 2}"
        lx, ly = (x1 + x2) // 2, dip - 4
    else:
        # Up (a loop back): leave and enter on the right, curving outside.
        x1, y1 = a.x + BOX_W, a.y + BOX_H // 2
        x2, y2 = b.x + BOX_W, b.y + BOX_H // 2
        bulge = max(x1, x2) + 40
        path = f"M{x1},{y1} C{bulge},{y1} {bulge},{y2} {x2 + 2},{y2}"
        lx, ly = bulge - 10, (y1 + y2) // 2
    return MapEdge(
        source=a,
        target=b,
        label=label,
        short_label=_short(label),
        path=path,
        label_x=lx,
        label_y=ly,
        back=back,
    )
