"""``FormulaFunction``: a Function given by a formula — exact derivatives, and kernels for numbers.

Symbolic results (derivatives, gradient, Hessian, Taylor polynomials) are SymPy expressions,
tidied cheaply; each is built once per Function, by one thread. Numbers come from compiled
kernels (:meth:`FormulaFunction.kernel`, see :mod:`gradscape.calculus.evaluation`), imported
only when a number is first asked for, so symbolic work never loads NumPy kernels or Numba.

>>> f = FormulaFunction("x^2 + 3y^2")
>>> f.variables, f.gradient
(('x', 'y'), (2*x, 6*y))
>>> print(f.gradient_text())
∇f(x, y) = (2x, 6y)
>>> f.hessian
Matrix([
[2, 0],
[0, 6]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from gradscape.calculus import display, sources
from gradscape.calculus.evaluation import Evaluation
from gradscape.calculus.function import Function, Source
from gradscape.calculus.sources import Number
from gradscape.calculus.tidy import tidy
from gradscape.errors import DomainError, LimitError
from gradscape.formula.library import lookup
from gradscape.formula.limits import differentiation_problem, recursion_bounded
from gradscape.formula.parser import parse

if TYPE_CHECKING:
    from gradscape.calculus.kinks import Smoothness
    from gradscape.calculus.steps import Derivation

__all__ = ["FormulaFunction", "jacobian"]


class FormulaFunction(Evaluation, Function):
    """A Function given by a formula: text, a library name, a SymPy expression, or a Python
    function SymPy can trace (arguments as for :class:`Function`).

    Besides Function's attributes it has ``expr``, the SymPy expression, and ``symbols``, one
    real SymPy symbol per variable in order. Everything symbolic (``gradient``, ``hessian``,
    ``derivative``...) exists only here; ``Function(...)`` makes one whenever it can.

    >>> f = FormulaFunction("himmelblau")
    >>> f.library.name, f.symbols
    ('himmelblau', (x, y))
    >>> FormulaFunction(lambda x: x**3).derivative()
    3*x**2
    """

    is_symbolic = True
    expr: sp.Expr
    symbols: tuple[sp.Symbol, ...]
    # Parts of the formula as typed that simplification dropped (sqrt(x) of sqrt(x)^2):
    # f is undefined wherever one of them is (see kernel_expr).
    guards: tuple[sp.Expr, ...] = ()

    def __new__(
        cls, source: Source, variables: Sequence[str] | str | None = None, *, name: str = "f",
        constants: Any = None,
    ) -> FormulaFunction:
        wanted = sources.variable_names(variables)
        held = sources.constant_values(constants)
        if isinstance(source, str):
            library = lookup(source)
            parsed = parse(library.formula if library else source,
                           (*(wanted or ()), *held))  # declared names are never typos
            if library is not None and wanted is None and not held:
                wanted = library.variables
            expr, found = _hold(parsed.expr, parsed.variables, held, wanted)
            names = sources.check_variables(wanted, found)
            self = cls._create(expr, names, name, parsed.text)
            self.notes, self.library, self.constants = parsed.notes, library, held
            swap = {sp.Symbol(n, real=True): v for n, v in held.items()}
            self.guards = tuple(sources.realify(g).xreplace(swap) for g in parsed.guards)
            return self
        if isinstance(source, sp.Expr):
            found = tuple(sorted(s.name for s in source.free_symbols))
            expr, found = _hold(sources.realify(source), found, held, wanted)
            names = sources.check_variables(wanted, found)
            self = cls._create(expr, names, name, display.text(source))
            self.constants = held
            return self
        if held:
            raise DomainError("constants= needs a formula (text or SymPy expression); a Python "
                              "function can take them as default arguments")
        if callable(source):
            names, expr = sources.read_callable(source, wanted)
            if expr is None:
                raise DomainError(
                    "SymPy cannot trace this Python function into a formula (it calls NumPy, "
                    "branches on values, ...); Function(fn) differentiates it numerically"
                )
            return cls._create(expr, names, name, display.text(expr))
        raise DomainError(
            f"cannot make a formula from {type(source).__name__}; give formula text, "
            "a SymPy expression or a Python function of arithmetic"
        )

    @classmethod
    def _create(
        cls, expr: sp.Expr, variables: tuple[str, ...], name: str, text: str
    ) -> FormulaFunction:
        self = object.__new__(cls)
        self._setup(name, variables, text)
        self.symbols = tuple(sp.Symbol(v, real=True) for v in variables)
        self.expr = sources.realify(expr)
        return self

    @property
    def kernel_expr(self) -> sp.Expr:
        """f as every kernel computes it: ``expr``, undefined (NaN) wherever the formula as
        typed is, even where simplification extended it (``sqrt(x)^2`` is ``x`` for x ≥ 0),
        or where a function hides an undefined part (tanh(0^y) would be tanh(∞) = 1).

        >>> f = FormulaFunction("sqrt(x)^2")
        >>> f.expr, f.kernel_expr
        (x, x + defined(sqrt(x)))
        >>> f(-4.0).tolist(), f(4.0).tolist()
        (nan, 4.0)
        >>> FormulaFunction("tanh(0^y)")([-2.0, 2.0]).tolist()
        [nan, 0.0]
        """
        from gradscape.formula.domains import absorbed

        parts = dict.fromkeys((*self.guards, *absorbed(self.expr)))
        if not parts:
            return self.expr
        from gradscape.formula.special import defined

        # one defined() per part: a sum of parts could overflow to ∞ where each is a number
        return sp.Add(self.expr, *(defined(p) for p in parts), evaluate=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles (Dask workers) keep the guards: their kernels must be undefined
        # where this one is.
        make, parts, state = super().__reduce__()
        return make, parts, {**state, "guards": self.guards}

    def _parts(self) -> tuple[Any, ...]:
        return self.expr, self.variables, self.name, self.text

    # ---- symbolic ---------------------------------------------------------------------
    def symbol(self, var: str | sp.Symbol | None = None) -> sp.Symbol:
        """The symbol of a variable given by name (the only variable when None).

        A constant has no variables: any name is then a variable it does not depend on
        (``x`` when none is given), so its derivatives are 0.

        >>> FormulaFunction("x^2 y").symbol("y")
        y
        >>> FormulaFunction("7").symbol()
        x
        """
        key = var.name if isinstance(var, sp.Symbol) else var
        if not self.symbols:
            return sp.Symbol(sources.variable_names([key or "x"])[0], real=True)
        if key is None:
            if len(self.symbols) != 1:
                raise DomainError(
                    f"{self.name} has variables {', '.join(self.variables)}; say which one "
                    "(--wrt NAME)"
                )
            return self.symbols[0]
        if key not in self.variables:
            raise DomainError(
                f"'{key}' is not a variable of {self.name}; its variables are "
                f"{', '.join(self.variables)}"
            )
        return self.symbols[self.variables.index(key)]

    def derivative(self, wrt: str | None = None, order: int = 1) -> sp.Expr:
        """The ``order``-th derivative with respect to ``wrt`` (a partial for several variables).

        >>> FormulaFunction("x^3 y").derivative("x", 2)
        6*x*y
        >>> FormulaFunction("7").derivative()
        0
        """
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 20:
            raise DomainError(f"derivative order must be an integer from 0 to 20, got {order!r}")
        symbol, result = self.symbol(wrt), self.expr
        for k in range(order):  # one order at a time: each result is bounded before the next
            result = _diff(result, symbol, "the formula" if k == 0 else f"derivative {k}")
        with recursion_bounded("the derivative"):
            return tidy(result)

    def partial(self, wrt: str) -> sp.Expr:
        """∂f/∂wrt.

        >>> FormulaFunction("x^2 y").partial("y")
        x**2
        """
        return self.derivative(wrt, 1)

    @property
    def gradient(self) -> tuple[sp.Expr, ...]:
        """The partial derivatives in variable order (``()`` for a constant).

        >>> FormulaFunction("x^2 y").gradient
        (2*x*y, x**2)
        """
        def build() -> tuple[sp.Expr, ...]:
            with recursion_bounded("the gradient"):
                return tuple(tidy(_diff(self.expr, s, "the formula")) for s in self.symbols)

        return self._once("gradient", build)

    @property
    def hessian(self) -> sp.ImmutableMatrix:
        """The symmetric matrix of second partial derivatives.

        >>> FormulaFunction("x^3 + x y^2").hessian
        Matrix([
        [6*x, 2*y],
        [2*y, 2*x]])
        """
        return self._once("hessian", self._build_hessian)

    def _build_hessian(self) -> sp.ImmutableMatrix:
        n = len(self.symbols)
        rows = [[sp.S.Zero] * n for _ in range(n)]
        for i, gi in enumerate(self.gradient):
            for j in range(i, n):
                with recursion_bounded("the Hessian"):
                    second = _diff(gi, self.symbols[j], f"∂f/∂{self.variables[i]}")
                    rows[i][j] = rows[j][i] = tidy(second)
        return sp.ImmutableMatrix(n, n, [c for row in rows for c in row])

    @property
    def laplacian(self) -> sp.Expr:
        """The sum of the unmixed second derivatives, ∇²f.

        >>> FormulaFunction("x^3 + x y^2").laplacian
        8*x
        """
        n = len(self.symbols)
        return self._once(
            "laplacian", lambda: tidy(sp.Add(*(self.hessian[i, i] for i in range(n))))
        )

    def directional(self, direction: Sequence[Number]) -> sp.Expr:
        """The derivative along ``direction``, normalised to a unit vector: ∇f · u/|u|.

        >>> FormulaFunction("x^2 + y^2").directional((3, 4))
        6*x/5 + 8*y/5
        """
        u = self._exact_point(direction, "direction")
        norm = sp.sqrt(sum(c**2 for c in u))
        if norm == 0:
            raise DomainError("the direction must not be the zero vector")
        return tidy(sp.expand(sum(g * c for g, c in zip(self.gradient, u)) / norm))

    def taylor(self, at: Sequence[Number], order: int = 1) -> sp.Expr:
        """The Taylor polynomial of order 1 (tangent line or plane) or 2 about the point ``at``.

        >>> FormulaFunction("x^2 + y^2").taylor((1, 2))
        2*x + 4*y - 5
        """
        if order not in (1, 2):
            raise DomainError(f"Taylor order must be 1 or 2, got {order!r}")
        a = self._exact_point(at, "point")
        subs = dict(zip(self.symbols, a))
        dx = [s - c for s, c in zip(self.symbols, a)]
        poly = self.expr.subs(subs)
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
        """The tangent line (one variable) or tangent plane (two or more): Taylor order 1.

        >>> FormulaFunction("x^3").tangent((2,))
        12*x - 16
        """
        return self.taylor(at, 1)

    def differentiable_at(
        self, point: Sequence[Number] | Number, wrt: str | None = None, order: int = 1
    ) -> Smoothness:
        """Whether the ``order``-th derivative in ``wrt`` exists at ``point``, with the
        one-sided derivatives where it does not (kinks of abs, relu, max; jumps of sign).

        >>> s = FormulaFunction("relu(x)").differentiable_at(0)
        >>> bool(s), s.left, s.right
        (False, 0.0, 1.0)
        >>> FormulaFunction("abs(x) + y^2").differentiable_at((1, 0), "x").value
        1.0
        """
        from gradscape.calculus.kinks import Smoothness, one_sided

        var = self.symbol(wrt)
        if not self.symbols:  # a constant: every derivative is 0 everywhere
            return Smoothness(True, var.name, (), "every point", 0.0, 0.0)
        exact = self._exact_point(point, "point")
        base = self.derivative(var.name, order - 1) if order > 1 else self.expr
        shown = tuple(float(v) for v in exact)
        return one_sided(base, self.symbols, exact, var, shown)

    def steps(self, wrt: str | None = None) -> Derivation:
        """The first derivative with respect to ``wrt``, worked rule by rule.

        >>> d = FormulaFunction("sin(x^2)").steps()
        >>> d.result, sorted(d.rules)
        (2*x*cos(x**2), ['chain', 'power', 'trig'])
        """
        from gradscape.calculus.steps import derive

        return derive(self.expr, self.symbol(wrt), variables=self.symbols)

    def _exact_point(self, point: Sequence[Number] | Number, what: str) -> list[sp.Expr]:
        values = list(point) if isinstance(point, list | tuple) else [point]
        if len(values) != len(self.symbols):
            raise DomainError(
                f"the {what} needs {len(self.symbols)} coordinates "
                f"({', '.join(self.variables)}), got {len(values)}"
            )
        return [sources.exact(v) for v in values]

    # ---- display ------------------------------------------------------------------------
    def gradient_text(self) -> str:
        """The gradient as people write it.

        >>> FormulaFunction("x^2 + y^2").gradient_text()
        '∇f(x, y) = (2x, 2y)'
        """
        return f"∇{self.signature()} = {display.vector_text(self.gradient)}"

    def latex(self) -> str:
        return f"{self.signature()} = {display.latex(self.expr)}"

    latex.__doc__ = Function.latex.__doc__

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.constants:
            out["constants"] = {n: display.json_str(v) for n, v in self.constants.items()}
        out["expression"] = display.json_str(self.expr)
        out["gradient"] = [display.json_str(g) for g in self.gradient]
        out["hessian"] = [[display.json_str(h) for h in row] for row in self.hessian.tolist()]
        return out

    to_dict.__doc__ = Function.to_dict.__doc__

    def __str__(self) -> str:
        return f"{self.signature()} = {display.text(self.expr)}"


def _hold(expr: sp.Expr, found: tuple[str, ...], held: dict[str, sp.Expr],
          wanted: tuple[str, ...] | None) -> tuple[sp.Expr, tuple[str, ...]]:
    """``expr`` with the held constants put in exactly, and the names still free."""
    if not held:
        return expr, found
    unused = [n for n in held if n not in found]
    if unused:
        raise DomainError(
            f"the formula does not use {', '.join(map(repr, unused))}, so there is nothing to "
            f"hold constant; its names are {', '.join(found)}")
    both = [n for n in held if wanted is not None and n in wanted]
    if both:
        raise DomainError(f"{', '.join(map(repr, both))} cannot be both a variable and a "
                          "constant; list it in one place only")
    swap = {sp.Symbol(n, real=True): v for n, v in held.items()}
    return expr.xreplace(swap), tuple(n for n in found if n not in held)


def jacobian(
    formulas: Sequence[str | sp.Expr], variables: Sequence[str] | str | None = None
) -> sp.Matrix:
    """The Jacobian matrix of several formulas: one row per formula (its gradient), one column
    per variable. For one formula's gradient use ``Function(...).gradient``.

    >>> jacobian(["x*y", "x + y"])
    Matrix([
    [y, x],
    [1, 1]])
    """
    parsed = [FormulaFunction(f) for f in formulas]
    names = sources.variable_names(variables) or tuple(
        sorted({v for f in parsed for v in f.variables})
    )
    return sp.Matrix([FormulaFunction(f.expr, names).gradient for f in parsed])


def _diff(expr: sp.Expr, symbol: sp.Symbol, what: str) -> sp.Expr:
    """d(expr)/d(symbol), refused up front when ``expr`` is too deep or big to differentiate
    (see :func:`gradscape.formula.limits.differentiation_problem`)."""
    problem = differentiation_problem(expr, what)
    if problem:
        raise LimitError(problem, hint="differentiate a smaller formula, or a lower order")
    with recursion_bounded(what):
        masked, back = constants_masked(expr)
        return sp.diff(masked, symbol).xreplace(back)


def constants_masked(expr: sp.Expr) -> tuple[sp.Expr, dict[sp.Basic, sp.Basic]]:
    """``expr`` with each function of constants (log(erf(8))) as a plain real symbol, and the
    substitution back. SymPy's differentiation asks such a constant's sign (d/dx c^x is
    c^x·log(c)), and from 15 digits log(erf(8)) = log(1 - 1.1e-29) has none: it gave I·π
    terms or raised TypeError, depending on what SymPy had evaluated before.

    >>> x = sp.Symbol("x", real=True)
    >>> masked, back = constants_masked(sp.erf(8) ** x + sp.pi)
    >>> masked.free_symbols - {x} == set(back), list(back.values())
    (True, [erf(8)])
    """
    swap: dict[sp.Basic, sp.Basic] = {}
    stack: list[sp.Basic] = [expr]
    while stack:  # explicit stack: deep formulas stay within the recursion limit
        node = stack.pop()
        if node.is_Atom or node in swap:
            continue
        if isinstance(node, sp.Expr) and node.is_number and not all(
                isinstance(sub, (sp.Add, sp.Mul, sp.Pow, sp.Number, sp.NumberSymbol))
                for sub in sp.preorder_traversal(node)):
            swap[node] = sp.Dummy(real=True)
            continue
        stack.extend(node.args)
    if not swap:
        return expr, {}
    return expr.xreplace(swap), {d: c for c, d in swap.items()}
