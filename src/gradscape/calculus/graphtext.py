"""A computation graph as a teacher writes it on the board: the forward pass line by line,
then the backward pass (each adjoint v̄ = ∂f/∂v as the sum over the edges leaving v of the
parent's adjoint times the local derivative), or forward mode's tangents.

>>> from gradscape.calculus.graph import graph
>>> print(graph_text(graph("x*y + sin(x)", (1.0, 2.0)), "reverse"))
forward pass: each node from its inputs
  v0 = x        = 1
  v1 = y        = 2
  v2 = v0*v1    = 2
  v3 = sin(v0)  = 0.841471
  v4 = v2 + v3  = 2.84147   (f)
backward pass: each adjoint v̄ = ∂f/∂v, from f down
  v̄4 = 1   (∂f/∂f)
  v̄3 = v̄4·∂v4/∂v3 = 1·1 = 1
  v̄2 = v̄4·∂v4/∂v2 = 1·1 = 1
  v̄1 = v̄2·∂v2/∂v1 = 1·1 = 1
  v̄0 = v̄2·∂v2/∂v0 + v̄3·∂v3/∂v0 = 1·2 + 1·0.540302 = 2.5403
∇f(1, 2) = (v̄0, v̄1) = (2.5403, 1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradscape.calculus import display

if TYPE_CHECKING:
    from gradscape.calculus.graph import Edge, Graph, Mode

__all__ = ["graph_text", "num"]

_BAR = "\u0304"  # combining macron: v̄ (one column wide on screen, two characters)


def num(v: float | None) -> str:
    """A value as the tables show it: six significant digits, or "undefined".

    >>> num(2.0), num(0.5403023058681398), num(None)
    ('2', '0.540302', 'undefined')
    """
    return "undefined" if v is None else f"{v:.6g}"


def graph_text(g: Graph, mode: Mode = "reverse", steps: bool = False) -> str:
    """The passes of ``g`` line by line; ``steps`` adds each local derivative's rule."""
    lines = _forward_values(g) if mode == "reverse" else _tangents(g, steps)
    if mode == "reverse":
        lines += _backward(g, steps)
    if g.undefined:
        lines.append(f"note: {g.undefined}, so f and its gradient are undefined there")
    return "\n".join(lines)


def _forward_values(g: Graph) -> list[str]:
    rows = [(f"{n.id} = {_rule(n.rule)}", num(n.value)) for n in g.nodes]
    width = max(len(a) for a, _ in rows) + 2
    lines = ["forward pass: each node from its inputs"]
    lines += [f"  {a.ljust(width)}= {b}" for a, b in rows]
    lines[-1] += "   (f)"
    return lines


def _backward(g: Graph, steps: bool) -> list[str]:
    root = g.root
    lines = ["backward pass: each adjoint v̄ = ∂f/∂v, from f down".replace("v̄", "v" + _BAR),
             f"  {_bar(g.nodes[root].id)} = 1   (∂f/∂f)"]
    out: dict[int, list[Edge]] = {}
    for e in g.edges:
        if e.rule is not None:
            out.setdefault(e.source, []).append(e)
    for k in range(root - 1, -1, -1):
        node = g.nodes[k]
        if node.kind == "constant":
            continue
        edges = sorted(out.get(k, []), key=lambda e: e.target)
        name = _bar(node.id)
        if not edges:
            lines.append(f"  {name} = 0   (f does not use {node.label})")
            continue
        ids = [g.nodes[e.target].id for e in edges]
        symbolic = " + ".join(f"{_bar(t)}·∂{t}/∂{node.id}" for t in ids)
        numbers = " + ".join(f"{_factor(g.nodes[e.target].grad)}·{_factor(e.local)}"
                             for e in edges)
        lines.append(f"  {name} = {symbolic} = {numbers} = {num(node.grad)}")
        if steps:
            lines += [f"      ∂{t}/∂{node.id} = {_local(e)}" for t, e in zip(ids, edges)]
    leaves = [_bar(n.id) for n in g.nodes[:len(g.variables)]]
    lines.append(_gradient(g, leaves[0] if len(leaves) == 1 else f"({', '.join(leaves)})"))
    return lines


def _gradient(g: Graph, how: str) -> str:
    """∇f(1, 2) = (v̄0, v̄1) = (2.5403, 1), with ``how`` the middle; f′(2) = v̄0 = 12 for one
    variable."""
    at = ", ".join(f"{a:g}" for a in g.at)
    values = [num(v) for v in g.gradient]
    if not g.variables:
        return "f has no variables: its gradient is empty"
    if len(g.variables) == 1:
        return f"f′({at}) = {how} = {values[0]}"
    return f"∇f({at}) = {how} = ({', '.join(values)})"


def _tangents(g: Graph, steps: bool) -> list[str]:
    wrt = ", ".join(f"∂v/∂{v}" for v in g.variables)
    lines = [f"forward mode: values with one tangent per input, {_dot('v')} = ({wrt})"]
    into: dict[int, list[Edge]] = {}
    for e in g.edges:
        if e.rule is not None:
            into.setdefault(e.target, []).append(e)
    rows = []
    for k, n in enumerate(g.nodes):
        tangent = "(" + ", ".join(num(t) for t in n.tangent) + ")"
        edges = into.get(k, [])
        how = " + ".join(f"{_factor(e.local)}·{_dot(g.nodes[e.source].id)}" for e in edges)
        rows.append((f"{n.id} = {_rule(n.rule)}", num(n.value),
                     f"{_dot(n.id)} = " + (f"{how} = " if how else "") + tangent))
        if steps:
            rows += [("", "", f"    ∂{n.id}/∂{g.nodes[e.source].id} = {_local(e)}")
                     for e in edges]
    width = max(len(a) for a, _, _ in rows) + 2
    value_width = max(len(b) for _, b, _ in rows) + 3
    for a, b, c in rows:
        lines.append(f"  {a.ljust(width)}= {b.ljust(value_width)}{c}" if a else
                     f"  {' ' * (width + 2 + value_width)}{c}")
    lines.append(_gradient(g, _dot(g.nodes[g.root].id)))
    return lines


def _bar(name: str) -> str:
    """v3 → v̄3: the macron on the letter, the digits after it."""
    return name[0] + _BAR + name[1:]


def _dot(name: str) -> str:
    """v3 → v̇3: forward mode's tangent of v3."""
    return name[0] + "\u0307" + name[1:]


def _factor(v: float | None) -> str:
    """A number as a factor: a negative one in brackets (1·(-0.42), not 1·-0.42)."""
    return f"({num(v)})" if v is not None and v < 0 else num(v)


def _local(e: Edge) -> str:
    """∂parent/∂child's rule and value (just the value when the rule is a number)."""
    rule = _rule(e.rule)
    return num(e.local) if rule == num(e.local) else f"{rule} = {num(e.local)}"


def _rule(expr: Any) -> str:
    return display.text(expr)
