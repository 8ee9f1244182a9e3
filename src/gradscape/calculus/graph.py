"""The computation graph of a formula at a point: how reverse mode (backpropagation) and
forward mode get the gradient, node by node.

Each distinct subexpression of f is one node (a shared one is computed once, as the gradient
kernels of :mod:`gradscape.compile.adjoint` compute it); the variables and constants are the
leaves. The forward pass gives every node its value; each edge carries its local derivative
∂parent/∂child, the same rule the gradient kernels use (:func:`~gradscape.compile.adjoint.
partials`); the backward pass gives every node its adjoint ∂f/∂node, summed over the edges
leaving it, starting from ∂f/∂f = 1. The adjoints of the leaves are the gradient. Forward
mode instead carries one tangent ∂node/∂x_i per input along with the values.

Values and local derivatives are computed by a kernel like f's own, so the numbers are the
ones ``f(...)`` and ``f.grad(...)`` give; where a node is undefined (log of a negative
number, a division by 0), f and its gradient are too, and the graph says so.

>>> g = graph("x*y + sin(x)", (1.0, 2.0))
>>> [(n.id, n.op, n.label) for n in g.nodes]
[('v0', 'input', 'x'), ('v1', 'input', 'y'), ('v2', '×', 'x*y'), ('v3', 'sin', 'sin(x)'), \
('v4', '+', 'x*y + sin(x)')]
>>> [round(n.grad, 4) for n in g.nodes]
[2.5403, 1.0, 1.0, 1.0, 1.0]
>>> g.edges[0]
Edge(source=0, target=2, local=2.0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from gradscape.calculus import display
from gradscape.errors import DomainError

__all__ = ["Graph", "GraphNode", "Edge", "graph", "MAX_NODES", "Mode"]

MAX_NODES = 60  # past this a drawing is unreadable and a table too long to follow
Mode = Literal["reverse", "forward"]  # backpropagation, or one tangent per input

_OPS = {sp.Add: "+", sp.Mul: "×", sp.Pow: "^"}


@dataclass(frozen=True)
class GraphNode:
    """One node: ``kind`` is input, constant or operation; ``op`` the operation (+, ×, ^, sin,
    …; "input" and "constant" for leaves); ``label`` the variable's name or the
    subexpression; ``value`` its value, ``grad`` its adjoint ∂f/∂node and ``tangent`` its
    ∂node/∂x_i per input (None where undefined; constants have no adjoint)."""

    id: str
    kind: Literal["input", "constant", "operation"]
    op: str
    label: str
    expr: sp.Expr
    children: tuple[int, ...]
    value: float | None
    grad: float | None
    tangent: tuple[float | None, ...]
    rule: sp.Expr  # the node in terms of its children's ids (v3 = sin(v0)); a leaf: itself


@dataclass(frozen=True)
class Edge:
    """From child ``source`` into ``target`` (node indices), with the local derivative
    ∂target/∂source there (None out of a constant, or where undefined)."""

    source: int
    target: int
    local: float | None
    rule: sp.Expr | None = None  # the local derivative in the nodes' ids (∂v3/∂v0 = cos(v0))

    def __repr__(self) -> str:
        return f"Edge(source={self.source}, target={self.target}, local={self.local})"


@dataclass(frozen=True)
class Graph:
    """The graph of ``function`` at ``at``: nodes in evaluation order (children before
    parents, the last one f), edges, f's value and gradient (the inputs' adjoints)."""

    function: str
    variables: tuple[str, ...]
    at: tuple[float, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[Edge, ...]
    value: float | None
    gradient: tuple[float | None, ...]
    undefined: str | None = None  # the first undefined node, in words

    @property
    def root(self) -> int:
        """The index of f's own node (the last)."""
        return len(self.nodes) - 1

    def to_json(self, mode: Mode = "reverse") -> dict[str, Any]:
        """The graph as JSON-ready data: ``nodes`` with id, op, label, value and the adjoint
        ``grad`` (reverse mode) or the ``tangent`` per input (forward mode), and ``edges``.

        >>> graph("x^2", (3.0,)).to_json()["nodes"][-1]
        {'id': 'v2', 'op': '^', 'label': 'x^2', 'value': 9.0, 'grad': 1.0}
        """
        nodes = []
        for n in self.nodes:
            row: dict[str, Any] = {"id": n.id, "op": n.op, "label": n.label, "value": n.value}
            if mode == "forward":
                row["tangent"] = dict(zip(self.variables, n.tangent))
            else:
                row["grad"] = n.grad
            nodes.append(row)
        edges = [{"from": self.nodes[e.source].id, "to": self.nodes[e.target].id,
                  "local": e.local} for e in self.edges]
        out: dict[str, Any] = {"function": self.function, "variables": list(self.variables),
                               "at": list(self.at), "mode": mode, "value": self.value,
                               "gradient": list(self.gradient), "nodes": nodes,
                               "edges": edges}
        if self.undefined:
            out["undefined"] = self.undefined
        return out

    def to_text(self, mode: Mode = "reverse", steps: bool = False) -> str:
        """The forward pass and the backward pass (or the tangents) as a teacher writes them,
        line by line; ``steps`` adds each local derivative's rule."""
        from gradscape.calculus.graphtext import graph_text

        return graph_text(self, mode, steps)


def graph(f: Any, at: Sequence[float], variables: Sequence[str] | None = None) -> Graph:
    """The computation graph of ``f`` (a Function or formula text) at the point ``at``.

    >>> g = graph("exp(-x^2)", (0.0,))
    >>> g.value, g.gradient
    (1.0, (0.0,))
    >>> graph("log(x)", (-1.0,)).undefined
    'v1 = log(x) is undefined at x = -1'
    """
    from gradscape.calculus.function import Function

    f = f if isinstance(f, Function) else Function(f, variables)
    if not f.is_symbolic or hasattr(f, "reduction"):
        raise DomainError("the computation graph is drawn for a formula; a Python function or "
                          "a loss over data has no formula to draw")
    symbols = list(f.symbols)
    at = tuple(float(a) for a in at)
    if len(at) != len(symbols):
        raise DomainError(f"the point needs {len(symbols)} number(s), one per variable "
                          f"({', '.join(f.variables)}); got {len(at)}")
    exprs, children = _nodes(f.expr, symbols)
    prefix = _prefix(f.variables)
    ids = [f"{prefix}{k}" for k in range(len(exprs))]
    names = [sp.Symbol(i, real=True) for i in ids]
    index = {e: k for k, e in enumerate(exprs)}
    constant = [not (e.free_symbols & set(symbols)) for e in exprs]
    edges: list[tuple[int, int, sp.Expr | None, sp.Expr | None]] = []
    rules: list[sp.Expr] = []
    from gradscape.compile.adjoint import partials

    for k, e in enumerate(exprs):
        kids = children[k]
        if not kids:
            rules.append(e)
            continue
        if len(kids) == 1 and exprs[kids[0]] == e:  # f is one of its inputs: f = x
            rules.append(names[kids[0]])
            edges.append((kids[0], k, sp.S.One, sp.S.One))
            continue
        shown = [exprs[c] if constant[c] else names[c] for c in kids]
        rules.append(e.func(*shown, evaluate=False))
        live = [not constant[c] for c in kids]
        local = partials(e, [exprs[c] for c in kids], e, live)
        rule = partials(e, shown, names[k], live)
        edges += [(c, k, lo, ru) for c, lo, ru in zip(kids, local, rule)]
    values = _values([*exprs, *(lo for _, _, lo, _ in edges if lo is not None)], symbols, at)
    node_values, local_values = values[:len(exprs)], iter(values[len(exprs):])
    locals_ = [next(local_values) if lo is not None else None for _, _, lo, _ in edges]
    bad = next((k for k, v in enumerate(node_values) if not math.isfinite(v)), None)
    undefined = None
    if bad is not None:
        point = ", ".join(f"{n} = {a:g}" for n, a in zip(f.variables, at))
        undefined = f"{ids[bad]} = {display.text(exprs[bad])} is undefined at {point}"
    grads = _backward(len(exprs), edges, locals_, constant, bad is None)
    tangents = _forward(exprs, symbols, edges, locals_, constant, bad is None)
    nodes = tuple(
        GraphNode(ids[k], _kind(e, constant[k], children[k]), _op(e, constant[k], children[k]),
                  display.text(e), e,
                  tuple(children[k]), _finite(node_values[k]), grads[k], tangents[k],
                  rules[k]) for k, e in enumerate(exprs))
    out_edges = tuple(Edge(s, t, _finite(v) if v is not None else None, ru)
                      for (s, t, _, ru), v in zip(edges, locals_))
    gradient = tuple(grads[index[s]] if s in index else 0.0 for s in symbols)
    return Graph(str(f), tuple(f.variables), at, nodes, out_edges,
                 _finite(node_values[-1]) if bad is None else None, gradient, undefined)


def _nodes(root: sp.Expr, symbols: list[sp.Symbol]) -> tuple[list[sp.Expr], list[list[int]]]:
    """Distinct subexpressions, inputs first then children before parents (explicit stack:
    no recursion limit), each with its children's indices; a part with no variable is one
    constant leaf."""
    variables = set(symbols)
    exprs: list[sp.Expr] = list(symbols)
    index: dict[sp.Expr, int] = {s: k for k, s in enumerate(symbols)}
    children: list[list[int]] = [[] for _ in symbols]

    def leaf(e: sp.Basic) -> bool:
        return bool(e.is_Atom) or not (e.free_symbols & variables)

    stack: list[tuple[sp.Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if node in index:
            continue
        if expanded or leaf(node):
            if len(exprs) >= MAX_NODES:
                raise DomainError(f"the computation graph of this formula has more than "
                                  f"{MAX_NODES} nodes, too many to draw or follow; graph a "
                                  "part of it")
            index[node] = len(exprs)
            exprs.append(node)
            children.append([] if leaf(node) else [index[c] for c in node.args])
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(node.args) if c not in index)
    if index[root] != len(exprs) - 1:  # f is an input listed first: f's node is f = x
        exprs.append(root)
        children.append([index[root]])
    return exprs, children


def _values(exprs: list[sp.Expr], symbols: list[sp.Symbol], at: tuple[float, ...]
            ) -> list[float]:
    """Every expression at the point, by one NumPy kernel (NaN where undefined)."""
    import numpy as np

    from gradscape.compile import build_kernel

    if not symbols:  # a constant formula: a kernel needs an input
        x = sp.Dummy(real=True)
        return [float(v) for v in build_kernel(exprs, [x])(np.zeros(1), backend="numpy")[:, 0]]
    return [float(v) for v in build_kernel(exprs, symbols)(*at, backend="numpy")]


def _backward(n: int, edges: list[tuple[int, int, Any, Any]], locals_: list[float | None],
              constant: list[bool], defined: bool) -> list[float | None]:
    """Adjoints from f down: ∂f/∂child = Σ over its edges of ∂f/∂parent · ∂parent/∂child."""
    if not defined:
        return [None] * n
    adj = [0.0] * n
    adj[n - 1] = 1.0
    for (s, t, _, _), local in sorted(zip(edges, locals_), key=lambda p: -p[0][1]):
        if local is not None:
            adj[s] += adj[t] * local
    return [None if constant[k] else _finite(adj[k]) for k in range(n)]


def _forward(exprs: list[sp.Expr], symbols: list[sp.Symbol],
             edges: list[tuple[int, int, Any, Any]], locals_: list[float | None],
             constant: list[bool], defined: bool) -> list[tuple[float | None, ...]]:
    """Tangents from the inputs up: ∂node/∂x_i = Σ over its children of local · ∂child/∂x_i."""
    m = len(symbols)
    if not defined:
        return [(None,) * m for _ in exprs]
    tan = [[1.0 if i == k else 0.0 for i in range(m)] if k < m else [0.0] * m
           for k in range(len(exprs))]
    for (s, t, _, _), local in sorted(zip(edges, locals_), key=lambda p: p[0][1]):
        if local is not None:
            tan[t] = [a + local * b for a, b in zip(tan[t], tan[s])]
    return [tuple(_finite(v) for v in row) for row in tan]


def _kind(e: sp.Expr, constant: bool, kids: list[int]
          ) -> Literal["input", "constant", "operation"]:
    return "operation" if kids else "constant" if constant else "input"


def _op(e: sp.Expr, constant: bool, kids: list[int]) -> str:
    if not kids:
        return "constant" if constant else "input"
    if e.is_Atom:  # f = x: f's node passes its input on
        return "="
    from gradscape.formula.registry import BY_HEAD

    row = BY_HEAD.get(type(e))
    return _OPS.get(type(e)) or (row.name if row is not None else type(e).__name__.lower())


def _prefix(variables: Sequence[str]) -> str:
    """The letter of node ids, one no variable uses with digits (v unless v1 is a variable)."""
    for p in ("v", "u", "w", "t", "n", "q"):
        if not any(re.fullmatch(rf"{p}\d+", v) for v in variables):
            return p
    return "node"


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None
