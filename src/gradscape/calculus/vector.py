"""``VectorFunction``: a list of formulas as one function — Jacobian, divergence, curl.

Every component is a :class:`~gradscape.calculus.formula_function.FormulaFunction` over the
same variables (all the variables any component uses, sorted, unless given), so each row of
the Jacobian is a component's gradient. Numbers at a point come from one compiled kernel.

>>> F = VectorFunction("x^2 y, 5x + sin(y)")
>>> F.jacobian
Matrix([
[2*x*y,   x**2],
[    5, cos(y)]])
>>> F.divergence
2*x*y + cos(y)
>>> VectorFunction("-y, x").curl
2
>>> VectorFunction("y z, x z, x y").curl
(0, 0, 0)
>>> laplacian("x^2 + y^2 + z^2")
6
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from gradscape.calculus import display, sources
from gradscape.calculus.formula_function import FormulaFunction
from gradscape.calculus.tidy import tidy
from gradscape.errors import DomainError
from gradscape.formula.parser import parse_list

__all__ = ["VectorFunction", "laplacian"]


class VectorFunction:
    """F = (F1, ..., Fm) of variables (x1, ..., xn), from ``"P, Q"``, ``"[P, Q]"`` or a list.

    >>> F = VectorFunction(["x y", "x + y"], "x, y")
    >>> F.components, F.variables
    ((x*y, x + y), ('x', 'y'))
    >>> F.at(F.jacobian, 2, 3)
    [[3.0, 2.0], [1.0, 1.0]]
    """

    def __init__(
        self,
        source: str | Sequence[str | sp.Expr],
        variables: Sequence[str] | str | None = None,
        *,
        name: str = "F",
    ) -> None:
        wanted = sources.variable_names(variables)
        if isinstance(source, str):
            parsed = parse_list(source)
            exprs: list[sp.Expr] = list(parsed.exprs)
            self.text, self.notes = source, parsed.notes
            found = parsed.variables
        else:
            parts = [FormulaFunction(s) for s in source]
            if not parts:
                raise DomainError("a vector function needs at least one component")
            exprs = [p.expr for p in parts]
            self.text = ", ".join(p.text for p in parts)
            self.notes = tuple(n for p in parts for n in getattr(p, "notes", ()))
            found = tuple(sorted({v for p in parts for v in p.variables}))
        self.name = name
        self.variables: tuple[str, ...] = sources.check_variables(wanted, found)
        self.functions = tuple(
            FormulaFunction(sources.realify(e), self.variables, name=f"{name}{i + 1}")
            for i, e in enumerate(exprs)
        )
        self.symbols: tuple[sp.Symbol, ...] = tuple(sp.Symbol(v, real=True)
                                                    for v in self.variables)

    @property
    def components(self) -> tuple[sp.Expr, ...]:
        """The component expressions, in order."""
        return tuple(f.expr for f in self.functions)

    @property
    def jacobian(self) -> sp.ImmutableMatrix:
        """One row per component (its gradient), one column per variable."""
        return sp.ImmutableMatrix([list(f.gradient) for f in self.functions])

    @property
    def divergence(self) -> sp.Expr:
        """∇·F = Σ ∂Fi/∂xi; needs as many components as variables."""
        self._square("divergence")
        return tidy(sp.Add(*(f.gradient[i] for i, f in enumerate(self.functions))))

    @property
    def curl(self) -> sp.Expr | tuple[sp.Expr, ...]:
        """∇×F: three components in 3-D; the scalar ∂Q/∂x − ∂P/∂y in 2-D."""
        self._square("curl")
        J = self.jacobian
        if len(self.variables) == 2:
            return tidy(J[1, 0] - J[0, 1])
        if len(self.variables) == 3:
            return (tidy(J[2, 1] - J[1, 2]), tidy(J[0, 2] - J[2, 0]), tidy(J[1, 0] - J[0, 1]))
        raise DomainError(f"curl is defined in 2-D and 3-D; {self.name} has "
                          f"{len(self.variables)} variables")

    def _square(self, what: str) -> None:
        m, n = len(self.functions), len(self.variables)
        if m != n:
            hint = ("name them all with --vars (e.g. --vars x,y,z)" if n < m
                    else "give one component per variable")
            raise DomainError(f"the {what} needs as many components as variables; {self.name} "
                              f"has {m} component(s) and {n} variable(s) "
                              f"({', '.join(self.variables) or 'none'}): {hint}")

    def at(self, result: sp.Expr | sp.MatrixBase | Sequence[sp.Expr], *point: float) -> Any:
        """``result`` (an expression, a tuple of them or a matrix) as floats at ``point``.

        Every number is NaN ("undefined") where the field itself is undefined at ``point``
        (1/x at x = 0, sqrt(x) for x < 0), and each one that is infinite is NaN too: a
        derivative that does not exist there.

        >>> VectorFunction("x y, x - y").at(VectorFunction("x y, x - y").divergence, 2, 3)
        2.0
        >>> F = VectorFunction("1/x, y/x")
        >>> F.at(F.curl, 0, 1), F.at(F.curl, 1, 1)
        (nan, -1.0)
        """
        from gradscape.compile import build_kernel

        if len(point) != len(self.variables):
            raise DomainError(f"the point needs {len(self.variables)} number(s), one per "
                              f"variable ({', '.join(self.variables)}); got {len(point)}")
        flat = list(result) if isinstance(result, (sp.MatrixBase, tuple, list)) else [result]
        exprs = [sources.realify(sp.sympify(e)) for e in flat]
        with np.errstate(all="ignore"):
            out = build_kernel([*exprs, *self.components], self.symbols)(
                *(float(p) for p in point), backend="numpy")
        values = [float(v) for v in out[:len(exprs)]]
        defined = all(math.isfinite(float(v)) for v in out[len(exprs):])
        values = [v if defined and math.isfinite(v) else math.nan for v in values]
        if isinstance(result, sp.MatrixBase):
            cols = result.shape[1]
            return [values[i:i + cols] for i in range(0, len(values), cols)]
        if isinstance(result, (tuple, list)):
            return values
        return values[0]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(self.variables)}) = {display.vector_text(self.components)}"

    def __repr__(self) -> str:
        return f"VectorFunction({self.text!r})"


def laplacian(source: str | sp.Expr | FormulaFunction,
              variables: Sequence[str] | str | None = None) -> sp.Expr:
    """∇²f = Σ ∂²f/∂xi² of a scalar formula.

    >>> laplacian("x^3 + x y^2")
    8*x
    """
    f = source if isinstance(source, FormulaFunction) else FormulaFunction(source, variables)
    return f.laplacian
