"""Batch descent and basin labels on the GPU: the CPU's definitions, compiled by numba-cuda.

A kernel is built per (formula, optimizer, dtype) from three things that the CPU loops use
too: the formula's device functions (:mod:`gradscape.compile.cuda`, printed from the
registry's ``code.cuda`` templates and the reverse-mode gradient program), the optimizer's
ONE definition (the pieces of :mod:`gradscape.optim.transforms` composed by ``chain`` with
a device-function ``jit``), and
the loop of :mod:`gradscape.optim.cuda_loop`, bound together with
:func:`gradscape.optim.binding.bind`. The pieces call ``np.sqrt`` and ``np.sign``, which
work on arrays and scalars alike; device code gets a stand-in ``np`` whose ``sqrt`` is
``math.sqrt`` and whose ``sign`` is the scalar helper ``_sign``
(:mod:`gradscape.compile.scalar`).

- :func:`run_descent` is ``descend(..., backend="cuda")``: every start on its own thread,
  statuses, step counts and evaluation counts as on the CPU, paths kept on request.
- :func:`basin_labels` runs a grid of starts and labels each by the nearest known minimum
  on the device; only labels, values (float32), steps and statuses come back.

Methods with no kernel (those with a line search: Armijo, Newton, BFGS, ...) raise a
DomainError that says which backends run them.

>>> kernel_methods()
('gd', 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw', 'lion')
"""

from __future__ import annotations

import math
import threading
import types
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from gradscape.errors import DomainError
from gradscape.optim import binding, cuda_loop, transforms
from gradscape.optim.driver import LIMIT2
from gradscape.optim.optimizers import OPTIMIZERS, Optimizer
from gradscape.optim.result import Raw, empty_raw

__all__ = ["run_descent", "basin_labels", "BasinLabels", "kernel_methods", "build_kernel",
           "descent_args", "basin_args", "CUDA_AUTO_WORK"]

# "auto" runs descent on the GPU from this many point-steps (starts × steps): below it the
# first call's compile (a second or two) outweighs the CPU's loop. Not measured on a GPU
# yet: see bench/gpu.py.
CUDA_AUTO_WORK = 1 << 28
_MAX_CACHED = 32  # compiled kernels kept in this process (least recently used dropped)
_KERNELS: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CHAINS: dict[tuple[str, str], transforms.Chain] = {}
_LOCK = threading.RLock()
_DTYPES = {"float64": np.float64, "float32": np.float32}


def kernel_methods() -> tuple[str, ...]:
    """The optimizer rows that have a GPU kernel: every chain. The methods (Newton and
    the quasi-Newton ones) take their steps from a line search, which has none."""
    return tuple(name for name, opt in OPTIMIZERS.items() if opt.method is None)


def _dtype_name(dtype: Any) -> str:
    try:
        name = str(np.dtype(dtype).name)
    except TypeError:
        name = ""
    if name not in _DTYPES:
        raise DomainError(f"unsupported dtype {dtype!r}; use np.float64 or np.float32")
    return name


def _device_np(dtype: str) -> Any:
    """The stand-in ``np`` of the pieces in device code: sqrt and sign on scalars."""
    from gradscape.compile.cuda import numba_cuda
    from gradscape.compile.scalar import HELPERS

    sign: Any = HELPERS["_sign"]
    shim: Any = types.ModuleType("gradscape_device_np")
    shim.sqrt = math.sqrt
    shim.sign = numba_cuda().jit(device=True)(binding.bind(sign, {"F": _DTYPES[dtype]}))
    return shim


def _chain(opt: Optimizer, dtype: str) -> transforms.Chain:
    """The optimizer's chain with every piece and link a device function."""
    with _LOCK:
        if (opt.name, dtype) not in _CHAINS:
            from gradscape.compile.cuda import numba_cuda

            shim = _device_np(dtype)
            jit = numba_cuda().jit(device=True)

            def device(fn: Any) -> Any:
                return jit(binding.bind(fn, {"np": shim}))

            _CHAINS[opt.name, dtype] = transforms.chain(*opt.pieces, jit=device)
        return _CHAINS[opt.name, dtype]


def _formula_module(f: Any, hess: bool, dtype: str) -> Any:
    """The formula's device functions (grad_point, value_point, hess_point with ``hess``)."""
    from gradscape.compile import cuda as device
    from gradscape.compile.adjoint import gradient_program
    from gradscape.compile.cache import cache_dir, formula_key, load_module
    from gradscape.compile.codegen import lower, render

    symbols = list(f.symbols)
    n = len(symbols)
    upper = [f.hessian[i, j] for i in range(n) for j in range(i, n)] if hess else []
    key = formula_key([f.kernel_expr, *upper], f.symbols)

    def source(on_disk: bool) -> str:
        grad = render(gradient_program(f.kernel_expr, symbols), "cuda", dtype)
        value = render(lower([f.kernel_expr], symbols), "cuda", dtype)
        second = render(lower(upper, symbols), "cuda", dtype) if hess else None
        return device.pieces_source(grad, value, second, n, dtype)

    name = device.module_name("pieces", key, dtype, "h" if hess else "")
    return load_module(name, source, cache_dir())


def _kernel(f: Any, opt: Optimizer, dtype: str, kind: str) -> Any:
    """The ``descent_kernel`` or ``basin_kernel`` of ``f`` and ``opt``, built once."""
    from gradscape.compile.cache import formula_key
    from gradscape.compile.cuda import simulator

    _require_kernel(opt)
    slot = (formula_key([f.kernel_expr], f.symbols), opt.name, dtype, kind, simulator())
    with _LOCK:
        if slot not in _KERNELS:
            _KERNELS[slot] = build_kernel(f, opt, dtype, kind)
            if len(_KERNELS) > _MAX_CACHED:
                _KERNELS.popitem(last=False)
        _KERNELS.move_to_end(slot)
        return _KERNELS[slot]


def _require_kernel(opt: Optimizer) -> None:
    if opt.name not in kernel_methods():
        raise DomainError(f"{opt.name} has no GPU kernel (its line search evaluates f a "
                          f"varying number of times); run it with backend 'numba' or 'numpy'. "
                          f"GPU methods: {', '.join(kernel_methods())}")


def build_kernel(f: Any, opt: Optimizer, dtype: str, kind: str) -> Any:
    """A new ``descent_kernel`` or ``basin_kernel`` of Function ``f`` and optimizer ``opt``,
    bound to their device code; numba-cuda compiles it on its first launch (inside
    :func:`gradscape.compile.cuda.exact` for no contraction)."""
    from gradscape.compile.cuda import numba_cuda

    _require_kernel(opt)
    cuda = numba_cuda()
    module = _formula_module(f, False, dtype)
    pieces: dict[str, Any] = {
        "cuda": cuda, "np": _device_np(dtype), "F": _DTYPES[dtype], "N": len(f.symbols),
        "grad_point": module.grad_point, "value_point": module.value_point}
    device = cuda.jit(device=True)
    chain = _chain(opt, dtype)
    pieces.update(K=max(chain.slots, 1), update=chain.update, per_step=chain.per_step)
    pieces["advance"] = binding.bind(cuda_loop.chain_step, pieces, jit=device)
    loop = cuda_loop.descent_kernel if kind == "descent" else cuda_loop.basin_kernel
    return binding.bind(loop, pieces, jit=device, top=cuda.jit)


def _params(opt: Optimizer, hyper: Mapping[str, Any], dtype: str) -> Any:
    """The hyper-parameters as the kernel takes them: floats in the kernel's dtype."""
    params = opt.params({**opt.defaults(), **hyper})
    if dtype == "float64":
        return params

    def narrow(p: Any) -> Any:
        return type(p)(*(np.float32(v) if isinstance(v, float) else v for v in p))

    return narrow(params) if opt.method is not None else tuple(narrow(p) for p in params)


def _limits(tol2: float, dtype: str) -> tuple[Any, Any]:
    """tol² and the divergence limit on |x|² + |∇f|² in the kernel's dtype (float32's
    largest number when 1e200 does not fit: there overflow is divergence)."""
    cast = _DTYPES[dtype]
    lim = LIMIT2 if dtype == "float64" else float(np.finfo(np.float32).max)
    return cast(tol2), cast(lim)


def _on_device(kernel: Any, count: int, args: list[Any], back: list[int]) -> list[np.ndarray]:
    """Copy the host arrays among ``args`` to the GPU, run ``kernel`` on ``count`` threads,
    and return the arrays at the positions ``back`` (the outputs), copied to the host."""
    from gradscape.compile.cuda import exact, numba_cuda, threads

    cuda = numba_cuda()
    with exact():
        on = [cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args]
        kernel[max(1, -(-count // threads())), threads()](*on)
    return [on[i].copy_to_host() for i in back]


def descent_args(opt: Optimizer, hyper: Mapping[str, Any], starts: np.ndarray,
                  rates: np.ndarray, steps: int, tol2: float, keep: np.ndarray,
                  dtype: str) -> list[Any]:
    """``descent_kernel``'s arguments as host arrays (outputs left empty): the kernel runs
    on them after a copy to the device (:func:`run_descent`), and typing them gives its
    signature (for compiling it to PTX without a GPU)."""
    cast = _DTYPES[dtype]
    m, n = starts.shape
    slot = np.full(m, -1, dtype=np.int64)
    slot[keep] = np.arange(len(keep))
    tol, lim = _limits(tol2, dtype)
    k = max(len(keep), 1)  # never an empty array on the device: one unused row
    return [np.ascontiguousarray(starts, cast), np.ascontiguousarray(rates, cast), int(steps),
            tol, lim, _params(opt, hyper, dtype), bool(tol2 < 0 and not len(keep)), slot,
            np.empty((m, n), cast), np.empty(m, cast), np.empty(m, np.int64),
            np.empty(m, np.int8), np.empty(m, cast), np.full((k, steps + 1, n), np.nan, cast),
            np.full((k, steps + 1), np.nan, cast), np.full((k, steps + 1), np.nan, cast)]


def run_descent(f: Any, opt: Optimizer, hyper: Mapping[str, Any], starts: np.ndarray,
                rates: np.ndarray, steps: int, tol2: float, keep: np.ndarray,
                dtype: Any = np.float64) -> Raw:
    """Run ``opt`` from each row of ``starts`` on the GPU: called like ``run_reference``
    (:mod:`gradscape.optim.reference`), with the same Raw output, in float64 (float32 on
    request: points, state and formula in float32, results returned as float64)."""
    from gradscape.compile.cuda import require_cuda

    require_cuda()
    name = _dtype_name(dtype)
    kernel = _kernel(f, opt, name, "descent")
    m, n = starts.shape
    raw = empty_raw(m, n, len(keep), steps)
    args = descent_args(opt, hyper, starts, rates, steps, tol2, keep, name)
    outs = _on_device(kernel, m, args, list(range(8, 16) if len(keep) else range(8, 13)))
    for target, got in zip((raw.final, raw.value, raw.steps, raw.code, raw.grad_norm,
                            raw.paths, raw.path_values, raw.path_grad_norms), outs):
        target[...] = got
    raw.evals[:, 0] = 0
    raw.evals[:, 1] = raw.steps + 1  # ∇f once per point visited
    raw.evals[:, 2] = 0  # no Hessian: the kernels run chains only
    return raw


class BasinLabels(NamedTuple):
    """What comes back from a basin map on the device, each (len(y), len(x)):
    ``labels`` (int16, or int32 past 32,000 minima) index the minima, -1 none reached
    (diverged, or not near one after every step), -2 converged away from all of them;
    ``values`` f at the final point (float32); ``steps`` taken (uint16, or uint32 past
    65,535 steps); ``codes`` the statuses (int8, an index into ``result.STATUSES``)."""

    labels: np.ndarray
    values: np.ndarray
    steps: np.ndarray
    codes: np.ndarray


def basin_labels(f: Any, x_axis: np.ndarray, y_axis: np.ndarray, method: str = "gd",
                 lr: float | None = None, steps: int = 500, tol: float | None = 1e-8,
                 minima: np.ndarray | None = None, radius: float = 0.0,
                 dtype: Any = np.float64, schedule: Any = None,
                 **hyper: Any) -> BasinLabels:
    """Descend from every grid start (x_axis[c], y_axis[r]) of a function of two variables
    on the GPU and label it by the nearest of ``minima`` (k, 2) within ``radius``.

    The basin map's computation (:func:`gradscape.plot.basins.basin_map`) in one kernel:
    start points are made on the device from the axes, and only the labels, values, steps
    and statuses come back (for 8192² starts, 4 + 4 + 2 + 1 bytes a start).
    """
    from gradscape.compile.cuda import require_cuda
    from gradscape.optim.descend import _check_steps, _check_tol, as_function
    from gradscape.optim.optimizers import lookup
    from gradscape.optim.schedules import resolve_schedule

    require_cuda()
    fn = as_function(f)
    if len(fn.variables) != 2:
        raise DomainError(f"basin labels are for two variables; {fn.signature()} has "
                          f"{len(fn.variables)}")
    if not fn.is_symbolic:
        raise DomainError("the GPU kernels need a formula; this Function wraps Python code")
    opt = lookup(method)
    lr, hp = opt.check(lr, hyper)
    steps = _check_steps(steps)
    tol2 = _check_tol(tol)
    name = _dtype_name(dtype)
    cast = _DTYPES[name]
    xs = np.ascontiguousarray(x_axis, dtype=cast).reshape(-1)
    ys = np.ascontiguousarray(y_axis, dtype=cast).reshape(-1)
    known = np.zeros((0, 2)) if minima is None else np.asarray(minima, float).reshape(-1, 2)
    if not (math.isfinite(radius) and radius >= 0):
        raise DomainError(f"radius must be a number >= 0, got {radius!r}")
    kernel = _kernel(fn, opt, name, "basin")
    args = basin_args(opt, hp, xs, ys, resolve_schedule(schedule).rates(lr, steps), steps,
                      tol2, known, radius, name)
    labels, values, taken, codes = _on_device(kernel, len(xs) * len(ys), args, [10, 11, 12, 13])
    return BasinLabels(labels, values, taken, codes)


def basin_args(opt: Optimizer, hyper: Mapping[str, Any], xs: np.ndarray, ys: np.ndarray,
               rates: np.ndarray, steps: int, tol2: float, known: np.ndarray, radius: float,
               dtype: str) -> list[Any]:
    """``basin_kernel``'s arguments as host arrays (outputs left empty)."""
    cast = _DTYPES[dtype]
    shape = (len(ys), len(xs))
    tol, lim = _limits(tol2, dtype)
    table = known if len(known) else np.full((1, 2), np.nan)  # never empty on the device
    return [np.ascontiguousarray(xs, cast), np.ascontiguousarray(ys, cast),
            np.ascontiguousarray(rates, cast), int(steps), tol, lim, _params(opt, hyper, dtype),
            bool(tol2 < 0), np.ascontiguousarray(table, cast), cast(radius),
            np.empty(shape, np.int16 if len(known) < 32000 else np.int32),
            np.empty(shape, np.float32), np.empty(shape, np.uint16 if steps <= 65535
                                                  else np.uint32),
            np.empty(shape, np.int8), np.zeros((1, 1, 2), cast)]

