"""Tidy a derivative cheaply, and check it against SymPy's own, with bounded work.

Neither function can hang on user input: ``simplify`` runs only on small expressions
without the functions that make it slow, the other rewrites are cheap, and the numeric
checks evaluate at a fixed number of random points.

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
from collections.abc import Iterator

import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

__all__ = ["SIMPLIFY_OPS", "tidy", "verify"]

SIMPLIFY_OPS = 30  # simplify() the shown result only below this many operations
_PROOF_OPS = 20  # simplify(result - diff) only below this; the numeric check is as sure
_CANCEL_OPS = 200  # cancel(together(...)) is polynomial arithmetic: fine up to here
_TIDY_OPS = 400  # above this, show the result as the rules built it
# simplify() can take seconds even on tiny inputs with these (trigsimp on
# sech(y)^2 - 1 + tanh(y)^2; piecewise_simplify for the non-smooth ones).
_SLOW_TO_SIMPLIFY = (
    HyperbolicFunction,
    sp.Abs,
    sp.sign,
    sp.Heaviside,
    sp.DiracDelta,
    sp.Piecewise,
    sp.Derivative,
)
_POINTS = 4  # agreeing points needed for a numeric "verified"
_TRIES = 40
_TOL = 1e-12  # relative; both sides are evaluated to 30 digits
# Each coordinate comes from one of these ranges, so that functions defined only on
# (-1, 1), (1, ∞) or (0, ∞) (asin, acosh, log) still get points in their domain.
_RANGES = ((-3.0, 3.0), (0.05, 0.95), (1.05, 3.0), (-0.95, -0.05))
# Larger values say nothing a check can use, and exp() of one (exp(exp(exp(exp(3)))))
# would make mpmath work with numbers of ~10^84000 digits' magnitude.
_HUGE = sp.Float(1e50)


def tidy(expr: sp.Expr) -> sp.Expr:
    """The shortest of a few cheap equivalent forms that keeps every real value.

    A form is kept only if it agrees with ``expr`` at random real points: SymPy may rewrite
    sqrt(a - 1)·sqrt(b - 1) as -sqrt(1 - a)·sqrt(1 - b), equal but imaginary in between.
    """
    ops = sp.count_ops(expr)
    if ops > _TIDY_OPS:
        return expr
    forms = [sp.factor_terms(expr)]
    if ops <= SIMPLIFY_OPS:
        forms.append(_simplified(expr))
    size = sp.count_ops(expr), len(sp.sstr(expr))
    better = [
        f
        for f in forms
        if f is not None
        and (sp.count_ops(f), len(sp.sstr(f))) < size
        and (expr.has(sp.Piecewise) or not f.has(sp.Piecewise, sp.I))
    ]
    for form in sorted(better, key=lambda f: (sp.count_ops(f), len(sp.sstr(f)))):
        if _same_real_values(form, expr):
            return form
    return expr


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
    if ops <= _PROOF_OPS and _simplified(difference) == 0:
        return True, "symbolic"
    agreed = 0
    for point in _points(expr.free_symbols | {var}, seed, _TRIES):
        want = _real_value(reference, point)
        if not _usable(want) or not _usable(_real_value(expr, point)):
            continue  # outside the function's real domain: no verdict here
        got = _real_value(result, point)
        if got is _BIG:
            continue
        if got is None or abs(got - want) > _TOL * max(1, abs(want)):
            where = ", ".join(f"{s} = {float(v):.6g}" for s, v in point.items())
            return False, f"numeric: differs at {where}"
        agreed += 1
        if agreed == _POINTS:
            return True, "numeric"
    return False, f"inconclusive: only {agreed} points in the real domain"


def _same_real_values(form: sp.Expr, expr: sp.Expr) -> bool:
    agreed = 0
    for point in _points(expr.free_symbols | form.free_symbols, 1, 12):
        want = _real_value(expr, point)
        if not _usable(want):
            continue
        got = _real_value(form, point)
        if got is _BIG:
            continue
        if got is None or abs(got - want) > _TOL * max(1, abs(want)):
            return False
        agreed += 1
        if agreed == 3:
            return True
    return False  # no evidence either way: keep the form the rules built


def _points(symbols: set[sp.Symbol], seed: int, n: int) -> Iterator[dict[sp.Symbol, sp.Float]]:
    rng = random.Random(seed)  # fixed seed: the same input always gets the same verdict
    ordered = sorted(symbols, key=str)
    for _ in range(n):
        yield {s: sp.Float(rng.uniform(*rng.choice(_RANGES)), 30) for s in ordered}


def _simplified(expr: sp.Expr) -> sp.Expr | None:
    # simplify() is a nicety here; SymPy also has inputs on which it raises (e.g. "Invalid
    # NaN comparison" in piecewise_simplify). Then keep the unsimplified form.
    if expr.has(*_SLOW_TO_SIMPLIFY) or _has_complex_constant(expr):
        return None
    try:
        return sp.simplify(expr)
    except Exception:
        return None


def _has_complex_constant(expr: sp.Expr) -> bool:
    # simplify()'s sign queries on constants such as asin(asin(pi)) run numeric evaluation
    # down every branch: ~50 s for -x·asin(asin(pi)) + log(x)/log(asin(3)).
    return any(
        isinstance(node, sp.Function) and node.is_number and node.is_extended_real is not True
        for node in sp.preorder_traversal(expr)
    )


class _OffDomainError(Exception):
    """Some sub-expression is not a finite real number at this point."""


class _TooLargeError(Exception):
    """Some sub-expression is beyond _HUGE: this point says nothing either way."""


_BIG = sp.oo  # what _real_value returns for such a point


def _usable(value: sp.Expr | None) -> bool:
    return value is not None and value is not _BIG


def _real_value(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> sp.Expr | None:
    # Evaluated node by node, so a point where any part leaves the reals is skipped: there
    # abs(acos(x)) is real while acos(x) is not, and real-variable rules do not apply.
    # None: not real there; _BIG: some part too large to tell.
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
        return _BIG
    except (_OffDomainError, AttributeError, TypeError, ValueError, ArithmeticError):
        return None
