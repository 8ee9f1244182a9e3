"""The computation graph drawn: boxes for the nodes (the operation, its value and its adjoint
∂f/∂node, or its tangents in forward mode), arrows for the edges labelled with the local
derivatives, laid out in columns by depth (inputs on the left, f on the right) without
graphviz.

Columns: an input is in column 0 and an operation one right of its deepest child; a constant
is drawn as a small box beside each node that uses it (one node in the graph and its JSON,
but no long arrows across the picture). Within a column the nodes are ordered by the mean
height of their children (the barycentre heuristic), which undoes most crossings of small
graphs.

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

from typing import Any

from gradscape.calculus.graph import Graph, Mode
from gradscape.plot.drawn import Drawn

__all__ = ["draw_graph", "columns", "positions", "figure_size"]

_BOX = {"reverse": "#e8f0fb", "forward": "#eef7ea"}
_LEAF = "#fff4d6"
_CONSTANT = "#f0f0f0"
_COLUMN_WIDTH = 2.6  # inches per column: a box and the gap where edge labels sit
_ROW_HEIGHT = 1.05  # inches per node in the tallest column


def columns(g: Graph) -> list[int]:
    """Each node's column: inputs 0, operations one past their deepest child; constants
    (drawn beside each node that uses them) -1."""
    col = [0] * len(g.nodes)
    for k, n in enumerate(g.nodes):
        kids = [c for c in n.children if g.nodes[c].kind != "constant"]
        col[k] = (1 + max((col[c] for c in kids), default=-1) if n.kind == "operation"
                  else -1 if n.kind == "constant" else 0)
    return col


def positions(g: Graph) -> dict[int, tuple[float, float]]:
    """(column, height) of each node but the constants: heights centred per column, ordered
    by the mean height of the children (barycentre)."""
    col = columns(g)
    layers: dict[int, list[int]] = {}
    for k, c in enumerate(col):
        if c >= 0:
            layers.setdefault(c, []).append(k)
    height: dict[int, float] = {}
    for c in sorted(layers):
        members = layers[c]

        def centre(k: int) -> float:
            kids = [height[i] for i in g.nodes[k].children if i in height]
            return sum(kids) / len(kids) if kids else float(-k)

        if c > 0:
            members.sort(key=centre, reverse=True)
        top = (len(members) - 1) / 2
        for rank, k in enumerate(members):
            height[k] = top - rank
    return {k: (float(col[k]), height[k]) for k in height}


def figure_size(g: Graph) -> tuple[float, float]:
    """Inches for the graph: a column per depth, a row per node of the fullest column."""
    col = columns(g)
    widest = max(col.count(c) for c in set(col) if c >= 0)
    width = max(6.0, _COLUMN_WIDTH * (max(col) + 1) + 0.6)
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
    pos = positions(g)
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
    incoming: dict[int, int] = {}
    for e in g.edges:
        x1, y1 = pos[e.target]
        if e.source not in pos:  # a constant: a small box below-left of its user
            nth = incoming.get(-e.target - 1, 0)
            incoming[-e.target - 1] = nth + 1
            x0, y0 = x1 - 0.42 - 0.16 * nth, y1 - 0.36
            source = ax.text(x0, y0, _box_text(g, e.source, mode), ha="center", va="center",
                             fontsize=8, zorder=3, bbox={"boxstyle": "round,pad=0.25",
                                                        "facecolor": _CONSTANT,
                                                        "edgecolor": "#909090"})
        else:
            (x0, y0), source = pos[e.source], texts[e.source]
        constant = e.rule is None
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops={"arrowstyle": "-|>", "color": "#a0a0a0" if constant else "#505050",
                                "linestyle": "--" if constant else "-", "linewidth": 1.0,
                                "shrinkA": 0, "shrinkB": 0, "patchA": source.get_bbox_patch(),
                                "patchB": texts[e.target].get_bbox_patch()})
        if constant:
            continue
        # in the gap just before the target's column, the k-th label into a node a step
        # further back: labels of edges arriving from the same side stay apart
        nth = incoming.get(e.target, 0)
        incoming[e.target] = nth + 1
        t = 1 - (0.33 + 0.17 * (nth % 3)) / max(x1 - x0, 1.0)
        ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), _num(e.local), fontsize=8.5,
                ha="center", va="center", color="#7a2e00", zorder=2, style="italic",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.9})
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.6)
    ax.set_axis_off()
    at = ", ".join(f"{a:g}" for a in g.at)
    how = ("reverse mode: boxes show each value and adjoint ∂f/∂node" if mode == "reverse"
           else "forward mode: boxes show each value and tangent ∂node/∂input")
    ax.set_title(f"{g.function} at ({at})\n{how}; arrows carry the local derivatives",
                 fontsize=9)
    notes = [f"{g.undefined}: f and its gradient are undefined there"] if g.undefined else []
    return Drawn(notes=notes, value=g.value)
