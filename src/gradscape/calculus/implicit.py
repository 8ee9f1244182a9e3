"""Implicit differentiation: dy/dx on a curve F(x, y) = c, without solving for y.

Differentiating F(x, y(x)) = c gives F_x + F_y·y' = 0, so y' = −F_x/F_y (where F_y ≠ 0).
The second derivative differentiates y' again, with y' put back for dy/dx:
y'' = ∂y'/∂x + ∂y'/∂y·y'.

>>> d = implicit_derivative("x^2 + y^2 = 25", "x")
>>> d.result
-x/y
>>> implicit_derivative("x^2 + y^2 = 25", "x", order=2).result
(-x**2 - y**2)/y**3
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from gradscape.calculus import display
from gradscape.calculus.sources import realify
from gradscape.errors import DomainError
from gradscape.formula.parser import parse_equation

__all__ = ["ImplicitDerivative", "implicit_derivative"]


@dataclass(frozen=True)
class ImplicitDerivative:
    """dⁿy/dxⁿ on the curve ``equation``, with the partials used on the way."""

    equation: str
    F: sp.Expr  # left − right: the curve is F = 0
    x: sp.Symbol
    y: sp.Symbol
    Fx: sp.Expr
    Fy: sp.Expr
    order: int
    result: sp.Expr

    def label(self) -> str:
        """``dy/dx`` or ``d^2y/dx^2``."""
        power = "" if self.order == 1 else f"^{self.order}"
        return f"d{power}{self.y}/d{self.x}{power}"

    def lines(self) -> list[str]:
        """The working, one line per step, as plain text.

        >>> print("\\n".join(implicit_derivative("x y = 1", "x").lines()))
        F(x, y) = x*y - 1 = 0
        F_x = y
        F_y = x
        dy/dx = −F_x/F_y = -y/x
        """
        t = display.text
        out = [f"F({self.x}, {self.y}) = {t(self.F)} = 0", f"F_{self.x} = {t(self.Fx)}",
               f"F_{self.y} = {t(self.Fy)}"]
        first = sp.simplify(-self.Fx / self.Fy)
        out.append(f"d{self.y}/d{self.x} = −F_{self.x}/F_{self.y} = {t(first)}")
        if self.order == 2:
            out.append(f"{self.label()} = ∂/∂{self.x}(d{self.y}/d{self.x}) + "
                       f"∂/∂{self.y}(d{self.y}/d{self.x})·d{self.y}/d{self.x} = {t(self.result)}")
        return out


def implicit_derivative(equation: str, wrt: str | None = None, dependent: str | None = None,
                        order: int = 1) -> ImplicitDerivative:
    """dy/dx (``order`` 1) or d²y/dx² (``order`` 2) on the curve given by ``equation``.

    ``wrt`` is x and ``dependent`` is y; with two variables, naming one is enough (by default
    the first alphabetically is x).

    >>> implicit_derivative("x y = 1", "x").result
    -y/x
    """
    if order not in (1, 2):
        raise DomainError(f"implicit derivatives of order 1 or 2 are available; got {order}")
    left, right = parse_equation(equation)
    names = sorted(set(left.variables) | set(right.variables) | {v for v in (wrt, dependent)
                                                                  if v})
    if len(names) != 2:
        raise DomainError(f"implicit differentiation needs a curve in two variables; "
                          f"'{equation}' has {len(names)} ({', '.join(names) or 'none'})")
    if wrt is None:
        wrt = names[0] if dependent is None or dependent != names[0] else names[1]
    if dependent is None:
        dependent = names[1] if wrt == names[0] else names[0]
    if wrt == dependent or {wrt, dependent} != set(names):
        raise DomainError(f"give two different variables of the curve ({', '.join(names)})")
    x, y = sp.Symbol(wrt, real=True), sp.Symbol(dependent, real=True)
    F = sp.expand(realify(left.expr - right.expr))
    Fx, Fy = sp.diff(F, x), sp.diff(F, y)
    if Fy == 0:
        raise DomainError(f"∂F/∂{y} is 0 everywhere: the curve does not define {y} as a "
                          f"function of {x}")
    first = sp.simplify(-Fx / Fy)
    result = first if order == 1 else sp.simplify(sp.diff(first, x)
                                                  + sp.diff(first, y) * first)
    return ImplicitDerivative(equation, F, x, y, Fx, Fy, order, result)
