"""A line search for the strong Wolfe conditions, written once for the reference and the loops.

``wolfe_search`` looks along a descent direction d from x for a step α with

- sufficient decrease: f(x + αd) ≤ f(x) + c1·α·∇f(x)ᵀd, and
- the strong curvature condition: |∇f(x + αd)ᵀd| ≤ c2·|∇f(x)ᵀd|,

by Nocedal & Wright's Algorithm 3.5 (bracketing, trial steps growing 4× at a time) and 3.6
(zoom, with the cubic interpolant of the two bracket ends, safeguarded, and bisection where
f is not finite). Every trial evaluates f and ∇f once, counted in ``ev``. Plain Python on small
arrays (:func:`gradscape.optim.binding.lane`), so the fused loops compile the same code.

It returns a status code with the step: 0 (found), :data:`LS_FAILED` (no step satisfies both
conditions to rounding, e.g. at the precision floor) or :data:`UNBOUNDED` (f keeps falling
along d past ``UNBOUNDED_DROP``·(1 + |f(x)|) with the slope still negative).

>>> import numpy as np
>>> fx = (lambda x: float(x @ x), lambda x, g: g.__setitem__(slice(None), 2 * x), None)
>>> x, d = np.array([1.0, 2.0]), np.array([-1.0, -2.0])
>>> q, gq, ev = np.empty(2), np.empty(2), np.zeros(3, np.int64)
>>> code, alpha, fq = wolfe_search(x, d, 5.0, -10.0, 1.0, 1e-4, 0.9, q, gq, ev, fx)
>>> code, alpha, fq, ev.tolist()   # α = 1 lands on the minimum
(0, 1.0, 0.0, [1, 1, 0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradscape.optim.binding import lane

__all__ = ["wolfe_search", "LS_FAILED", "UNBOUNDED", "UNBOUNDED_DROP", "MAX_BRACKET",
           "MAX_ZOOM"]

LS_FAILED = 3  # the status code "line-search-failed" (gradscape.optim.result.STATUSES)
"""Status code: no step satisfies the strong Wolfe conditions."""
UNBOUNDED = 4  # the status code "unbounded-below"
"""Status code: f falls without bound along the search direction."""
UNBOUNDED_DROP = 1e12  # f below f(x) − UNBOUNDED_DROP·(1 + |f(x)|) while still falling
"""How far f must fall along one line, relative to 1 + |f(x)|, to call it unbounded below."""
MAX_BRACKET = 40  # trial steps grow 4× each: 4^40 ≈ 1e24 times the first
"""The most trial steps while bracketing."""
MAX_ZOOM = 40
"""The most trial steps inside a bracket."""


@lane
def trial(x: Any, d: Any, alpha: float, q: Any, gq: Any, ev: Any, fx: Any) -> tuple[float,
                                                                                  float]:
    """q = x + αd; return (f(q), ∇f(q)ᵀd) with ∇f(q) written into gq."""
    value_point = fx[0]
    grad_point = fx[1]
    n = len(x)
    for i in range(n):
        q[i] = x[i] + alpha * d[i]
    fq = value_point(q)
    grad_point(q, gq)
    ev[0] += 1
    ev[1] += 1
    slope = 0.0
    for i in range(n):
        slope += gq[i] * d[i]
    return fq, slope


@lane
def cubic_step(a0: float, f0: float, g0: float, a1: float, f1: float, g1: float) -> float:
    """The minimiser of the cubic through (a0, f0, g0) and (a1, f1, g1) (Nocedal & Wright
    eq. 3.59), kept inside the middle 80% of the interval; the midpoint where it is not
    defined."""
    lo = min(a0, a1)
    hi = max(a0, a1)
    width = hi - lo
    mid = 0.5 * (a0 + a1)
    if not (np.isfinite(f0) and np.isfinite(f1) and np.isfinite(g0) and np.isfinite(g1)):
        return mid
    if a1 == a0:
        return mid
    d1 = g0 + g1 - 3.0 * (f0 - f1) / (a0 - a1)
    disc = d1 * d1 - g0 * g1
    if not disc >= 0.0:
        return mid
    d2 = np.sqrt(disc)
    if a1 < a0:
        d2 = -d2
    den = g1 - g0 + 2.0 * d2
    if den == 0.0:
        return mid
    a = a1 - (a1 - a0) * (g1 + d2 - d1) / den
    if not np.isfinite(a):
        return mid
    return min(max(a, lo + 0.1 * width), hi - 0.1 * width)


@lane
def zoom(x: Any, d: Any, f0: float, dg0: float, a_lo: float, f_lo: float, g_lo: float,
         a_hi: float, f_hi: float, g_hi: float, c1: float, c2: float, q: Any, gq: Any,
         ev: Any, fx: Any) -> tuple[int, float, float]:
    """Nocedal & Wright's Algorithm 3.6 inside the bracket [a_lo, a_hi]."""
    for _ in range(MAX_ZOOM):
        a = cubic_step(a_lo, f_lo, g_lo, a_hi, f_hi, g_hi)
        if a == a_lo or a == a_hi:  # noqa: SIM109 (the bracket has shrunk to rounding)
            break
        fa, ga = trial(x, d, a, q, gq, ev, fx)
        if not (fa <= f0 + c1 * a * dg0) or not (fa < f_lo):
            a_hi, f_hi, g_hi = a, fa, ga
        else:
            if abs(ga) <= -c2 * dg0:
                return 0, a, fa
            if ga * (a_hi - a_lo) >= 0.0:
                a_hi, f_hi, g_hi = a_lo, f_lo, g_lo
            a_lo, f_lo, g_lo = a, fa, ga
    return LS_FAILED, a_lo, f_lo


@lane
def wolfe_search(x: Any, d: Any, f0: float, dg0: float, alpha: float, c1: float, c2: float,
                 q: Any, gq: Any, ev: Any, fx: Any) -> tuple[int, float, float]:
    """A step α along d from x (f(x) = f0, ∇f(x)ᵀd = dg0 < 0) satisfying the strong Wolfe
    conditions, tried first at ``alpha``: returns (code, α, f(x + αd)), with q = x + αd and
    gq = ∇f(q) when the code is 0."""
    a_prev = 0.0
    f_prev = f0
    g_prev = dg0
    for i in range(MAX_BRACKET):
        fa, ga = trial(x, d, alpha, q, gq, ev, fx)
        if fa == -np.inf:
            return UNBOUNDED, alpha, fa
        if not (fa <= f0 + c1 * alpha * dg0) or (i > 0 and not (fa < f_prev)) \
                or not np.isfinite(ga):
            return zoom(x, d, f0, dg0, a_prev, f_prev, g_prev, alpha, fa, ga, c1, c2, q, gq,
                        ev, fx)
        if abs(ga) <= -c2 * dg0:
            return 0, alpha, fa
        if ga >= 0.0:
            return zoom(x, d, f0, dg0, alpha, fa, ga, a_prev, f_prev, g_prev, c1, c2, q, gq,
                        ev, fx)
        if fa < f0 - UNBOUNDED_DROP * (1.0 + abs(f0)):
            return UNBOUNDED, alpha, fa
        a_prev, f_prev, g_prev = alpha, fa, ga
        alpha = 4.0 * alpha
    return LS_FAILED, a_prev, f_prev
