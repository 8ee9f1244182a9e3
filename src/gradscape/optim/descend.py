"""``descend``: run an optimizer from one start point (a Trajectory) or many (a BatchResult).

One start and many starts take the same road: a single start is a batch of one whose path is
kept, so its Trajectory is identical to the same start's row in any batch.

>>> t = descend("x^2 + 3y^2", [1.0, 1.0], "gd", lr=0.1, backend="numpy")  # |∇f| ≈ 2·0.8^k
>>> t.status, t.steps, bool(abs(t.final).max() < 1e-8)
('converged', 86, True)
>>> import numpy as np
>>> r = descend("x^2 + 3y^2", np.array([[1.0, 1.0], [2.0, -1.0]]), "gd", lr=0.1,
...             backend="numpy")
>>> r.counts()
{'converged': 2, 'max-steps': 0, 'diverged': 0}
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from gradscape.compile import have_numba as _have_numba
from gradscape.errors import DomainError
from gradscape.optim.auto import choose_backend, choose_method, note_reference_time
from gradscape.optim.optimizers import Optimizer, lookup
from gradscape.optim.oracle import Problem
from gradscape.optim.reference import run_reference
from gradscape.optim.result import BatchResult, Raw, Trajectory
from gradscape.optim.schedules import Schedule, resolve_schedule
from gradscape.optim.verdict import review

__all__ = ["descend", "as_function", "problem_of", "BACKENDS", "MAX_STEPS"]

BACKENDS = ("auto", "numba", "numpy", "python", "cuda")
"""The values ``backend=`` takes."""
MAX_STEPS = 10_000_000
"""The most steps one run may take."""
_MAX_PATH_FLOATS = 1 << 28  # 2 GiB of kept paths: beyond this, ask for fewer


def as_function(f: Any) -> Any:
    """A gradscape Function from a Function, formula text, library name or SymPy expression."""
    from gradscape.calculus.function import Function

    return f if isinstance(f, Function) else Function(f)


def _diff(expr: Any, symbol: Any) -> Any:
    """∂expr/∂symbol by SymPy (imported here: descend itself need not load SymPy)."""
    import sympy as sp

    return sp.diff(expr, symbol)


def problem_of(f: Any) -> Problem:
    """The NumPy view of f used by the reference loop: rows of points in, arrays out.

    For a formula these are its kernels' NumPy code as the fused loops compile it (the
    gradient by reverse mode, undefined wherever f is), called without checks; for Python
    code, f's numeric derivatives.
    """
    if f.is_symbolic:
        n = len(f.variables)
        grad_k, value_k = f.kernel("grad"), f.kernel("value")
        index = np.array([[min(i, j) * n - min(i, j) * (min(i, j) - 1) // 2 + abs(i - j)
                           for j in range(n)] for i in range(n)])

        def hess_rows(x: np.ndarray) -> np.ndarray:
            upper = f.kernel("hess").rows(x)  # (n(n+1)/2, m), row by row
            return upper[index].transpose(2, 0, 1)

        made: dict[str, Any] = {}

        def squares() -> tuple[Any, Any, int]:
            # built on first use: only lm asks
            if "k" not in made:
                from gradscape.compile import build_kernel
                from gradscape.optim.leastsquares import residuals

                res = residuals(f.expr, f.symbols)
                if res is None:
                    raise DomainError(f"{f.text} is not a sum of squares: lm needs one; "
                                      "try bfgs")
                jac = [_diff(r, s) for r in res for s in f.symbols]
                made["k"] = (build_kernel(res, f.symbols), build_kernel(jac, f.symbols),
                             len(res))
            return made["k"]

        def residual_rows(x: np.ndarray) -> np.ndarray:
            return np.asarray(squares()[0].rows(x)).T

        def jacobian_rows(x: np.ndarray) -> np.ndarray:
            _res, k_jac, m = squares()
            return np.asarray(k_jac.rows(x)).T.reshape(len(x), m, n)

        return Problem(lambda x: grad_k.rows(x).T, lambda x: value_k.rows(x)[0], hess_rows,
                       residual_rows, jacobian_rows)

    # A loss over data (calculus.datafunction) reduces its rows with a compiled kernel.
    backend = "auto" if hasattr(f, "reduction") else "numpy"

    def grad(x: np.ndarray) -> np.ndarray:
        return np.asarray(f.grad(*x.T, backend=backend)).T

    def value(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(f(*x.T, backend=backend), (len(x),))

    def hess(x: np.ndarray) -> np.ndarray:
        return np.asarray(f.hess(*x.T, backend=backend)).transpose(2, 0, 1)

    return Problem(grad, value, hess)


# One start as numbers gives a Trajectory; an array may hold one start or many.
@overload
def descend(
    f: Any, start: Sequence[float], method: str = ..., lr: float | None = ..., steps: int = ...,
    tol: float | None = ..., *, schedule: Schedule | str | None = ...,
    keep_paths: bool | int | Sequence[int] | np.ndarray | None = ..., backend: str = ...,
    dtype: Any = ..., batch: int | None = ..., epochs: int | None = ..., seed: int | None = ...,
    **hyper: Any,
) -> Trajectory: ...
@overload
def descend(
    f: Any, start: Sequence[float] | np.ndarray, method: str = ..., lr: float | None = ...,
    steps: int = ..., tol: float | None = ..., *, schedule: Schedule | str | None = ...,
    keep_paths: bool | int | Sequence[int] | np.ndarray | None = ..., backend: str = ...,
    dtype: Any = ..., batch: int | None = ..., epochs: int | None = ..., seed: int | None = ...,
    **hyper: Any,
) -> Trajectory | BatchResult: ...
def descend(
    f: Any,
    start: Sequence[float] | np.ndarray,
    method: str = "auto",
    lr: float | None = None,
    steps: int = 1000,
    tol: float | None = 1e-8,
    *,
    schedule: Schedule | str | None = None,
    keep_paths: bool | int | Sequence[int] | np.ndarray | None = None,
    backend: str = "auto",
    dtype: Any = np.float64,
    batch: int | None = None,
    epochs: int | None = None,
    seed: int | None = None,
    **hyper: Any,
) -> Trajectory | BatchResult:
    """Run ``method`` on ``f`` from ``start``: shape (n,) gives a Trajectory, (M, n) a BatchResult.

    Args:
        f: a Function, formula text or library name (``"himmelblau"``).
        start: one point (n,) or M points (M, n), n = number of variables of f.
        method: "auto" (the default: BFGS, or L-BFGS for many variables, with no learning
            rate; Adam with backend "cuda"; the result's ``note`` says which and why) or a
            name in
            :data:`gradscape.optim.optimizers.OPTIMIZERS` (gd, momentum, nesterov, adagrad,
            rmsprop, adam, adamw, lion, newton, armijo, bfgs, lbfgs, cg).
        lr: learning rate (the method's tuned default when None; bfgs, lbfgs and cg take
            their steps from a line search and ignore it).
        steps: the most steps to take.
        tol: stop a start when |∇f| < tol ("converged"); None runs exactly ``steps`` steps
            (starts that diverge still stop).
        schedule: a Schedule or name ("constant", "step", "exponential", "cosine").
        keep_paths: for many starts, which whole paths to keep: True (all), an int K (the
            first K) or an index array. One start always keeps its path.
        backend: "numba" (the fused compiled loop), "numpy" (the reference loop, no JIT),
            "python" (the fused loop's code interpreted: no JIT, fastest for a few starts;
            :mod:`gradscape.optim.plain`; lm, which reads residuals, runs the reference),
            "cuda" (one GPU thread per start: :mod:`gradscape.optim.cuda`) or "auto" (the GPU
            when one is present and starts × steps reach ``CUDA_AUTO_WORK``; else numpy for
            small work and numba for large: :mod:`gradscape.optim.auto`).
        dtype: np.float64, or np.float32 with backend "cuda".
        batch, epochs, seed: for a loss over data, minibatch descent: ``batch`` rows per
            step, ``epochs`` passes over the shuffled rows (10 by default), shuffled by
            ``seed`` (0 by default); ``steps`` is then not used (see
            :mod:`gradscape.optim.minibatch`). Without them every step sees all the rows.
            With minibatches, ``method="auto"`` is ``"sgd"``.
        **hyper: the method's hyper-parameters (b1=0.9, beta=0.5, weight_decay=0.01, ...).

    >>> t = descend("himmelblau", [0.0, 0.0], "adam", lr=0.1, steps=2000, tol=1e-6,
    ...             backend="numpy")
    >>> t.status, t.final.round(4).tolist()
    ('converged', [3.0, 2.0])
    """
    fn = as_function(f)
    if batch is not None or epochs is not None or seed is not None:
        from gradscape.optim.minibatch import descend_minibatch

        if np.ndim(start) != 1 and not (np.ndim(start) == 0 and len(fn.variables) == 1):
            raise DomainError("minibatch descent runs from one start point")
        if isinstance(method, str) and method.strip().lower() == "auto":
            method = "sgd"
        return descend_minibatch(
            fn, start, method, lr, batch=getattr(fn, "n_rows", 1) if batch is None else batch,
            epochs=10 if epochs is None else epochs, seed=0 if seed is None else seed,
            tol=tol, schedule=schedule, **hyper)
    note = ""
    if isinstance(method, str) and method.strip().lower() == "auto":
        if backend == "cuda":  # BFGS's line search has no GPU kernel
            method, why = "adam", ("backend 'cuda': Adam, the most forgiving of the methods "
                                   "with a GPU kernel (BFGS's line search has none)")
        else:
            method, why = choose_method(fn)
        note = f"auto chose {method}: {why}"
    opt = lookup(method)
    lr, hp = opt.check(lr, hyper)
    steps = _check_steps(steps)
    tol2 = _check_tol(tol)
    starts, single = _check_start(start, fn)
    keep = np.array([0]) if single else _keep_index(keep_paths, len(starts))
    if len(keep) * (steps + 1) * (starts.shape[1] + 2) > _MAX_PATH_FLOATS:
        raise DomainError(
            f"keeping {len(keep)} whole paths of {steps + 1} points is too much memory; keep "
            "fewer (keep_paths=100) or take fewer steps")
    sched = resolve_schedule(schedule)
    rates = sched.rates(lr, steps)
    chosen = _check_backend(backend, fn, opt, len(starts), steps)
    begun = time.perf_counter()
    raw = _run(fn, opt, hp, starts, rates, steps, tol2, keep, chosen, _check_dtype(dtype, chosen))
    if backend == "auto" and chosen == "numpy" and fn.is_symbolic:  # rent or buy: see auto
        note_reference_time(fn, opt, time.perf_counter() - begun)
    review(problem_of(fn), starts, raw.final, raw.value, raw.grad_norm, raw.code, tol2)
    result = BatchResult(
        starts=starts, final=raw.final, values=raw.value, steps=raw.steps,
        status_codes=raw.code, grad_norms=raw.grad_norm, method=opt.name, lr=lr,
        paths=raw.paths, path_values=raw.path_values, path_grad_norms=raw.path_grad_norms,
        path_index=keep, variables=tuple(fn.variables), hyper=hp, schedule=sched.describe(),
        evaluations=raw.evals, note=note)
    return result.trajectory(0) if single else result


def _run(fn: Any, opt: Optimizer, hp: dict[str, Any], starts: np.ndarray, rates: np.ndarray,
         steps: int, tol2: float, keep: np.ndarray, backend: str, dtype: Any) -> Raw:
    if backend == "cuda":
        from gradscape.optim.cuda import run_descent

        return run_descent(fn, opt, hp, starts, rates, steps, tol2, keep, dtype)
    if backend == "numba":
        from gradscape.optim.fused import fused_loop

        return fused_loop(fn, opt)(starts, rates, steps, tol2, hp, keep)
    if backend == "python":
        from gradscape.optim.plain import plain_loop

        return plain_loop(fn, opt)(starts, rates, steps, tol2, hp, keep)
    return run_reference(problem_of(fn), opt, hp, starts, rates, steps, tol2, keep)


def _check_backend(backend: str, fn: Any, opt: Optimizer, starts: int, steps: int) -> str:
    if backend not in BACKENDS:
        raise DomainError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "cuda" or (backend == "auto" and _gpu_pays(fn, opt, starts * steps)):
        return _check_cuda(fn, opt)
    fusable = fn.is_symbolic and _have_numba()
    if backend == "numba" and not fusable:
        why = "Numba is not installed" if not _have_numba() else \
            "f wraps Python code, not a formula"
        raise DomainError(f"backend 'numba' is not available here: {why}; use backend='numpy'")
    if backend == "python" and not fn.is_symbolic:
        raise DomainError("backend 'python' runs a formula's own code; this Function wraps "
                          "Python code (use backend='numpy')")
    if "residuals" in opt.needs:  # least squares reads R and J: the NumPy path only
        if backend == "numba":
            raise DomainError(f"{opt.name} runs on the NumPy path only; use backend='numpy'")
        return "numpy"
    if backend == "auto":
        return choose_backend(fn, opt, starts, steps)
    return backend


# ---- the CUDA backend (gradscape.optim.cuda) ------------------------------------------------
def _gpu_pays(fn: Any, opt: Optimizer, work: int) -> bool:
    """Whether "auto" takes the GPU: a formula, a method with a kernel, enough work, a GPU."""
    from gradscape.optim.cuda import CUDA_AUTO_WORK, kernel_methods

    if work < CUDA_AUTO_WORK or not fn.is_symbolic or opt.name not in kernel_methods():
        return False
    from gradscape.compile.cuda import gpu_present

    return gpu_present()


def _check_cuda(fn: Any, opt: Optimizer) -> str:
    from gradscape.compile.cuda import require_cuda
    from gradscape.optim.cuda import kernel_methods

    if not fn.is_symbolic:
        raise DomainError("backend 'cuda' needs a formula; this Function wraps Python code "
                          "(use backend='numpy')")
    if opt.name not in kernel_methods():
        raise DomainError(f"{opt.name} has no GPU kernel; use backend 'numba' or 'numpy' "
                          f"(GPU methods: {', '.join(kernel_methods())})")
    require_cuda()
    return "cuda"


def _check_dtype(dtype: Any, backend: str) -> Any:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt == np.float64 or (dt == np.float32 and backend == "cuda"):
        return dt
    if dt == np.float32:
        raise DomainError("float32 descent runs on the GPU only (backend='cuda'); the CPU "
                          "loops run in float64")
    raise DomainError(f"unsupported dtype {dtype!r}; use np.float64 (or np.float32 with "
                      "backend='cuda')")


def _check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) \
            or not 0 <= steps <= MAX_STEPS:
        raise DomainError(f"steps must be a whole number from 0 to {MAX_STEPS:,}, got {steps!r}")
    return int(steps)


def _check_tol(tol: Any) -> float:
    if tol is None:
        return -1.0  # |∇f|² < -1 never holds: run every step
    if isinstance(tol, bool) or not isinstance(tol, int | float | np.integer | np.floating) \
            or not (math.isfinite(tol) and tol > 0):
        raise DomainError(f"tol must be a number > 0 (or None to run every step), got {tol!r}")
    return float(tol) ** 2


def _check_start(start: Any, fn: Any) -> tuple[np.ndarray, bool]:
    n = len(fn.variables)
    if n == 0:
        raise DomainError(f"{fn.text} has no variables: there is nothing to descend along")
    try:
        x = np.array(start, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise DomainError(f"start must be numbers, shape ({n},) or (M, {n}): {err}") from None
    if x.ndim == 0 and n == 1:
        x = x.reshape(1)
    if x.ndim not in (1, 2) or x.shape[-1] != n:
        raise DomainError(
            f"start must have shape ({n},) for one point or (M, {n}) for M points — one "
            f"coordinate per variable ({', '.join(fn.variables)}); got shape {x.shape}")
    return (x[None, :], True) if x.ndim == 1 else (x, False)


def _keep_index(keep: Any, m: int) -> np.ndarray:
    if keep is None or keep is False:
        return np.zeros(0, dtype=np.int64)
    if keep is True:
        return np.arange(m, dtype=np.int64)
    if isinstance(keep, int | np.integer):
        if keep < 0:
            raise DomainError(f"keep_paths as a count must be >= 0, got {keep}")
        return np.arange(min(int(keep), m), dtype=np.int64)
    idx = np.asarray(keep)
    if idx.dtype == bool and idx.shape == (m,):
        return np.flatnonzero(idx).astype(np.int64)
    if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
        raise DomainError("keep_paths must be True, a count, or a 1-D array of start indices")
    idx = idx.astype(np.int64)
    if idx.size and (idx.min() < -m or idx.max() >= m):
        raise DomainError(f"keep_paths indices must lie in 0..{m - 1}")
    idx = np.where(idx < 0, idx + m, idx)
    if len(np.unique(idx)) != len(idx):
        raise DomainError("keep_paths indices must not repeat")
    return idx
