"""Where a piecewise-linear part of f is locally constant: its slopes, undefined at its kinks.

sign(|x| − x) is 0 on all of x > 0: its argument is 0 there on a whole neighbourhood, not
only at a point, so its slope is 0. The gradient kernels see sign'(0) = DiracDelta(0),
undefined, as at a true jump (sign(x) at 0). The two differ in the argument's gradient, but
not in the gradient the kernels compute: |x|'s is sign(x), which is 0 at x = 0 (a
subgradient), although sign(|x|) jumps there.

So :func:`kink_partials` takes the partials of a *piecewise-linear* expression itself, NaN at
every kink: |a|' is sign(a) + defined(DiracDelta(a)) times a', relu's Heaviside(a) +
defined(DiracDelta(a)), a step's DiracDelta(a) (NaN at a = 0, 0 elsewhere). Where none is
NaN, no part of u is at a kink, so u is affine on a neighbourhood of the point (each part
keeps its piece); where all are exactly 0 as well, u is constant there, and so is anything
computed from u alone (:func:`gradscape.compile.adjoint.gradient_program` uses that).

Piecewise linear here: variables, numbers, sums, products where at most one factor is not
piecewise constant, abs, relu, max and min of two; piecewise constant: parts free of the
variables, sign and heaviside of a piecewise-linear argument, whole powers of those.
Anything else (x², sin x) is not, and :func:`kink_partials` says None.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> d = kink_partials(sp.Abs(x) - x, [x, y], {})
>>> [d[0].subs(x, v) for v in (-2, 2)], d[1]
([-2, 0], 0)
>>> d[0].has(defined(sp.DiracDelta(x)))  # NaN at x = 0 in the kernels
True
>>> kink_partials(x**2, [x], {}) is None
True

:func:`sloped` tells, from the tree alone, the piecewise-linear parts whose slope is never 0
(|x|, 2 - 3|y|), so that nothing is added for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from gradscape.formula.special import defined, relu

__all__ = ["kink_partials", "sloped"]

_STEPS = (sp.sign, sp.Heaviside)


def kink_partials(expr: sp.Expr, variables: Sequence[sp.Symbol],
                  ref: Mapping[sp.Basic, sp.Expr]) -> list[sp.Expr] | None:
    """∂expr/∂v for each variable v, NaN wherever a part of ``expr`` is at a kink; None when
    ``expr`` is not piecewise linear. Each part's value is written as ``ref`` names it (the
    gradient program's forward-pass symbols), or as itself where ``ref`` has no entry."""
    found: dict[sp.Basic, list[sp.Expr] | None] = {}
    variable_set = frozenset(variables)

    def value(node: sp.Basic) -> sp.Expr:
        return ref.get(node, node)

    def walk(node: sp.Basic) -> list[sp.Expr] | None:
        if node in found:
            return found[node]
        out = _partials(node)
        found[node] = out
        return out

    def constant(node: sp.Basic) -> bool:
        """Piecewise constant (free of the variables, or a step of a piecewise-linear part)."""
        if not (node.free_symbols & variable_set):
            return True
        if isinstance(node, _STEPS):
            return walk(node.args[0]) is not None
        if node.is_Pow:
            return bool(node.exp.is_Integer) and constant(node.base)
        if node.is_Add or node.is_Mul:
            return all(constant(a) for a in node.args)
        return False

    def _partials(node: sp.Basic) -> list[sp.Expr] | None:
        zero = [sp.S.Zero] * len(variables)
        if not (node.free_symbols & variable_set):
            return zero
        if node in variable_set:
            return [sp.S.One if v == node else sp.S.Zero for v in variables]
        if node.is_Add:
            terms = [walk(a) for a in node.args]
            known = [t for t in terms if t is not None]
            return [sp.Add(*col) for col in zip(*known)] if len(known) == len(terms) else None
        if node.is_Mul:
            factors = list(node.args)
            if sum(not constant(f) for f in factors) > 1:
                return None  # x·y, x·|x|: not linear
            out = zero
            for j, factor in enumerate(factors):
                dj = walk(factor)
                if dj is None:
                    return None
                rest = sp.Mul(*(value(f) for i, f in enumerate(factors) if i != j))
                out = [o + rest * d for o, d in zip(out, dj)]
            return out
        if node.is_Pow:
            if not constant(node):
                return None
            inner = walk(node.base)
            n = node.exp
            return None if inner is None else [n * value(node.base) ** (n - 1) * d for d in inner]
        if isinstance(node, (*_STEPS, sp.Abs, relu)):
            a = node.args[0]
            inner = walk(a)
            if inner is None:
                return None
            t = value(a)
            kink = defined(sp.DiracDelta(t))  # 0 away from the kink, NaN on it
            slope = {sp.sign: sp.DiracDelta(t), sp.Heaviside: sp.DiracDelta(t),
                     sp.Abs: sp.sign(t) + kink, relu: sp.Heaviside(t) + kink}[type(node)]
            return [slope * d for d in inner]
        if isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2:
            a, b = node.args
            da, db = walk(a), walk(b)
            if da is None or db is None:
                return None
            gap = value(a) - value(b)
            kink = defined(sp.DiracDelta(gap))
            first = sp.Heaviside(gap) if isinstance(node, sp.Max) else sp.Heaviside(-gap)
            return [first * p + (1 - first) * q + kink for p, q in zip(da, db)]
        return None

    return walk(expr)


def sloped(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> bool:
    """Whether ``expr`` is piecewise linear with a slope that is not 0 wherever it is defined,
    as its tree shows (False where that cannot be told): a variable, a nonzero constant or
    a sign times a sloped part, |a| of a sloped a, a sloped part plus parts with no slope.

    >>> x, y = sp.symbols("x y", real=True)
    >>> sloped(2 - 3 * sp.Abs(y), [x, y]), sloped(sp.Abs(x) - x, [x, y])
    (True, False)
    """
    variable_set = frozenset(variables)

    def flat(node: sp.Basic) -> bool:  # free of the variables
        return not (node.free_symbols & variable_set)

    def nonzero(node: sp.Basic) -> bool:  # a factor that is not 0 off its kinks: 3, sign(x)
        if flat(node):
            return node.is_nonzero is True
        return isinstance(node, sp.sign) and walk(node.args[0])

    def walk(node: sp.Basic) -> bool:
        if node in variable_set:
            return True
        if isinstance(node, sp.Abs):
            return walk(node.args[0])
        if node.is_Add:  # one sloped term, the others constant
            moving = [a for a in node.args if not flat(a)]
            return len(moving) == 1 and walk(moving[0])
        if node.is_Mul:  # one sloped factor, the others never 0
            moving = [a for a in node.args if not nonzero(a)]
            return len(moving) == 1 and walk(moving[0])
        return False

    return walk(expr)
