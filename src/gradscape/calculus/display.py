"""How expressions read: plain text as people write it, LaTeX, and JSON strings.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> text(2*x**2 + 3*sp.sin(y))
'2x^2 + 3sin(y)'
>>> json_str(2*x**2)
'2*x**2'
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = ["text", "latex", "json_str", "vector_text"]

# "2*x" -> "2x", "3*sin(y)" -> "3sin(y)", "2*(x + 1)" -> "2(x + 1)"; never before e/E + digit,
# which would read as scientific notation, nor between two numbers.
_IMPLICIT = re.compile(r"(?<![\w.^])(\d+(?:\.\d+)?)\*(?=[^\W\d_eE]|\(|[eE](?![\d+-]))")
_ABS = re.compile(r"(?<![\w.])Abs\(")
_EULER = re.compile(r"(?<![\w.])E(?!\w)")


def text(expr: sp.Expr) -> str:
    """Plain text as people write it: ``^`` for powers, ``2x`` for 2*x."""
    s = sp.sstr(expr, order="grlex").replace("**", "^")
    s = _EULER.sub("e", s)
    s = _ABS.sub("abs(", s)  # SymPy spells |x| Abs; formulas spell it abs
    return _IMPLICIT.sub(r"\1", s)


def json_str(expr: sp.Expr) -> str:
    """SymPy's string form (``2*x**2``): unambiguous, and what the JSON contract promises."""
    return sp.sstr(expr, order="grlex")


def latex(expr: sp.Expr) -> str:
    """LaTeX for math text in titles, notebooks and the web page."""
    return sp.latex(expr)


def vector_text(components: tuple[sp.Expr, ...] | list[sp.Expr]) -> str:
    """A tuple of expressions as ``(2x, 2y)``."""
    return "(" + ", ".join(text(c) for c in components) + ")"
