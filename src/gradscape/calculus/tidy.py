"""``tidy``: the one way derivatives are tidied — a few cheap rewrites, each with a clear bound.

Exact derivatives come out of SymPy (or the step-by-step rules) correct but often longer than
needed. ``tidy`` tries the rewrites in :data:`REWRITES`, each only on expressions up to its
size in operations, so it can never hang on user input, and keeps the shortest form that is
at least two operations shorter (a rewrite must pay for itself: the form the rules give is
the one people expect) and agrees with the original at random real points. SymPy may
rewrite sqrt(a - 1)·sqrt(b - 1) as -sqrt(1 - a)·sqrt(1 - b): equal, but imaginary in between.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> tidy(2*x*(x + 1) + 2*x)
2*x*(x + 2)
>>> rules_gave = 2*x*sp.cos(x)**2 + 2*x*sp.sin(x)**2
>>> tidy(rules_gave), tidy(rules_gave, simplify=True)
(2*x*(sin(x)**2 + cos(x)**2), 2*x)
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

from gradscape.calculus.realvalues import same_real_values

__all__ = ["REWRITES", "SIMPLIFY_OPS", "simplified", "tidy"]

SIMPLIFY_OPS = 30  # simplify() runs only up to this many operations
_MIN_GAIN = 2  # operations a rewrite must save
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


def simplified(expr: sp.Expr) -> sp.Expr | None:
    """SymPy's ``simplify``, or None where it is slow (see ``_SLOW_TO_SIMPLIFY``) or raises.

    >>> x = sp.Symbol("x", real=True)
    >>> simplified(sp.sin(x)**2 + sp.cos(x)**2), simplified(sp.Abs(x) * sp.sign(x))
    (1, None)
    """
    if expr.has(*_SLOW_TO_SIMPLIFY) or _has_complex_constant(expr):
        return None
    try:  # SymPy has inputs on which it raises (e.g. "Invalid NaN comparison")
        return sp.simplify(expr)
    except Exception:
        return None


def _rational_factor(expr: sp.Expr) -> sp.Expr | None:
    return sp.factor(sp.cancel(expr)) if expr.is_rational_function() else None


# The rewrites tidy tries: (rewrite, largest input in operations, only with simplify=True).
REWRITES: tuple[tuple[Callable[[sp.Expr], sp.Expr | None], int, bool], ...] = (
    (sp.factor_terms, 400, False),  # common factors out of sums: linear-time
    (_rational_factor, 150, False),  # polynomial arithmetic on rational functions
    (simplified, SIMPLIFY_OPS, True),  # anything goes, so only on small inputs
)


def tidy(expr: sp.Expr, *, simplify: bool = False) -> sp.Expr:
    """The shortest of the bounded rewrites of ``expr`` that keeps every real value; with
    ``simplify``, SymPy's ``simplify`` is among them (for results built by rules, which are
    longer than they need to be).

    >>> x = sp.Symbol("x", real=True)
    >>> tidy(4*x*(x**2 - 11) + 2*x)  # shorter by one operation only: kept as it is
    4*x*(x**2 - 11) + 2*x
    """
    ops = sp.count_ops(expr)
    forms = [rewrite(expr) for rewrite, limit, expensive in REWRITES
             if ops <= limit and (simplify or not expensive)]
    better = [
        f for f in forms
        if f is not None and sp.count_ops(f) <= ops - _MIN_GAIN
        and (expr.has(sp.Piecewise) or not f.has(sp.Piecewise, sp.I))
    ]
    for form in sorted(better, key=lambda f: (sp.count_ops(f), len(sp.sstr(f)))):
        if same_real_values(form, expr):
            return form
    return expr


def _has_complex_constant(expr: sp.Expr) -> bool:
    # simplify()'s sign queries on constants such as asin(asin(pi)) run numeric evaluation
    # down every branch: ~50 s for -x·asin(asin(pi)) + log(x)/log(asin(3)).
    return any(
        isinstance(node, sp.Function) and node.is_number and node.is_extended_real is not True
        for node in sp.preorder_traversal(expr)
    )
