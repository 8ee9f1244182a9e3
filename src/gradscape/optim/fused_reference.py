"""The NumPy reference loop: the fused kernel's contract, one vectorised NumPy pass per step.

It drives any row of the optimizer table through its (init, update) pair, over all start
points at once. It is the oracle for the fused Numba loops, the backend for functions given
as Python code, and the path for methods without fused code.

Per step t = 0 … steps: evaluate ∇f at every running point; a start stops at t when the
point or its gradient is out of the finite world (``|x|² + |∇f|² > DIVERGE²`` or NaN:
"diverged"), when ``|∇f|² < tol²`` ("converged"), or at t = steps ("max-steps"); the others
take one step. Stopped starts leave the working set, so work shrinks as starts finish.

>>> import numpy as np
>>> from gradscape.optim.optimizers import OPTIMIZERS
>>> bowl = Problem(grad=lambda x: 2 * x, value=lambda x: (x * x).sum(1))
>>> raw = run_reference(bowl, OPTIMIZERS["gd"].transform(), np.array([[1.0]]),
...                     np.full(3, 0.25), 3, -1.0, np.array([0]))
>>> raw.paths[0, :, 0].tolist(), raw.steps.tolist()
([1.0, 0.5, 0.25, 0.125], [3])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.optim.optimizers import Transform
from gradscape.optim.result import Raw

__all__ = ["Problem", "run_reference", "DIVERGE", "empty_raw"]

DIVERGE = 1e100  # a point or gradient this far out (in norm) counts as diverged
_LIMIT2 = DIVERGE * DIVERGE


class Problem(NamedTuple):
    """f's numbers on rows of points (m, n): gradient (m, n), value (m,), Hessian (m, n, n)."""

    grad: Callable[[np.ndarray], np.ndarray]
    value: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray] | None = None


def empty_raw(m: int, n: int, k: int, steps: int) -> Raw:
    """Output arrays: per start (every start stops once and fills its row, so left unset)
    and NaN-filled path storage for ``k`` kept starts."""
    return Raw(np.empty((m, n)), np.empty(m), np.empty(m, np.int64), np.empty(m, np.int8),
               np.empty(m), np.full((k, steps + 1, n), np.nan), np.full((k, steps + 1), np.nan),
               np.full((k, steps + 1), np.nan))


def _take(state: Any, rows: np.ndarray) -> Any:
    """The state of the starts in ``rows``: arrays are per start, other fields shared."""
    if not isinstance(state, tuple):
        return state
    return type(state)(*(f[rows] if isinstance(f, np.ndarray) else f for f in state))


def run_reference(problem: Problem, transform: Transform, starts: np.ndarray, rates: np.ndarray,
                  steps: int, tol2: float, keep: np.ndarray) -> Raw:
    """Run ``transform`` from each row of ``starts``; paths recorded for the starts in ``keep``.

    ``rates`` holds one learning rate per step; ``tol2`` is tol² (negative: never converge).
    """
    m, n = starts.shape
    raw = empty_raw(m, n, len(keep), steps)
    slot = np.full(m, -1, dtype=np.int64)
    slot[keep] = np.arange(len(keep))
    idx = np.arange(m)
    x = np.array(starts, dtype=float)  # a copy: the caller's array is never touched
    state = transform.init(x)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            g = problem.grad(x)
            gn2 = np.einsum("mi,mi->m", g, g)
            bad = ~(gn2 + np.einsum("mi,mi->m", x, x) <= _LIMIT2)
            conv = ~bad & (gn2 < tol2)
            kept = slot[idx] >= 0
            if kept.any():
                rows = slot[idx[kept]]
                raw.paths[rows, t] = x[kept]
                raw.path_values[rows, t] = problem.value(x[kept])
                raw.path_grad_norms[rows, t] = np.sqrt(gn2[kept])
            stop = bad | conv | (t == steps)
            if stop.any():
                done = idx[stop]
                raw.final[done] = x[stop]
                raw.value[done] = problem.value(x[stop])
                raw.steps[done] = t
                raw.code[done] = np.where(bad[stop], 2, np.where(conv[stop], 1, 0))
                raw.grad_norm[done] = np.sqrt(gn2[stop])
                go = np.flatnonzero(~stop)
                idx, x, g, state = idx[go], x[go], g[go], _take(state, go)
            if not len(idx):
                break
            step, state = transform.update(g, state, x, float(rates[t]), problem)
            x = x + step
    return raw
