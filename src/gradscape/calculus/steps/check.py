"""Check a derivative against SymPy's own, with bounded work.

It cannot hang on user input: ``simplify`` runs only on small differences without the
functions that make it slow, the other algebra is polynomial, and the numeric check
evaluates at a fixed number of random points (see :mod:`gradscape.calculus.realvalues`).

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> verify(sp.sin(x) ** 2, x, sp.sin(2 * x))
(True, 'symbolic')
>>> verify(sp.Abs(x), x, sp.S.One)[0]
False
"""

from __future__ import annotations

import sympy as sp

from gradscape.calculus.realvalues import BIG, TOL, real_value, sample_points, usable
from gradscape.calculus.tidy import simplified

__all__ = ["verify"]

_PROOF_OPS = 20  # simplify(result - diff) only below this; the numeric check is as sure
_CANCEL_OPS = 200  # cancel(together(...)) is polynomial arithmetic: fine up to here
_POINTS = 4  # agreeing points needed for a numeric "verified"
_TRIES = 40


def verify(expr: sp.Expr, var: sp.Symbol, result: sp.Expr, seed: int = 0) -> tuple[bool, str]:
    """Is ``result`` the derivative of ``expr``? Returns (verdict, how it was decided).

    Symbolic when the difference cancels to 0; otherwise numeric at random points where
    ``expr``, both derivatives and every part of them are real and finite.
    """
    reference = sp.diff(expr, var)
    difference = result - reference
    ops = sp.count_ops(difference)
    if difference == 0 or (ops <= _CANCEL_OPS and sp.cancel(sp.together(difference)) == 0):
        return True, "symbolic"
    if ops <= _PROOF_OPS and simplified(difference) == 0:
        return True, "symbolic"
    agreed = 0
    for point in sample_points(expr.free_symbols | {var}, seed, _TRIES):
        want = real_value(reference, point)
        if not usable(want) or not usable(real_value(expr, point)):
            continue  # outside the function's real domain: no verdict here
        got = real_value(result, point)
        if got is BIG:
            continue
        if got is None or abs(got - want) > TOL * max(1, abs(want)):
            where = ", ".join(f"{s} = {float(v):.6g}" for s, v in point.items())
            return False, f"numeric: differs at {where}"
        agreed += 1
        if agreed == _POINTS:
            return True, "numeric"
    return False, f"inconclusive: only {agreed} points in the real domain"
