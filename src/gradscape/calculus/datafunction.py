"""``DataFunction``: a loss over data — the mean (or sum) over rows of a per-row formula.

``Function("(w*x + b - y)^2", "w, b", data={"x": ..., "y": ...})`` reads the formula's names
that match columns of the data per row: the formula is a per-row loss ℓ(θ; d_r) of the
parameters θ, and the Function is L(θ) = mean_r ℓ(θ; d_r) (``reduce="sum"`` for the sum).
Its derivatives are shown per row, exactly (``f.gradient`` is ∇ℓ), and its numbers — values,
gradients and Hessians of L — come from reduction kernels over the rows
(:mod:`gradscape.compile.reduce`), one pass over the data per point and no Python per row.
Optimizers, critical points and pictures take it like any other Function.

>>> import numpy as np
>>> f = Function("(w*x + b - y)^2", "w, b", data={"x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, 4.0]})
>>> type(f).__name__, f.variables, f.n_rows
('DataFunction', ('w', 'b'), 3)
>>> f.gradient  # ∂ℓ/∂w, ∂ℓ/∂b for one row
(2*x*(b + w*x - y), 2*(b + w*x - y))
>>> float(f(1.0, 1.0))  # residuals 0, 0, -1: mean of squares
0.3333333333333333
>>> f.grad(1.0, 1.0).tolist()  # mean of 2x·r and 2r
[-1.3333333333333333, -0.6666666666666666]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from gradscape.calculus import display, sources
from gradscape.calculus.data import DataError, load_data
from gradscape.calculus.function import Function, Source
from gradscape.calculus.tidy import tidy
from gradscape.errors import DomainError

__all__ = ["DataFunction", "REDUCTIONS"]

REDUCTIONS = ("mean", "sum")
"""How the per-row values are combined."""
_MAX_WORK = 1 << 33  # points × rows per call: beyond this, evaluate fewer points at once


class DataFunction(Function):
    """A loss over rows of data (see the module docstring). Besides Function's attributes:
    ``expr`` (the per-row formula ℓ), ``symbols`` (the parameters' symbols), ``columns``
    (name → float64 array, the columns ℓ reads), ``n_rows``, ``reduce``, ``source`` (where the
    data came from) and ``dropped`` (rows left out for NaN).
    """

    is_symbolic = False  # numbers come from the data, not from a formula of the parameters
    expr: sp.Expr
    symbols: tuple[sp.Symbol, ...]
    columns: dict[str, np.ndarray]
    n_rows: int
    reduce: str
    source: str
    dropped: int

    def __new__(
        cls, source: Source, variables: Sequence[str] | str | None = None, *, name: str = "f",
        constants: Any = None, data: Any = None, reduce: str = "mean", drop_nan: bool = False,
    ) -> DataFunction:
        from gradscape.calculus.formula_function import FormulaFunction, _hold

        if reduce not in REDUCTIONS:
            raise DomainError(f"reduce must be 'mean' or 'sum', got {reduce!r}")
        dataset = load_data(data)
        if isinstance(source, str):
            parsed = FormulaFunction(source)  # every name free: sorted out below
            expr, found, text, notes = parsed.expr, parsed.variables, parsed.text, parsed.notes
        elif isinstance(source, sp.Expr):
            expr, text, notes = sources.realify(source), display.text(source), ()
            found = tuple(sorted(s.name for s in expr.free_symbols))
        else:
            raise DomainError("data= needs formula text or a SymPy expression")
        wanted = sources.variable_names(variables)
        held = sources.constant_values(constants)
        expr, found = _hold(expr, found, held, wanted)
        data_names = [n for n in found if n in dataset.columns]
        clash = [n for n in data_names if wanted is not None and n in wanted]
        if clash:
            raise DomainError(f"{', '.join(map(repr, clash))} is a column of {dataset.source} "
                              "and a parameter; rename the column or the parameter")
        if not data_names:
            raise DataError(f"the formula uses none of the columns of {dataset.source} "
                            f"({', '.join(dataset.columns)}); its names are {', '.join(found)}")
        rest = tuple(n for n in found if n not in data_names)
        stray = [n for n in rest if wanted is not None and n not in wanted]
        if stray:
            names = ", ".join(map(repr, stray))
            raise DataError(
                f"the formula uses {names}, neither a parameter ({', '.join(wanted or ())}) nor "
                f"a column of {dataset.source} (its columns: {', '.join(dataset.columns)}); add "
                f"it to --wrt, hold it with --const {stray[0]}=VALUE, or add the column")
        params = sources.check_variables(wanted, rest)
        cols, dropped = dataset.select(data_names, drop_nan=drop_nan)
        self = cls._create(expr, params, name, text, cols, reduce, dataset.source, dropped)
        self.notes, self.constants = notes, held
        return self

    @classmethod
    def _create(cls, expr: sp.Expr, variables: tuple[str, ...], name: str, text: str,
                columns: dict[str, np.ndarray], reduce: str, source: str,
                dropped: int) -> DataFunction:
        self = object.__new__(cls)
        self._setup(name, variables, text)
        self.expr = sources.realify(expr)
        self.symbols = tuple(sp.Symbol(v, real=True) for v in variables)
        self.columns, self.reduce, self.source, self.dropped = columns, reduce, source, dropped
        self.n_rows = len(next(iter(columns.values())))
        return self

    def _parts(self) -> tuple[Any, ...]:
        return (self.expr, self.variables, self.name, self.text, self.columns, self.reduce,
                self.source, self.dropped)

    # ---- symbolic, per row --------------------------------------------------------------
    @property
    def column_symbols(self) -> tuple[sp.Symbol, ...]:
        """One real symbol per data column ℓ reads, in the order of :attr:`columns`."""
        return tuple(sp.Symbol(c, real=True) for c in self.columns)

    def symbol(self, var: str | sp.Symbol | None = None) -> sp.Symbol:
        """The symbol of a parameter given by name (the only one when None)."""
        key = var.name if isinstance(var, sp.Symbol) else var
        if key is None and len(self.symbols) == 1:
            return self.symbols[0]
        if key is None or key not in self.variables:
            raise DomainError(f"say which parameter: {', '.join(self.variables)} (--wrt NAME)"
                              if key is None else f"'{key}' is not a parameter of {self.name}; "
                              f"its parameters are {', '.join(self.variables)}")
        return self.symbols[self.variables.index(key)]

    def derivative(self, wrt: str | None = None, order: int = 1) -> sp.Expr:
        """The ``order``-th derivative of the per-row formula ℓ with respect to a parameter."""
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 20:
            raise DomainError(f"derivative order must be an integer from 0 to 20, got {order!r}")
        return tidy(sp.diff(self.expr, self.symbol(wrt), order))

    @property
    def gradient(self) -> tuple[sp.Expr, ...]:
        """∇ℓ: the per-row gradient with respect to the parameters (L's is its mean)."""
        return self._once("gradient",
                          lambda: tuple(tidy(sp.diff(self.expr, s)) for s in self.symbols))

    @property
    def hessian(self) -> sp.ImmutableMatrix:
        """The per-row Hessian with respect to the parameters (L's is its mean)."""
        n = len(self.symbols)
        return self._once("hessian", lambda: sp.ImmutableMatrix(n, n, [
            tidy(sp.diff(g, s)) for g in self.gradient for s in self.symbols]))

    def gradient_text(self) -> str:
        """The per-row gradient, then how the rows combine.

        >>> f = Function("(w*x - y)^2", "w", data={"x": [1.0, 2.0], "y": [1.0, 1.0]})
        >>> print(f.gradient_text())
        ∇ℓ(w) = (2x*(w*x - y)) for each row (x, y) of the mapping
        ∇f(w) = mean over the 2 rows of ∇ℓ
        """
        return (f"∇ℓ({', '.join(self.variables)}) = {display.vector_text(self.gradient)} "
                f"for each row ({', '.join(self.columns)}) of {self.source}\n"
                f"∇{self.signature()} = {self.reduce} over the {self.n_rows} rows of ∇ℓ")

    def data_text(self) -> str:
        """One line on the data: where from, the rows, the reduction, rows dropped.

        >>> Function("w*x", data={"x": [1.0, 2.0]}).data_text()
        'data: x from the mapping, 2 rows; f = mean over the rows of w*x'
        """
        dropped = f" ({self.dropped} with NaN dropped)" if self.dropped else ""
        return (f"data: {', '.join(self.columns)} from {self.source}, {self.n_rows} rows"
                f"{dropped}; {self.name} = {self.reduce} over the rows of {self.text}")

    def data_info(self) -> dict[str, Any]:
        """The same for JSON."""
        return {"source": self.source, "columns": list(self.columns), "rows": self.n_rows,
                "reduce": self.reduce, "dropped": self.dropped}

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["expression"] = display.json_str(self.expr)
        out["gradient"] = [display.json_str(g) for g in self.gradient]
        out["data"] = self.data_info()
        return out

    to_dict.__doc__ = Function.to_dict.__doc__

    # ---- numbers: reductions over the rows ----------------------------------------------
    def reduction(self, kind: str) -> Any:
        """The reduction kernel of ``kind`` ("value", "value_grad", "hess") of ℓ."""
        from gradscape.compile.reduce import build_reduction

        return self._once(f"reduction:{kind}", lambda: build_reduction(
            self.expr, self.symbols, self.column_symbols, kind))

    def _scale(self) -> float:
        return 1.0 / self.n_rows if self.reduce == "mean" else 1.0

    def _points(self, values: tuple[Any, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
        self._check_arity(values)
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
        shape = arrays[0].shape if arrays else ()
        pts = np.stack([a.ravel() for a in arrays], axis=1) if arrays else np.zeros((1, 0))
        if len(pts) * self.n_rows > _MAX_WORK:
            raise DomainError(f"{len(pts)} points × {self.n_rows} rows is too much work for one "
                              "call; evaluate fewer points")
        return pts, shape

    def sums(self, kind: str, point: Sequence[float], backend: str = "auto") -> np.ndarray:
        """The reduced (mean or sum) outputs of one kind at one point of the parameters."""
        cols = list(self.columns.values())
        return self.reduction(kind)(list(point), cols, backend=backend) * self._scale()

    def __call__(self, *values: Any, backend: str = "auto", dtype: Any = None) -> np.ndarray:
        pts, shape = self._points(values)
        out = np.array([self.sums("value", p, backend)[0] for p in pts])
        return out.reshape(shape)

    def grad(self, *values: Any, out: np.ndarray | None = None, backend: str = "auto",
             dtype: Any = None) -> np.ndarray:
        pts, shape = self._points(values)
        res = np.array([self.sums("value_grad", p, backend) for p in pts]).reshape(
            len(pts), len(self.variables) + 1)
        g = res[:, 1:].T.reshape((len(self.variables), *shape))
        g[:, ~np.isfinite(res[:, 0]).reshape(shape)] = np.nan  # undefined where L is
        if out is not None:
            out[...] = g
            return out
        return g

    def hess(self, *values: Any, out: np.ndarray | None = None, backend: str = "auto",
             dtype: Any = None) -> np.ndarray:
        pts, shape = self._points(values)
        n = len(self.variables)
        iu = np.triu_indices(n)
        h = np.empty((n, n, len(pts)))
        for k, p in enumerate(pts):
            upper = self.sums("hess", p, backend)
            h[iu[0], iu[1], k] = upper
            h[iu[1], iu[0], k] = upper
        h = h.reshape((n, n, *shape))
        if out is not None:
            out[...] = h
            return out
        return h

    def evaluate(self, expr: sp.Expr, *values: Any, backend: str = "auto") -> np.ndarray:
        """The mean (or sum) over the rows of a per-row expression at parameter values."""
        from gradscape.compile.reduce import build_reduction

        pts, shape = self._points(values)
        red = build_reduction([expr], self.symbols, self.column_symbols, "exprs")
        cols = list(self.columns.values())
        out = np.array([red(list(p), cols, backend=backend)[0] for p in pts]) * self._scale()
        return out.reshape(shape)

    def restrict(self, keep: Sequence[str], values: Sequence[float]) -> DataFunction:
        """The loss as a function of the parameters ``keep`` alone, the others held at
        ``values`` (one per parameter of f, in order; those of ``keep`` are ignored).

        >>> f = Function("(a*x + b*x^2 + c - y)^2", "a,b,c", data={"x": [1.0], "y": [3.0]})
        >>> g = f.restrict(["a", "c"], [0.0, 2.0, 0.0])
        >>> g.variables, float(g(1.0, 0.0)), g.held_text()
        (('a', 'c'), 0.0, 'held constant: b = 2')
        """
        keep_t = sources.variable_names(list(keep))
        bad = [k for k in keep_t if k not in self.variables]
        if bad or len(values) != len(self.variables):
            raise DomainError(f"restrict keeps parameters of {self.signature()} and takes one "
                              "value per parameter")
        held = {v: float(x) for v, x in zip(self.variables, values) if v not in keep_t}
        swap = {sp.Symbol(v, real=True): sp.Float(x, 17) for v, x in held.items()}
        g = type(self)._create(self.expr.xreplace(swap), keep_t, self.name, self.text,
                               self.columns, self.reduce, self.source, self.dropped)
        # shown to 6 digits; the loss itself holds them at full precision
        g.constants = {**self.constants, **{v: sp.Integer(int(x)) if x == int(x) else
                                            sp.Float(x, 6) for v, x in held.items()}}
        return g

    def with_data(self, columns: dict[str, np.ndarray]) -> DataFunction:
        """The same loss over other rows (a minibatch): ``columns`` has the same names."""
        return type(self)._create(self.expr, self.variables, self.name, self.text, columns,
                                  self.reduce, self.source, 0)
