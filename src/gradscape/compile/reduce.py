"""Reduction kernels: a per-row program over data columns, summed over the rows in one pass.

A loss over data is L(θ) = mean_r ℓ(θ; d_r). Its value, gradient and Hessian are sums over
rows of per-row programs whose inputs are the parameters θ (scalars) and the data columns d
(contiguous float64 arrays). A :class:`Reduction` runs such a program and sums its outputs
without a Python step per row and without storing per-row results:

- **numba**: one compiled loop over the rows that evaluates the program and adds each output
  into a running sum; parallel over fixed chunks of :data:`CHUNK` rows on the shared pool
  (:mod:`gradscape.compile.threads`), each chunk's sum kept apart;
- **numpy**: the same program printed for NumPy, over blocks of rows, each block summed by
  NumPy's pairwise sum.

Either way the partial sums are then added by ``math.fsum`` (correctly rounded), in chunk
order, so a result does not depend on the number of threads: it is the same bit for bit on
one thread or sixteen. The error is that of summing ``CHUNK`` terms in order within a chunk
(at most about ``CHUNK · ε`` relative to the sum of magnitudes, far less in practice).

Where the compiled loop's time goes (log-loss over 10⁶ rows × 10 parameters, profiled): about
three quarters in the two libm calls per row, ``exp`` and ``log1p`` (the same loop with them
replaced by a multiply runs 3-4× faster); LLVM already shares ``exp(-|z|)`` between softplus
and its derivative sigmoid (a fused helper measured no faster), and fast-math gains nothing
while Numba has no vector math library here (``numba.config.USING_SVML`` is False). The next
step is a vectorisable exp/log1p, not the loop's shape.

>>> import numpy as np, sympy as sp
>>> w, b, x, y = sp.symbols("w b x y", real=True)
>>> red = build_reduction((w*x + b - y)**2, [w, b], [x, y], "value_grad")
>>> data = [np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])]
>>> red([2.0, 1.0], data, backend="numpy").tolist()  # y = 2x + 1 exactly: zero loss
[0.0, 0.0, 0.0]
>>> red([0.0, 0.0], data, backend="numpy").tolist()  # Σ y², Σ -2xy, Σ -2y
[35.0, -26.0, -18.0]
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from gradscape.compile.codegen import Program, lower, render
from gradscape.errors import DomainError

__all__ = ["Reduction", "build_reduction", "CHUNK", "KINDS"]

CHUNK = 4096
"""Rows per chunk of the compiled loop: the unit of parallel work and of partial sums."""
KINDS = ("value", "value_grad", "hess", "exprs")
"""What a reduction sums: ℓ; ℓ then ∇ℓ (reverse mode); the Hessian's upper triangle row by
row; or a given list of expressions."""
_NUMPY_BLOCK = 1 << 16  # rows per NumPy block: bounded temporaries
_PARALLEL_CHUNKS = 4  # fewer chunks than this run on the calling thread
_CACHE: dict[str, Reduction] = {}
_LOCK = threading.RLock()


class Reduction:
    """Sums over rows of a program's outputs: ``red(params, columns)`` → array (n_out,)."""

    def __init__(self, key: str, program: Program, n_params: int, n_columns: int) -> None:
        self.key = key
        self.program = program
        self.n_params, self.n_columns = n_params, n_columns
        self.n_out = len(program.outputs)
        self._numpy: Callable[..., Any] | None = None
        self._numba: Callable[..., Any] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"Reduction({self.n_params} parameters, {self.n_columns} columns -> "
                f"{self.n_out} sums)")

    def __call__(self, params: Sequence[float], columns: Sequence[np.ndarray], *,
                 backend: str = "auto") -> np.ndarray:
        """The sums over all rows of each output, at the parameters ``params``."""
        if len(params) != self.n_params or len(columns) != self.n_columns:
            raise DomainError(f"this reduction takes {self.n_params} parameters and "
                              f"{self.n_columns} columns")
        p = [float(v) for v in params]
        cols = [np.ascontiguousarray(c, dtype=np.float64) for c in columns]
        n = len(cols[0]) if cols else 0
        if backend == "auto":
            from gradscape.compile import have_numba

            backend = "numba" if have_numba() and n >= CHUNK else "numpy"
        if backend not in ("numpy", "numba"):
            raise DomainError(f"unknown backend {backend!r}; use auto, numba or numpy")
        with np.errstate(all="ignore"):
            parts = (self._run_numba(p, cols, n) if backend == "numba"
                     else self._run_numpy(p, cols, n))
        return np.array([math.fsum(parts[:, j]) for j in range(self.n_out)])

    # ---- NumPy: blocks of rows, each block summed pairwise ------------------------------
    def _run_numpy(self, p: list[float], cols: list[np.ndarray], n: int) -> np.ndarray:
        if self._numpy is None:
            from gradscape.compile.numpy_backend import numpy_function

            rendered = render(self.program, "numpy")
            self._numpy = numpy_function(rendered, self.n_params + self.n_columns, self.key)
        blocks = max(1, -(-n // _NUMPY_BLOCK))
        parts = np.zeros((blocks, self.n_out))
        for i in range(blocks):
            lo, hi = i * _NUMPY_BLOCK, min(n, (i + 1) * _NUMPY_BLOCK)
            out = np.empty((self.n_out, hi - lo))
            self._numpy(*p, *(c[lo:hi] for c in cols), out)
            parts[i] = out.sum(axis=1)
        return parts

    # ---- Numba: one pass per chunk, chunks in parallel ----------------------------------
    def _run_numba(self, p: list[float], cols: list[np.ndarray], n: int) -> np.ndarray:
        fn = self._compiled()
        chunks = max(1, -(-n // CHUNK))
        parts = np.zeros((chunks, self.n_out))
        if chunks < _PARALLEL_CHUNKS:
            fn(0, chunks, n, *p, *cols, parts)
        else:
            from gradscape.compile.threads import run_split

            run_split(lambda lo, hi: fn(lo, hi, n, *p, *cols, parts), chunks, min_items=2)
        return parts

    def _compiled(self) -> Callable[..., Any]:
        if self._numba is None:
            with self._lock:
                if self._numba is None:
                    from gradscape.compile.cache import cache_dir, load_module

                    module = load_module(f"gsr_{self.key}", self.source, cache_dir())
                    self._numba = module.reduce
        return self._numba

    def source(self, cache: bool = False) -> str:
        """The compiled loop's module text (``reduce(lo, hi, n, a0, ..., A<k>, parts)``)."""
        from gradscape.compile.numba_backend import _stages, helper_source

        rendered = render(self.program, "numba")
        k = self.n_params + self.n_columns
        modes = "s" * self.n_params + "f" * self.n_columns
        stages = _stages(rendered, self.n_out, modes, False)
        args = [f"a{i}" for i in range(self.n_params)]
        args += [f"A{i}" for i in range(self.n_params, k)]
        loads = [f"a{i} = A{i}[kk]" for i in range(self.n_params, k)]
        acc = [f"acc{j} = 0.0" for j in range(self.n_out)]
        body = [
            *stages["once"],
            "for ci in range(lo, hi):",
            f"    r0 = ci * {CHUNK}",
            f"    r1 = min(r0 + {CHUNK}, nrows)",
            *("    " + line for line in acc),
            "    for kk in range(r0, r1):",
            *("        " + line for line in [*loads, *stages["point"]]),
            *(f"        acc{j} += o{j}" for j in range(self.n_out)),
            *(f"    parts[ci, {j}] = acc{j}" for j in range(self.n_out)),
        ]
        header = ("# generated by gradscape.compile.reduce from validated SymPy trees; safe to "
                  "delete\nimport numpy as np\nfrom numba import njit\n\nF = np.float64\n"
                  f"OPTS = dict(cache={cache}, error_model=\"numpy\")\n")
        func = "\n@njit(nogil=True, **OPTS)\ndef reduce({}):\n    {}\n".format(
            ", ".join(["lo", "hi", "nrows", *args, "parts"]), "\n    ".join(body))
        return header + helper_source(rendered.helpers) + func


def build_reduction(expr: sp.Expr | Sequence[sp.Expr], params: Sequence[sp.Symbol],
                    columns: Sequence[sp.Symbol], kind: str) -> Reduction:
    """The reduction of one kind (see :data:`KINDS`) of the per-row ``expr`` (a list of
    expressions for ``"exprs"``) over parameters ``params`` and data ``columns``.

    Built once per formula and kind in this process (the compiled loop on first numba call).

    >>> x, w = sp.symbols("x w", real=True)
    >>> build_reduction(w * x, [w], [x], "hess")
    Reduction(1 parameters, 1 columns -> 1 sums)
    """
    from gradscape.compile.cache import formula_key
    from gradscape.compile.inputs import check_formula

    if kind not in KINDS:
        raise DomainError(f"unknown reduction kind {kind!r}; use one of {', '.join(KINDS)}")
    exprs = list(expr) if kind == "exprs" and not isinstance(expr, sp.Expr) else [expr]
    params_t, columns_t = tuple(params), tuple(columns)
    exprs_t, symbols_t = check_formula(exprs, params_t + columns_t)
    key = formula_key([sp.Symbol(f"__reduce_{kind}__"), *exprs_t], symbols_t)
    with _LOCK:
        if key not in _CACHE:
            program = _program(exprs_t, params_t, columns_t, kind)
            _CACHE[key] = Reduction(key, program, len(params_t), len(columns_t))
        return _CACHE[key]


def _program(exprs: Sequence[sp.Expr], params: tuple[sp.Symbol, ...],
             columns: tuple[sp.Symbol, ...], kind: str) -> Program:
    if kind == "value_grad":
        from gradscape.compile.adjoint import gradient_program

        program = gradient_program(exprs[0], params, with_value=True)
        program.names.update({c: f"a{len(params) + i}" for i, c in enumerate(columns)})
        program.symbols = params + columns
        return program
    if kind == "hess":
        f = exprs[0]
        grads = [sp.diff(f, s) for s in params]
        exprs = [sp.diff(grads[i], params[j]) for i in range(len(params))
                 for j in range(i, len(params))]
    return lower(list(exprs), list(params + columns))
