"""What the optimizer code may ask about f: the formula pieces, in their NumPy form.

The fused loops take a formula as five compiled functions (:mod:`gradscape.compile.lanes`):
``grad_block(B, G, na)``, ``value_point(x)``, ``grad_point(x, g)`` and ``hess_point(x, H)``.
:func:`numpy_pieces` makes the same from a :class:`Problem` (f's NumPy functions on rows
of points), which is how the reference loop and plain-Python runs of the per-start methods
read the formula.

>>> import numpy as np
>>> bowl = Problem(grad=lambda x: 2 * x, value=lambda x: (x * x).sum(1))
>>> grad_block, value_block, value_point, grad_point, hess_point, *_ = numpy_pieces(bowl)
>>> value_point(np.array([1.0, 2.0]))
5.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradscape.errors import DomainError

__all__ = ["Problem", "numpy_pieces"]


class Problem(NamedTuple):
    """f's numbers on rows of points (m, n): gradient (m, n), value (m,), Hessian (m, n, n)."""

    grad: Callable[[np.ndarray], np.ndarray]
    value: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray] | None = None
    # f = |R|²: the residuals R (m, count) and their Jacobian (m, count, n), when known
    residuals: Callable[[np.ndarray], np.ndarray] | None = None
    jacobian: Callable[[np.ndarray], np.ndarray] | None = None


def numpy_pieces(problem: Problem) -> tuple[Callable[..., Any], ...]:
    """``(grad_block, value_block, value_point, grad_point, hess_point, residual_point,
    jacobian_point)`` from ``problem``; the last two (for least squares) only here."""

    def grad_block(B: Any, G: Any, na: int) -> None:
        G[:, :na] = problem.grad(np.ascontiguousarray(B[:, :na].T)).T

    def value_block(B: Any, V: Any, na: int) -> None:
        V[:na] = problem.value(np.ascontiguousarray(B[:, :na].T))

    def value_point(x: Any) -> float:
        return float(problem.value(np.asarray(x, dtype=float)[None, :])[0])

    def grad_point(x: Any, g: Any) -> None:
        g[:] = problem.grad(np.asarray(x, dtype=float)[None, :])[0]

    def hess_point(x: Any, h: Any) -> None:
        if problem.hess is None:
            raise DomainError("this method needs the Hessian, and the problem has none")
        h[:, :] = problem.hess(np.asarray(x, dtype=float)[None, :])[0]

    def residual_point(x: Any) -> np.ndarray:
        if problem.residuals is None:
            raise DomainError("this method needs f as a sum of squares, and it is not one")
        return problem.residuals(np.asarray(x, dtype=float)[None, :])[0]

    def jacobian_point(x: Any) -> np.ndarray:
        if problem.jacobian is None:
            raise DomainError("this method needs f as a sum of squares, and it is not one")
        return problem.jacobian(np.asarray(x, dtype=float)[None, :])[0]

    return (grad_block, value_block, value_point, grad_point, hess_point, residual_point,
            jacobian_point)
