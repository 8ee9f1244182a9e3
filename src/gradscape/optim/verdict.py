"""Honest statuses: what the loops' stopping tests cannot tell, checked once at the end.

The loops stop a start on |∇f| < tol, divergence, the last step, or a method's own code.
:func:`review` then looks again at where each start ended (on every backend alike):

- **unbounded below**: a start that stopped at the last step, diverged or found no step,
  with f below f(start) − 10¹²·(1 + |f(start)|);
- **scaled first-order test**: a start whose line search failed while
  |∇f| ≤ tol·max(1, |f|) has converged as far as float64 can tell (f of size 10⁵ has no
  better than ~10⁻¹¹ of absolute resolution, so |∇f| < 10⁻⁸ may be out of reach);
- **stalled**: "converged" with ∇f exactly 0 where f does not change at all nearby (probes at
  x ± 10⁻³·max(1, |xᵢ|) along each axis give exactly f): a flat plateau, e.g. where every
  exponential underflowed, not a minimum;
- **not a minimum**: "converged" at a point whose Hessian (central differences of ∇f, for
  n ≤ :data:`SECOND_ORDER_MAX_N`) has an eigenvalue below −10⁻⁶·max(1, |λ|max): a saddle or
  a maximum.

The loops' own test, |∇f| < tol, passes the scaled one wherever |f| ≤ 1 and is stricter
elsewhere.

>>> import numpy as np
>>> from gradscape.optim.oracle import Problem
>>> saddle = Problem(grad=lambda x: np.stack([2 * x[:, 0], -2 * x[:, 1]], 1),
...                  value=lambda x: x[:, 0] ** 2 - x[:, 1] ** 2)
>>> code = np.array([1, 1], np.int8)
>>> final = np.array([[0.0, 0.0], [0.0, 0.0]])
>>> review(saddle, final, final, np.zeros(2), np.zeros(2), code, 1e-16)
>>> code.tolist()   # converged at the saddle: not a minimum
[5, 5]
"""

from __future__ import annotations

import numpy as np

from gradscape.optim.oracle import Problem
from gradscape.optim.result import STATUSES

__all__ = ["review", "SECOND_ORDER_MAX_N", "UNBOUNDED_FALL"]

SECOND_ORDER_MAX_N = 50
"""The most variables for which a converged point's Hessian is checked."""
UNBOUNDED_FALL = 1e12
"""A fall of f below f(start) − UNBOUNDED_FALL·(1 + |f(start)|) counts as unbounded below."""
_CODE = {name: np.int8(i) for i, name in enumerate(STATUSES)}
_CHUNK = 1 << 20  # points per batch of probes


def review(problem: Problem, starts: np.ndarray, final: np.ndarray, value: np.ndarray,
           grad_norm: np.ndarray, code: np.ndarray, tol2: float) -> None:
    """Correct the status codes ``code`` (M,) in place, as the module docstring says."""
    with np.errstate(all="ignore"):
        # a trust region that can no longer shrink its way to a step far below f(start)
        # stops with "line-search-failed": that too is f falling without bound
        loose = (code == _CODE["max-steps"]) | (code == _CODE["diverged"]) \
            | (code == _CODE["line-search-failed"])
        if loose.any():
            f0 = problem.value(starts[loose])
            fell = np.isfinite(f0) & (value[loose] < f0 - UNBOUNDED_FALL * (1.0 + np.abs(f0)))
            code[np.flatnonzero(loose)[fell]] = _CODE["unbounded-below"]
        if tol2 >= 0.0:
            scale = np.maximum(1.0, np.abs(value))
            near = (code == _CODE["line-search-failed"]) & np.isfinite(value)
            near &= grad_norm * grad_norm <= tol2 * scale * scale
            code[near] = _CODE["converged"]
        done = np.flatnonzero(code == _CODE["converged"])
        n = final.shape[1]
        for lo in range(0, len(done), max(1, _CHUNK // (2 * n))):
            rows = done[lo:lo + max(1, _CHUNK // (2 * n))]
            _second_look(problem, final[rows], value[rows], grad_norm[rows], code, rows)


def _probes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points x ± h·eᵢ for every axis i, as rows (m·2n, n), and the steps h (m, n)."""
    m, n = x.shape
    h = 1e-3 * np.maximum(1.0, np.abs(x))
    pts = np.repeat(x[:, None, :], 2 * n, axis=1)
    axis = np.arange(n)
    pts[:, 2 * axis, axis] += h
    pts[:, 2 * axis + 1, axis] -= h
    return pts.reshape(m * 2 * n, n), h


def _second_look(problem: Problem, x: np.ndarray, value: np.ndarray, grad_norm: np.ndarray,
                 code: np.ndarray, rows: np.ndarray) -> None:
    n = x.shape[1]
    flat = grad_norm == 0.0
    if flat.any():  # a plateau, or a minimum where ∇f is exactly 0 (x⁴ at 0)?
        pts, _ = _probes(x[flat])
        around = problem.value(pts).reshape(-1, 2 * n)
        plateau = (around == value[flat, None]).all(axis=1)
        code[rows[flat][plateau]] = _CODE["stalled"]
    if n > SECOND_ORDER_MAX_N:
        return
    keep = code[rows] == _CODE["converged"]
    if not keep.any():
        return
    x = x[keep]
    # central differences of ∇f with a smaller step (error O(h²) relative): the Hessian
    h = 1e-5 * np.maximum(1.0, np.abs(x))
    pts = np.repeat(x[:, None, :], 2 * n, axis=1)
    axis = np.arange(n)
    pts[:, 2 * axis, axis] += h
    pts[:, 2 * axis + 1, axis] -= h
    g = problem.grad(pts.reshape(-1, n)).reshape(len(x), n, 2, n)
    hess = (g[:, :, 0, :] - g[:, :, 1, :]) / (2.0 * h[:, :, None])  # (m, j, i): ∂gᵢ/∂xⱼ
    hess = 0.5 * (hess + hess.transpose(0, 2, 1))
    ok = np.isfinite(hess).all(axis=(1, 2))
    if not ok.any():
        return
    eig = np.linalg.eigvalsh(hess[ok])
    top = np.maximum(1.0, np.abs(eig).max(axis=1))
    curved = eig[:, 0] < -1e-6 * top
    code[rows[keep][ok][curved]] = _CODE["not-a-minimum"]
