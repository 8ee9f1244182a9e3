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
from sympy.printing.str import StrPrinter

__all__ = ["FormulaPrinter", "text", "latex", "json_str", "vector_text"]

# "2*x" -> "2x", "3*sin(y)" -> "3sin(y)", "2*(x + 1)" -> "2(x + 1)"; never before e/E + digit,
# which would read as scientific notation, nor between two numbers.
_IMPLICIT = re.compile(r"(?<![\w.^])(\d+(?:\.\d+)?)\*(?=[^\W\d_eE]|\(|[eE](?![\d+-]))")


class FormulaPrinter(StrPrinter):
    """SymPy's ``str`` with names as formulas spell them: abs(x), max(a, b) and e, where
    SymPy says Abs(x), Max(a, b) and E. Every plain-text printer builds on this one.

    >>> x = sp.Symbol("x", real=True)
    >>> FormulaPrinter().doprint(sp.Abs(x) + sp.Max(x, 1) + sp.E)
    'abs(x) + max(1, x) + e'
    """

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr: sp.Max) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"


def text(expr: sp.Expr) -> str:
    """Plain text as people write it: ``^`` for powers, ``2x`` for 2*x, ``abs`` for |x|.

    >>> text(2 * sp.E * sp.Abs(sp.Symbol("x")))
    '2e*abs(x)'
    """
    s = FormulaPrinter({"order": "grlex"}).doprint(expr).replace("**", "^")
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
