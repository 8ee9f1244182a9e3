"""The allow-list: every function and constant a formula may use, in ONE table.

To add a function, add a row: its name, how many arguments it takes, how to build the
SymPy expression, and a one-line description (shown by ``gradscape functions --builtins``
and used for "did you mean" suggestions). The parser refuses every name not listed here.

>>> FUNCTIONS["sigmoid"].arity
(1,)
>>> sorted(CONSTANTS)
['e', 'pi', 'π']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from gradscape.formula.special import cbrt, relu, sigmoid, softplus

__all__ = ["FunctionSpec", "FUNCTIONS", "CONSTANTS", "ALIASES"]


@dataclass(frozen=True)
class FunctionSpec:
    """One row of the allow-list."""

    name: str
    arity: tuple[int, ...]  # accepted argument counts
    build: Callable[..., sp.Expr]
    summary: str


def _row(name: str, arity: tuple[int, ...], build: Callable[..., sp.Expr], summary: str):
    return name, FunctionSpec(name, arity, build, summary)


FUNCTIONS: dict[str, FunctionSpec] = dict(
    [
        # --- trigonometric -------------------------------------------------------------
        _row("sin", (1,), sp.sin, "sine (radians)"),
        _row("cos", (1,), sp.cos, "cosine (radians)"),
        _row("tan", (1,), sp.tan, "tangent"),
        _row("sec", (1,), sp.sec, "secant, 1/cos"),
        _row("csc", (1,), sp.csc, "cosecant, 1/sin"),
        _row("cot", (1,), sp.cot, "cotangent, 1/tan"),
        # --- inverse trigonometric -----------------------------------------------------
        _row("asin", (1,), sp.asin, "inverse sine"),
        _row("acos", (1,), sp.acos, "inverse cosine"),
        _row("atan", (1,), sp.atan, "inverse tangent"),
        _row("atan2", (2,), sp.atan2, "atan2(y, x): angle of the point (x, y)"),
        # --- hyperbolic ----------------------------------------------------------------
        _row("sinh", (1,), sp.sinh, "hyperbolic sine"),
        _row("cosh", (1,), sp.cosh, "hyperbolic cosine"),
        _row("tanh", (1,), sp.tanh, "hyperbolic tangent"),
        _row("asinh", (1,), sp.asinh, "inverse hyperbolic sine"),
        _row("acosh", (1,), sp.acosh, "inverse hyperbolic cosine"),
        _row("atanh", (1,), sp.atanh, "inverse hyperbolic tangent"),
        # --- exponential and logarithms ------------------------------------------------
        _row("exp", (1,), sp.exp, "e to the power x"),
        _row("log", (1, 2), sp.log, "natural logarithm; log(x, b) is base b"),
        _row("ln", (1,), sp.log, "natural logarithm"),
        _row("log2", (1,), lambda a: sp.log(a, 2), "base-2 logarithm"),
        _row("log10", (1,), lambda a: sp.log(a, 10), "base-10 logarithm"),
        # --- roots, magnitude, sign ----------------------------------------------------
        _row("sqrt", (1,), sp.sqrt, "square root"),
        _row("cbrt", (1,), cbrt, "real cube root (cbrt(-8) = -2)"),
        _row("abs", (1,), sp.Abs, "absolute value |x|"),
        _row("sign", (1,), sp.sign, "sign: -1, 0 or 1"),
        # --- machine learning ----------------------------------------------------------
        _row("sigmoid", (1,), sigmoid, "logistic sigmoid 1/(1 + e^-x)"),
        _row("softplus", (1,), softplus, "softplus log(1 + e^x)"),
        _row("relu", (1,), relu, "rectified linear unit max(0, x)"),
    ]
)

# Other spellings people type, mapped to a row above.
ALIASES: dict[str, str] = {
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arctan2": "atan2",
    "arsinh": "asinh",
    "arcosh": "acosh",
    "artanh": "atanh",
    "logistic": "sigmoid",
}

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "π": sp.pi, "e": sp.E}
