"""Checking what a kernel is given, and laying inputs out for the fused loops.

>>> import numpy as np
>>> x, y = np.arange(3.0)[None, :], np.arange(2.0)[:, None]
>>> modes, arrays, loop = prepare([x, y, np.float64(1.0)], (2, 3))
>>> modes, loop
('rcs', (2, 3))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from gradscape.errors import DomainError

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["check_formula", "as_arrays", "broadcast_shape", "check_out", "prepare"]


def check_formula(
    exprs: Any, symbols: Any
) -> tuple[tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """Validate SymPy expressions and input symbols; numbers become SymPy numbers."""
    import sympy as sp

    if isinstance(exprs, (str, bytes)) or isinstance(symbols, (str, bytes)):
        raise DomainError("build_kernel takes SymPy expressions and symbols, not text; "
                          "parse formula text with gradscape.formula first")
    items = [exprs] if isinstance(exprs, sp.Basic) and not isinstance(exprs, sp.MatrixBase) \
        else list(exprs)
    out = []
    for n, item in enumerate(items):
        if isinstance(item, Real) and not isinstance(item, bool):
            item = sp.Integer(item) if isinstance(item, int) else sp.Float(float(item))
        if not isinstance(item, sp.Basic):
            raise DomainError(f"component {n} is a {type(item).__name__}, not a SymPy "
                              "expression; build it with sympy or gradscape.formula")
        out.append(item)
    syms = [symbols] if isinstance(symbols, sp.Symbol) else list(symbols)
    for s in syms:
        if not isinstance(s, sp.Symbol):
            raise DomainError(f"input {s!r} is not a sympy.Symbol")
    if len(set(syms)) != len(syms):
        raise DomainError(f"symbols repeat: {syms}; list each input once")
    missing = set().union(*(e.free_symbols for e in out)) - set(syms) if out else set()
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise DomainError(f"expressions use {names}, not among the inputs "
                          f"{[str(s) for s in syms]}; add {names} to symbols")
    return tuple(out), tuple(syms)


def as_arrays(values: Sequence[Any], dtype: np.dtype) -> list[np.ndarray]:
    """Each input as an ndarray of ``dtype`` (no copy when it already is one)."""
    arrays = []
    for n, value in enumerate(values):
        if type(value) is np.ndarray and value.dtype == dtype:  # the common case, no copy
            arrays.append(value)
            continue
        arr = np.asarray(value)
        if arr.dtype.kind == "c":
            raise DomainError(f"input {n} is complex; kernels compute with real numbers only")
        if arr.dtype.kind not in "fiub":
            raise DomainError(f"input {n} has dtype {arr.dtype}; pass numbers or float arrays")
        with np.errstate(all="ignore"):  # 1e300 as float32 is inf, as promised, no warning
            arrays.append(arr.astype(dtype, copy=False))
    return arrays


def broadcast_shape(arrays: Sequence[np.ndarray]) -> tuple[int, ...]:
    """The common broadcast shape, or a DomainError naming the shapes."""
    shapes = {a.shape for a in arrays}
    if len(shapes) == 1:
        return shapes.pop()
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shown = ", ".join(str(a.shape) for a in arrays)
        raise DomainError(f"inputs of shapes {shown} do not broadcast together; use a "
                          "meshgrid or axes such as x[None, :] and y[:, None]") from None


def check_out(out: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``out`` when it fits, a fresh array when None, else a DomainError saying why."""
    if out is None:
        return np.empty(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise DomainError(f"out must be a NumPy array of shape {shape}, got {type(out)}")
    if out.shape != shape or out.dtype != dtype:
        raise DomainError(f"out has shape {out.shape} and dtype {out.dtype}; this call needs "
                          f"shape {shape} and dtype {dtype} (np.empty({shape}, {dtype.name}))")
    if not out.flags.writeable:
        raise DomainError("out is read-only; pass a writable array")
    return out


def prepare(arrays: Sequence[np.ndarray], shape: tuple[int, ...]
            ) -> tuple[str, list[Any], tuple[int, ...]]:
    """Modes ("f", "s", "r", "c"), loop-ready inputs and the loop shape (see numba_backend).

    Rows and columns stay 1-D, so ``x[None, :]`` and ``y[:, None]`` are never expanded;
    an input broadcast in some other pattern is expanded once into a full array.
    """
    size = math.prod(shape)
    cols = shape[-1] if shape else 1
    rows = size // cols if cols else 0
    modes = [_mode(a, shape) for a in arrays]
    grid = "r" in modes or "c" in modes
    loop = (rows, cols) if grid else (size,)
    ready: list[Any] = []
    for a, mode in zip(arrays, modes):
        if mode == "s":
            ready.append(a.dtype.type(a.reshape(-1)[0]))
        elif mode == "r":
            ready.append(np.ascontiguousarray(a).reshape(cols))
        elif mode == "c":
            column = np.broadcast_to(a.reshape(a.shape[:-1]), shape[:-1])
            ready.append(np.ascontiguousarray(column).reshape(rows))
        else:
            full = a if a.shape == shape else np.broadcast_to(a, shape)
            ready.append(np.ascontiguousarray(full).reshape(loop))
    return "".join("f" if m == "F" else m for m in modes), ready, loop


def _mode(a: np.ndarray, shape: tuple[int, ...]) -> str:
    padded = (1,) * (len(shape) - a.ndim) + a.shape
    if a.size == 1:
        return "s"
    if padded == shape:
        return "f"
    if len(shape) >= 2 and set(padded[:-1]) == {1} and padded[-1] == shape[-1]:
        return "r"
    if len(shape) >= 2 and padded[-1] == 1:
        return "c"
    return "F"  # broadcast some other way: expanded to a full array once
