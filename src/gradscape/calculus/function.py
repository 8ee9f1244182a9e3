"""``Function``: a real function of named variables, as formula or as code, and what both share.

``Function(source)`` is the one constructor users call. It reads formula text, a library name
or a SymPy expression as a :class:`~gradscape.calculus.formula_function.FormulaFunction`, and so
a Python function SymPy can trace; any other Python function becomes a
:class:`~gradscape.calculus.callable_function.CallableFunction`. Both kinds are Functions and
share one numeric interface: ``f(...)`` for values, ``f.grad(...)`` and ``f.hess(...)`` for
derivatives, NaN wherever f is undefined. Only a formula has exact derivatives
(``f.gradient``, ``f.hessian``, ``f.derivative(...)``): ``f.is_symbolic`` says which kind it is.

>>> f = Function("x^2 + 3y^2")
>>> type(f).__name__, f.is_symbolic, f.variables
('FormulaFunction', True, ('x', 'y'))
>>> f.gradient
(2*x, 6*y)
>>> f.grad(1.0, 2.0).tolist()
[2.0, 12.0]
>>> import numpy as np
>>> g = Function(lambda x: np.floor(x) + x)
>>> type(g).__name__, g.is_symbolic, isinstance(g, Function)
('CallableFunction', False, True)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, cast

import sympy as sp

from gradscape.calculus import display, sources
from gradscape.errors import DomainError

if TYPE_CHECKING:
    import numpy as np

    from gradscape.formula.library import TestFunction

__all__ = ["Function"]  # FormulaFunction, CallableFunction and jacobian load from here too

Source: TypeAlias = str | sp.Expr | Callable[..., Any]
_T = TypeVar("_T")


class Function:
    """A real function of named variables, from formula text, a SymPy expression or a callable.

    Args:
        source: formula text (``"x^2 + 3y^2"``), a library name (``"himmelblau"``), a SymPy
            expression, or a Python function of NumPy arrays (``lambda x, y: x**2 + y**2``).
        variables: names in gradient order (a sequence, ``"x,y"`` or ``"x y"``); by default the
            formula's variables in alphabetical order, or a callable's parameters in order.
        name: the function's name in printed output (``f``).
        constants: names held fixed, with their values (``{"x": 2, "y": 1}`` or
            ``"x=2,y=1"``): put into the formula exactly, never differentiated or optimised.
        data: columns of data (a CSV or ``.npz`` path, a mapping of name to 1-D array, a
            pandas DataFrame): the formula's names that match columns are read per row, and
            the Function is the loss over the rows (a
            :class:`~gradscape.calculus.datafunction.DataFunction`).
        reduce: ``"mean"`` (default) or ``"sum"`` of the per-row values, with ``data``.
        drop_nan: with ``data``, drop rows holding NaN instead of refusing them.

    Attributes shared by both kinds: ``name``, ``variables``, ``text`` (how f prints),
    ``notes`` (what the parser read differently from the text), ``library`` (the test
    function a library name named, else None) and ``is_symbolic``.

    >>> Function("himmelblau").expr
    (x + y**2 - 7)**2 + (x**2 + y - 11)**2
    >>> Function(lambda x, y: x * y).gradient
    (y, x)
    >>> g = Function("(w*x + b - y)^2", "w, b", constants={"x": 2, "y": 1})
    >>> g.gradient, g.held_text()
    ((4*b + 8*w - 4, 2*b + 4*w - 2), 'held constant: x = 2, y = 1')
    """

    is_symbolic: ClassVar[bool] = False
    name: str
    variables: tuple[str, ...]
    text: str
    notes: tuple[str, ...]
    library: TestFunction | None
    constants: dict[str, sp.Expr]  # names held fixed, with their exact values
    _lock: threading.RLock
    _cache: dict[str, Any]
    _create: ClassVar[Callable[..., Function]]  # each kind's builder from its parts
    # Not an ABC: Function(...) is the factory users call, and type checkers refuse to call
    # an abstract class even when __new__ returns a concrete kind (python/mypy#14106). Each
    # kind overrides the four methods below that raise NotImplementedError.

    def __new__(
        cls, source: Source | Function, variables: Sequence[str] | str | None = None, *,
        name: str = "f", constants: Any = None, data: Any = None, reduce: str = "mean",
        drop_nan: bool = False,
    ) -> Function:
        # Subclasses define their own __new__; this one only chooses the kind. (The callable
        # kind loads NumPy: imported only when needed, so formulas stay symbolic-only.)
        from gradscape.calculus.formula_function import FormulaFunction

        if data is not None:
            from gradscape.calculus.datafunction import DataFunction

            if isinstance(source, Function):
                raise DomainError("data= needs formula text or a SymPy expression")
            return DataFunction(source, variables, name=name, constants=constants, data=data,
                                reduce=reduce, drop_nan=drop_nan)
        if constants is not None:
            if isinstance(source, FormulaFunction):
                source = source.expr
            if isinstance(source, str | sp.Expr):
                return FormulaFunction(source, variables, name=name, constants=constants)
            raise DomainError("constants= needs a formula (text or SymPy expression); a "
                              "Python function can take them as default arguments")
        if isinstance(source, Function):
            names = variables or source.variables
            if isinstance(source, FormulaFunction):
                same = FormulaFunction(source.expr, names, name=name)
                same.guards = source.guards  # where the formula as typed is defined
                if same.variables == source.variables:  # still the library's function
                    same.notes, same.library = source.notes, source.library
                return same
            from gradscape.calculus.callable_function import CallableFunction

            code = cast(CallableFunction, source).callable  # the only other kind
            return CallableFunction(code, names, name=name)
        if isinstance(source, str | sp.Expr):
            return FormulaFunction(source, variables, name=name)
        if callable(source):
            names, expr = sources.read_callable(source, sources.variable_names(variables))
            if expr is not None:  # plain arithmetic: SymPy traced it into a formula
                return FormulaFunction._create(expr, names, name, display.text(expr))
            from gradscape.calculus.callable_function import CallableFunction

            return CallableFunction._create(source, names, name)
        raise DomainError(
            f"cannot make a Function from {type(source).__name__}; give formula text, "
            "a SymPy expression or a Python function"
        )

    def _setup(self, name: str, variables: tuple[str, ...], text: str) -> None:
        self.name = name
        self.variables = variables
        self.text = text
        self.notes = ()
        self.library = None
        self.constants = {}
        self._lock = threading.RLock()
        self._cache = {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles are rebuilt from the parts, with a lock and caches of their own.
        return (type(self)._create, self._parts(),
                {"notes": self.notes, "library": self.library, "constants": self.constants})

    def _parts(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _once(self, key: str, build: Callable[[], _T]) -> _T:
        """``build()`` the first time ``key`` is asked for, by one thread, then the same object."""
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._lock:  # re-entrant: the Hessian's build asks for the gradient
            if key not in self._cache:
                self._cache[key] = build()
            return self._cache[key]

    # ---- numbers: one interface for both kinds -------------------------------------------
    def __call__(self, *values: Any, backend: str = "auto", dtype: Any = None) -> np.ndarray:
        """f at points: one array (or number) per variable, broadcast together; NaN where
        f is undefined.

        >>> Function("log(x) + y")([1.0, -1.0], 2.0).tolist()
        [2.0, nan]
        """
        raise NotImplementedError

    def grad(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """∇f at points: shape ``(n, *broadcast shape)``, every component full-size, NaN
        wherever f is undefined; ``out`` is filled and returned if given.

        >>> Function("x^2 y").grad(1.0, 3.0).tolist()
        [6.0, 1.0]
        >>> Function("log(x)").grad([-1.0, 2.0]).tolist()  # log is undefined at -1
        [[nan, 0.5]]
        """
        raise NotImplementedError

    def hess(
        self, *values: Any, out: np.ndarray | None = None, backend: str = "auto", dtype: Any = None
    ) -> np.ndarray:
        """The Hessian at points: shape ``(n, n, *broadcast shape)``, NaN wherever f is
        undefined; ``out`` is filled and returned if given.

        >>> Function("x^2 y").hess(1.0, 3.0).tolist()
        [[6.0, 2.0], [2.0, 0.0]]
        """
        raise NotImplementedError

    def _check_arity(self, values: tuple[Any, ...]) -> None:
        if len(values) != len(self.variables):
            raise DomainError(
                f"{self.signature()} takes {len(self.variables)} value(s), got {len(values)}"
            )

    # ---- display ----------------------------------------------------------------------
    def held_text(self) -> str:
        """``held constant: x = 2, y = 1``, or "" when no name is held constant.

        >>> Function("a x^2", "x", constants="a=0.5").held_text()
        'held constant: a = 1/2'
        """
        if not self.constants:
            return ""
        from gradscape.calculus.display import text

        return "held constant: " + ", ".join(f"{n} = {text(v)}"
                                             for n, v in self.constants.items())

    def signature(self) -> str:
        """``f(x, y)``: the name and the variables in order.

        >>> Function("x y + z", name="g").signature()
        'g(x, y, z)'
        """
        return f"{self.name}({', '.join(self.variables)})"

    def latex(self) -> str:
        r"""``f(x, y) = x^{2} + y^{2}`` in LaTeX (for code, its name in roman type).

        >>> Function("x^2 + y^2").latex()
        'f(x, y) = x^{2} + y^{2}'
        """
        return f"{self.signature()} = " + r"\mathrm{" + self.text + "}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the formula text, variables and parser notes (a formula adds its
        expression, gradient and Hessian as SymPy strings).

        >>> Function("x^2 + y^2").to_dict()["gradient"]
        ['2*x', '2*y']
        """
        out: dict[str, Any] = {"formula": self.text, "variables": list(self.variables)}
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r}, variables={self.variables!r})"

    def __str__(self) -> str:
        return f"{self.signature()} = {self.text}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def __getattr__(name: str) -> Any:
    # The two kinds live in their own modules, which import this one.
    if name in ("FormulaFunction", "jacobian"):
        from gradscape.calculus import formula_function

        return getattr(formula_function, name)
    if name == "CallableFunction":
        from gradscape.calculus.callable_function import CallableFunction

        return CallableFunction
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
