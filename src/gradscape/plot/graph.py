"""The computation graph drawn: boxes for the nodes (the operation, its value and its adjoint
∂f/∂node, or its tangents in forward mode), arrows for the edges labelled with the local
derivatives, laid out in columns by depth (inputs on the left, f on the right) without
graphviz.

Columns: an input is in column 0 and an operation one right of its deepest child; a constant
(a node of the graph, its JSON and its table) is written into the box of each node that uses
it (v4 = v0^2), which spares the picture long arrows from a shared 2. Within a column the
nodes are ordered by the mean height of their children (the barycentre heuristic), which
undoes most crossings of small graphs; an edge spanning several columns keeps a slot free in
each, so it passes no box.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from matplotlib.figure import Figure
>>> from gradscape.calculus.graph import graph
>>> g = graph("sin(x*y) + x^2", (1.0, 2.0))
>>> columns(g)
[0, 0, -1, 1, 1, 2, 3]
>>> drawn = draw_graph(Figure().add_subplot(), g)
>>> drawn.value, drawn.notes
(1.9092974268256817, [])
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from gradscape.calculus.graph import Graph, Mode
from gradscape.plot.drawn import Drawn

__all__ = ["draw_graph", "columns", "positions", "layout", "Layout", "figure_size"]

_BOX = {"reverse": "#e8f0fb", "forward": "#eef7ea"}
_LEAF = "#fff4d6"
_COLUMN_WIDTH = 2.6  # inches per column: a box and the gap where edge labels sit
_ROW_HEIGHT = 1.05  # inches per node in the tallest column


def columns(g: Graph) -> list[int]:
    """Each node's column: inputs 0, operations one past their deepest child; constants -1
    (not drawn: each is written into the boxes that use it), unless f is one."""
    col = [0] * len(g.nodes)
    for k, n in enumerate(g.nodes):
        kids = [c for c in n.children if g.nodes[c].kind != "constant"]
        col[k] = (1 + max((col[c] for c in kids), default=-1) if n.kind == "operation"
                  else -1 if n.kind == "constant" and k != g.root else 0)
    return col


@dataclass(frozen=True)
class Layout:
    """Where each node but the constants sits, (column, height); the bends of each edge that
    spans more than one column, by edge index (one point per column it crosses, a slot of
    that column kept free so the edge passes no box); the fullest column's count of slots."""

    pos: dict[int, tuple[float, float]]
    bends: dict[int, list[tuple[float, float]]]
    rows: int


def layout(g: Graph) -> Layout:
    """Heights centred per column, each column ordered by the mean height of what feeds it
    (barycentre); a long edge takes a slot in each column it crosses (as in Sugiyama's
    layered drawing)."""
    col = columns(g)
    layers: dict[int, list[Hashable]] = {}
    feeds: dict[Hashable, list[Hashable]] = {}
    for k, c in enumerate(col):
        if c >= 0:
            layers.setdefault(c, []).append(k)
            feeds[k] = [i for i in g.nodes[k].children if col[i] >= 0]
    for j, e in enumerate(g.edges):
        s, t = e.source, e.target
        if col[s] < 0 or col[t] - col[s] <= 1:
            continue
        prev: Hashable = s
        for c in range(col[s] + 1, col[t]):
            bend: Hashable = ("bend", j, c)
            layers[c].append(bend)
            feeds[bend] = [prev]
            prev = bend
        feeds[t] = [prev if i == s else i for i in feeds[t]]
    height: dict[Hashable, float] = {}
    for c in sorted(layers):
        members = layers[c]

        def centre(member: Hashable) -> float:
            kids = [height[i] for i in feeds[member] if i in height]
            return (sum(kids) / len(kids) if kids else
                    -float(member) if isinstance(member, int) else 0.0)

        if c > 0:
            members.sort(key=centre, reverse=True)
        top = (len(members) - 1) / 2
        for rank, member in enumerate(members):
            height[member] = top - rank
    pos = {k: (float(col[k]), h) for k, h in height.items() if isinstance(k, int)}
    bends: dict[int, list[tuple[float, float]]] = {}
    for slot, h in height.items():
        if isinstance(slot, tuple):  # ("bend", edge index, column)
            bends.setdefault(slot[1], []).append((float(slot[2]), h))
    return Layout(pos, {j: sorted(p) for j, p in bends.items()},
                  max(len(m) for m in layers.values()))


def positions(g: Graph) -> dict[int, tuple[float, float]]:
    """(column, height) of each node but the constants (see :func:`layout`)."""
    return layout(g).pos


def figure_size(g: Graph) -> tuple[float, float]:
    """Inches for the graph: a column per depth, a row per node of the fullest column."""
    col = columns(g)
    width = max(6.0, _COLUMN_WIDTH * (max(col) + 1) + 0.6)
    widest = layout(g).rows
    # not flatter than 1:3.5, so a long chain stays a picture rather than a strip
    return width, max(3.6, _ROW_HEIGHT * widest + 1.4, width / 3.5)


def _num(v: float | None) -> str:
    return "undefined" if v is None else f"{v:.4g}"


def _box_text(g: Graph, k: int, mode: Mode) -> str:
    from gradscape.calculus import display

    n = g.nodes[k]
    if n.kind == "constant":
        return f"{n.id} = {n.label}"
    rule = display.text(n.rule)
    rule = rule if len(rule) <= 18 else rule[:17] + "…"
    lines = [f"{n.id} = {rule}", f"value {_num(n.value)}"]
    if mode == "forward":
        lines += [f"∂{n.id}/∂{v} = {_num(t)}" for v, t in zip(g.variables, n.tangent)][:4]
    else:
        lines.append(f"∂f/∂{n.id} = {_num(n.grad)}")
    return "\n".join(lines)


def draw_graph(ax: Any, g: Graph, mode: Mode = "reverse") -> Drawn:
    """Draw ``g`` on ``ax`` (its value is f's); ``mode`` chooses adjoints or tangents."""
    lay = layout(g)
    pos = lay.pos
    texts = {}
    for k, n in enumerate(g.nodes):
        if k not in pos:
            continue
        colour = _LEAF if n.kind == "input" else _BOX[mode]
        edge = "#b03030" if n.value is None else "#404040"
        texts[k] = ax.text(*pos[k], _box_text(g, k, mode), ha="center", va="center",
                           fontsize=9, zorder=3, linespacing=1.3,
                           fontweight="bold" if k == g.root else "normal",
                           bbox={"boxstyle": "round,pad=0.4", "facecolor": colour,
                                 "edgecolor": edge, "linewidth": 1.6 if k == g.root else 1.0})
    placed: list[tuple[float, float]] = []
    for j, e in enumerate(g.edges):
        if e.source not in pos:  # a constant: written into its user's box (v4 = v0^2)
            continue
        (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
        source = texts[e.source]
        if j in lay.bends:  # through the slots kept free, then the arrow into the target
            xs, ys = zip((x0, y0), *lay.bends[j])
            ax.plot(xs, ys, color="#505050", linewidth=1.0, zorder=1)
            (x0, y0), source = lay.bends[j][-1], None
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops={"arrowstyle": "-|>", "color": "#505050", "linewidth": 1.0,
                                "shrinkA": 0, "shrinkB": 0,
                                "patchA": source.get_bbox_patch() if source else None,
                                "patchB": texts[e.target].get_bbox_patch()})
        # in the gap before the target's column, nearer the target, at the first place
        # along the edge that keeps clear of the labels placed so far (edges cross)
        span = max(x1 - x0, 1.0)
        spots = [(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                 for t in (1 - d / span for d in (0.33, 0.5, 0.67, 0.25, 0.42, 0.58))]
        spot = next((p for p in spots if all(abs(p[0] - q[0]) > 0.14 or abs(p[1] - q[1]) > 0.1
                                             for q in placed)), spots[0])
        placed.append(spot)
        ax.text(*spot, _num(e.local), fontsize=8.5,
                ha="center", va="center", color="#7a2e00", zorder=2, style="italic",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.9})
    points = [*pos.values(), *(p for bend in lay.bends.values() for p in bend)]
    ax.set_xlim(min(p[0] for p in points) - 0.5, max(p[0] for p in points) + 0.5)
    ax.set_ylim(min(p[1] for p in points) - 0.6, max(p[1] for p in points) + 0.6)
    ax.set_axis_off()
    at = ", ".join(f"{a:g}" for a in g.at)
    how = ("reverse mode: each box shows a value and its adjoint ∂f/∂node" if mode == "reverse"
           else "forward mode: each box shows a value and its tangents ∂node/∂input")
    ax.set_title(f"{g.function} at ({at})\n{how}\narrows carry the local derivatives; "
                 "constants are written into the boxes that use them", fontsize=9)
    notes = [f"{g.undefined}: f and its gradient are undefined there"] if g.undefined else []
    return Drawn(notes=notes, value=g.value)
