"""Stochastic and minibatch descent on a loss over data: shuffled batches, epochs, a seed.

Each epoch shuffles the rows with ``numpy.random.default_rng(seed)`` (one generator for the
whole run, so a seed gives the same run every time), gathers the data in that order once, and
takes one step per contiguous slice of ``batch`` rows (the last slice may be shorter). A step
evaluates the loss and its gradient on the slice alone — the reduction kernel of
:mod:`gradscape.compile.reduce` over those rows — and moves by any coordinate-wise method of
the table (``sgd``/``gd``, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW, Lion), applied
exactly as the full-batch loops apply it. With ``reduce="sum"`` a batch's sum is scaled by
N/batch, so each step estimates the full sum.

The trajectory records, per step, the point and the loss and |∇| on that step's batch (noisy:
that is SGD), and per epoch the full loss and |∇L| at the epoch's end (``epoch_values``).
The run stops early ("converged") at an epoch end where |∇L| < tol.

>>> from gradscape import Function
>>> f = Function("(w*x - y)^2", "w", data={"x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 4.0, 6.0, 8.0]})
>>> t = descend_minibatch(f, [0.0], "sgd", lr=0.02, batch=2, epochs=30, seed=0)
>>> t.status, round(float(t.final[0]), 6), t.steps, len(t.epoch_values)
('max-steps', 2.0, 60, 31)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.driver import LIMIT2
from gradscape.optim.optimizers import lookup
from gradscape.optim.result import Trajectory, _num
from gradscape.optim.schedules import Schedule, resolve_schedule

__all__ = ["MinibatchTrajectory", "descend_minibatch", "MAX_EPOCHS"]

MAX_EPOCHS = 1_000_000
"""The most epochs one run may take."""
_MAX_STEPS = 10_000_000


@dataclass(frozen=True, eq=False)
class MinibatchTrajectory(Trajectory):
    """A Trajectory whose ``values``/``grad_norms`` are the batch loss and |∇| per step (the
    last entry: the full loss and |∇L| at the final point), plus per epoch the full loss
    ``epoch_values`` and ``epoch_grad_norms`` (epoch 0 is the start) and the step index at
    which each epoch ended (``epoch_steps``)."""

    epoch_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_grad_norms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    batch: int = 0
    epochs: int = 0
    seed: int | None = None

    def to_dict(self, max_points: int | None = None) -> dict[str, Any]:
        out = super().to_dict(max_points)
        out.update(batch=self.batch, epochs=self.epochs, seed=self.seed,
                   epoch_values=[_num(v) for v in self.epoch_values],
                   epoch_steps=self.epoch_steps.tolist())
        return out

    to_dict.__doc__ = Trajectory.to_dict.__doc__


def descend_minibatch(
    f: Any, start: Any, method: str = "sgd", lr: float | None = None, *, batch: int = 32,
    epochs: int = 10, seed: int | None = 0, tol: float | None = None,
    schedule: Schedule | str | None = None, **hyper: Any,
) -> MinibatchTrajectory:
    """Run a coordinate-wise ``method`` on minibatches of ``f``'s rows (see the module doc).

    Args:
        f: a loss over data (``Function(formula, data=...)``).
        start: one point, a number per parameter.
        method: sgd, gd, momentum, nesterov, adagrad, rmsprop, adam, adamw or lion.
        lr: learning rate (the method's default when None).
        batch: rows per step (at most the number of rows; that is full-batch descent).
        epochs: passes over the data.
        seed: the shuffling generator's seed (None: fresh entropy, not reproducible).
        tol: stop at an epoch end where |∇L| < tol (None: run every epoch).
        schedule: a learning-rate schedule over all the steps.
        **hyper: the method's hyper-parameters.
    """
    if not hasattr(f, "reduction"):
        raise DomainError("batch= and epochs= take minibatches of data: make the function "
                          "with data (--data FILE, or Function(..., data=...))")
    opt = lookup(method)
    if not opt.coordinatewise:
        raise DomainError(f"{opt.name} needs the whole loss at every step (its line search or "
                          "Hessian would see a different function on each batch); run it "
                          "without --batch/--epochs, or choose sgd, momentum or adam")
    lr, hp = opt.check(lr, hyper)
    n_rows, n = f.n_rows, len(f.variables)
    batch, epochs = _count(batch, "batch", n_rows), _count(epochs, "epochs", MAX_EPOCHS)
    per_epoch = -(-n_rows // batch)
    if per_epoch * epochs > _MAX_STEPS:
        raise DomainError(f"{epochs} epochs of {per_epoch} steps is more than {_MAX_STEPS:,} "
                          "steps; use bigger batches or fewer epochs")
    x = np.array(start, dtype=np.float64).reshape(-1)
    if x.shape != (n,) or not np.isfinite(x).all():
        raise DomainError(f"start needs {n} finite number(s), one per parameter "
                          f"({', '.join(f.variables)})")
    tol2 = -1.0 if tol is None else float(tol) ** 2
    sched = resolve_schedule(schedule)
    total = per_epoch * epochs
    rates = sched.rates(lr, total)
    red = f.reduction("value_grad")
    rng = np.random.default_rng(seed)
    names = list(f.columns)
    cols = [f.columns[c] for c in names]
    chain, params = opt.chain, opt.params(hp)
    state = np.zeros((chain.slots, 1, n))
    points = np.full((total + 1, n), np.nan)
    values, norms = np.full(total + 1, np.nan), np.full(total + 1, np.nan)
    ep_values, ep_norms = np.full(epochs + 1, np.nan), np.full(epochs + 1, np.nan)
    ep_steps = np.zeros(epochs + 1, dtype=np.int64)
    full = 1.0 / n_rows if f.reduce == "mean" else 1.0
    ep_values[0], ep_norms[0] = _full(red, x, cols, full)
    t, status, njev = 0, "max-steps", 0
    with np.errstate(all="ignore"):
        for e in range(epochs):
            order = rng.permutation(n_rows)
            shuffled = [c[order] for c in cols]  # one gather per epoch; slices are contiguous
            for lo in range(0, n_rows, batch):
                part = [c[lo:lo + batch] for c in shuffled]
                size = len(part[0])
                scale = 1.0 / size if f.reduce == "mean" else n_rows / size
                out = red(list(x), part) * scale
                njev += 1
                g = out[1:]
                points[t], values[t] = x, out[0]
                norms[t] = math.sqrt(float(g @ g))
                if not (float(g @ g) + float(x @ x) <= LIMIT2):
                    status = "diverged"
                    break
                c = chain.per_step(t, float(rates[t]), params)
                u = chain.update(g[None, :], x[None, :], state, 0, ..., c, params)
                x = x - rates[t] * np.asarray(u).reshape(n)
                t += 1
            if status == "diverged":
                break
            ep_values[e + 1], ep_norms[e + 1] = _full(red, x, cols, full)
            ep_steps[e + 1] = t
            if ep_norms[e + 1] ** 2 < tol2:
                status = "converged"
                break
    if status != "diverged":
        points[t] = x
        values[t], norms[t] = ep_values[e + 1], ep_norms[e + 1]
    done = e + 1 if status != "diverged" else e
    return MinibatchTrajectory(
        points=points[:t + 1].copy(), values=values[:t + 1].copy(),
        grad_norms=norms[:t + 1].copy(), status=status, method=opt.name, lr=lr,
        variables=tuple(f.variables), hyper=hp, schedule=sched.describe(),
        evaluations=(done + 1, njev + done + 1, 0),
        epoch_values=ep_values[:done + 1], epoch_grad_norms=ep_norms[:done + 1],
        epoch_steps=ep_steps[:done + 1], batch=batch, epochs=done, seed=seed)


def _full(red: Any, x: np.ndarray, cols: list[np.ndarray], scale: float) -> tuple[float, float]:
    out = red(list(x), cols) * scale
    return float(out[0]), math.sqrt(float(out[1:] @ out[1:]))


def _count(value: Any, name: str, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) \
            or not 1 <= value <= most:
        raise DomainError(f"{name} must be a whole number from 1 to {most:,}, got {value!r}")
    return int(value)
