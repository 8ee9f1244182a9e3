"""Non-smooth points: where abs, sign, relu, max, min or a step meet 0, is f differentiable?

At a point where the argument u of such a head is exactly 0 (the point's coordinates are the
exact decimals typed), f is cut into two smooth pieces along the variable: on each side the
head is replaced by what it is there (|u| by u or -u, sign(u) by ±1, relu(u) by u or 0,
max(a, b) by a or b...), the side being told by the sign of u's first nonzero derivative
along the line. A one-sided derivative is the derivative of that side's piece — when the
piece meets f's value at the point; a jump (sign at 0) has none. f is differentiable when
both exist and agree: ``x*abs(x)`` is, ``abs(x)`` is not. Work is a few exact derivatives.

>>> from gradscape import Function
>>> s = Function("abs(x)").differentiable_at(0)
>>> bool(s), s.left, s.right
(False, -1.0, 1.0)
>>> print(s)  # doctest: +NORMALIZE_WHITESPACE
not differentiable at x = 0 (abs(x) has a kink there); one-sided derivatives: -1 from the
left, 1 from the right
>>> bool(Function("x*abs(x)").differentiable_at(0)), Function("x*abs(x)").differentiable_at(0).left
(True, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from gradscape.formula.special import relu

__all__ = ["Smoothness", "one_sided"]

_HEADS = (sp.Abs, sp.sign, relu, sp.Max, sp.Min, sp.Heaviside, sp.DiracDelta)
_MAX_ORDER = 4  # derivatives of u along the line tried before calling it 0 there


@dataclass(frozen=True)
class Smoothness:
    """Whether f (or a derivative of it) is differentiable at a point along one variable.

    ``left`` and ``right`` are the one-sided derivatives (None where one does not exist: a
    jump, or an infinite slope); ``kinks`` lists the non-smooth parts that meet 0 there.
    ``bool(s)`` is ``s.differentiable``.
    """

    differentiable: bool
    wrt: str
    point: tuple[float, ...]
    where: str  # "x = 0" or "(x, y) = (0, 1)"
    left: float | None
    right: float | None
    kinks: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.differentiable

    @property
    def at_kink(self) -> bool:
        """True where a non-smooth part meets 0 and makes f not differentiable (False where
        f is merely undefined, like log(x) at 0: that is a domain matter)."""
        return not self.differentiable and bool(self.kinks)

    @property
    def value(self) -> float | None:
        """The derivative when it exists (both sides agree), else None."""
        return self.left if self.differentiable else None

    def __str__(self) -> str:
        if self.differentiable:
            return f"differentiable at {self.where}"
        why = f" ({' and '.join(self.kinks)} there)"
        sides = [f"{_num(v)} from the {side}" for v, side in ((self.left, "left"),
                                                              (self.right, "right"))]
        if self.left is None and self.right is None:
            tail = "; no one-sided derivative either (a jump, or an infinite slope)"
        elif self.left is None or self.right is None:
            tail = "; one-sided derivative: " + (sides[1] if self.left is None else sides[0])
            tail += ", none from the " + ("left" if self.left is None else "right")
        else:
            tail = f"; one-sided derivatives: {sides[0]}, {sides[1]}"
        return f"not differentiable at {self.where}{why}{tail}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: differentiable, wrt, the one-sided derivatives and the kinks."""
        return {"differentiable": self.differentiable, "wrt": self.wrt,
                "left": self.left, "right": self.right, "kinks": list(self.kinks)}


def _num(v: float | None) -> str:
    if v is None:
        return "none"
    return str(int(v)) if v == int(v) else repr(v)


def one_sided(expr: sp.Expr, symbols: Sequence[sp.Symbol], point: Sequence[sp.Expr],
              var: sp.Symbol, shown: Sequence[float]) -> Smoothness:
    """The one-sided derivatives of ``expr`` along ``var`` at the exact ``point``."""
    at = dict(zip(symbols, point))
    names = [s.name for s in symbols]
    where = (f"{names[0]} = {_num(shown[0])}" if len(names) == 1 else
             f"({', '.join(names)}) = ({', '.join(_num(p) for p in shown)}) along {var.name}")
    kinks: dict[str, None] = {}
    pieces = {s: _side(expr, at, var, s, kinks) for s in (-1, 1)}
    if not kinks:
        slope = _finite(sp.diff(expr, var).xreplace(at))
        return Smoothness(slope is not None, var.name, tuple(shown), where, slope, slope)
    here = _finite(expr.xreplace(at))
    slopes: dict[int, float | None] = {}
    for s, piece in pieces.items():
        meets = here is not None and _finite(piece.xreplace(at)) == here
        slopes[s] = _finite(sp.diff(piece, var).xreplace(at)) if meets else None
    left, right = slopes[-1], slopes[1]
    same = left is not None and right is not None and math.isclose(left, right, rel_tol=1e-12,
                                                                    abs_tol=1e-300)
    return Smoothness(same, var.name, tuple(shown), where, left, right,
                      () if same else tuple(kinks))


def _finite(value: sp.Expr) -> float | None:
    try:
        v = complex(sp.N(value, 30))
    except (TypeError, ValueError, ArithmeticError):
        return None
    if v.imag or not math.isfinite(v.real):
        return None
    return v.real + 0.0  # -0.0 reads as 0


def _side(expr: sp.Expr, at: dict[sp.Symbol, sp.Expr], var: sp.Symbol, s: int,
          kinks: dict[str, None]) -> sp.Expr:
    """``expr`` with every non-smooth head whose argument is 0 at the point replaced by the
    smooth piece it equals on side ``s`` (±1) of the point along ``var``, innermost first."""
    memo: dict[sp.Basic, sp.Expr] = {}

    def rebuild(node: sp.Basic) -> sp.Expr:
        if node in memo:
            return memo[node]
        if node.is_Atom or not node.free_symbols:
            out = node
        else:
            args = [rebuild(a) for a in node.args]
            out = _piece(node, args, at, var, s, kinks) if isinstance(node, _HEADS) else None
            if out is None:
                out = node.func(*args)
        memo[node] = out
        return out

    return rebuild(expr)


def _piece(node: sp.Basic, args: list[sp.Expr], at: dict[sp.Symbol, sp.Expr], var: sp.Symbol,
           s: int, kinks: dict[str, None]) -> sp.Expr | None:
    u = args[0] - args[1] if isinstance(node, (sp.Max, sp.Min)) else args[0]
    if len(args) > 2 or _finite(u.xreplace(at)) != 0.0:
        return None
    sign = _sign_along(u, at, var, s)
    kinks[_label(node)] = None
    if sign == 0:  # u is 0 all along this line: the head is constant here
        return node.func(*(a.xreplace(at) for a in args))
    if isinstance(node, sp.Abs):
        return sign * u
    if isinstance(node, sp.sign):
        return sp.Integer(sign)
    if isinstance(node, relu):
        return u if sign > 0 else sp.S.Zero
    if isinstance(node, sp.Heaviside):
        return sp.Integer(sign > 0)
    if isinstance(node, sp.DiracDelta):
        return sp.S.Zero
    first, second = args
    bigger = first if sign > 0 else second
    return bigger if isinstance(node, sp.Max) else (second if bigger is first else first)


def _sign_along(u: sp.Expr, at: dict[sp.Symbol, sp.Expr], var: sp.Symbol, s: int) -> int:
    # u(a + s·h·e_var) for small h > 0 has the sign of its first nonzero derivative in h.
    d = u
    for k in range(1, _MAX_ORDER + 1):
        d = sp.diff(d, var)
        value = _finite(d.xreplace(at))
        if value is None:
            return 0
        if value != 0:
            return int(math.copysign(1, value) * (s**k))
    return 0


def _label(node: sp.Basic) -> str:
    from gradscape.calculus.display import text

    if isinstance(node, (sp.sign, sp.Heaviside)):
        return f"{text(node)} jumps"
    if isinstance(node, sp.DiracDelta):
        return f"{text(node)} is undefined"
    return f"{text(node)} has a kink"
