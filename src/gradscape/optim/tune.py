"""``tune_lr``: the learning rate at which a method does best from a start — fair comparisons.

Comparing optimizers at one shared learning rate mostly measures which one that rate suits
(gradient descent at 0.01 diverges on Rosenbrock, where Adam at 0.01 crawls). A fair
comparison gives each method its own best rate from the same start, on one grid of rates:
the rate that reaches the tolerance in the fewest steps, or, where none does, the lowest
final value among the runs that did not diverge.

>>> best = tune_lr("x^2 + 10y^2", [1.0, 1.0], "gd", steps=500, backend="numpy")
>>> best.lr, best.trajectory.status
(0.09, 'converged')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.descend import as_function, descend
from gradscape.optim.result import Trajectory

__all__ = ["Tuned", "tune_lr", "LR_GRID"]

# 1, 2, 3, 5, 9 per decade from 1e-5 to 1: fine enough that the best rate is within a factor
# of ~1.7 of the optimum, coarse enough that tuning costs ~26 runs.
LR_GRID: tuple[float, ...] = tuple(
    round(m * 10.0**e, 12) for e in range(-5, 1) for m in (1, 2, 3, 5, 9) if m * 10.0**e <= 1
)


@dataclass(frozen=True)
class Tuned:
    """The chosen rate, its run, and every rate tried with its outcome."""

    lr: float
    trajectory: Trajectory
    tried: tuple[tuple[float, str, int, float], ...]  # (lr, status, steps, final value)


def _score(t: Trajectory) -> tuple[int, float, float]:
    # Lower is better: converged runs first (by steps), then the others by final value.
    if t.status == "diverged" or not math.isfinite(t.value):
        return (2, math.inf, math.inf)
    if t.status == "converged":
        return (0, float(t.steps), t.value)
    return (1, t.value, float(t.steps))


def tune_lr(
    f: Any,
    start: Sequence[float] | np.ndarray,
    method: str,
    *,
    steps: int = 1000,
    tol: float = 1e-8,
    grid: Sequence[float] = LR_GRID,
    backend: str = "auto",
    **hyper: Any,
) -> Tuned:
    """Run ``method`` from ``start`` at every rate in ``grid`` and keep the best run."""
    if not grid:
        raise DomainError("the grid of learning rates is empty")
    fn = as_function(f)
    runs = [descend(fn, start, method, lr=lr, steps=steps, tol=tol, backend=backend, **hyper)
            for lr in grid]
    best = min(range(len(runs)), key=lambda i: (_score(runs[i]), grid[i]))
    tried = tuple((float(lr), t.status, int(t.steps), float(t.value)) for lr, t in zip(grid, runs))
    return Tuned(lr=float(grid[best]), trajectory=runs[best], tried=tried)
