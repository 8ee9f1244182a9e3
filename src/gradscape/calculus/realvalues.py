"""Whether two expressions agree as real functions: values at random real points, node by node.

A rewrite of a derivative must keep every real value, and a derivative must match SymPy's:
both are judged here, with bounded work (a fixed number of points at 30 digits) and a fixed
seed, so the same input always gets the same verdict.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> same_real_values(sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))
True
>>> real_value(sp.acos(x), {x: sp.Float(2)}) is None  # acos(2) is not real
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TypeGuard

import sympy as sp

__all__ = ["BIG", "TOL", "real_value", "same_real_values", "sample_points", "usable"]

TOL = 1e-12  # relative; both sides are evaluated to 30 digits
# Each coordinate comes from one of these ranges, so that functions defined only on
# (-1, 1), (1, ∞) or (0, ∞) (asin, acosh, log) still get points in their domain.
_RANGES = ((-3.0, 3.0), (0.05, 0.95), (1.05, 3.0), (-0.95, -0.05))
# Larger values say nothing a check can use, and exp() of one (exp(exp(exp(exp(3)))))
# would make mpmath work with numbers of ~10^84000 digits' magnitude.
_HUGE = sp.Float(1e50)
BIG = sp.oo
"""What :func:`real_value` returns when some part is too large to tell anything."""


def sample_points(
    symbols: set[sp.Symbol], seed: int, n: int
) -> Iterator[dict[sp.Symbol, sp.Float]]:
    """``n`` random real points (30-digit coordinates), the same ones for the same seed.

    >>> x = sp.Symbol("x")
    >>> len(list(sample_points({x}, 0, 3)))
    3
    """
    rng = random.Random(seed)
    ordered = sorted(symbols, key=str)
    for _ in range(n):
        yield {s: sp.Float(rng.uniform(*rng.choice(_RANGES)), 30) for s in ordered}


def usable(value: sp.Expr | None) -> TypeGuard[sp.Expr]:
    """True for a value :func:`real_value` could tell: real, finite and not :data:`BIG`.

    >>> usable(sp.Float(2)), usable(None), usable(BIG)
    (True, False, False)
    """
    return value is not None and value is not BIG


def same_real_values(form: sp.Expr, expr: sp.Expr, seed: int = 1, tries: int = 12) -> bool:
    """True when ``form`` equals ``expr`` at three random points where ``expr`` is real
    (and so does every part of it); False on any difference, or with no evidence at all.

    >>> x = sp.Symbol("x", real=True)
    >>> same_real_values(-sp.sqrt(1 - x) * sp.sqrt(-1 - x), sp.sqrt(x - 1) * sp.sqrt(x + 1))
    False
    """
    agreed = 0
    for point in sample_points(expr.free_symbols | form.free_symbols, seed, tries):
        want = real_value(expr, point)
        if not usable(want):
            continue
        got = real_value(form, point)
        if got is BIG:
            continue
        if got is None or abs(got - want) > TOL * max(1, abs(want)):
            return False
        agreed += 1
        if agreed == 3:
            return True
    return False


class _OffDomainError(Exception):
    """Some sub-expression is not a finite real number at this point."""


class _TooLargeError(Exception):
    """Some sub-expression is beyond _HUGE: this point says nothing either way."""


def real_value(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> sp.Expr | None:
    """``expr`` at ``point`` as a 30-digit Float; None where any part of it leaves the real
    numbers (there abs(acos(x)) is real while acos(x) is not, and real-variable rules do not
    apply), :data:`BIG` where some part is too large to tell.

    >>> x = sp.Symbol("x", real=True)
    >>> real_value(x**2 + 1, {x: sp.Float(3)})
    10.0000000000000000000000000000
    """
    cache: dict[sp.Basic, sp.Expr] = {}

    def value(node: sp.Basic) -> sp.Expr:
        if node not in cache:
            if node in point:
                v = point[node]
            elif not node.args:
                v = node.evalf(30)
            else:
                v = node.func(*(value(a) for a in node.args)).evalf(30)
            # a finite real value evaluates to a Number; complex ones, DiracDelta(0), zoo do not
            if not (v.is_Number and v.is_finite):
                raise _OffDomainError
            if abs(v) > _HUGE:
                raise _TooLargeError
            cache[node] = v
        return cache[node]

    try:
        return sp.Float(value(expr), 30)  # a Float, not a float: values may exceed 1e308
    except _TooLargeError:
        return BIG
    except (_OffDomainError, AttributeError, TypeError, ValueError, ArithmeticError):
        return None
