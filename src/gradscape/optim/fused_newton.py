"""Saddle-free Newton inside the fused loop: a small Jacobi eigen-solver, as module text.

The fused loop runs per start point, with no LAPACK (Numba's linear algebra needs SciPy), so
the Newton direction |H|⁻¹∇f comes from cyclic Jacobi rotations: accurate to a few ulps for
the small symmetric Hessians of a formula's variables, and for two variables exact after one
rotation. The text below is copied into each generated Newton module (with its ``OPTS``), so
Numba's disk cache holds everything the loop calls.

>>> import numpy as np
>>> ns = {"np": np, "njit": lambda **kw: (lambda f: f), "OPTS": {}}
>>> exec(SADDLE_FREE, ns)
>>> ns["saddle_free"]((2.0, 0.0, -2.0), (2.0, -1.0), 1e-6).tolist()   # H = diag(2, −2)
[1.0, -0.5]
"""

from __future__ import annotations

__all__ = ["SADDLE_FREE"]

SADDLE_FREE = '''
@njit(**OPTS)
def saddle_free(h, g, floor):
    """|H|⁻¹g with |H| = V·max(|Λ|, floor)·Vᵀ; H from its upper triangle h, row by row."""
    n = len(g)
    d = np.zeros(n)
    H = np.empty((n, n))
    k = 0
    for i in range(n):
        for j in range(i, n):
            H[i, j] = h[k]
            H[j, i] = h[k]
            k += 1
    for i in range(n):
        if not np.isfinite(g[i]):
            d[:] = np.nan
            return d
        for j in range(n):
            if not np.isfinite(H[i, j]):
                d[:] = np.nan
                return d
    V = np.eye(n)
    for sweep in range(64):
        off = 0.0
        diag = 0.0
        for i in range(n):
            diag += H[i, i] * H[i, i]
            for j in range(i + 1, n):
                off += H[i, j] * H[i, j]
        if off <= 1e-36 * diag or off == 0.0:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if H[p, q] == 0.0:
                    continue
                theta = (H[q, q] - H[p, p]) / (2.0 * H[p, q])
                t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                if theta < 0.0:
                    t = -t
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                for r in range(n):
                    hp = H[r, p]
                    hq = H[r, q]
                    H[r, p] = c * hp - s * hq
                    H[r, q] = s * hp + c * hq
                for r in range(n):
                    hp = H[p, r]
                    hq = H[q, r]
                    H[p, r] = c * hp - s * hq
                    H[q, r] = s * hp + c * hq
                for r in range(n):
                    vp = V[r, p]
                    vq = V[r, q]
                    V[r, p] = c * vp - s * vq
                    V[r, q] = s * vp + c * vq
    for e in range(n):
        proj = 0.0
        for i in range(n):
            proj += V[i, e] * g[i]
        proj /= max(abs(H[e, e]), floor)
        for i in range(n):
            d[i] += V[i, e] * proj
    return d
'''
