"""Draw the workflow table as an SVG state diagram (no JavaScript, no layout engine)."""

import math
from collections import defaultdict
from dataclasses import dataclass

from disputedesk.workflows.dispute import STATES, TRANSITIONS

Point = tuple[float, float]

# Where each state sits; the edges between them come from the workflow table.
POSITIONS = {
    "filed": (110, 190),
    "investigating": (400, 190),
    "escalated": (400, 50),
    "resolved": (720, 190),
    "credited": (960, 190),
}
HALF_W, HALF_H = 72, 22
WIDTH, HEIGHT = 1060, 310
PAIR_BEND = 30.0  # how far two edges between the same states curve apart
DETOUR_BEND = 140.0  # how far an edge curves around a state in its way


@dataclass(frozen=True)
class Edge:
    path: str
    label: str
    label_x: float
    label_y: float
    anchor: str  # the SVG text-anchor that keeps the label off its line


@dataclass(frozen=True)
class Diagram:
    states: list[tuple[str, float, float]]
    edges: list[Edge]
    loops: list[tuple[str, list[str]]]  # triggers that keep the state, and where
    width: int = WIDTH
    height: int = HEIGHT
    half_w: int = HALF_W
    half_h: int = HALF_H


def _exit(center: Point, toward: Point) -> Point:
    """Return where a line from the box's center toward a point leaves the box."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    t = min(HALF_W / abs(dx) if dx else math.inf, HALF_H / abs(dy) if dy else math.inf)
    return center[0] + t * dx, center[1] + t * dy


def _normal(a: Point, b: Point) -> Point:
    """Return the unit vector to the right of the direction a → b (SVG y points down)."""
    length = math.dist(a, b)
    return (b[1] - a[1]) / length, (a[0] - b[0]) / length


def _blocked(a: Point, b: Point) -> bool:
    """Tell whether the straight line a → b runs through another state's box."""
    for x, y in POSITIONS.values():
        if (x, y) in (a, b):
            continue
        ax, ay, bx, by = *a, *b
        distance = abs((bx - ax) * (ay - y) - (ax - x) * (by - ay)) / math.dist(a, b)
        if distance < HALF_H + 10 and min(ax, bx) < x < max(ax, bx):
            return True
    return False


def _bend(a: Point, b: Point, pairs: set) -> float:
    """Curve two-way edges apart; route an edge around a state in its way, on the emptier side."""
    if _blocked(a, b):
        mid, (nx, ny) = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), _normal(a, b)

        def room(sign: float) -> float:
            control = (mid[0] + sign * nx * DETOUR_BEND, mid[1] + sign * ny * DETOUR_BEND)
            return min(math.dist(control, p) for p in POSITIONS.values())

        return DETOUR_BEND if room(1) >= room(-1) else -DETOUR_BEND
    return PAIR_BEND if (b, a) in pairs else 0.0


def _label(at: Point, normal: Point) -> tuple[float, float, str]:
    """Place a label beside its edge, on the side the edge bends to."""
    nx, ny = normal
    if abs(nx) > abs(ny):  # a mostly vertical edge: write beside it
        return at[0] + 8 * math.copysign(1, nx), at[1] + 4, "start" if nx > 0 else "end"
    return at[0], at[1] + (16 if ny > 0 else -7), "middle"


def workflow_diagram() -> Diagram:
    """Lay out the states and group the table's transitions into labelled edges."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    loops: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for t in TRANSITIONS:
        if t.dest is None:
            loops[t.sources].append(t.trigger)
        for source in t.sources:
            if t.dest is not None:
                grouped[(source, t.dest)].append(t.trigger)
    pairs = {(POSITIONS[s], POSITIONS[d]) for s, d in grouped}
    edges = []
    for (source, dest), triggers in grouped.items():
        a, b = POSITIONS[source], POSITIONS[dest]
        bend = _bend(a, b, pairs)
        nx, ny = _normal(a, b)
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        control = (mx + nx * bend, my + ny * bend)
        start, end = _exit(a, control), _exit(b, control)
        path = "M{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}".format(*start, *control, *end)
        middle = (
            0.25 * start[0] + 0.5 * control[0] + 0.25 * end[0],
            0.25 * start[1] + 0.5 * control[1] + 0.25 * end[1],
        )
        side = (nx, ny) if bend >= 0 else (-nx, -ny)
        if not bend:  # a straight edge: write above it, or left of it when it is vertical
            side = (-1.0, 0.0) if abs(a[0] - b[0]) < 1 else (0.0, -1.0)
        edges.append(Edge(path, ", ".join(triggers), *_label(middle, side)))
    states = [(s, *POSITIONS[s]) for s in STATES]
    by_triggers = [(", ".join(sources), triggers) for sources, triggers in loops.items()]
    return Diagram(states=states, edges=edges, loops=by_triggers)
