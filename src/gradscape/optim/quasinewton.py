"""Quasi-Newton and conjugate-gradient methods: BFGS, L-BFGS and CG (Polak–Ribière+).

Each is a per-start method (:mod:`gradscape.optim.methods`) with a strong-Wolfe line search
(:mod:`gradscape.optim.linesearch`), written once as plain Python over one start's vectors.
They hand the gradient at the accepted point back to the loop (``hands_gradient``): the
workspace starts with it (``w[:n]``), so each point's gradient is evaluated once, as SciPy
does. The rest of the workspace:

- ``w[n]`` f at the current point, ``w[n+1]`` 1 once started, ``w[n+2]`` the previous f
  (for the first trial step, as SciPy's ``old_old_fval``), ``w[n+3]`` pairs or steps so far;
- then the method's own: BFGS the inverse Hessian H (n², row-major); L-BFGS m pairs (s, y)
  and their 1/sᵀy; CG the last direction and gradient.

The first trial step is min(1, 1.01·2·(f_prev − f)/∇fᵀd), as SciPy's BFGS and CG take it
(f_prev = f + |∇f|/2 at the start).

>>> import numpy as np
>>> from gradscape.optim.oracle import Problem, numpy_pieces
>>> bowl = Problem(grad=lambda x: np.array([2.0, 20.0]) * x,
...                value=lambda x: x[:, 0] ** 2 + 10 * x[:, 1] ** 2)
>>> fx = numpy_pieces(bowl)[2:]
>>> x, g = np.array([1.0, 1.0]), np.array([2.0, 20.0])
>>> p = BfgsParams(1e-4, 0.9)
>>> w, q, ev = np.zeros(bfgs_width(2, p)), np.empty(2), np.zeros(3, np.int64)
>>> bfgs(x, g, q, w, ev, 1.0, p, fx), bool(w[2] < 11.0)   # went on, and f fell
(0, True)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.linesearch import LS_FAILED, wolfe_search

__all__ = ["BfgsParams", "LbfgsParams", "CgParams", "bfgs", "lbfgs", "cg", "bfgs_width",
           "lbfgs_width", "cg_width", "HEAD"]

HEAD = 4  # floats after the handed-over gradient: f, started, previous f, count
"""Floats of workspace after the handed-over gradient, common to these methods."""


class BfgsParams(NamedTuple):
    """BFGS's hyper-parameters: the Wolfe constants."""

    c1: float
    c2: float


class LbfgsParams(NamedTuple):
    """L-BFGS's hyper-parameters: the memory and the Wolfe constants."""

    memory: int
    c1: float
    c2: float


class CgParams(NamedTuple):
    """CG's hyper-parameters: the Wolfe constants."""

    c1: float
    c2: float


def bfgs_width(n: int, p: Any) -> int:
    """BFGS's workspace: n² for H, plus the common head."""
    return n + HEAD + n * n


def lbfgs_width(n: int, p: Any) -> int:
    """L-BFGS's workspace: 2mn for the pairs, m for 1/sᵀy, plus the common head."""
    return n + HEAD + 2 * p.memory * n + p.memory


def cg_width(n: int, p: Any) -> int:
    """CG's workspace: the last direction and gradient, plus the common head."""
    return n + HEAD + 2 * n


@lane
def begin(x: Any, g: Any, w: Any, ev: Any, fx: Any) -> tuple[float, bool]:
    """f at x (evaluated on the first step, remembered after) and whether this is the first."""
    n = len(x)
    if w[n + 1] == 0.0:
        value_point = fx[0]
        f0 = value_point(x)
        ev[0] += 1
        gn = 0.0
        for i in range(n):
            gn += g[i] * g[i]
        w[n + 1] = 1.0
        w[n + 2] = f0 + 0.5 * np.sqrt(gn)
        return f0, True
    return w[n], False


@lane
def first_trial(w: Any, n: int, f0: float, dg: float) -> float:
    """min(1, 1.01·2·(f_prev − f)/∇fᵀd), or 1 where that is not a positive number."""
    a = 1.01 * 2.0 * (f0 - w[n + 2]) / dg
    if np.isfinite(a) and a > 0.0:
        return min(1.0, a)
    return 1.0


@lane
def hand_over(gq: Any, fq: float, f0: float, w: Any, ev: Any) -> None:
    """Keep ∇f and f at the accepted point for the loop and the next step."""
    n = len(gq)
    for i in range(n):
        w[i] = gq[i]
    w[n] = fq
    w[n + 2] = f0
    ev[1] -= 1  # the loop counts one gradient per point visited; this one is that one


@lane
def dot(a: Any, b: Any) -> float:
    """aᵀb, summed in order."""
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


# ---- BFGS -----------------------------------------------------------------------------------
@lane
def _identity(w: Any, base: int, n: int) -> None:
    for i in range(n):
        for j in range(n):
            w[base + i * n + j] = 1.0 if i == j else 0.0


@lane
def bfgs(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: BfgsParams, fx: Any) -> int:
    """One BFGS step: d = −H∇f, a strong-Wolfe step along d, then the inverse-Hessian update
    H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ (Nocedal & Wright eq. 6.17), skipped when sᵀy ≤ 0 so
    H stays positive definite; H starts as I (unscaled, as SciPy: on the classic problems
    the scaling of eq. 6.20 cost more evaluations than it saved)."""
    n = len(x)
    base = n + HEAD
    f0, first = begin(x, g, w, ev, fx)
    if first:
        _identity(w, base, n)
    d = np.empty(n)
    gq = np.empty(n)
    code, fq = LS_FAILED, f0
    for _ in range(2):
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += w[base + i * n + j] * g[j]
            d[i] = -s
        dg = dot(d, g)
        if not dg < 0.0:  # H lost positive definiteness to rounding: start again from I
            _identity(w, base, n)
            w[n + 3] = 0.0
            continue
        code, _alpha, fq = wolfe_search(x, d, f0, dg, first_trial(w, n, f0, dg), p.c1, p.c2,
                                       q, gq, ev, fx)
        if code == 0:
            break
        if code != LS_FAILED or w[n + 3] == 0.0:
            return code
        _identity(w, base, n)  # one more try along −∇f before giving up
        w[n + 3] = 0.0
    if code != 0:
        return code
    y = np.empty(n)
    s_ = np.empty(n)
    for i in range(n):
        s_[i] = q[i] - x[i]
        y[i] = gq[i] - g[i]
    sy = dot(s_, y)
    if sy > 0.0 and np.isfinite(sy):
        hy = np.empty(n)
        for i in range(n):
            t = 0.0
            for j in range(n):
                t += w[base + i * n + j] * y[j]
            hy[i] = t
        rho = 1.0 / sy
        c = rho * (1.0 + rho * dot(y, hy))
        for i in range(n):
            for j in range(n):
                w[base + i * n + j] += c * s_[i] * s_[j] - rho * (hy[i] * s_[j] + s_[i] * hy[j])
        w[n + 3] += 1.0
    hand_over(gq, fq, f0, w, ev)
    return 0


# ---- L-BFGS ---------------------------------------------------------------------------------
@lane
def lbfgs(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: LbfgsParams, fx: Any) -> int:
    """One L-BFGS step: d = −H∇f by the two-loop recursion over the last m pairs, with
    H₀ = (sᵀy/yᵀy)·I from the newest pair (Nocedal & Wright Alg. 7.4), then a strong-Wolfe
    step; a pair with sᵀy ≤ 0 is not kept."""
    n = len(x)
    m = p.memory
    s_at = n + HEAD
    y_at = s_at + m * n
    r_at = y_at + m * n
    f0, _first = begin(x, g, w, ev, fx)
    k = int(w[n + 3])
    count = min(k, m)
    d = np.empty(n)
    for i in range(n):
        d[i] = g[i]
    alphas = np.zeros(m)
    for back in range(count):
        slot = (k - 1 - back) % m
        a = 0.0
        for i in range(n):
            a += w[s_at + slot * n + i] * d[i]
        a *= w[r_at + slot]
        alphas[slot] = a
        for i in range(n):
            d[i] -= a * w[y_at + slot * n + i]
    if count > 0:
        newest = (k - 1) % m
        yy = 0.0
        for i in range(n):
            yy += w[y_at + newest * n + i] * w[y_at + newest * n + i]
        gamma = 1.0 / (w[r_at + newest] * yy)
        for i in range(n):
            d[i] *= gamma
    for fwd in range(count):
        slot = (k - count + fwd) % m
        b = 0.0
        for i in range(n):
            b += w[y_at + slot * n + i] * d[i]
        b *= w[r_at + slot]
        for i in range(n):
            d[i] += (alphas[slot] - b) * w[s_at + slot * n + i]
    for i in range(n):
        d[i] = -d[i]
    dg = dot(d, g)
    if not dg < 0.0:
        for i in range(n):
            d[i] = -g[i]
        dg = dot(d, g)
        w[n + 3] = 0.0
        k = 0
    gq = np.empty(n)
    code, _alpha, fq = wolfe_search(x, d, f0, dg, first_trial(w, n, f0, dg), p.c1, p.c2,
                                   q, gq, ev, fx)
    if code != 0:
        return code
    slot = k % m
    sy = 0.0
    for i in range(n):
        si = q[i] - x[i]
        yi = gq[i] - g[i]
        w[s_at + slot * n + i] = si
        w[y_at + slot * n + i] = yi
        sy += si * yi
    if sy > 0.0 and np.isfinite(sy):
        w[r_at + slot] = 1.0 / sy
        w[n + 3] = k + 1
    hand_over(gq, fq, f0, w, ev)
    return 0


# ---- nonlinear conjugate gradients (Polak–Ribière+) -----------------------------------------
@lane
def cg(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: CgParams, fx: Any) -> int:
    """One CG step: d = −∇f + β·d_prev with β = max(0, ∇fᵀ(∇f − ∇f_prev)/|∇f_prev|²)
    (Polak–Ribière+, Nocedal & Wright eq. 5.45), restarted along −∇f every n steps and
    whenever d is not a descent direction; then a strong-Wolfe step (c2 = 0.1 by default,
    as CG needs)."""
    n = len(x)
    d_at = n + HEAD
    g_at = d_at + n
    f0, first = begin(x, g, w, ev, fx)
    k = int(w[n + 3])
    beta = 0.0
    if not first and k % n != 0:
        num = 0.0
        den = 0.0
        for i in range(n):
            gp = w[g_at + i]
            num += g[i] * (g[i] - gp)
            den += gp * gp
        if den > 0.0:
            beta = max(0.0, num / den)
    d = np.empty(n)
    for i in range(n):
        d[i] = -g[i] + beta * w[d_at + i]
    dg = dot(d, g)
    if not dg < 0.0:
        for i in range(n):
            d[i] = -g[i]
        dg = dot(d, g)
        k = 0
    gq = np.empty(n)
    code, _alpha, fq = wolfe_search(x, d, f0, dg, first_trial(w, n, f0, dg), p.c1, p.c2,
                                   q, gq, ev, fx)
    if code != 0:
        return code
    for i in range(n):
        w[d_at + i] = d[i]
        w[g_at + i] = g[i]
    w[n + 3] = k + 1
    hand_over(gq, fq, f0, w, ev)
    return 0
