"""Printed formulas read back as the same expression: what we show, users can paste."""

from __future__ import annotations

import sympy as sp
from hypothesis import assume, given, settings
from trees import trees

from gradscape.calculus.display import json_str, text
from gradscape.calculus.tidy import tidy
from gradscape.formula.parser import parse

x, y = sp.symbols("x y", real=True)


def test_text_reads_like_handwriting() -> None:
    assert text(2 * x**2 + 3 * sp.sin(y)) == "2x^2 + 3sin(y)"
    assert text(x**2 * sp.cos(x)) == "x^2*cos(x)"  # never "x^2cos(x)"
    assert text(2 * sp.E * x) == "2e*x"
    assert json_str(2 * x**2) == "2*x**2"
    assert text(sp.Abs(x) + 1) == "abs(x) + 1"


def test_tidy_only_rewrites_when_shorter() -> None:
    e = 4 * x * (x**2 + y - 11) + 2 * x + 2 * y**2 - 14
    assert tidy(e) == e
    assert sp.simplify(tidy(2 * x * (x + 1) + 2 * x) - (2 * x**2 + 4 * x)) == 0


_UNARY = [sp.sin, sp.cos, sp.exp, sp.log, sp.sqrt, sp.atan, sp.tanh]


def _complex_constant(expr: sp.Expr) -> bool:
    """True when a constant part of ``expr`` is not a real number (checked at 30 digits)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Expr) and not node.free_symbols and not node.is_Atom:
            try:
                value = complex(node.evalf(30))
            except TypeError:  # atan(zoo) and kin: no number at all, so not a real one
                return True
            if value.imag != 0:
                return True
    return expr.has(sp.I)


@settings(max_examples=150, deadline=None)
@given(
    trees(
        3,
        [x, y, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2)],
        _UNARY,
        powers=(-3, 4),
        divisors=[x, y, x + 1, sp.Integer(3)],
    )
)
def test_printed_text_parses_back_to_the_same_expression(expr: sp.Expr) -> None:
    assume(not expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo))  # 1/0 folded by SymPy: not a formula
    assume(not _complex_constant(expr))  # sqrt(log(sin(2))) is not real: formulas refuse it
    assert sp.simplify(parse(text(expr)).expr - expr) == 0, text(expr)
    if not expr.has(sp.E, sp.Abs):  # JSON keeps SymPy's spellings E and Abs
        assert sp.simplify(parse(json_str(expr)).expr - expr) == 0, json_str(expr)
