"""Second derivatives that keep the gradient kernels' zeros at locally constant parts.

The gradient kernels (:mod:`gradscape.compile.adjoint`) make a chain-rule contribution
exactly 0 where it comes from a part of f that is constant on a neighbourhood: asin(sign(x))
has slope 0 away from 0, although asin'(±1) = ∞ and sign' = 2·DiracDelta = 0 there. SymPy's
second derivative of f itself has the same ∞·0 products, NaN in the kernels, so on all of
x > 0 the Hessian of asin(sign(x)) would read "undefined" where it is 0.

:func:`flat_hessian` takes the Hessian of such formulas from the gradient the kernels
compute: each component written out as an expression (the flat contributions as Piecewise
with their conditions), differentiated by the same reverse mode, so that a step or a relu in
the gradient (a step of |x| - x) is flat in turn, and a Piecewise passes the adjoint only to
the piece it chooses. Formulas with no locally constant part (polynomials, exp, sin, abs...)
get None and keep SymPy's plain second derivatives, unchanged and at no cost.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> flat_hessian(x**2 * y + sp.exp(x), [x, y]) is None
True
>>> h = flat_hessian(sp.asin(sp.sign(x)) + x**2 * y, [x, y])
>>> [e.subs({x: 2, y: 3}) for e in h]
[6, 4, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from gradscape.compile.adjoint import gradient_expressions

__all__ = ["flat_hessian"]

# Heads through which a part of f can be locally constant (a step, relu, |u| in a sum that
# cancels its slope, max/min), besides 0^y: a formula with none of them has no flat part.
_PIECEWISE_HEADS: tuple[type[sp.Basic], ...] = (
    sp.sign, sp.Heaviside, sp.DiracDelta, sp.Abs, sp.Max, sp.Min, sp.Piecewise)


def _may_be_flat(expr: sp.Expr) -> bool:
    from gradscape.formula.special import relu

    return expr.has(relu, *_PIECEWISE_HEADS) or any(p.base == 0 for p in expr.atoms(sp.Pow))


def flat_hessian(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> list[sp.Expr] | None:
    """The Hessian's upper triangle, row by row (H[i, j] = ∂g_i/∂x_j for j ≥ i, g = ∇expr as
    the gradient kernels compute it, without their ``defined`` guard), when some part of
    ``expr`` is locally constant; None when none is (then SymPy's plain second derivatives
    are the same numbers).

    >>> x = sp.Symbol("x", real=True)
    >>> h = flat_hessian(x * sp.sign(sp.Abs(x) - x), [x])  # 0 on x > 0, x on x < 0
    >>> [h[0].subs(x, v) for v in (-1, 1)]
    [0, 0]
    """
    if not _may_be_flat(expr):
        return None
    first, flat = gradient_expressions(expr, symbols)
    if not flat:
        return None
    # A NaN or infinite number in a component (the slope of 0^y at y = 0) stands for a part
    # with no derivative; SymPy would give it slope 0 as a constant, so it is held as a
    # function of the variables meanwhile, and its slope read NaN.
    odd = sorted({c for g in first for c in g.atoms(sp.Number) if not c.is_finite}, key=str)
    held = {c: sp.Function(f"_held{k}", real=True)(*symbols) for k, c in enumerate(odd)}
    undo: dict[sp.Basic, sp.Basic] = {h: c for c, h in held.items()}
    n = len(symbols)
    entries = []
    for i in range(n):
        row, _ = gradient_expressions(first[i].xreplace(held) if held else first[i], symbols)
        for j in range(i, n):
            entry = row[j]
            if held:
                nan = {d: sp.nan for d in entry.atoms(sp.Derivative) if d.expr in undo}
                entry = entry.xreplace(nan).xreplace(undo)
            entries.append(entry)
    return entries
