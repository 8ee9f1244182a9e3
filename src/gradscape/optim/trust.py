"""Trust-region Newton with the exact Hessian and Steihaug's truncated conjugate gradients.

Each call takes one accepted step: it minimises the model m(s) = f + ∇fᵀs + ½sᵀHs inside
|s| ≤ Δ by Steihaug-CG (Nocedal & Wright Alg. 7.2: CG on Hs = −∇f, stopped at the boundary,
along negative curvature, or when the residual falls below min(½, √|∇f|)·|∇f|), compares the
actual fall of f with the model's (ρ), shrinks Δ to ¼|s| and tries again while ρ ≤ η, and
doubles Δ after a good step that reached the boundary (Alg. 4.1). Negative curvature is used,
not hidden, so saddles are left along their descent directions. Small dense algebra in loops
(no LAPACK inside the compiled loop), written once for the reference and the fused loop.

Workspace: the handed-over gradient and the common head (:mod:`gradscape.optim.quasinewton`),
then Δ.

>>> import numpy as np
>>> h = np.array([[2.0, 0.0], [0.0, 2.0]])
>>> steihaug(h, np.array([2.0, 4.0]), 10.0).tolist()   # inside the region: the Newton step
[-1.0, -2.0]
>>> steihaug(h, np.array([2.0, 4.0]), 0.5).round(6).tolist()  # cut at the boundary |s| = ½
[-0.223607, -0.447214]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.linesearch import LS_FAILED
from gradscape.optim.quasinewton import HEAD, begin, dot, hand_over

__all__ = ["TrustParams", "steihaug", "trust_newton", "trust_width", "MAX_SHRINK"]

MAX_SHRINK = 60  # Δ shrinks 4× per rejected step: 4⁻⁶⁰ ≈ 1e-36 of where it began
"""The most rejected trial steps within one call."""


class TrustParams(NamedTuple):
    """The hyper-parameters of trust-newton: the first radius and the acceptance ratio."""

    radius: float
    eta: float


def trust_width(n: int, p: Any) -> int:
    """The workspace: the common head and Δ."""
    return n + HEAD + 1


@lane
def _to_boundary(z: Any, d: Any, delta: float) -> Any:
    # z + τd with τ ≥ 0 and |z + τd| = Δ
    a = dot(d, d)
    b = 2.0 * dot(z, d)
    c = dot(z, z) - delta * delta
    tau = (-b + np.sqrt(max(b * b - 4.0 * a * c, 0.0))) / (2.0 * a)
    out = np.empty(len(z))
    for i in range(len(z)):
        out[i] = z[i] + tau * d[i]
    return out


@lane
def steihaug(h: Any, g: Any, delta: float) -> Any:
    """The Steihaug-CG step: an approximate minimiser of gᵀs + ½sᵀHs with |s| ≤ Δ."""
    n = len(g)
    z = np.zeros(n)
    r = g.copy()
    d = -g
    rr = dot(r, r)
    eps = min(0.5, np.sqrt(np.sqrt(rr))) * np.sqrt(rr)
    hd = np.empty(n)
    for _ in range(2 * n + 2):
        for i in range(n):
            t = 0.0
            for j in range(n):
                t += h[i, j] * d[j]
            hd[i] = t
        curv = dot(d, hd)
        if curv <= 0.0:
            return _to_boundary(z, d, delta)
        alpha = rr / curv
        z_new = z + alpha * d
        if np.sqrt(dot(z_new, z_new)) >= delta:
            return _to_boundary(z, d, delta)
        for i in range(n):
            r[i] += alpha * hd[i]
        rr_new = dot(r, r)
        z = z_new
        if np.sqrt(rr_new) < eps:
            return z
        beta = rr_new / rr
        rr = rr_new
        for i in range(n):
            d[i] = -r[i] + beta * d[i]
    return z


@lane
def trust_newton(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: TrustParams,
                 fx: Any) -> int:
    """One accepted trust-region Newton step (see the module docstring)."""
    value_point = fx[0]
    grad_point = fx[1]
    hess_point = fx[2]
    n = len(x)
    f0, first = begin(x, g, w, ev, fx)
    if first:
        w[n + HEAD] = p.radius
    delta = w[n + HEAD]
    h = np.empty((n, n))
    hess_point(x, h)
    ev[2] += 1
    if not np.isfinite(h).all():  # the Hessian is undefined here: so is the next point
        for i in range(n):
            q[i] = np.nan
            w[i] = np.nan
        return 0
    hs = np.empty(n)
    for _ in range(MAX_SHRINK):
        s = steihaug(h, g, delta)
        for i in range(n):
            t = 0.0
            for j in range(n):
                t += h[i, j] * s[j]
            hs[i] = t
        predicted = -(dot(g, s) + 0.5 * dot(s, hs))
        for i in range(n):
            q[i] = x[i] + s[i]
        fq = value_point(q)
        ev[0] += 1
        rho = (f0 - fq) / predicted if predicted > 0.0 else -1.0
        size = np.sqrt(dot(s, s))
        if not (rho > 0.25):  # NaN too: a step into undefined territory is shrunk
            delta = 0.25 * size
        elif rho > 0.75 and size >= 0.99 * delta:
            delta = min(2.0 * delta, 1e100)
        if rho > p.eta:
            gq = np.empty(n)
            grad_point(q, gq)
            ev[1] += 1
            w[n + HEAD] = delta
            hand_over(gq, fq, f0, w, ev)
            return 0
        if not delta > 0.0:
            break
    return LS_FAILED
