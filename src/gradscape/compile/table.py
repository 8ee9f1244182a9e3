"""The one table from SymPy heads to NumPy and Numba code.

To support a new function add one row: the SymPy class, the NumPy template and the Numba
template. ``{0}``, ``{1}`` are the printed arguments; ``{one}`` and ``{zero}`` are literals of
the kernel's dtype. Names starting with ``_`` are helpers: NumPy ones live in
:mod:`gradscape.compile.npfuncs`, Numba ones in :mod:`gradscape.compile.scalar` (their source
is copied into each generated module so that Numba's disk cache holds everything it needs).

>>> import sympy as sp
>>> CODE[sp.sin].numpy
'np.sin({0})'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from gradscape.formula.special import cbrt, relu, sigmoid, softplus

__all__ = ["Code", "CODE", "supported_heads"]


@dataclass(frozen=True)
class Code:
    """How one SymPy head prints: a template per backend."""

    numpy: str
    numba: str
    fold: bool = False  # n-ary head printed as nested binary calls (Max, Min)
    defaults: tuple[sp.Expr, ...] = ()  # arguments SymPy may leave out (Heaviside's H0)
    ufunc: str | None = None  # NumPy ufunc the top level may call with out= (saves a copy)


def _same(template: str, ufunc: str | None = None) -> Code:
    return Code(template, template, ufunc=ufunc)


def _uf(name: str) -> Code:
    return _same(f"{name}({{0}})", ufunc=name)


CODE: dict[type, Code] = {
    # --- trigonometric ---------------------------------------------------------------
    sp.sin: _uf("np.sin"),
    sp.cos: _uf("np.cos"),
    sp.tan: _uf("np.tan"),
    sp.sec: _same("({one}/np.cos({0}))"),
    sp.csc: _same("({one}/np.sin({0}))"),
    sp.cot: _same("({one}/np.tan({0}))"),
    sp.asin: _uf("np.arcsin"),
    sp.acos: _uf("np.arccos"),
    sp.atan: _uf("np.arctan"),
    sp.atan2: _same("np.arctan2({0}, {1})"),  # SymPy and NumPy agree: atan2(y, x)
    # --- hyperbolic ------------------------------------------------------------------
    sp.sinh: _uf("np.sinh"),
    sp.cosh: _uf("np.cosh"),
    sp.tanh: _uf("np.tanh"),
    sp.asinh: _uf("np.arcsinh"),
    sp.acosh: _uf("np.arccosh"),
    sp.atanh: _uf("np.arctanh"),
    # --- exponential, logarithm, roots -------------------------------------------------
    sp.exp: _uf("np.exp"),
    sp.log: _uf("np.log"),
    cbrt: _uf("np.cbrt"),  # real cube root, negative for negative x
    # --- magnitude, sign, steps (SymPy's conventions, NaN in -> NaN out) --------------
    sp.Abs: _uf("np.abs"),
    sp.sign: Code("np.sign({0})", "_sign({0})"),
    sp.Heaviside: Code("_heaviside({0}, {1})", "_heaviside({0}, {1})", defaults=(sp.S.Half,)),
    # Zero almost everywhere, the value a grid can show. In NumPy an array, not the literal
    # 0.0: 1/DiracDelta(x) must be inf like any 1/0, not Python's ZeroDivisionError.
    sp.DiracDelta: Code("np.zeros_like({0})", "{zero}"),
    sp.Max: Code("np.maximum({0}, {1})", "_max({0}, {1})", fold=True),
    sp.Min: Code("np.minimum({0}, {1})", "_min({0}, {1})", fold=True),
    # --- machine learning (numerically stable forms) ----------------------------------
    sigmoid: _same("_sigmoid({0})"),
    softplus: _same("_softplus({0})"),
    relu: Code("np.maximum({0}, {zero})", "_relu({0})"),
}

# Logic inside Piecewise conditions: NumPy works on boolean arrays, Numba on scalars.
LOGIC: dict[type, tuple[str, str]] = {
    sp.And: ("&", "and"),
    sp.Or: ("|", "or"),
}


def supported_heads() -> list[str]:
    """Names of every function head a kernel can compile, for error messages.

    >>> "sigmoid" in supported_heads()
    True
    """
    return sorted(head.__name__ for head in CODE)
