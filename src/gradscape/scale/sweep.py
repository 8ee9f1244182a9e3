"""``sweep``: every method × learning rate from the same starts, here or on a Dask cluster.

Small sweeps run in this process (:func:`gradscape.optim.sweep.sweep_local`); big ones (more
than 2^26 point-steps per pair, or any run given ``scheduler`` or ``workers``) become one
Dask task per (method, rate, part of the starts), each running the compiled loop on its own
thread and returning a summary (counts, a histogram of steps, float32 final values), so the
medians are exact and equal to the in-process ones.

>>> r = sweep("himmelblau", methods=["gd", "adam"], lr=[0.001, 0.01], starts=6, steps=300)
>>> r.converged.shape, r.starts
((2, 2), 36)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim.sweep import (
    Part,
    SweepResult,
    _hyper_for,
    check_grid,
    combine,
    sweep_local,
    sweep_part,
)

__all__ = ["sweep", "sweep_task", "warm_methods", "LOCAL_WORK", "PART"]

LOCAL_WORK = 1 << 26  # point-steps per (method, rate) run in this process by default
PART = 1 << 18  # starts per task


def sweep(f: Any, methods: Sequence[str] = ("gd", "momentum", "adam"),
          lr: Sequence[float] = (0.001, 0.01, 0.1), starts: Any = 64, *,
          x: tuple[float, float] | None = None, y: tuple[float, float] | None = None,
          steps: int = 500, tol: float | None = 1e-8, scheduler: Any = None,
          workers: int | None = None, part: int = PART,
          progress: Callable[[int, int], None] | None = None,
          announce: Callable[[str], None] | None = None, **hyper: Any) -> SweepResult:
    """Descend with each method at each rate from ``starts``; a SweepResult of their shares.

    ``starts`` is an (M, 2+) array of start points, or n for an n×n grid over ``x`` × ``y``
    (default: the function's window). ``part`` is the number of starts per Dask task.
    """
    from gradscape.optim.descend import _check_start, _check_steps, _check_tol, as_function

    fn = as_function(f)
    steps = _check_steps(steps)
    _check_tol(tol)
    points = _starts(fn, starts, x, y)
    points, _ = _check_start(points, fn)
    check_grid(list(methods), list(lr), len(points))
    dask = scheduler is not None or workers is not None or len(points) * steps > LOCAL_WORK
    if not dask:
        return sweep_local(fn, list(methods), list(lr), points, steps=steps, tol=tol, **hyper)
    if not fn.is_symbolic:
        raise DomainError("a Dask sweep ships the formula to its workers; this Function wraps "
                          "Python code: run it in this process (no scheduler, no workers)")
    if isinstance(part, bool) or not isinstance(part, int) or part < 1:
        raise DomainError(f"part (starts per task) must be a whole number >= 1, got {part!r}")
    from gradscape.scale.cluster import connect

    with connect(scheduler, workers) as client:
        from distributed import as_completed

        if announce is not None and client.dashboard_link:
            announce(str(client.dashboard_link))
        pieces = [points[a:a + part] for a in range(0, len(points), part)]
        # Each method's loop compiled here first, then loaded by every worker before any
        # task: workers never compile (a JIT can take more memory than a worker is given).
        args = (fn.text, tuple(fn.variables), list(methods), len(pieces[0]), steps, tol)
        warm_methods(*args)
        client.run(warm_methods, *args)
        scattered = client.scatter(pieces)
        futures = {}
        for i, m in enumerate(methods):
            for j, rate in enumerate(lr):
                for piece in scattered:
                    fut = client.submit(sweep_task, fn.text, tuple(fn.variables), m,
                                        float(rate), piece, steps, tol,
                                        _hyper_for(m, hyper), pure=False)
                    futures[fut] = (i, j)
        parts: dict[tuple[int, int], list[Part]] = {}
        for done, fut in enumerate(as_completed(list(futures)), start=1):
            parts.setdefault(futures[fut], []).append(fut.result())
            if progress is not None:
                progress(done, len(futures))
    return combine(fn.text, list(methods), list(lr), steps, tol, parts)


def warm_methods(formula: str, variables: tuple[str, ...], methods: list[str], part: int,
                 steps: int, tol: float | None) -> bool:
    """Load (or compile) each method's loop, and the pieces tasks of ``part`` starts call,
    in this process (once)."""
    from gradscape.optim.basins import prepare_tiles

    for m in methods:
        prepare_tiles(_spec(formula, variables, m, 0.0, steps, tol), part)
    return True


def _spec(formula: str, variables: tuple[str, ...], method: str, lr: float, steps: int,
          tol: float | None) -> Any:
    from gradscape.optim.basins import MapSpec

    return MapSpec(formula, variables, (0.0, 1.0), (0.0, 1.0), 2, method, lr, steps, tol, (),
                   (), 0.0)


def sweep_task(formula: str, variables: tuple[str, ...], method: str, lr: float,
               starts: np.ndarray, steps: int, tol: float | None,
               hyper: dict[str, Any]) -> Part:
    """The Dask task: one method and rate over one part of the starts, on one thread."""
    from gradscape.optim.basins import _prepared

    fn, _ = _prepared(_spec(formula, variables, method, lr, steps, tol))
    return sweep_part(fn, method, lr, starts, steps, tol, hyper, serial=True)


def _starts(fn: Any, starts: Any, x: Any, y: Any) -> np.ndarray:
    if isinstance(starts, int | np.integer) and not isinstance(starts, bool):
        if len(fn.variables) != 2:
            raise DomainError(f"a grid of starts is for two variables; {fn.signature()} has "
                              f"{len(fn.variables)}: pass the starts as an array")
        if not 1 <= starts <= 1 << 14:
            raise DomainError(f"a grid of starts needs n from 1 to 16384 per axis, got {starts}")
        from gradscape.scale.run import _box

        bx, by = _box(fn, x, y)
        X, Y = np.meshgrid(np.linspace(*bx, int(starts)), np.linspace(*by, int(starts)))
        return np.column_stack([X.ravel(), Y.ravel()])
    try:
        return np.asarray(starts, dtype=np.float64)
    except (TypeError, ValueError):
        raise DomainError("starts are an (M, n) array of points or a grid size n") from None
