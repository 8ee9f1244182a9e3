"""``tune_lr``: the learning rate at which a method does best from a start — fair comparisons.

Comparing optimizers at one shared learning rate mostly measures which one that rate suits
(gradient descent at 0.01 diverges on Rosenbrock, where Adam at 0.01 crawls). A fair
comparison gives each method its own best rate from the same start, on one grid of rates:
the rate that reaches the tolerance in the fewest steps, or, where none does, the lowest
final value among the runs that did not diverge.

>>> best = tune_lr("x^2 + 10y^2", [1.0, 1.0], "gd", steps=500, backend="numpy")
>>> best.lr, best.trajectory.status
(0.09, 'converged')

:func:`settle_lr` is the cheaper policy for pictures: keep a method's default rate unless it
leaves most starts unsettled, and then try a few rates ten times smaller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.descend import as_function, descend
from gradscape.optim.result import Trajectory

__all__ = ["Tuned", "tune_lr", "LR_GRID", "Settled", "settle_lr"]

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
    tol: float | None = 1e-8,
    grid: Sequence[float] = LR_GRID,
    backend: str = "auto",
    **hyper: Any,
) -> Tuned:
    """Run ``method`` from ``start`` at every rate in ``grid`` and keep the best run."""
    if not grid:
        raise DomainError("the grid of learning rates is empty")
    fn = as_function(f)
    runs = [cast(Trajectory,  # one start: one Trajectory per rate
                 descend(fn, start, method, lr=lr, steps=steps, tol=tol, backend=backend, **hyper))
            for lr in grid]
    best = min(range(len(runs)), key=lambda i: (_score(runs[i]), grid[i]))
    tried = tuple((float(lr), t.status, int(t.steps), float(t.value)) for lr, t in zip(grid, runs))
    return Tuned(lr=float(grid[best]), trajectory=runs[best], tried=tried)


class _Run(Protocol):
    @property
    def lr(self) -> float: ...  # read-only: results are frozen


R = TypeVar("R", bound=_Run)


@dataclass(frozen=True)
class Settled(Generic[R]):
    """The run kept by :func:`settle_lr`, and the (rate, settled share) of every run tried."""

    result: R
    tried: tuple[tuple[float, float], ...]

    @property
    def first_lr(self) -> float:
        """The rate of the first run: the one given, or the method's default."""
        return self.tried[0][0]

    @property
    def cut(self) -> bool:
        """Whether the kept run used a smaller rate than the first."""
        return self.result.lr != self.first_lr


def settle_lr(run: Callable[[float | None], R], settled: Callable[[R], float], *,
              lr: float | None = None, enough: float = 0.5, retries: int = 3,
              cut: float = 10.0) -> Settled[R]:
    """Run at ``lr``; if it was not given and the default leaves starts unsettled, cut it.

    ``run(lr)`` descends (``lr=None``: the method's default rate) and returns a result with
    the rate it used as ``.lr``; ``settled(result)`` is the share of starts, 0 to 1, that
    reached a minimum. A rate the caller gave is kept whatever happens. A default rate
    leaving less than ``enough`` settled is cut ``cut``-fold, up to ``retries`` times: too
    large a rate makes descent overshoot (steep wells, Rastrigin's), a smaller one settles.
    Cutting stops once ``enough`` settle or a cut settles fewer than the best run so far,
    and the run settling the most is kept (on a tie, the larger rate).

    >>> from types import SimpleNamespace
    >>> def run(lr):  # most starts settle when lr < 0.1; the default rate is 0.5
    ...     lr = 0.5 if lr is None else lr
    ...     return SimpleNamespace(lr=lr, share=0.9 if lr < 0.1 else 0.1)
    >>> kept = settle_lr(run, lambda r: r.share)
    >>> kept.result.lr, kept.first_lr, kept.cut, kept.tried
    (0.05, 0.5, True, ((0.5, 0.1), (0.05, 0.9)))
    >>> settle_lr(run, lambda r: r.share, lr=0.5).result.lr   # a given rate is kept
    0.5
    """
    best = run(lr)
    score = settled(best)
    tried = [(float(best.lr), score)]
    for _ in range(retries if lr is None else 0):
        if score >= enough:
            break
        smaller = run(tried[-1][0] / cut)
        share = settled(smaller)
        tried.append((float(smaller.lr), share))
        if share < score:
            break
        if share > score:
            best, score = smaller, share
    return Settled(best, tuple(tried))
