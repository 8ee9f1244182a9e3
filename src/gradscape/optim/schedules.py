"""Learning-rate schedules: each one maps a step number to a factor that multiplies ``lr``.

A schedule is a small frozen object; ``schedule.rates(lr, steps)`` turns it into the array of
learning rates a run uses, one per step. The optimizers never see the schedule itself, only
that array, so every optimizer (NumPy reference or fused kernel) works with every schedule.

Factors relative to ``lr`` (not absolute rates) keep each optimizer's tuned default ``lr``
meaningful under any schedule. Step ``t`` counts from 0: the first update uses factor(0) = 1.

>>> cosine().rates(0.1, 5).round(4).tolist()
[0.1, 0.0854, 0.05, 0.0146, 0.0]
>>> step_decay(every=2, factor=0.5).rates(1.0, 5).tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Schedule", "SCHEDULES", "constant", "step_decay", "exponential_decay", "cosine",
           "resolve_schedule"]


@dataclass(frozen=True)
class Schedule:
    """A named learning-rate factor ``factor(t, total)`` with its parameters, for display."""

    name: str
    params: tuple[tuple[str, float | None], ...]
    factor_fn: Callable[[np.ndarray, int], np.ndarray]

    def factor(self, t: np.ndarray | int, total: int) -> np.ndarray:
        """The factor at step(s) ``t`` of a run of ``total`` steps."""
        return self.factor_fn(np.asarray(t, dtype=float), total)

    def rates(self, lr: float, steps: int) -> np.ndarray:
        """The learning rate of each of ``steps`` steps: ``lr * factor(t)``, t = 0 … steps-1."""
        return lr * self.factor(np.arange(steps), steps)

    def describe(self) -> str:
        """``cosine(floor=0)``: the name and parameters, as shown in results."""
        args = ", ".join(f"{k}={v:g}" for k, v in self.params if v is not None)
        return f"{self.name}({args})"


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise DomainError(message)


def constant() -> Schedule:
    """The same rate every step.

    >>> constant().rates(0.5, 3).tolist()
    [0.5, 0.5, 0.5]
    """
    return Schedule("constant", (), lambda t, total: np.ones_like(t))


def step_decay(every: int = 100, factor: float = 0.5) -> Schedule:
    """Multiply the rate by ``factor`` after every ``every`` steps: factor^⌊t/every⌋.

    >>> step_decay(every=1, factor=0.1).rates(1.0, 3).round(6).tolist()
    [1.0, 0.1, 0.01]
    """
    _check(isinstance(every, int | np.integer) and every >= 1,
           f"step_decay needs every >= 1 (a whole number of steps), got {every!r}")
    _check(0.0 < factor <= 1.0, f"step_decay needs 0 < factor <= 1, got {factor!r}")
    return Schedule("step", (("every", every), ("factor", factor)),
                    lambda t, total: factor ** np.floor(t / every))


def exponential_decay(rate: float = 0.99) -> Schedule:
    """Multiply the rate by ``rate`` every step: rate^t (a smooth step decay).

    >>> exponential_decay(0.5).rates(1.0, 4).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    _check(0.0 < rate <= 1.0, f"exponential_decay needs 0 < rate <= 1, got {rate!r}")
    return Schedule("exponential", (("rate", rate),), lambda t, total: rate**t)


def cosine(steps: int | None = None, floor: float = 0.0) -> Schedule:
    """Cosine annealing (Loshchilov & Hutter, SGDR, 2017) from 1 down to ``floor`` over ``steps``.

    factor(t) = floor + (1 − floor)·(1 + cos(π·min(t, T)/T))/2 with T = ``steps``, or the run's
    last step index when ``steps`` is None, so the final update uses the floor.

    >>> cosine(steps=2, floor=0.1).rates(1.0, 4).tolist()
    [1.0, 0.55, 0.1, 0.1]
    """
    _check(steps is None or (isinstance(steps, int | np.integer) and steps >= 1),
           f"cosine needs steps >= 1 (or None for the whole run), got {steps!r}")
    _check(0.0 <= floor <= 1.0, f"cosine needs 0 <= floor <= 1, got {floor!r}")

    def factor(t: np.ndarray, total: int) -> np.ndarray:
        span = steps if steps is not None else max(total - 1, 1)
        return floor + (1.0 - floor) * 0.5 * (1.0 + np.cos(math.pi * np.minimum(t, span) / span))

    return Schedule("cosine", (("steps", steps), ("floor", floor)), factor)


# name -> factory with its default parameters: the schedules `schedule="name"` accepts
SCHEDULES: dict[str, Callable[[], Schedule]] = {
    "constant": constant,
    "step": step_decay,
    "exponential": exponential_decay,
    "cosine": cosine,
}


def resolve_schedule(schedule: Schedule | str | None) -> Schedule:
    """A Schedule from an object, a name in :data:`SCHEDULES`, or None (constant).

    >>> resolve_schedule("cosine").name
    'cosine'
    """
    if schedule is None:
        return constant()
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, str) and schedule in SCHEDULES:
        return SCHEDULES[schedule]()
    raise DomainError(
        f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)} or a Schedule "
        "such as gradscape.optim.schedules.step_decay(every=100, factor=0.5)"
    )
