"""``Function``: one formula (or NumPy function) and everything calculus says about it.

Symbolic results (derivatives, gradient, Hessian, Taylor polynomials) are SymPy expressions,
tidied cheaply. Numeric results (``f(...)``, ``f.grad(...)``, ``f.hess(...)``) are NumPy arrays,
vectorised with broadcasting; they are computed by the compile layer, imported only when a
number is first asked for, so symbolic work never loads NumPy kernels or Numba.

>>> f = Function("x^2 + 3y^2")
>>> f.variables
('x', 'y')
>>> f.gradient
(2*x, 6*y)
>>> print(f.gradient_text())
∇f(x, y) = (2x, 6y)
>>> f.grad(1.0, 2.0).tolist()
[2.0, 12.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sympy as sp

from gradscape.calculus import display, sources
from gradscape.errors import DomainError
from gradscape.formula.library import TestFunction, lookup
from gradscape.formula.parser import parse

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Function", "jacobian"]

Number = sources.Number


class Function:
    """A real function of named variables, from formula text, a SymPy expression or a callable.

    Args:
        source: formula text (``"x^2 + 3y^2"``), a library name (``"himmelblau"``), a SymPy
            expression, or a Python function of NumPy arrays (``lambda x, y: x**2 + y**2``).
        variables: names in gradient order (a sequence or ``"x,y"``); by default the formula's
            variables in alphabetical order, or a callable's parameters in signature order.
        name: the function's name in printed output (``f``).

    >>> Function("himmelblau").expr
    (x + y**2 - 7)**2 + (x**2 + y - 11)**2
    >>> Function(lambda x, y: x * y).gradient
    (y, x)
    """

    def __init__(
        self,
        source: str | sp.Expr | Callable[..., Any],
        variables: Sequence[str] | str | None = None,
        *,
        name: str = "f",
    ) -> None:
        self.name = name
        self.library: TestFunction | None = None
        self.notes: tuple[str, ...] = ()
        self.callable: Callable[..., Any] | None = None
        wanted = sources.variable_names(variables)
        if isinstance(source, str):
            self.library = lookup(source)
            parsed = parse(self.library.formula if self.library else source)
            self.text, expr, found, self.notes = (
                parsed.text,
                parsed.expr,
                parsed.variables,
                parsed.notes,
            )
            if self.library and wanted is None:
                wanted = self.library.variables
        elif isinstance(source, sp.Expr):
            expr = source
            found = tuple(sorted(s.name for s in source.free_symbols))
            self.text = display.text(source)
        elif callable(source):
            self.callable = source
            found = sources.signature_names(source)
            if wanted is not None and len(wanted) != len(found):
                raise DomainError(
                    f"the function takes {len(found)} arguments but {len(wanted)} variable names "
                    "were given"
                )
            expr = sources.trace(source, wanted or found)
            found = wanted or found
            self.text = display.text(expr) if expr is not None else sources.callable_label(source)
        else:
            raise DomainError(
                f"cannot make a Function from {type(source).__name__}; give formula text, "
                "a SymPy expression or a Python function"
            )
        self.variables: tuple[str, ...] = sources.check_variables(wanted, found, self.text)
        self.symbols: tuple[sp.Symbol, ...] = tuple(sp.Symbol(v, real=True) for v in self.variables)
        self.expr: sp.Expr | None = None if expr is None else sources.realify(expr)
        self._kernels: dict[str, Any] = {}

    # ---- symbolic ---------------------------------------------------------------------
    @property
    def is_symbolic(self) -> bool:
        """True when an exact expression is known (a formula, or a callable SymPy could trace)."""
        return self.expr is not None

    def _need_expr(self, what: str) -> sp.Expr:
        if self.expr is None:
            raise DomainError(
                f"the {what} needs a formula, and this Function wraps Python code SymPy "
                "cannot read; use f.grad(...) / f.hess(...) for numeric values with error estimates"
            )
        return self.expr

    def symbol(self, var: str | sp.Symbol | None) -> sp.Symbol:
        """The symbol of a variable given by name (the only variable when None)."""
        if var is None:
            if len(self.symbols) != 1:
                raise DomainError(
                    f"{self.name} has variables {', '.join(self.variables)}; say which one "
                    "(--wrt NAME)"
                )
            return self.symbols[0]
        key = var.name if isinstance(var, sp.Symbol) else str(var)
        if key not in self.variables:
            raise DomainError(
                f"'{key}' is not a variable of {self.name}; its variables are "
                f"{', '.join(self.variables) or '(none)'}"
            )
        return self.symbols[self.variables.index(key)]

    def derivative(self, wrt: str | None = None, order: int = 1) -> sp.Expr:
        """The ``order``-th derivative with respect to ``wrt`` (a partial for several variables).

        >>> Function("x^3 y").derivative("x", 2)
        6*x*y
        """
        if not isinstance(order, int) or not 0 <= order <= 20:
            raise DomainError(f"derivative order must be an integer from 0 to 20, got {order!r}")
        return display.tidy(sp.diff(self._need_expr("derivative"), self.symbol(wrt), order))

    def partial(self, wrt: str) -> sp.Expr:
        """∂f/∂wrt.

        >>> Function("x^2 y").partial("y")
        x**2
        """
        return self.derivative(wrt, 1)

    @cached_property
    def gradient(self) -> tuple[sp.Expr, ...]:
        """The partial derivatives in variable order."""
        expr = self._need_expr("gradient")
        return tuple(display.tidy(sp.diff(expr, s)) for s in self.symbols)

    @cached_property
    def hessian(self) -> sp.Matrix:
        """The matrix of second partial derivatives (symmetric)."""
        n = len(self.symbols)
        rows = [[sp.S.Zero] * n for _ in range(n)]
        for i, gi in enumerate(self.gradient):
            for j in range(i, n):
                rows[i][j] = rows[j][i] = display.tidy(sp.diff(gi, self.symbols[j]))
        return sp.Matrix(rows)

    @cached_property
    def laplacian(self) -> sp.Expr:
        """The sum of the unmixed second derivatives, ∇²f."""
        return display.tidy(sp.Add(*(self.hessian[i, i] for i in range(len(self.symbols)))))

    def directional(self, direction: Sequence[Number]) -> sp.Expr:
        """The derivative along ``direction``, normalised to a unit vector: ∇f · u/|u|.

        >>> Function("x^2 + y^2").directional((3, 4))
        6*x/5 + 8*y/5
        """
        u = self._exact_point(direction, "direction")
        norm = sp.sqrt(sum(c**2 for c in u))
        if norm == 0:
            raise DomainError("the direction must not be the zero vector")
        return display.tidy(sp.expand(sum(g * c for g, c in zip(self.gradient, u)) / norm))

    def taylor(self, at: Sequence[Number], order: int = 1) -> sp.Expr:
        """The Taylor polynomial of order 1 (tangent line or plane) or 2 about the point ``at``.

        >>> Function("x^2 + y^2").taylor((1, 2))
        2*x + 4*y - 5
        """
        if order not in (1, 2):
            raise DomainError(f"Taylor order must be 1 or 2, got {order!r}")
        a = self._exact_point(at, "point")
        subs = dict(zip(self.symbols, a))
        dx = [s - c for s, c in zip(self.symbols, a)]
        poly = self._need_expr("Taylor polynomial").subs(subs)
        poly += sum(g.subs(subs) * d for g, d in zip(self.gradient, dx))
        if order == 2:
            h = self.hessian.subs(subs)
            poly += sp.Rational(1, 2) * sum(
                h[i, j] * dx[i] * dx[j] for i in range(len(dx)) for j in range(len(dx))
            )
        if poly.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise DomainError(f"{self.name} or its derivatives are undefined at {tuple(at)}")
        return sp.expand(poly)

    def tangent(self, at: Sequence[Number]) -> sp.Expr:
        """The tangent line (one variable) or tangent plane (two or more): Taylor order 1."""
        return self.taylor(at, 1)

    def _exact_point(self, point: Sequence[Number] | Number, what: str) -> list[sp.Expr]:
        values = list(point) if isinstance(point, (list, tuple)) else [point]
        if len(values) != len(self.symbols):
            raise DomainError(
                f"the {what} needs {len(self.symbols)} coordinates "
                f"({', '.join(self.variables)}), got {len(values)}"
            )
        return [sources.exact(v) for v in values]

    # ---- exact values at one point, without NumPy -----------------------------------------
    def value_at(self, point: Sequence[Number]) -> float:
        """f at one point as a float (NaN where undefined), evaluated by SymPy."""
        return sources.evalf(
            self._need_expr("value"), dict(zip(self.symbols, self._exact_point(point, "point")))
        )

    def gradient_at(self, point: Sequence[Number]) -> list[float]:
        """∇f at one point as floats, evaluated by SymPy (no NumPy needed)."""
        subs = dict(zip(self.symbols, self._exact_point(point, "point")))
        return [sources.evalf(g, subs) for g in self.gradient]

    def hessian_at(self, point: Sequence[Number]) -> list[list[float]]:
        """The Hessian at one point as nested lists of floats."""
        subs = dict(zip(self.symbols, self._exact_point(point, "point")))
        return [[sources.evalf(h, subs) for h in row] for row in self.hessian.tolist()]

    # ---- numeric, vectorised --------------------------------------------------------------
    def __call__(self, *values: Any, backend: str = "auto", dtype: Any = None) -> np.ndarray:
        """f at points: one array (or number) per variable, broadcast together."""
        self._check_arity(values)
        if self.expr is None:
            import numpy as np

            with np.errstate(all="ignore"):
                arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
                result = np.asarray(self.callable(*arrays), dtype=float)
            return np.broadcast_to(result, arrays[0].shape).copy() if arrays else result
        return self._kernel("value")(*values, backend=backend, dtype=dtype)[0]

    def grad(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """∇f at points: an array of shape (n, *broadcast shape), every component full-size.

        >>> Function("x^2").grad([1.0, 2.0]).tolist()
        [[2.0, 4.0]]
        """
        self._check_arity(values)
        if self.expr is None:
            from gradscape.calculus.numeric import numeric_gradient

            result = numeric_gradient(self.callable, values).values
            if out is not None:
                out[...] = result
                return out
            return result
        return self._kernel("grad")(*values, out=out, backend=backend, dtype=dtype)

    def hess(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """The Hessian at points: shape (n, n, *broadcast shape); ``out`` is filled if given.

        >>> Function("x^2 y").hess(1.0, 3.0).tolist()
        [[6.0, 2.0], [2.0, 0.0]]
        """
        self._check_arity(values)
        import numpy as np

        if self.expr is None:
            from gradscape.calculus.numeric import numeric_hessian

            result = numeric_hessian(self.callable, values).values
            if out is None:
                return result
            out[...] = result
            return out

        n = len(self.symbols)
        upper = self._kernel("hess")(*values, backend=backend, dtype=dtype)
        index = np.zeros((n, n), dtype=np.intp)
        k = 0
        for i in range(n):
            for j in range(i, n):
                index[i, j] = index[j, i] = k
                k += 1
        if out is not None and out.shape != (n, n, *upper.shape[1:]):
            raise DomainError(
                f"out has shape {out.shape}; the Hessian here has shape {(n, n, *upper.shape[1:])}"
            )
        return np.take(upper, index, axis=0, out=out)

    def _check_arity(self, values: tuple[Any, ...]) -> None:
        if len(values) != len(self.symbols):
            raise DomainError(
                f"{self.name}({', '.join(self.variables)}) takes {len(self.symbols)} "
                f"value(s), got {len(values)}"
            )

    def _kernel(self, kind: str) -> Any:
        if kind not in self._kernels:
            from gradscape.compile import build_gradient_kernel, build_kernel

            n = len(self.symbols)
            if kind in ("grad", "value_grad"):  # by reverse mode over f's own graph
                self._kernels[kind] = build_gradient_kernel(
                    self.expr, self.symbols, with_value=kind == "value_grad")
                return self._kernels[kind]
            exprs = {
                "value": lambda: [self.expr],
                "hess": lambda: [self.hessian[i, j] for i in range(n) for j in range(i, n)],
            }[kind]()
            self._kernels[kind] = build_kernel(exprs, self.symbols)
        return self._kernels[kind]

    # ---- display ------------------------------------------------------------------------
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.variables)})"

    def gradient_text(self) -> str:
        """``∇f(x, y) = (2x, 2y)``."""
        return f"∇{self.signature()} = {display.vector_text(self.gradient)}"

    def latex(self) -> str:
        """``f(x, y) = x^{2} + y^{2}`` in LaTeX (the formula, or the callable's name)."""
        body = display.latex(self.expr) if self.expr is not None else r"\mathrm{" + self.text + "}"
        return f"{self.signature()} = {body}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: formula, variables, gradient and Hessian as SymPy strings."""
        out: dict[str, Any] = {"formula": self.text, "variables": list(self.variables)}
        if self.expr is not None:
            out["expression"] = display.json_str(self.expr)
            out["gradient"] = [display.json_str(g) for g in self.gradient]
            out["hessian"] = [[display.json_str(h) for h in row] for row in self.hessian.tolist()]
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def __repr__(self) -> str:
        return f"Function({self.text!r}, variables={self.variables!r})"

    def __str__(self) -> str:
        body = display.text(self.expr) if self.expr is not None else self.text
        return f"{self.signature()} = {body}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def jacobian(
    formulas: Sequence[str | sp.Expr], variables: Sequence[str] | str | None = None
) -> sp.Matrix:
    """The Jacobian matrix of several formulas: one row per formula, one column per variable.

    >>> jacobian(["x*y", "x + y"])
    Matrix([
    [y, x],
    [1, 1]])
    """
    parsed = [Function(f) for f in formulas]
    names = sources.variable_names(variables) or tuple(
        sorted({v for f in parsed for v in f.variables})
    )
    funcs = [Function(f.expr, names) for f in parsed]
    return sp.Matrix([[display.tidy(sp.diff(f.expr, s)) for s in funcs[0].symbols] for f in funcs])
