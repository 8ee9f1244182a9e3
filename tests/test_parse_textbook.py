"""Textbook notation: |x| bars, calls without parentheses, products before parentheses,
near-misses of function names. Each reading is compared with the tree built by SymPy."""

from __future__ import annotations

import pytest
import sympy as sp

from gradscape import Function
from gradscape.errors import FormulaError
from gradscape.formula.parser import parse

x, y, x1, x2 = (sp.Symbol(n, real=True) for n in ("x", "y", "x1", "x2"))

READINGS = [
    ("|x|", sp.Abs(x)),
    ("|x - y|", sp.Abs(x - y)),
    ("||x| - 1|", sp.Abs(sp.Abs(x) - 1)),
    ("|x| |y|", sp.Abs(x) * sp.Abs(y)),
    ("2|x|^2 + |y|³", 2 * sp.Abs(x) ** 2 + sp.Abs(y) ** 3),
    ("| |x| - |y| |", sp.Abs(sp.Abs(x) - sp.Abs(y))),
    ("|(x - |y|)|", sp.Abs(x - sp.Abs(y))),
    ("sin x", sp.sin(x)),
    ("ln x", sp.log(x)),
    ("sin 2x", sp.sin(2 * x)),
    ("sin x^2", sp.sin(x**2)),
    ("sin x cos y", sp.sin(x) * sp.cos(y)),
    ("sin x y", sp.sin(x) * y),
    ("sin x/2", sp.sin(x) / 2),
    ("sin^2 x + cos² x", sp.sin(x) ** 2 + sp.cos(x) ** 2),
    ("sin cos x", sp.sin(sp.cos(x))),
    ("sin |x|", sp.sin(sp.Abs(x))),
    ("e^x", sp.exp(x)),
    ("x1(1 - x2)", x1 * (1 - x2)),
    ("x(1 - y)", x * (1 - y)),
]


@pytest.mark.parametrize(("text", "expected"), READINGS)
def test_textbook_reading(text: str, expected: sp.Expr) -> None:
    assert parse(text).expr == expected


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("sin 2x", "read 'sin 2x' as sin(2x)"),
        ("sin x^2", "read 'sin x^2' as sin(x^2)"),
        ("sin x y", "read 'sin x y' as (sin x)·y; write sin(x y) to put it inside"),
        ("sin x/2", "read 'sin x/2' as (sin x)/2; write sin(x/2) to put it inside"),
        ("ex", "read 'ex' as one variable named ex; for the product of e and x write e*x or e x"),
        ("e^2x", "read 'e^2x' as (e^2)·x; write e^(2x) to put it in the exponent"),
        ("e^-2x", "read 'e^-2x' as (e^-2)·x; write e^(-2x) to put it in the exponent"),
        ("xy", "read 'xy' as one variable named xy; for the product of x and y write x*y or x y"),
        ("xyz", "read 'xyz' as one variable named xyz; for the product of x, y and z write "
         "x*y*z or x y z"),
    ],
)
def test_ambiguous_readings_are_noted(text: str, note: str) -> None:
    assert note in parse(text).notes


@pytest.mark.parametrize("text", ["sin x", "ln x + ln y", "|x - y|", "sin x cos y", "sin |x|"])
def test_plain_readings_have_no_note(text: str) -> None:
    assert parse(text).notes == ()


@pytest.mark.parametrize(
    ("text", "column", "hint"),
    [
        ("rosenbrok", 0, "did you mean 'rosenbrock' (a library function)?"),
        ("himmelblua + x", 0, "did you mean 'himmelblau'"),
        ("x + sigmiod", 4, "did you mean 'sigmoid' (a function)?"),
        ("softpuls(x)", 0, "did you mean 'softplus'"),
        ("foo(x)", 0, "write foo*(…) for a product"),
        ("exp -x", 0, "write exp(x)"),
    ],
)
def test_near_misses_and_unknown_functions_are_refused(text: str, column: int, hint: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.column == column
    assert hint in caught.value.hint


@pytest.mark.parametrize(
    "text", ["theta + beta", "sigma x", "cost", "relu1 + x", "atan3 + sinh2", "lambda x"]
)
def test_ordinary_names_are_not_near_misses(text: str) -> None:
    parse(text)


def test_declared_names_are_variables() -> None:
    assert parse("rosenbrok + 1", variables=["rosenbrok"]).variables == ("rosenbrok",)
    a, b = sp.Symbol("a", real=True), sp.Symbol("bb", real=True)
    assert parse("bb(a + 1)", variables=["a", "bb"]).expr == b * (a + 1)
    f = Function("rosenbrok^2", variables="rosenbrok")
    assert f.derivative() == 2 * sp.Symbol("rosenbrok", real=True)
