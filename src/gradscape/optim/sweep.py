"""Sweeps: every method × learning rate from the same starts, the fair way to compare methods.

For each pair the sweep reports the share of starts that converge (|∇f| < tol), the median
number of steps taken (over all starts: a start that stops at the step limit counts that
limit, one that diverged the step where it left) and the median final f over the starts
that did not diverge (NaN when all did). Starts are split into parts that are computed alone
(:func:`sweep_part`) and combined (:func:`combine`), so a part can run anywhere; the medians
are exact: steps by their histogram, f from every final value kept as float32.

>>> import numpy as np
>>> r = sweep_local("x^2 + y^2", ["gd"], [0.1, 1.5], np.array([[1.0, 1.0], [2.0, -1.0]]),
...                 steps=200)
>>> r.converged.tolist(), r.median_steps.tolist()  # at 1.5 each step doubles |x|: no end
([[1.0, 0.0]], [[89.0, 200.0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradscape.errors import DomainError

__all__ = ["SweepResult", "Part", "sweep_part", "combine", "sweep_local", "check_grid",
           "MAX_VALUES"]

MAX_VALUES = 1 << 28  # final values kept for the exact medians (1 GiB of float32)


class Part:
    """One part of a sweep: a method and rate over some starts, summarised."""

    __slots__ = ("converged", "diverged", "starts", "steps_hist", "values")

    def __init__(self, converged: int, diverged: int, starts: int, steps_hist: np.ndarray,
                 values: np.ndarray) -> None:
        self.converged = converged
        self.diverged = diverged
        self.starts = starts
        self.steps_hist = steps_hist  # (steps + 1,) starts per number of steps taken
        self.values = values  # float32 final f of the starts that did not diverge


def sweep_part(f: Any, method: str, lr: float, starts: np.ndarray, steps: int,
               tol: float | None, hyper: dict[str, Any], *, serial: bool = False) -> Part:
    """Run ``method`` at rate ``lr`` from ``starts`` and summarise the runs."""
    from gradscape.optim.descend import descend

    if serial:  # a Dask task: the compiled loop on this thread, no pool
        raw = _serial(f, method, lr, starts, steps, tol, hyper)
        code, taken, value = raw.code, raw.steps, raw.value
    else:
        res = descend(f, starts, method, lr=lr, steps=steps, tol=tol, **hyper)
        code, taken, value = res.status_codes, res.steps, res.values  # type: ignore[union-attr]
    diverged = code == 2
    with np.errstate(over="ignore", invalid="ignore"):
        kept = value[~diverged].astype(np.float32)
    return Part(int((code == 1).sum()), int(diverged.sum()), len(starts),
                np.bincount(taken, minlength=steps + 1), kept)


def _serial(f: Any, method: str, lr: float, starts: np.ndarray, steps: int, tol: float | None,
            hyper: dict[str, Any]) -> Any:
    from gradscape.optim.basins import MapSpec, _prepared
    from gradscape.optim.descend import problem_of
    from gradscape.optim.optimizers import lookup
    from gradscape.optim.reference import run_reference
    from gradscape.optim.schedules import constant

    spec = MapSpec(f.text, tuple(f.variables), (0.0, 1.0), (0.0, 1.0), 2, method, lr, steps,
                   tol, (), (), 0.0)
    fn, loop = _prepared(spec, f)
    opt = lookup(method)
    lr, hp = opt.check(lr, hyper)
    rates = constant().rates(lr, steps)
    tol2 = -1.0 if tol is None else float(tol) ** 2
    keep = np.zeros(0, dtype=np.int64)
    x = np.ascontiguousarray(starts, dtype=np.float64)
    if loop is not None:
        return loop(x, rates, steps, tol2, hp, keep, serial=True)
    return run_reference(problem_of(fn), opt, hp, x, rates, steps, tol2, keep)


@dataclass(frozen=True)
class SweepResult:
    """Per method (rows) × learning rate (columns): the share of starts that converged,
    that diverged, the median steps and the median final f."""

    function: str
    methods: tuple[str, ...]
    lrs: tuple[float, ...]
    starts: int
    steps: int
    tol: float | None
    converged: np.ndarray
    diverged: np.ndarray
    median_steps: np.ndarray
    median_value: np.ndarray

    def best(self) -> dict[str, float]:
        """Per method, the rate converging the most starts; ties go to fewer diverged, then
        (where some converged) fewer median steps, then the lower median f."""
        out = {}
        for i, m in enumerate(self.methods):
            def key(j: int, i: int = i) -> tuple[float, ...]:
                c = float(self.converged[i, j])
                return (-c, float(self.diverged[i, j]),
                        float(self.median_steps[i, j]) if c > 0 else 0.0,
                        _or_inf(self.median_value[i, j]), j)

            out[m] = self.lrs[min(range(len(self.lrs)), key=key)]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one row per (method, lr)."""
        rows = [{"method": m, "lr": lr, "converged": float(self.converged[i, j]),
                 "diverged": float(self.diverged[i, j]),
                 "median_steps": float(self.median_steps[i, j]),
                 "median_value": _num(self.median_value[i, j])}
                for i, m in enumerate(self.methods) for j, lr in enumerate(self.lrs)]
        return {"function": self.function, "methods": list(self.methods),
                "lrs": list(self.lrs), "starts": self.starts, "steps": self.steps,
                "tol": self.tol, "runs": rows, "best_lr": self.best()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SweepResult:
        """The result :meth:`to_dict` wrote (a saved ``gradscape sweep --json``)."""
        try:
            methods, lrs = tuple(d["methods"]), tuple(float(v) for v in d["lrs"])
            grid = {(r["method"], float(r["lr"])): r for r in d["runs"]}

            def table(key: str) -> np.ndarray:
                return np.array([[np.nan if grid[m, lr][key] is None else grid[m, lr][key]
                                  for lr in lrs] for m in methods], dtype=float)

            return cls(str(d["function"]), methods, lrs, int(d["starts"]), int(d["steps"]),
                       d["tol"], table("converged"), table("diverged"), table("median_steps"),
                       table("median_value"))
        except (KeyError, TypeError, ValueError) as err:
            raise DomainError(f"not a saved sweep (gradscape sweep --json): missing or bad "
                              f"{err}") from None


def combine(function: str, methods: Sequence[str], lrs: Sequence[float], steps: int,
            tol: float | None, parts: dict[tuple[int, int], list[Part]]) -> SweepResult:
    """The result from every part of every (method index, lr index)."""
    shape = (len(methods), len(lrs))
    conv, div, med_s, med_v = (np.zeros(shape) for _ in range(4))
    starts = 0
    for (i, j), ps in parts.items():
        total = sum(p.starts for p in ps)
        starts = total
        conv[i, j] = sum(p.converged for p in ps) / total
        div[i, j] = sum(p.diverged for p in ps) / total
        hist = np.sum([p.steps_hist for p in ps], axis=0)
        med_s[i, j] = _hist_median(hist)
        values = np.concatenate([p.values for p in ps])
        med_v[i, j] = float(np.median(values.astype(np.float64))) if len(values) else np.nan
    return SweepResult(function, tuple(methods), tuple(float(v) for v in lrs), starts, steps,
                       tol, conv, div, med_s, med_v)


def _hist_median(hist: np.ndarray) -> float:
    """The median of the integers a histogram counts (the mean of the middle two)."""
    total = int(hist.sum())
    cum = np.cumsum(hist)
    lo = int(np.searchsorted(cum, (total - 1) // 2, side="right"))
    hi = int(np.searchsorted(cum, total // 2, side="right"))
    return (lo + hi) / 2


def check_grid(methods: Sequence[str], lrs: Sequence[float], starts: int) -> None:
    """Refuse empty grids, unknown methods, bad rates and sweeps too big for exact medians."""
    from gradscape.optim.optimizers import lookup

    if not methods or not lrs:
        raise DomainError("a sweep needs at least one method and one learning rate")
    for m in methods:
        lookup(m)
    for lr in lrs:
        if isinstance(lr, bool) or not isinstance(lr, int | float) or not (np.isfinite(lr)
                                                                          and lr > 0):
            raise DomainError(f"learning rates must be numbers > 0, got {lr!r}")
    if len(set(methods)) != len(methods) or len(set(lrs)) != len(lrs):
        raise DomainError("methods and learning rates must not repeat")
    if starts * len(methods) * len(lrs) > MAX_VALUES:
        raise DomainError(f"{starts:,} starts × {len(methods) * len(lrs)} runs keeps more final "
                          f"values than the exact medians allow ({MAX_VALUES:,}); use fewer "
                          "starts or fewer methods and rates")


def sweep_local(f: Any, methods: Sequence[str], lrs: Sequence[float], starts: np.ndarray, *,
                steps: int = 500, tol: float | None = 1e-8, **hyper: Any) -> SweepResult:
    """The sweep in this process: one batch descent per method and rate."""
    from gradscape.optim.descend import as_function

    fn = as_function(f)
    check_grid(methods, lrs, len(starts))
    parts = {(i, j): [sweep_part(fn, m, float(lr), starts, steps, tol,
                                 _hyper_for(m, hyper))]
             for i, m in enumerate(methods) for j, lr in enumerate(lrs)}
    return combine(fn.text, methods, lrs, steps, tol, parts)


def _hyper_for(method: str, hyper: dict[str, Any]) -> dict[str, Any]:
    """The hyper-parameters ``method`` takes, from those given for the whole sweep."""
    from gradscape.optim.optimizers import lookup

    names = {h.name for h in lookup(method).hyper}
    return {k: v for k, v in hyper.items() if k in names}


def _or_inf(v: float) -> float:
    return float(v) if np.isfinite(v) else np.inf


def _num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None
