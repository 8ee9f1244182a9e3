"""``method="auto"`` and ``backend="auto"``: which method and which loop, and why.

The method: no learning rate to tune. BFGS (a dense n×n inverse-Hessian estimate per start)
for up to :data:`DENSE_MAX_N` variables, L-BFGS (2·10·n floats per start) beyond.

The loop: the NumPy reference needs no JIT, so it answers a new formula at once; the fused
loop pays a one-time compile of the optimizer's loop (about 10 s per optimizer and machine,
then cached on disk) plus about 0.3-0.5 s of small pieces per new formula, and is 10-100×
faster per step after that. ``backend="auto"`` takes the reference while the work (starts ×
steps) is at most :data:`SMALL_WORK` for the kind of method — a tenth of that when the
optimizer's compiled loop is already loaded or on disk — and the fused loop above.

>>> from gradscape.calculus.function import Function
>>> choose_method(Function("x^2 + y^2"))
('bfgs', 'n = 2 variables: BFGS with a dense inverse-Hessian estimate (no learning rate)')
"""

from __future__ import annotations

from typing import Any

from gradscape.compile import have_numba
from gradscape.optim.optimizers import Optimizer

__all__ = ["choose_method", "choose_backend", "DENSE_MAX_N", "SMALL_WORK"]

DENSE_MAX_N = 200
"""The most variables for which ``auto`` picks BFGS (n² floats per start) over L-BFGS."""
SMALL_WORK = {"method": 5_000, "chain": 2_000_000}
"""Starts × steps up to which ``backend="auto"`` runs the NumPy reference, per kind of
optimizer: a per-start method (run start by start in plain Python) or a coordinate-wise chain
(vectorised over starts). Set so the reference's run stays within about the compile time it
saves (about 1 s for a per-start method at ~0.2 ms a step, a few seconds for a chain)."""


def choose_method(f: Any) -> tuple[str, str]:
    """The method ``auto`` runs on Function ``f``, and the reason in words."""
    n = len(f.variables)
    if n <= DENSE_MAX_N:
        return "bfgs", (f"n = {n} variable{'s' if n != 1 else ''}: BFGS with a dense "
                        "inverse-Hessian estimate (no learning rate)")
    return "lbfgs", (f"n = {n} variables > {DENSE_MAX_N}: L-BFGS, which keeps 10 pairs of "
                     "vectors instead of an n×n matrix (no learning rate)")


def choose_backend(f: Any, opt: Optimizer, starts: int, steps: int) -> str:
    """"numba" or "numpy" for ``backend="auto"`` (see the module docstring)."""
    if not (f.is_symbolic and have_numba()):
        return "numpy"
    from gradscape.optim.fused import loop_ready

    limit = SMALL_WORK["chain" if opt.coordinatewise else "method"]
    if loop_ready(opt):
        limit //= 10
    return "numpy" if starts * max(steps, 1) <= limit else "numba"
