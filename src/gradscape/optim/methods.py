"""Per-start optimizer methods: each written once as plain Python on one start's vectors.

Methods that need more than the gradient one coordinate at a time (the Hessian, a line search
on f) work on a whole start point: ``update(x, g, q, w, ev, lr, p, fx) -> code`` reads the point
``x`` and its gradient ``g`` (n,), writes the next point into ``q``, keeps whatever it carries
between steps in its workspace ``w`` (``width(n)`` floats, zero at the start), counts the
evaluations of f, ∇f and the Hessian it makes in ``ev[0]``, ``ev[1]``, ``ev[2]``, and returns
0 to go on (or a status code that stops this start). They reach the formula through
``fx = (value_point, grad_point, hess_point)`` (:mod:`gradscape.compile.lanes`): compiled
functions inside the fused loop, NumPy ones in the reference, where the same code runs as
plain Python.

>>> import numpy as np
>>> h = np.array([[2.0, 0.0], [0.0, -2.0]])
>>> saddle_free(h, np.array([2.0, -1.0]), 1e-6).tolist()   # |H|⁻¹g with |H| = diag(2, 2)
[1.0, -0.5]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.hyper import Hyper
from gradscape.optim.leastsquares import LmParams, levenberg_marquardt, lm_width
from gradscape.optim.linesearch import wolfe_search
from gradscape.optim.quasinewton import (
    HEAD,
    BfgsParams,
    CgParams,
    LbfgsParams,
    begin,
    bfgs,
    bfgs_width,
    cg,
    cg_width,
    dot,
    hand_over,
    lbfgs,
    lbfgs_width,
)
from gradscape.optim.trust import TrustParams, trust_newton, trust_width

__all__ = ["Method", "NEWTON", "ARMIJO", "BFGS", "LBFGS", "CG", "TRUST_NEWTON", "LM",
           "NewtonParams", "ArmijoParams", "saddle_free", "saddle_free_into"]


def _no_workspace(n: int, p: Any) -> int:
    return 0


class Method(NamedTuple):
    """One per-start method: its hyper-parameters, update and what it evaluates."""

    name: str
    params: type  # NamedTuple of the hyper-parameters, in order
    hyper: tuple[Hyper, ...]
    update: Callable[..., int]
    needs: frozenset[str] = frozenset({"grad"})
    width: Callable[[int, Any], int] = _no_workspace  # (n, params) -> workspace floats
    # True when update leaves ∇f at the new point in w[:n], so the loop need not evaluate it
    hands_gradient: bool = False
    # True when update reads and writes only 1-D sequences (no (n, n) arrays), so the
    # reference may run it on Python lists (gradscape.optim.lean): 3-4× faster there
    scalar: bool = False


# ---- saddle-free Newton -------------------------------------------------------------------
class NewtonParams(NamedTuple):
    """The hyper-parameter of :data:`NEWTON`."""

    floor: float


@lane
def saddle_free(h: Any, g: Any, floor: float) -> Any:
    """|H|⁻¹g with |H| = V·max(|Λ|, floor)·Vᵀ, by cyclic Jacobi rotations on a copy of H.

    No LAPACK inside the compiled loop (Numba's linear algebra needs SciPy); for the small
    symmetric Hessians of a formula's variables Jacobi is accurate to a few ulps, and exact
    after one rotation for two variables. A non-finite H or g gives NaN: the start diverges.
    """
    n = len(g)
    d = np.empty(n)
    saddle_free_into(h, g, floor, np.empty((n, n)), np.empty((n, n)), d)
    return d


@lane
def saddle_free_into(h: Any, g: Any, floor: float, a: Any, v: Any, d: Any) -> None:
    """:func:`saddle_free` into ``d`` (n,), with the workspaces ``a`` and ``v`` (n, n) given:
    plain loops on arrays, so a GPU thread runs it on its own local arrays."""
    n = len(g)
    finite = True
    for i in range(n):
        d[i] = 0.0
        finite = finite and math.isfinite(g[i])
        for j in range(n):
            finite = finite and math.isfinite(h[i, j])
    if not finite:
        for i in range(n):
            d[i] = math.nan
        return
    for i in range(n):
        for j in range(n):
            a[i, j] = h[i, j]
            v[i, j] = 1.0 if i == j else 0.0
    for _ in range(64):
        off = 0.0
        diag = 0.0
        for i in range(n):
            diag += a[i, i] * a[i, i]
            for j in range(i + 1, n):
                off += a[i, j] * a[i, j]
        if off <= 1e-36 * diag or off == 0.0:
            break
        for r in range(n - 1):
            for c in range(r + 1, n):
                if a[r, c] != 0.0:
                    _rotate(a, v, r, c)
    for e in range(n):
        proj = 0.0
        for i in range(n):
            proj += v[i, e] * g[i]
        scale = abs(a[e, e])
        if floor > scale:  # max(|λ|, floor), as Python's max reads it, also in device code
            scale = floor
        proj /= scale
        for i in range(n):
            d[i] += v[i, e] * proj


@lane
def _rotate(a: Any, v: Any, p: int, q: int) -> None:
    # One Jacobi rotation zeroing a[p, q] (Golub & Van Loan, Alg. 8.5.1), applied to A and V.
    n = a.shape[0]
    theta = (a[q, q] - a[p, p]) / (2.0 * a[p, q])
    t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
    if theta < 0.0:
        t = -t
    c = 1.0 / np.sqrt(t * t + 1.0)
    s = t * c
    for r in range(n):
        hp, hq = a[r, p], a[r, q]
        a[r, p] = c * hp - s * hq
        a[r, q] = s * hp + c * hq
    for r in range(n):
        hp, hq = a[p, r], a[q, r]
        a[p, r] = c * hp - s * hq
        a[q, r] = s * hp + c * hq
    for r in range(n):
        vp, vq = v[r, p], v[r, q]
        v[r, p] = c * vp - s * vq
        v[r, q] = s * vp + c * vq


@lane
def newton(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: NewtonParams,
           fx: Any) -> int:
    """x ← x − α·|H|⁻¹∇f: |H| flips negative curvature and floors tiny eigenvalues, so the
    direction always descends (a positive-definite modification of H, saddle-free Newton);
    α from a strong-Wolfe line search tried first at lr, so badly scaled problems do not
    throw the iterate away."""
    hess_point = fx[2]
    n = len(x)
    h = np.empty((n, n))
    hess_point(x, h)
    ev[2] += 1
    f0, _first = begin(x, g, w, ev, fx)
    d = saddle_free(h, g, p.floor)
    for i in range(n):
        d[i] = -d[i]
    dg = dot(d, g)
    if not np.isfinite(dg):  # the Hessian is undefined here: the next point is too
        for i in range(n):
            q[i] = np.nan
            w[i] = np.nan
        return 0
    gq = np.empty(n)
    code, _alpha, fq = wolfe_search(x, d, f0, dg, lr, 1e-4, 0.9, q, gq, ev, fx)
    if code != 0:
        return code
    hand_over(gq, fq, f0, w, ev)
    return 0


def _head_width(n: int, p: Any) -> int:
    return n + HEAD


NEWTON = Method("newton", NewtonParams, (
    Hyper("floor", 1e-6, "positive", "smallest |eigenvalue| used"),), newton,
    frozenset({"grad", "hess", "value"}), _head_width, hands_gradient=True)
"""Saddle-free Newton with a line search: steps along |H|⁻¹∇f with the exact Hessian."""


# ---- gradient descent with Armijo's backtracking line search --------------------------------
class ArmijoParams(NamedTuple):
    """The hyper-parameters of :data:`ARMIJO`."""

    shrink: float
    c: float
    max_backtracks: int


@lane
def armijo(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: ArmijoParams,
           fx: Any) -> int:
    """Try rates lr, lr·shrink, … until f drops by at least c·rate·|∇f|²; after
    ``max_backtracks`` trials take the last (smallest) one."""
    value_point = fx[0]
    n = len(x)
    fx = value_point(x)
    gn2 = 0.0
    for i in range(n):
        gn2 += g[i] * g[i]
    rate = lr
    for _ in range(p.max_backtracks):
        for i in range(n):
            q[i] = x[i] - rate * g[i]
        fq = value_point(q)
        ev[0] += 1
        if fq <= fx - p.c * rate * gn2:
            break
        rate = rate * p.shrink
    ev[0] += 1
    return 0


ARMIJO = Method("armijo", ArmijoParams, (
    Hyper("shrink", 0.5, "open-unit", "factor applied to a rejected step"),
    Hyper("c", 1e-4, "open-unit", "sufficient-decrease constant"),
    Hyper("max_backtracks", 40, "count", "trials before taking the smallest"),
), armijo, needs=frozenset({"grad", "value"}), scalar=True)
"""Gradient descent with Armijo's backtracking line search."""


# ---- quasi-Newton and conjugate gradients (gradscape.optim.quasinewton) ---------------------
_C1 = Hyper("c1", 1e-4, "open-unit", "sufficient-decrease constant of the Wolfe conditions")


def _c2(default: float) -> Hyper:
    return Hyper("c2", default, "open-unit", "curvature constant of the strong Wolfe conditions")


_LINE = frozenset({"grad", "value"})
BFGS = Method("bfgs", BfgsParams, (_C1, _c2(0.9)), bfgs, _LINE, bfgs_width,
              hands_gradient=True, scalar=True)
"""BFGS with a strong-Wolfe line search (n² floats per start)."""
LBFGS = Method("lbfgs", LbfgsParams, (
    Hyper("memory", 10, "count", "pairs (s, y) remembered"), _C1, _c2(0.9)), lbfgs, _LINE,
    lbfgs_width, hands_gradient=True, scalar=True)
"""L-BFGS with a strong-Wolfe line search (2mn floats per start)."""
CG = Method("cg", CgParams, (_C1, _c2(0.1)), cg, _LINE, cg_width, hands_gradient=True,
            scalar=True)
"""Nonlinear conjugate gradients, Polak–Ribière+, with a strong-Wolfe line search."""
TRUST_NEWTON = Method("trust-newton", TrustParams, (
    Hyper("radius", 1.0, "positive", "first trust-region radius"),
    Hyper("eta", 0.15, "unit", "least ratio of actual to predicted decrease accepted")),
    trust_newton, frozenset({"grad", "hess", "value"}), trust_width, hands_gradient=True)
"""Trust-region Newton with the exact Hessian and Steihaug-CG (gradscape.optim.trust)."""
LM = Method("lm", LmParams, (
    Hyper("damping", 1e-3, "positive", "first damping μ relative to max diag(JᵀJ)"),),
    levenberg_marquardt, frozenset({"grad", "value", "residuals"}), lm_width,
    hands_gradient=True)
"""Levenberg–Marquardt for sums of squares (gradscape.optim.leastsquares)."""
