"""The row type of the function registry, and the short constructors its table is written in.

A :class:`Row` is everything gradscape knows about one SymPy head; a :class:`Spelling` is a
name people type that builds other rows' heads (``log2(x)`` is ``log(x)/log(2)``). The table
itself lives in :mod:`gradscape.formula.registry`.

>>> REALS.contains(-5.0), between(-1, 1).contains(1.5), between(-1, 1).contains(1 + 1e-13, 1e-12)
(True, False, True)
>>> ufunc("arcsin", "asin").cuda
'math.asin({0})'
>>> helper("_sigmoid").numba
'_sigmoid({0})'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

__all__ = [
    "Growth",
    "EXP",
    "PLAIN",
    "Domain",
    "REALS",
    "between",
    "Derivative",
    "Code",
    "ufunc",
    "helper",
    "same",
    "Row",
    "Spelling",
]

Growth = Literal["exp", "plain"]
"""How fast a function grows with its argument, which says which size bound applies."""
EXP: Growth = "exp"  # the value, or SymPy's evaluation of it, involves e^|a|: tighter bound
PLAIN: Growth = "plain"  # any argument up to limits.MAX_ARGUMENT is cheap to evaluate


@dataclass(frozen=True)
class Domain:
    """Where a function of real arguments is real: a union of closed intervals.

    An end may give an infinite value (log(0), atanh(1)); the checks catch those as
    undefined on their own. Isolated poles (tan at π/2) are not listed.
    """

    intervals: tuple[tuple[float, float], ...]

    def contains(self, value: float, tol: float = 0.0) -> bool:
        """Whether ``value`` lies in the domain, allowing ``tol`` past each end."""
        return any(lo - tol <= value <= hi + tol for lo, hi in self.intervals)

    @property
    def everywhere(self) -> bool:
        """True when every real number is in the domain."""
        return self.intervals == REALS.intervals


REALS = Domain(((-math.inf, math.inf),))
"""The domain of a function that is real everywhere."""


def between(lo: float, hi: float = math.inf) -> Domain:
    """The closed interval [lo, hi] (hi defaults to +∞)."""
    return Domain(((lo, hi),))


@dataclass(frozen=True)
class Derivative:
    """How the step-by-step engine differentiates f: its rule id (in ``steps.rules.RULES``)
    and ``derivative(u)`` = f'(u). For f of two arguments, ``derivative(u, v)`` gives both
    partial derivatives. ``where`` limits validity (plain text and LaTeX, in u)."""

    rule: str
    derivative: Callable[..., sp.Expr | tuple[sp.Expr, ...]]
    where: str = ""  # plain-text condition on u, e.g. "u ≠ 0"
    where_latex: str = ""
    # Why the formula holds, as sentence parts (prose and expressions in u); None: no note.
    note: Callable[[sp.Expr], tuple[object, ...]] | None = None


@dataclass(frozen=True)
class Code:
    """How one head prints in each backend. ``{0}``, ``{1}`` are the printed arguments and
    ``{one}``/``{zero}`` literals of the kernel's dtype. Names starting with ``_`` are helpers:
    NumPy ones in :mod:`gradscape.compile.npfuncs`, Numba and CUDA ones (scalar code) in
    :mod:`gradscape.compile.scalar`."""

    numpy: str  # on arrays, from the namespace of compile.npfuncs (np and the helpers)
    numba: str  # on scalars in @njit code: np, F and helpers (math only inside a helper)
    cuda: str  # on scalars in numba-cuda device code: math, F and helpers (almost no np)
    fold: bool = False  # n-ary head printed as nested binary calls (Max, Min, And, Or)
    defaults: tuple[sp.Expr, ...] = ()  # arguments SymPy may leave out (Heaviside's H0)
    ufunc: str | None = None  # NumPy ufunc the top level may call with out= (saves a copy)


def ufunc(numpy_name: str, math_name: str | None = None) -> Code:
    """A function NumPy has as a ufunc and the math module as ``math_name``."""
    template = f"np.{numpy_name}({{0}})"
    cuda = f"math.{math_name or numpy_name}({{0}})"
    return Code(template, template, cuda, ufunc=f"np.{numpy_name}")


def helper(name: str) -> Code:
    """A function written once as a helper of the same name in every backend."""
    template = f"{name}({{0}})"
    return Code(template, template, template)


def same(template: str, **options: Any) -> Code:
    """One template for every backend (operators, and calls that read alike everywhere)."""
    return Code(template, template, template, **options)


@dataclass(frozen=True)
class Row:
    """Everything about one SymPy head: read by the parser, the checks, the limits, the
    step-by-step engine and every code generator. ``rule=None`` says the step-by-step engine
    has no rule for the head (it then refuses it by name)."""

    name: str  # as typed in formulas; for heads nobody types, SymPy's name in lower case
    head: type[sp.Basic]  # the SymPy class of the built expression
    summary: str  # one line, shown in listings and "did you mean" hints
    domain: Domain  # where each argument keeps the value real
    growth: Growth
    rule: Derivative | None
    code: Code
    arity: tuple[int, ...] = (1,)  # argument counts accepted when typed
    # None means the head itself: __post_init__ fills it in, so readers always get a callable.
    build: Callable[..., sp.Basic] = field(default=None)  # type: ignore[assignment]
    aliases: tuple[str, ...] = ()  # other spellings of the same call (arcsin for asin)
    typeable: bool = True  # False: appears only in derivatives, rewrites or conditions

    def __post_init__(self) -> None:
        if self.build is None:
            object.__setattr__(self, "build", self.head)


@dataclass(frozen=True)
class Spelling:
    """A name people type whose ``build`` makes other rows' heads (sqrt is a power)."""

    name: str
    build: Callable[..., sp.Basic]
    summary: str
    arity: tuple[int, ...] = (1,)
    growth: Growth = PLAIN
    aliases: tuple[str, ...] = ()
