"""Tidy a derivative cheaply, and check it against SymPy's own, with bounded work.

Neither function can hang on user input: ``simplify`` runs only on small expressions
(below ``SIMPLIFY_OPS`` operations), larger ones get linear-time rewrites, and the
numeric check evaluates at a fixed number of random points.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> tidy(2 * x * sp.cos(x) ** 2 + 2 * x * sp.sin(x) ** 2)
2*x
>>> verify(sp.sin(x) ** 2, x, sp.sin(2 * x))
(True, 'symbolic')
>>> verify(sp.Abs(x), x, sp.S.One)[0]
False
"""

from __future__ import annotations

import random

import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

__all__ = ["SIMPLIFY_OPS", "tidy", "verify"]

# simplify() takes milliseconds to seconds below these sizes and is unbounded above them.
SIMPLIFY_OPS = 30  # for tidying the shown result
_PROOF_OPS = 20  # for proving result - diff == 0; the numeric check is cheaper and as sure
_TIDY_OPS = 400  # above this, show the result as the rules built it
_POINTS = 4  # agreeing points needed for a numeric "verified"
_TRIES = 40
_TOL = 1e-12  # relative; both sides are evaluated to 30 digits
# Each coordinate comes from one of these ranges, so that functions defined only on
# (-1, 1), (1, ∞) or (0, ∞) (asin, acosh, log) still get points in their domain.
_SLOW_TO_SIMPLIFY = (
    HyperbolicFunction,
    sp.Abs,
    sp.sign,
    sp.Heaviside,
    sp.DiracDelta,
    sp.Piecewise,
    sp.Derivative,
)
_RANGES = ((-3.0, 3.0), (0.05, 0.95), (1.05, 3.0), (-0.95, -0.05))


def tidy(expr: sp.Expr) -> sp.Expr:
    """The shortest of a few cheap equivalent forms (``simplify`` only when small)."""
    ops = sp.count_ops(expr)
    if ops > _TIDY_OPS:
        return expr
    forms = [expr, sp.factor_terms(expr)]
    if ops <= SIMPLIFY_OPS:
        forms.append(_simplified(expr))
    forms = [f for f in forms if f is not None]
    if not expr.has(sp.Piecewise):  # a Piecewise answer would read worse than the rules' one
        forms = [f for f in forms if not f.has(sp.Piecewise)]
    return min(forms, key=lambda f: (sp.count_ops(f), len(sp.sstr(f))))


def verify(expr: sp.Expr, var: sp.Symbol, result: sp.Expr, seed: int = 0) -> tuple[bool, str]:
    """Is ``result`` the derivative of ``expr``? Returns (verdict, how it was decided).

    Symbolic when ``simplify`` proves the difference 0; otherwise numeric at random points
    where ``expr``, both derivatives and every part of them are real and finite.
    """
    reference = sp.diff(expr, var)
    difference = result - reference
    if difference == 0 or sp.cancel(sp.together(difference)) == 0:
        return True, "symbolic"
    if sp.count_ops(difference) <= _PROOF_OPS and _simplified(difference) == 0:
        return True, "symbolic"
    rng = random.Random(seed)
    symbols = sorted(expr.free_symbols | {var}, key=str)
    agreed = 0
    for _ in range(_TRIES):
        point = {s: sp.Float(rng.uniform(*rng.choice(_RANGES)), 30) for s in symbols}
        want = _real_value(reference, point)
        if want is None or _real_value(expr, point) is None:
            continue  # outside the function's real domain: no verdict here
        got = _real_value(result, point)
        if got is None or abs(got - want) > _TOL * max(1, abs(want)):
            where = ", ".join(f"{s} = {float(v):.6g}" for s, v in point.items())
            return False, f"numeric: differs at {where}"
        agreed += 1
        if agreed == _POINTS:
            return True, "numeric"
    return False, f"inconclusive: only {agreed} points in the real domain"


def _simplified(expr: sp.Expr) -> sp.Expr | None:
    # simplify() is a nicety here. Even on tiny inputs it can take seconds with hyperbolic
    # functions (trigsimp on sech(y)^2 - 1 + tanh(y)^2) or with the non-smooth ones (it goes
    # through piecewise_simplify), so those are left to the numeric check; and SymPy has
    # inputs on which it raises (e.g. "Invalid NaN comparison" in piecewise_simplify).
    if expr.has(*_SLOW_TO_SIMPLIFY):
        return None
    try:
        return sp.simplify(expr)
    except Exception:
        return None


class _OffDomainError(Exception):
    """Some sub-expression is not a finite real number at this point."""


def _real_value(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> sp.Float | None:
    # Evaluated node by node, so a point where any part leaves the reals is skipped: there
    # abs(acos(x)) is real while acos(x) is not, and real-variable rules do not apply.
    cache: dict[sp.Basic, sp.Expr] = {}

    def value(node: sp.Basic) -> sp.Expr:
        if node not in cache:
            if node in point:
                v = point[node]
            elif not node.args:
                v = node.evalf(30)
            else:
                v = node.func(*(value(a) for a in node.args)).evalf(30)
            if not (v.is_number and v.is_extended_real and v.is_finite):
                raise _OffDomainError
            cache[node] = v
        return cache[node]

    try:
        return sp.Float(value(expr), 30)  # a Float, not a float: values may exceed 1e308
    except (_OffDomainError, AttributeError, TypeError, ValueError, ArithmeticError):
        return None
