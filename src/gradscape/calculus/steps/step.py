"""One recorded step of a derivation, and the sentence parts its explanation is made of.

A sentence is a tuple of parts: prose (``str``), an expression (``sympy.Expr``) or a piece
of notation (``Math``). Keeping them apart lets each renderer typeset the maths its own way
(plain text, LaTeX, HTML) from the one sentence the engine wrote.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> plain(3 * x**2 * sp.Abs(x))
'3·x^2·abs(x)'
>>> say_plain(("the slope of ", x**2, " is ", 2 * x))
'the slope of x^2 is 2·x'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import sympy as sp

from gradscape.calculus.display import FormulaPrinter

__all__ = [
    "Math",
    "Part",
    "Step",
    "d_latex",
    "d_plain",
    "equals",
    "frac_d",
    "latex",
    "operand",
    "part_latex",
    "part_plain",
    "plain",
    "say_latex",
    "say_plain",
]


@dataclass(frozen=True)
class Math:
    """Notation that is not one SymPy expression, e.g. ``d/dx`` or ``u ≠ 0``."""

    plain: str
    latex: str


Part: TypeAlias = str | sp.Basic | Math
"""One part of a sentence: prose, an expression, or notation."""


def plain(expr: sp.Basic) -> str:
    """Compact terminal form: ``^`` for powers and ``·`` for products."""
    return FormulaPrinter().doprint(expr).replace("**", "^").replace("*", "·")


def latex(expr: sp.Basic) -> str:
    """LaTeX form (SymPy's printer)."""
    return sp.latex(expr)


def d_plain(var: sp.Symbol, partial: bool = False) -> str:
    """The operator ``d/dx`` or ``∂/∂x``."""
    d = "∂" if partial else "d"
    return f"{d}/{d}{plain(var)}"


def d_latex(var: sp.Symbol, partial: bool = False) -> str:
    """The operator as a LaTeX fraction."""
    if partial:
        return r"\frac{\partial}{\partial " + latex(var) + "}"
    return r"\frac{d}{d" + latex(var) + "}"


def say_plain(parts: tuple[Part, ...]) -> str:
    """A sentence as one line of plain text."""
    return "".join(
        p if isinstance(p, str) else p.plain if isinstance(p, Math) else plain(p) for p in parts
    )


_TEXT_ESCAPES = str.maketrans({c: "\\" + c for c in "#$%&_{}"})


def say_latex(parts: tuple[Part, ...]) -> str:
    """A sentence as LaTeX math: prose in ``\\text{}``, maths typeset."""
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(r"\text{" + p.translate(_TEXT_ESCAPES) + "}")
        else:
            out.append(p.latex if isinstance(p, Math) else latex(p))
    return " ".join(out)


def operand(expr: sp.Expr | Math) -> Part:
    """The expression after d/dx, bracketed where it would otherwise read ambiguously."""
    if isinstance(expr, Math) or not (
        expr.is_Add or expr.is_Mul or (expr.is_Pow and expr.exp.is_negative)
    ):
        return expr
    return Math(f"[{plain(expr)}]", r"\left(" + latex(expr) + r"\right)")


def part_plain(part: Part) -> str:
    """One sentence part as plain text."""
    return say_plain((part,))


def part_latex(part: Part) -> str:
    """One sentence part (not prose) as LaTeX."""
    return part.latex if isinstance(part, Math) else latex(part)


def equals(name: str | sp.Expr, value: sp.Expr) -> Math:
    """``name = value`` as notation."""
    left = Math(name, name) if isinstance(name, str) else Math(plain(name), latex(name))
    return Math(f"{left.plain} = {plain(value)}", f"{left.latex} = {latex(value)}")


def frac_d(u: sp.Symbol, var: sp.Symbol, partial: bool) -> str:
    """LaTeX du/dx (or ∂u/∂x)."""
    d = r"\partial " if partial else "d"
    return r"\frac{" + d + latex(u) + "}{" + d + latex(var) + "}"


@dataclass(frozen=True)
class Step:
    """One application of a rule: ``expr`` differentiated by ``var`` gives ``result``.

    ``substeps`` are the derivatives this step needs first (the terms of a sum, the
    factors of a product, the outer and inner functions of a chain); ``result`` is how
    their results are put back together.
    """

    rule: str  # one of rules.RULE_NAMES
    expr: sp.Expr
    result: sp.Expr
    explanation: str
    formula: str
    substeps: tuple[Step, ...] = ()
    substitution: str | None = None
    var: sp.Symbol = field(default_factory=lambda: sp.Symbol("x", real=True))
    partial: bool = False  # written with ∂ and "held constant"
    formula_latex: str = ""
    substitution_latex: str | None = None
    sentence: tuple[Part, ...] = field(default=(), compare=False, repr=False)

    def equation(self) -> Math:
        """``d/dx [expr] = result`` in both notations."""
        left = operand(self.expr)
        return Math(
            f"{d_plain(self.var, self.partial)} {part_plain(left)} = {plain(self.result)}",
            f"{d_latex(self.var, self.partial)} {part_latex(left)} = {latex(self.result)}",
        )

    def walk(self) -> list[Step]:
        """This step and all below it, parents first (iterative: deep trees are safe)."""
        out, todo = [], [self]
        while todo:
            step = todo.pop()
            out.append(step)
            todo.extend(reversed(step.substeps))
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready tree; expressions as SymPy strings, LaTeX under ``"latex"``."""
        return {
            "rule": self.rule,
            "variable": str(self.var),
            "expression": sp.sstr(self.expr),
            "result": sp.sstr(self.result),
            "explanation": self.explanation,
            "formula": self.formula,
            "substitution": self.substitution,
            "latex": {
                "expression": latex(self.expr),
                "result": latex(self.result),
                "explanation": say_latex(self.sentence) if self.sentence else "",
                "formula": self.formula_latex,
                "substitution": self.substitution_latex,
            },
            "substeps": [s.to_dict() for s in self.substeps],
        }
