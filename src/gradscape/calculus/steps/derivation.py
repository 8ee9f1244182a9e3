"""``derive``: the public entry point, and ``Derivation``, the record it returns.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> d = derive(x**2 * y + sp.sin(x * y), x)
>>> d.held_constant, d.verified
(('y',), True)
>>> d.result
2*x*y + y*cos(x*y)
>>> print(d.to_text().splitlines()[0])
∂/∂x [x^2·y + sin(x·y)]   (y held constant)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradscape.calculus.steps.check import verify
from gradscape.calculus.steps.engine import derivation_tree
from gradscape.calculus.steps.step import Step, latex, plain
from gradscape.calculus.tidy import tidy
from gradscape.errors import DomainError, LimitError

__all__ = ["MAX_DEPTH", "MAX_NODES", "Derivation", "derive"]

MAX_DEPTH = 60  # nesting levels; the engine recurses a few frames per level
MAX_NODES = 2000  # tree nodes; the working grows with the expression, keep it readable


@dataclass(frozen=True)
class Derivation:
    """A derivative with its working: the tree of steps, the tidied result, the check.

    ``root`` holds the steps; ``root.result`` is the derivative as the rules built it and
    ``result`` its tidied form. ``verified`` says whether ``result`` equals SymPy's own
    derivative, and ``verification`` how that was decided ("symbolic", "numeric", ...).
    """

    expr: sp.Expr
    var: sp.Symbol
    variables: tuple[sp.Symbol, ...]
    root: Step
    result: sp.Expr
    verified: bool
    verification: str
    held_constant: tuple[str, ...]

    @property
    def partial(self) -> bool:
        """True when the function has other variables: then ∂ and "held constant"."""
        return len(self.variables) > 1

    @property
    def rules(self) -> set[str]:
        """Every rule named anywhere in the tree."""
        return {s.rule for s in self.root.walk()}

    def to_text(self) -> str:
        """Plain text for a terminal; nesting shown by indentation and outline numbers."""
        from gradscape.calculus.steps.render_text import render_text

        return render_text(self)

    def to_latex(self) -> str:
        """LaTeX (an ``array`` for display maths; needs amsmath's ``\\text``)."""
        from gradscape.calculus.steps.render_latex import render_latex

        return render_latex(self)

    def to_html(self, math: str = "latex") -> str:
        """Self-contained HTML; maths as ``\\( \\)`` LaTeX, or as plain text with math="text"."""
        from gradscape.calculus.steps.render_html import render_html

        return render_html(self, math=math)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the problem, the tidied result, the check and the tree of steps."""
        return {
            "expression": sp.sstr(self.expr),
            "variable": str(self.var),
            "variables": [str(v) for v in self.variables],
            "partial": self.partial,
            "held_constant": list(self.held_constant),
            "result": sp.sstr(self.result),
            "unsimplified": sp.sstr(self.root.result),
            "verified": self.verified,
            "verification": self.verification,
            "latex": {"expression": latex(self.expr), "result": latex(self.result)},
            "steps": self.root.to_dict(),
        }

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_latex_(self) -> str:
        return "$$" + self.to_latex() + "$$"


def derive(expr: sp.Expr, var: sp.Symbol, *, variables: Sequence[sp.Symbol] = ()) -> Derivation:
    """Differentiate ``expr`` by ``var`` by named rules, recording each step.

    ``variables`` are all the function's variables (default: the symbols of ``expr``),
    so a partial derivative can say which are held constant. The working is for real
    variables: where SymPy wrote ``re(u)`` (it turns abs(exp(u)) into exp(re(u)) when it
    cannot tell that u is real), the derivation uses u, its value on the real domain.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> d = derive(sp.exp(x) * sp.sin(x), x)
    >>> d.result, d.root.rule, d.verified
    ((sin(x) + cos(x))*exp(x), 'product', True)
    """
    if isinstance(expr, int | float) and not isinstance(expr, bool):
        expr = sp.Integer(expr) if isinstance(expr, int) else sp.Float(expr)
    if not isinstance(expr, sp.Expr):
        raise DomainError(
            f"derive() needs a SymPy expression, got {type(expr).__name__} — parse the formula "
            "first (gradscape.parse)"
        )
    if not isinstance(var, sp.Symbol):
        raise DomainError(f"derive() differentiates by a symbol, got {var!r} — pass a sympy.Symbol")
    variables = tuple(variables) or tuple(sorted(expr.free_symbols | {var}, key=str))
    if var not in variables:
        names = ", ".join(map(str, variables))
        raise DomainError(f"{var} is not one of the function's variables ({names}) — add it")
    _check_size(expr)
    _check_real(expr)
    expr = expr.replace(sp.re, lambda u: u).replace(sp.im, lambda u: sp.S.Zero)
    held = tuple(v for v in variables if v != var)
    root = derivation_tree(expr, var, held, partial=len(variables) > 1)
    result = tidy(root.result, simplify=True)  # the rules' form is longer than it need be
    ok, how = verify(expr, var, result)
    return Derivation(expr, var, variables, root, result, ok, how, tuple(str(v) for v in held))


def _check_size(expr: sp.Expr) -> None:
    # Iterative walk: the bound must hold before anything recursive touches the tree.
    nodes, todo = 0, [(expr, 1)]
    while todo:
        node, depth = todo.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            what = f"nested {depth} deep" if depth > MAX_DEPTH else f"over {MAX_NODES} nodes"
            raise LimitError(
                f"expression too large for step-by-step working ({what})",
                hint=f"keep it under {MAX_DEPTH} levels and {MAX_NODES} nodes, or differentiate "
                "it without --steps",
            )
        todo.extend((a, depth + 1) for a in node.args)


def _check_real(expr: sp.Expr) -> None:
    # The rules are for real functions (d/dx abs(u) = sign(u)·u' fails for complex u), and
    # SymPy's own diff spends tens of seconds on constants such as asin(asin(pi)).
    for node in sp.postorder_traversal(expr):  # innermost first: name the culprit itself
        if node is sp.I or (node.is_number and node.is_extended_real is False):
            raise DomainError(
                f"{plain(node)} is not a real number — step-by-step working is for "
                "real-valued functions; check the constants (asin and acos need -1 ≤ u ≤ 1, "
                "log needs u > 0)"
            )
