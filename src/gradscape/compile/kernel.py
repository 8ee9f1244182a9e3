"""``build_kernel`` and ``Kernel``: SymPy expressions in, fast array functions out.

>>> import numpy as np, sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> grad = build_kernel([2 * x, sp.Integer(0)], [x, y])
>>> grad(np.array([1.0, 2.0]), 5.0)
array([[2., 4.],
       [0., 0.]])
"""

from __future__ import annotations

import functools
import importlib.util
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gradscape.compile import inputs
from gradscape.compile.cache import cache_dir, formula_key, load_module
from gradscape.errors import DomainError

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["Kernel", "build_kernel", "build_gradient_kernel", "have_numba", "AUTO_THRESHOLD"]

# "auto" switches to the compiled backend at this many points (256²). Per call the compiled
# kernel already wins from ~10³ points on formulas such as Himmelblau or Ackley (and ties on
# x²+y², which is memory-bound either way): see the last table of `python -m bench fields`.
# The threshold sits higher so that small plots never pay the one-time JIT (0.3-1 s cold,
# ~20 ms from the disk cache); above it one call saves milliseconds.
AUTO_THRESHOLD = 1 << 16
BACKENDS = ("auto", "numpy", "numba")
_DTYPES = {np.dtype(np.float64): "float64", np.dtype(np.float32): "float32"}
_MAX_FORMULAS = 256  # in-process LRU of built formulas
_FORMULAS: OrderedDict[str, _Formula] = OrderedDict()
_LOCK = threading.RLock()


class _Formula:
    """Everything built for one (exprs, symbols): shared by Kernels of any backend/dtype."""

    def __init__(self, key: str, program: Any) -> None:
        self.key = key
        self.program = program
        self.n_in, self.n_out = len(program.symbols), len(program.outputs)
        self.rendered: dict[tuple[str, str, str | None], Any] = {}
        self.numpy_fns: dict[str, Callable[..., Any]] = {}
        self.compiled: dict[tuple[str, str], Any] = {}

    def render(self, backend: str, dtype: str, modes: str | None = None) -> Any:
        from gradscape.compile.codegen import render

        slot = (backend, dtype, modes)
        if slot not in self.rendered:
            self.rendered[slot] = render(self.program, backend, dtype, modes)
        return self.rendered[slot]

    def numpy_fn(self, dtype: str) -> Callable[..., Any]:
        from gradscape.compile.numpy_backend import numpy_function

        if dtype not in self.numpy_fns:
            rendered = self.render("numpy", dtype)
            self.numpy_fns[dtype] = numpy_function(rendered, self.n_in, self.key)
        return self.numpy_fns[dtype]

    def numba_fn(self, dtype: str, modes: str | None) -> Any:
        """The compiled driver for input ``modes``, or the scalar point function (None)."""
        from gradscape.compile import numba_backend as nb

        slot = (dtype, modes or "point")
        if slot in self.compiled:
            return self.compiled[slot]
        with _LOCK:
            if slot not in self.compiled:
                rendered = self.render("numba", dtype, modes)
                if modes is None:
                    def source(cache: bool) -> str:
                        return nb.point_source(rendered, self.n_in, cache=cache)
                else:
                    def source(cache: bool) -> str:
                        return nb.driver_source(rendered, self.n_out, modes, cache=cache,
                                                dtype=dtype)
                name = f"gsk_{self.key}_{dtype}_{modes or 'point'}"
                module = load_module(name, source, cache_dir())
                self.compiled[slot] = module.point if modes is None else module.drive
            return self.compiled[slot]


class Kernel:
    """A compiled function of ``n_in`` arrays returning all ``n_out`` components at once.

    ``kernel(*arrays)`` broadcasts its inputs and returns an array of shape
    ``(n_out, *broadcast_shape)``: every component is a full array, constant ones included.
    Domain errors (``log(-1)``, ``1/0``) give NaN or inf silently.

    >>> import numpy as np, sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> k = build_kernel([x**2 + y**2, 2 * x, 2 * y], [x, y])
    >>> k.n_in, k.n_out
    (2, 3)
    >>> k(np.linspace(0, 1, 3)[None, :], np.array([[0.0], [1.0]]))[0]
    array([[0.  , 0.25, 1.  ],
           [1.  , 1.25, 2.  ]])
    """

    def __init__(self, formula: _Formula, exprs: tuple[sp.Expr, ...],
                 symbols: tuple[sp.Symbol, ...], backend: str,
                 dtype: np.dtype) -> None:
        self._formula = formula
        self.exprs = exprs
        self.symbols = symbols
        self.n_in = formula.n_in
        self.n_out = formula.n_out
        self.backend = backend
        self.dtype = dtype

    def __repr__(self) -> str:
        names = ", ".join(str(s) for s in self.symbols)
        return (f"Kernel(({names}) -> {self.n_out} components, backend={self.backend!r}, "
                f"dtype={self.dtype.name})")

    def __call__(self, *arrays: Any, out: np.ndarray | None = None, backend: str | None = None,
                 dtype: Any = None) -> np.ndarray:
        """Evaluate every component on the broadcast inputs (see the class docstring)."""
        backend = _check_backend(backend or self.backend)
        dt = self.dtype if dtype is None else _check_dtype(dtype)
        if len(arrays) != self.n_in:
            names = ", ".join(str(s) for s in self.symbols) or "nothing"
            raise DomainError(f"kernel takes {self.n_in} inputs ({names}); got {len(arrays)}")
        arrs = inputs.as_arrays(arrays, dt)
        shape = inputs.broadcast_shape(arrs)
        out = inputs.check_out(out, (self.n_out, *shape), dt)
        size = math.prod(shape)
        if backend == "auto":
            backend = "numba" if size >= AUTO_THRESHOLD and have_numba() else "numpy"
        if backend == "numpy" or size == 0:
            with np.errstate(all="ignore"):
                return self._formula.numpy_fn(_DTYPES[dt])(*arrs, out)
        modes, prepared, loop_shape = inputs.prepare(arrs, shape)
        driver = self._formula.numba_fn(_DTYPES[dt], modes)
        loop_out = (self.n_out, *loop_shape)
        try:  # a strided out (a slab of a bigger array) is written in place when it can be
            view = np.reshape(out, loop_out, copy=False)
        except ValueError:
            view = None
        from gradscape.compile.numba_backend import run_driver

        if view is not None:
            run_driver(driver, [*prepared, view], loop_shape)
        else:
            target = np.empty(loop_out, dt)
            run_driver(driver, [*prepared, target], loop_shape)
            out[...] = target.reshape(out.shape)
        return out

    def rows(self, x: np.ndarray) -> np.ndarray:
        """Every component at the rows of ``x`` (m, n_in) float64: shape (n_out, m).

        The NumPy code with no checks or broadcasting: the reference loop calls it for one
        or a few points at a time, where the checks would cost more than the formula.

        >>> import numpy as np, sympy as sp
        >>> x, y = sp.symbols("x y", real=True)
        >>> build_kernel([x * y, x + y], [x, y]).rows(np.array([[2.0, 3.0]])).tolist()
        [[6.0], [5.0]]
        """
        out = np.empty((self.n_out, len(x)))
        with np.errstate(all="ignore"):
            return self._formula.numpy_fn("float64")(*x.T, out)

    def scalar(self) -> Callable[..., Any]:
        """A Numba ``@njit`` function ``f(x0, ..., x_{n-1})`` for use inside other jitted code.

        It returns a tuple of ``n_out`` float64 values (a single float64 when ``n_out == 1``),
        and is compiled on first use and cached on disk like the array kernels.

        >>> import sympy as sp
        >>> x, y = sp.symbols("x y", real=True)
        >>> build_kernel([x * y, x + y], [x, y]).scalar()(2.0, 3.0)
        (6.0, 5.0)
        """
        if not have_numba():
            raise DomainError("Kernel.scalar() needs Numba; install it with pip install numba")
        return self._formula.numba_fn("float64", None)


def build_kernel(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], *,
                 backend: str = "auto", dtype: Any = np.float64) -> Kernel:
    """Build a :class:`Kernel` computing ``exprs`` (one per component) from ``symbols``.

    ``backend`` is "numpy" (instant to build), "numba" (one fused parallel pass, compiled on
    first call and cached on disk) or "auto" (NumPy below :data:`AUTO_THRESHOLD` points).
    ``dtype`` is np.float64 or np.float32. Repeated builds of the same formula are free.

    >>> import numpy as np, sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> build_kernel([sp.log(x)], [x])(np.array([1.0, 0.0, -1.0]))
    array([[  0., -inf,  nan]])
    """
    from gradscape.compile.codegen import lower

    exprs_t, symbols_t = inputs.check_formula(exprs, symbols)
    return _kernel(formula_key(exprs_t, symbols_t), lambda: lower(list(exprs_t), list(symbols_t)),
                   exprs_t, symbols_t, backend, dtype)


def build_gradient_kernel(expr: sp.Expr, symbols: Sequence[sp.Symbol], *,
                          with_value: bool = False, backend: str = "auto",
                          dtype: Any = np.float64) -> Kernel:
    """A :class:`Kernel` of ∇expr (after expr itself with ``with_value``), computed by reverse
    mode over expr's graph (:mod:`gradscape.compile.adjoint`): a few times the cost of expr,
    sharing every subexpression, instead of the printed symbolic gradient.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> build_gradient_kernel(x**2 * y, [x, y], with_value=True)(2.0, 3.0).tolist()
    [12.0, 12.0, 4.0]
    """
    from gradscape.compile.adjoint import gradient_program

    exprs_t, symbols_t = inputs.check_formula([expr], symbols)
    key = formula_key([_gradient_tag(with_value), *exprs_t], symbols_t)
    return _kernel(key, lambda: gradient_program(exprs_t[0], symbols_t, with_value=with_value),
                   exprs_t, symbols_t, backend, dtype)


def _gradient_tag(with_value: bool) -> Any:
    """A marker leaf for the cache key of gradient kernels (distinct from any formula)."""
    import sympy as sp

    return sp.Symbol("__gradient_with_value__" if with_value else "__gradient__")


def _kernel(key: str, make_program: Callable[[], Any], exprs: tuple[sp.Expr, ...],
            symbols: tuple[sp.Symbol, ...], backend: str, dtype: Any) -> Kernel:
    backend = _check_backend(backend)
    dt = _check_dtype(dtype)
    with _LOCK:
        formula = _FORMULAS.get(key)
        if formula is None:
            formula = _Formula(key, make_program())
            formula.render("numpy", _DTYPES[dt])  # refuse unsupported heads now, not later
            _FORMULAS[key] = formula
            if len(_FORMULAS) > _MAX_FORMULAS:
                _FORMULAS.popitem(last=False)
        _FORMULAS.move_to_end(key)
    if backend == "numba" and not have_numba():
        raise DomainError("backend 'numba' needs Numba; install it, or use backend='numpy'")
    if backend != "numba":
        formula.numpy_fn(_DTYPES[dt])  # NumPy kernels are cheap: build them eagerly
    return Kernel(formula, exprs, symbols, backend, dt)


def _check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise DomainError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    return backend


def _check_dtype(dtype: Any) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _DTYPES:
        raise DomainError(f"unsupported dtype {dtype!r}; use np.float64 or np.float32")
    return dt


@functools.cache
def have_numba() -> bool:
    """Whether Numba is installed (looked up once, without importing it).

    >>> isinstance(have_numba(), bool)
    True
    """
    return importlib.util.find_spec("numba") is not None
