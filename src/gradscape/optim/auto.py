"""``method="auto"`` and ``backend="auto"``: which method and which loop, and why.

The method: no learning rate to tune. BFGS (a dense n×n inverse-Hessian estimate per start)
for up to :data:`DENSE_MAX_N` variables, L-BFGS (2·10·n floats per start) beyond.

The loop: the NumPy reference needs no JIT, so it answers a new formula at once (a per-start
method runs on Python floats: :mod:`gradscape.optim.lean`); the fused loop pays a one-time
compile of the optimizer's loop (about 10 s per optimizer and machine, then cached on disk)
plus 0.3-2 s of small pieces per new formula, and is 10-100× faster per step after that.
``backend="auto"`` compiles only when the work pays for it:

- nothing left to compile (the loop and this formula's pieces are loaded in this process):
  the fused loop;
- else the reference while the work (starts × steps) is at most :data:`SMALL_WORK` for the
  kind of method, and while the reference's time on this formula (summed over earlier
  ``auto`` runs in this process, :func:`note_reference_time`) is below what the compile
  would cost (:data:`COMPILE_SECONDS`): the rent-or-buy rule, so repeated calls never cost
  more than about twice the best choice made in hindsight;
- the fused loop above.

>>> from gradscape.calculus.function import Function
>>> choose_method(Function("x^2 + y^2"))
('bfgs', 'n = 2 variables: BFGS with a dense inverse-Hessian estimate (no learning rate)')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from gradscape.compile import have_numba
from gradscape.optim.optimizers import Optimizer

__all__ = ["choose_method", "choose_backend", "note_reference_time", "DENSE_MAX_N",
           "SMALL_WORK", "COMPILE_SECONDS"]

DENSE_MAX_N = 200
"""The most variables for which ``auto`` picks BFGS (n² floats per start) over L-BFGS."""
SMALL_WORK = {"method": 5_000, "chain": 2_000_000}
"""Starts × steps up to which ``backend="auto"`` runs the NumPy reference, per kind of
optimizer: a per-start method (run start by start in plain Python) or a coordinate-wise chain
(vectorised over starts). Set so the reference's run stays within about the compile time it
saves (about 1 s for a per-start method at ~0.2 ms a step, a few seconds for a chain)."""
COMPILE_SECONDS = {"pieces": 1.0, "loop": 15.0}
"""What a fused run is taken to cost to compile: a formula's pieces, and an optimizer's loop
when it is neither loaded nor on disk (seconds on an unloaded core)."""
_SPENT: OrderedDict[tuple[str, ...], float] = OrderedDict()  # reference seconds per formula
_MAX_SPENT = 256
_LOCK = threading.Lock()


def choose_method(f: Any) -> tuple[str, str]:
    """The method ``auto`` runs on Function ``f``, and the reason in words."""
    n = len(f.variables)
    if n <= DENSE_MAX_N:
        return "bfgs", (f"n = {n} variable{'s' if n != 1 else ''}: BFGS with a dense "
                        "inverse-Hessian estimate (no learning rate)")
    return "lbfgs", (f"n = {n} variables > {DENSE_MAX_N}: L-BFGS, which keeps 10 pairs of "
                     "vectors instead of an n×n matrix (no learning rate)")


def _key(f: Any, opt: Optimizer) -> tuple[str, ...]:
    return (str(getattr(f, "text", "")), *map(str, f.variables), opt.name)


def note_reference_time(f: Any, opt: Optimizer, seconds: float) -> None:
    """Add ``seconds`` the reference spent running ``opt`` on Function ``f`` (see
    :func:`choose_backend`)."""
    key = _key(f, opt)
    with _LOCK:
        _SPENT[key] = _SPENT.pop(key, 0.0) + seconds
        if len(_SPENT) > _MAX_SPENT:
            _SPENT.popitem(last=False)


def choose_backend(f: Any, opt: Optimizer, starts: int, steps: int) -> str:
    """"numba" or "numpy" for ``backend="auto"`` (see the module docstring)."""
    if not (f.is_symbolic and have_numba()):
        return "numpy"
    from gradscape.optim.fused import loop_ready, pieces_ready

    ready = loop_ready(opt)
    if ready and pieces_ready(f, opt):
        return "numba"
    if starts * max(steps, 1) > SMALL_WORK["chain" if opt.coordinatewise else "method"]:
        return "numba"
    cost = COMPILE_SECONDS["pieces"] + (0.0 if ready else COMPILE_SECONDS["loop"])
    with _LOCK:
        spent = _SPENT.get(_key(f, opt), 0.0)
    return "numba" if spent >= cost else "numpy"
