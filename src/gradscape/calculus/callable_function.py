"""``CallableFunction``: a Function given as Python code SymPy cannot read — numbers only.

Values call the code; gradients and Hessians come from :mod:`gradscape.calculus.numeric`
(complex step, else Richardson extrapolation), NaN wherever f is undefined. There is no exact
formula, so nothing symbolic exists here: ``f.is_symbolic`` is False and there is no
``f.gradient``. ``Function(fn)`` makes one only when tracing ``fn`` into a formula fails;
``CallableFunction(fn)`` makes one without trying.

>>> import numpy as np
>>> f = CallableFunction(lambda x, y: np.sin(x) * y)
>>> f.is_symbolic, f.variables, f.text
(False, ('x', 'y'), 'λ')
>>> f.grad(0.0, 2.0).round(12).tolist()
[2.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradscape.calculus import sources
from gradscape.calculus.function import Function
from gradscape.errors import DomainError

__all__ = ["CallableFunction"]


class CallableFunction(Function):
    """A Function computed by Python code: ``fn`` takes one NumPy array per variable.

    Args:
        fn: a Python function of NumPy arrays (``np.sin``, not ``math.sin``), returning one
            value per point.
        variables: names in gradient order; by default ``fn``'s parameters in order.
        name: the function's name in printed output (``f``).

    Besides Function's attributes it keeps the code as ``callable``.

    >>> def bumpy(x):
    ...     return np.where(x > 0, x**2, 0.0)
    >>> f = CallableFunction(bumpy)
    >>> f([-1.0, 3.0]).tolist(), f.grad(3.0).round(9).tolist()
    ([0.0, 9.0], [6.0])
    """

    is_symbolic = False
    callable: Callable[..., Any]

    def __new__(
        cls, fn: Callable[..., Any], variables: Sequence[str] | str | None = None, *,
        name: str = "f",
    ) -> CallableFunction:
        if not callable(fn) or isinstance(fn, Function):
            raise DomainError(
                f"CallableFunction takes a Python function, got {type(fn).__name__}; "
                "use Function(...) for formulas"
            )
        names, _ = sources.read_callable(fn, sources.variable_names(variables), trace=False)
        return cls._create(fn, names, name)

    @classmethod
    def _create(cls, fn: Callable[..., Any], variables: tuple[str, ...], name: str
                ) -> CallableFunction:
        self = object.__new__(cls)
        self._setup(name, variables, sources.callable_label(fn))
        self.callable = fn
        return self

    def _parts(self) -> tuple[Any, ...]:
        return self.callable, self.variables, self.name

    def __call__(self, *values: Any, backend: str = "auto", dtype: Any = None) -> np.ndarray:
        self._check_arity(values)
        with np.errstate(all="ignore"):
            arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
            result = np.asarray(self.callable(*arrays), dtype=dtype or float)
        return np.broadcast_to(result, arrays[0].shape).copy() if arrays else result

    def grad(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        from gradscape.calculus.numeric import numeric_gradient

        self._check_arity(values)
        return _deliver(numeric_gradient(self.callable, values).values, out, dtype)

    def hess(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        from gradscape.calculus.numeric import numeric_hessian

        self._check_arity(values)
        return _deliver(numeric_hessian(self.callable, values).values, out, dtype)


def _deliver(result: np.ndarray, out: np.ndarray | None, dtype: Any) -> np.ndarray:
    from gradscape.compile.inputs import check_out

    result = result.astype(dtype or np.float64, copy=False)
    if out is None:
        return result
    out = check_out(out, result.shape, result.dtype)
    out[...] = result
    return out
