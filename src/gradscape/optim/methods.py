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

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.hyper import Hyper

__all__ = ["Method", "NEWTON", "ARMIJO", "NewtonParams", "ArmijoParams", "saddle_free"]


def _no_workspace(n: int) -> int:
    return 0


class Method(NamedTuple):
    """One per-start method: its hyper-parameters, update and what it evaluates."""

    name: str
    params: type  # NamedTuple of the hyper-parameters, in order
    hyper: tuple[Hyper, ...]
    update: Callable[..., int]
    needs: frozenset[str] = frozenset({"grad"})
    width: Callable[[int], int] = _no_workspace


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
    d = np.zeros(n)
    if not (np.isfinite(g).all() and np.isfinite(h).all()):
        d[:] = np.nan
        return d
    a = h.copy()
    v = np.eye(n)
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
        proj /= max(abs(a[e, e]), floor)
        for i in range(n):
            d[i] += v[i, e] * proj
    return d


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
    """x ← x − lr·|H|⁻¹∇f: |H| flips negative curvature and floors tiny eigenvalues, so every
    step descends (saddle-free Newton)."""
    hess_point = fx[2]
    n = len(x)
    h = np.empty((n, n))
    hess_point(x, h)
    ev[2] += 1
    d = saddle_free(h, g, p.floor)
    for i in range(n):
        q[i] = x[i] - lr * d[i]
    return 0


NEWTON = Method("newton", NewtonParams, (
    Hyper("floor", 1e-6, "positive", "smallest |eigenvalue| used"),), newton,
    needs=frozenset({"grad", "hess"}))
"""Saddle-free Newton: steps along |H|⁻¹∇f with the exact Hessian."""


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
), armijo, needs=frozenset({"grad", "value"}))
"""Gradient descent with Armijo's backtracking line search."""
