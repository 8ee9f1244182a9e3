"""The NumPy reference loop: the fused loops' contract, in vectorised NumPy and plain Python.

It runs any row of the optimizer table from the same definitions the fused loops are
compiled from: a chain's pieces on every coordinate of every start at once (NumPy arrays), a
per-start method one start at a time in plain Python floats (:mod:`gradscape.optim.lean`).
It is the oracle for the fused loops, the backend for functions given as Python code, and
the path that needs no JIT.

Per step t = 0 … steps: evaluate ∇f at every running point; a start stops at t when the
point or its gradient is out of the finite world (``|x|² + |∇f|² > DIVERGE²`` or NaN:
"diverged"), when ``|∇f|² < tol²`` ("converged"), or at t = steps ("max-steps"); the others
take one step. Stopped starts leave the working set, so work shrinks as starts finish.

>>> import numpy as np
>>> from gradscape.optim.optimizers import OPTIMIZERS
>>> bowl = Problem(grad=lambda x: 2 * x, value=lambda x: (x * x).sum(1))
>>> raw = run_reference(bowl, OPTIMIZERS["gd"], {}, np.array([[1.0]]), np.full(3, 0.25), 3,
...                     -1.0, np.array([0]))
>>> raw.paths[0, :, 0].tolist(), raw.steps.tolist()
([1.0, 0.5, 0.25, 0.125], [3])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gradscape.optim.driver import LIMIT2
from gradscape.optim.lean import scalar_runner
from gradscape.optim.optimizers import Optimizer
from gradscape.optim.oracle import Problem
from gradscape.optim.result import Raw, empty_raw

__all__ = ["Problem", "run_reference"]


def _sum_squares(a: np.ndarray) -> np.ndarray:
    # Coordinate by coordinate, in order: the fused loops sum the same way, bit for bit.
    total = a[:, 0] * a[:, 0]
    for i in range(1, a.shape[1]):
        total = total + a[:, i] * a[:, i]
    return total


def run_reference(problem: Problem, opt: Optimizer, hyper: Mapping[str, Any],
                  starts: np.ndarray, rates: np.ndarray, steps: int, tol2: float,
                  keep: np.ndarray) -> Raw:
    """Run ``opt`` from each row of ``starts``; paths recorded for the starts in ``keep``.

    ``hyper`` holds every hyper-parameter (``opt.check`` fills them in); ``rates`` one
    learning rate per step; ``tol2`` is tol² (negative: never converge).
    """
    m, n = starts.shape
    raw = empty_raw(m, n, len(keep), steps)
    slot = np.full(m, -1, dtype=np.int64)
    slot[keep] = np.arange(len(keep))
    params = opt.params({**opt.defaults(), **hyper})
    with np.errstate(all="ignore"):
        if opt.method is None:
            _run_chain(problem, opt, params, starts, rates, steps, tol2, slot, raw)
        else:
            run_method = scalar_runner(problem, opt, params, n)
            for r in range(m):
                run_method(r, starts[r], rates, steps, tol2, int(slot[r]), raw)
    return raw


def _run_chain(problem: Problem, opt: Optimizer, params: Any, starts: np.ndarray,
               rates: np.ndarray, steps: int, tol2: float, slot: np.ndarray, raw: Raw) -> None:
    # every coordinate of every running start at once, as NumPy arrays
    m, n = starts.shape
    idx = np.arange(m)
    x = np.array(starts, dtype=float)  # a copy: the caller's array is never touched
    chain = opt.chain
    state = np.zeros((chain.slots, m, n))
    for t in range(steps + 1):
        g = problem.grad(x)
        gn2 = _sum_squares(g)
        bad = ~(gn2 + _sum_squares(x) <= LIMIT2)
        conv = ~bad & (gn2 < tol2)
        kept = slot[idx] >= 0
        if kept.any():
            rows = slot[idx[kept]]
            raw.paths[rows, t] = x[kept]
            raw.path_values[rows, t] = problem.value(x[kept])
            raw.path_grad_norms[rows, t] = np.sqrt(gn2[kept])
        code = np.where(bad, 2, np.where(conv, 1, -1))
        if t == steps:
            code[code < 0] = 0
        if t < steps:
            lr = float(rates[t])
            c = chain.per_step(t, lr, params)
            run = code < 0
            mine = state[:, idx[run]]  # a copy: the pieces update it in place
            u = chain.update(g[run], x[run], mine, 0, ..., c, params)
            state[:, idx[run]] = mine
            new_x = x.copy()
            new_x[run] = x[run] - lr * u
        done = code >= 0
        if done.any():
            rows = idx[done]
            raw.final[rows] = x[done]
            raw.value[rows] = problem.value(x[done])
            raw.steps[rows] = t
            raw.code[rows] = code[done]
            raw.grad_norm[rows] = np.sqrt(gn2[done])
            raw.evals[rows] = np.array([0, t + 1, 0])
        go = ~done
        idx = idx[go]
        if not len(idx):
            break
        x = new_x[go]
