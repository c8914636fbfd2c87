"""Draw the workflow table as an SVG state diagram (no JavaScript, no layout engine)."""

import math
from collections import defaultdict
from dataclasses import dataclass

from workflows.dispute import STATES, TRANSITIONS

# Where each state sits; the edges between them come from the workflow table.
POSITIONS = {
    "filed": (90, 170),
    "investigating": (330, 170),
    "escalated": (330, 50),
    "resolved": (590, 170),
    "credited": (820, 170),
}
HALF_W, HALF_H = 72, 22
WIDTH, HEIGHT = 910, 330


@dataclass(frozen=True)
class Edge:
    path: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Diagram:
    states: list[tuple[str, float, float]]
    edges: list[Edge]
    loops: dict[str, list[str]]  # triggers that keep the state
    width: int = WIDTH
    height: int = HEIGHT
    half_w: int = HALF_W
    half_h: int = HALF_H


def _exit(center: tuple[float, float], toward: tuple[float, float]) -> tuple[float, float]:
    """Return where a line from the box's center toward a point leaves the box."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    t = min(HALF_W / abs(dx) if dx else math.inf, HALF_H / abs(dy) if dy else math.inf)
    return center[0] + t * dx, center[1] + t * dy


def _bend(a: tuple[float, float], b: tuple[float, float], pairs: set) -> float:
    """Bend two-way edges apart, and edges that would cross another state around it."""
    for x, y in POSITIONS.values():
        if (x, y) in (a, b):
            continue
        ax, ay, bx, by = *a, *b
        length = math.dist(a, b)
        distance = abs((bx - ax) * (ay - y) - (ax - x) * (by - ay)) / length
        if distance < HALF_H + 10 and min(ax, bx) < x < max(ax, bx):
            return 120.0
    return 28.0 if (b, a) in pairs else 0.0


def workflow_diagram() -> Diagram:
    """Lay out the states and group the table's transitions into labelled edges."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    loops: dict[str, list[str]] = defaultdict(list)
    for t in TRANSITIONS:
        for source in t.sources:
            if t.dest is None:
                loops[source].append(t.trigger)
            else:
                grouped[(source, t.dest)].append(t.trigger)
    pairs = {(POSITIONS[s], POSITIONS[d]) for s, d in grouped}
    edges = []
    for (source, dest), triggers in grouped.items():
        a, b = POSITIONS[source], POSITIONS[dest]
        bend = _bend(a, b, pairs)
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        length = math.dist(a, b)
        nx, ny = (b[1] - a[1]) / length, (a[0] - b[0]) / length  # normal, to the right
        control = (mx + nx * bend, my + ny * bend) if bend else (mx, my)
        start, end = _exit(a, control), _exit(b, control)
        path = "M{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}".format(*start, *control, *end)
        lx = 0.25 * start[0] + 0.5 * control[0] + 0.25 * end[0]
        ly = 0.25 * start[1] + 0.5 * control[1] + 0.25 * end[1]
        edges.append(Edge(path, ", ".join(triggers), lx, ly))
    states = [(s, *POSITIONS[s]) for s in STATES]
    return Diagram(states=states, edges=edges, loops=dict(loops))
