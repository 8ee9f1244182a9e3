"""A formula's numbers: its compiled kernels, and values, gradients and Hessians at points.

Every number a :class:`~gradscape.calculus.formula_function.FormulaFunction` gives — on a grid
or at one point of ``gradscape eval ... --at`` — comes from these kernels: real-valued, float64
unless asked otherwise, NaN where the formula is undefined (``log(-1)``, ``acos(2)``, the
derivative of ``sign`` at 0). A derivative is undefined wherever f itself is, so gradients,
Hessians and :meth:`Evaluation.evaluate` are NaN there too, even when the derivative's own
formula has a value (``1/x`` for ``log(x)`` at -1).

>>> from gradscape import Function
>>> f = Function("acos(w)^2")
>>> f.grad([0.5, 1.92]).round(6).tolist()  # acos is undefined beyond 1
[[-2.418399, nan]]
>>> f.kernel("value_grad")
Kernel((w) -> 2 components, backend='auto', dtype=float64)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

from gradscape.errors import DomainError

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import sympy as sp

    from gradscape.compile import Kernel

__all__ = ["Evaluation", "KernelKind", "KERNEL_KINDS"]

KernelKind = Literal["value", "grad", "value_grad", "hess"]
"""What a kernel computes: f, ∇f, f with ∇f, or the Hessian."""
KERNEL_KINDS: tuple[KernelKind, ...] = get_args(KernelKind)
"""Every :data:`KernelKind`, in order."""


class Evaluation:
    """The numeric half of FormulaFunction: kernels built once per kind, and what they compute."""

    expr: sp.Expr
    kernel_expr: sp.Expr  # expr, undefined where the formula as typed is
    symbols: tuple[sp.Symbol, ...]
    _once: Callable[..., Any]
    _check_arity: Callable[[tuple[Any, ...]], None]
    if TYPE_CHECKING:  # FormulaFunction's

        @property
        def gradient(self) -> tuple[sp.Expr, ...]: ...

        @property
        def hessian(self) -> sp.ImmutableMatrix: ...

    def kernel(self, kind: KernelKind) -> Kernel:
        """The compiled kernel of one kind, built on first use (once, whichever thread asks).

        ``"value"`` computes f, ``"grad"`` the n gradient components, ``"value_grad"`` f then
        the gradient in one pass, ``"hess"`` the upper triangle of the Hessian row by row
        (n(n+1)/2 components). Kernels compute the formulas as they are: here nothing is
        blanked where f is undefined (``f.grad`` does that).

        >>> from gradscape import Function
        >>> Function("x^2 y").kernel("hess")(1.0, 3.0).tolist()
        [6.0, 2.0, 0.0]
        """
        if kind not in KERNEL_KINDS:
            raise DomainError(f"unknown kernel kind {kind!r}; use one of {', '.join(KERNEL_KINDS)}")
        return self._once(f"kernel:{kind}", lambda: self._build_kernel(kind))

    def _build_kernel(self, kind: KernelKind) -> Kernel:
        from gradscape.compile import build_gradient_kernel, build_kernel

        if kind in ("grad", "value_grad"):  # reverse mode over f's own graph (compile.adjoint)
            return build_gradient_kernel(
                self.kernel_expr, self.symbols, with_value=kind == "value_grad"
            )
        exprs = [self.kernel_expr] if kind == "value" else self.hessian_entries()
        return build_kernel(exprs, self.symbols)

    def hessian_entries(self) -> list[sp.Expr]:
        """The Hessian's upper triangle, row by row, as plain derivatives of f's own tree:
        what the ``"hess"`` kernel computes. Where a part of f is locally constant (sign(x),
        relu(x) left of 0), the derivatives of the gradient the kernels compute instead
        (:mod:`gradscape.compile.second`): asin(sign(x)) has Hessian 0 away from 0, as it has
        slope 0 there. No tidying (``cancel`` on every entry of a
        least-squares Hessian can take tens of seconds; the display, ``f.hessian``, keeps it).

        >>> from gradscape import Function
        >>> Function("x^2 y").hessian_entries()
        [2*y, 2*x, 0]
        """
        import sympy as sp

        from gradscape.calculus.formula_function import constants_masked
        from gradscape.compile.second import flat_hessian

        def build() -> list[sp.Expr]:
            # functions of constants as plain symbols, as for f.gradient (constants_masked)
            masked, back = constants_masked(self.kernel_expr)
            flat = flat_hessian(masked, self.symbols)  # None for most formulas
            if flat is not None:
                return [h.xreplace(back) for h in flat]
            first = [sp.diff(masked, s) for s in self.symbols]
            n = len(self.symbols)
            return [sp.diff(first[i], self.symbols[j]).xreplace(back)
                    for i in range(n) for j in range(i, n)]

        return list(self._once("hessian_entries", build))

    def __call__(self, *values: Any, backend: str = "auto", dtype: Any = None) -> np.ndarray:
        """f at points (see ``Function.__call__``), by the ``"value"`` kernel."""
        self._check_arity(values)
        return self.kernel("value")(*values, backend=backend, dtype=dtype)[0]

    def grad(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """∇f at points (see ``Function.grad``), by the ``"value_grad"`` kernel: NaN where f
        is undefined.

        >>> from gradscape import Function
        >>> Function("x^2 y").grad([1.0, 2.0], 3.0).tolist()
        [[6.0, 12.0], [1.0, 4.0]]
        """
        self._check_arity(values)
        both = self.kernel("value_grad")(*values, backend=backend, dtype=dtype)
        return _where_defined(both[0], both[1:], out)

    def hess(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """The Hessian at points (see ``Function.hess``), by the ``"hess"`` kernel: NaN where f
        is undefined.

        >>> from gradscape import Function
        >>> Function("x^3 + x y^2").hess(1.0, -2.0).tolist()
        [[6.0, -4.0], [-4.0, 2.0]]
        """
        import numpy as np

        self._check_arity(values)
        n = len(self.symbols)
        value = self.kernel("value")(*values, backend=backend, dtype=dtype)[0]
        upper = self.kernel("hess")(*values, backend=backend, dtype=dtype)
        index = np.zeros((n, n), dtype=np.intp)
        k = 0
        for i in range(n):
            for j in range(i, n):
                index[i, j] = index[j, i] = k
                k += 1
        return _where_defined(value, np.take(upper, index, axis=0), out)

    def evaluate(
        self, expr: sp.Expr, *values: Any, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """An expression in f's variables — a derivative, a Taylor polynomial — at points,
        computed by a kernel like f itself, NaN wherever f is undefined.

        >>> from gradscape import Function
        >>> f = Function("log(x)")
        >>> f.evaluate(f.derivative("x", 2), [-1.0, 2.0]).tolist()
        [nan, -0.25]
        """
        import sympy as sp

        from gradscape.calculus.sources import realify
        from gradscape.compile import build_kernel

        self._check_arity(values)
        expr = realify(sp.sympify(expr))
        extra = expr.free_symbols - set(self.symbols)
        if extra:
            raise DomainError(
                f"the expression uses {', '.join(sorted(map(str, extra)))}, which "
                f"{'is' if len(extra) == 1 else 'are'} not among the variables of f"
            )
        kernel = build_kernel([self.kernel_expr, expr], self.symbols)
        both = kernel(*values, backend=backend, dtype=dtype)
        return _where_defined(both[0], both[1], None)

    # ---- deprecated: one point, as lists of floats ------------------------------------------
    def value_at(self, point: Sequence[float]) -> float:
        """Deprecated: use ``float(f(*point))``."""
        _deprecated("value_at(point)", "float(f(*point))")
        return float(self(*point, backend="numpy"))

    def gradient_at(self, point: Sequence[float]) -> list[float]:
        """Deprecated: use ``f.grad(*point).tolist()``."""
        _deprecated("gradient_at(point)", "f.grad(*point).tolist()")
        return self.grad(*point, backend="numpy").tolist()

    def hessian_at(self, point: Sequence[float]) -> list[list[float]]:
        """Deprecated: use ``f.hess(*point).tolist()``."""
        _deprecated("hessian_at(point)", "f.hess(*point).tolist()")
        return self.hess(*point, backend="numpy").tolist()


def _where_defined(value: np.ndarray, rows: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``rows`` with NaN wherever ``value`` (f) is NaN, written into ``out`` when given."""
    import numpy as np

    from gradscape.compile.inputs import check_out

    undefined = np.isnan(value)
    if undefined.any():
        rows = np.where(undefined, np.nan, rows).astype(rows.dtype, copy=False)
    if out is None:
        return rows
    out = check_out(out, rows.shape, rows.dtype)
    out[...] = rows
    return out


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"f.{old} is deprecated and will be removed; use {new}, which computes the same "
        "real-valued numbers as every kernel", DeprecationWarning, stacklevel=3,
    )
