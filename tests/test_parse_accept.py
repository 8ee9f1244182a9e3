"""What the parser accepts, checked against SymPy trees built by hand in this file."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from gradscape.formula.parser import Parsed, parse, parse_number_list
from gradscape.formula.special import cbrt, relu, sigmoid, softplus

x, y, z, w = sp.symbols("x y z w", real=True)
xy, theta, lam = sp.symbols("xy theta lambda", real=True)
θ, α = sp.symbols("θ α", real=True)
R = sp.Rational

ACCEPT = [
    # --- numbers: decimals become exact rationals -------------------------------------
    ("42", sp.Integer(42)),
    (".5", R(1, 2)),
    ("2.", sp.Integer(2)),
    ("0.1 + 0.2", R(3, 10)),
    ("1e-3", R(1, 1000)),
    ("2.5E+4", sp.Integer(25000)),
    ("1.5e2x", 150 * x),
    ("0.5x", x / 2),
    ("10^1000", sp.Integer(10) ** 1000),
    # --- operators and precedence -------------------------------------------------------
    ("x + y - z", x + y - z),
    ("x - y - z", x - (y + z)),
    ("x/y/z", x / (y * z)),
    ("x/y*z", x * z / y),
    ("x**2", x**2),
    ("-x^2", -(x**2)),
    ("-2^2", sp.Integer(-4)),
    ("(-2)^2", sp.Integer(4)),
    ("2^-1", R(1, 2)),
    ("x^-1", 1 / x),
    ("2^-x^2", 2 ** (-(x**2))),
    ("x^2^3", x**8),
    ("2^3^2", sp.Integer(512)),
    ("(x^2)^3", x**6),
    ("--x", x),
    ("+x", x),
    ("x - -y", x + y),
    ("x*-y", -x * y),
    ("2*-3", sp.Integer(-6)),
    ("((x))", x),
    ("1/2/2", R(1, 4)),
    ("   x   +   1  ", x + 1),
    ("x\t+ 1", x + 1),
    # --- implicit multiplication: same precedence as * and /, looser than ^ ------------
    ("2x", 2 * x),
    ("3 sin(x)", 3 * sp.sin(x)),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x y", x * y),
    ("2 x y", 2 * x * y),
    ("x(y+1)", x * (y + 1)),
    ("sin(x)cos(y)", sp.sin(x) * sp.cos(y)),
    ("2pi x", 2 * sp.pi * x),
    ("x^2y", x**2 * y),
    ("2^x y", 2**x * y),
    ("2x^2", 2 * x**2),
    ("1/2x", x / 2),
    ("1/2 x", x / 2),
    ("x/2y", x * y / 2),
    ("(x)(y)", x * y),
    ("3(x+1)^2", 3 * (x + 1) ** 2),
    ("x y z w", x * y * z * w),
    # --- Unicode spellings ----------------------------------------------------------------
    ("x²", x**2),
    ("x³ + y⁻¹", x**3 + 1 / y),
    ("x¹⁰", x**10),
    ("2x²", 2 * x**2),
    ("-x²", -(x**2)),
    ("x²y", x**2 * y),
    ("x·y", x * y),
    ("x⋅y", x * y),
    ("x × y", x * y),
    ("x − y", x - y),
    ("x ÷ y", x / y),
    ("π", sp.pi),
    ("2πx", 2 * sp.pi * x),
    ("θ + α", θ + α),
    # --- constants and functions ----------------------------------------------------------
    ("e", sp.E),
    ("e^x", sp.exp(x)),
    ("2e", 2 * sp.E),
    ("e^(-x^2 - y^2)", sp.exp(-(x**2) - y**2)),
    ("exp(-x^2 - y^2)", sp.exp(-(x**2) - y**2)),
    ("log(x, 2)", sp.log(x) / sp.log(2)),
    ("ln(x)", sp.log(x)),
    ("log2(x) + log10(y)", sp.log(x) / sp.log(2) + sp.log(y) / sp.log(10)),
    ("atan2(y, x)", sp.atan2(y, x)),
    ("arcsin(x) + arctan(y)", sp.asin(x) + sp.atan(y)),
    ("logistic(x)", sigmoid(x)),
    ("sigmoid(x) + softplus(y) + relu(z)", sigmoid(x) + softplus(y) + relu(z)),
    ("cbrt(x)", cbrt(x)),
    ("cbrt(-8)", sp.Integer(-2)),
    ("abs(x) + sign(y)", sp.Abs(x) + sp.sign(y)),
    ("sqrt(x^2 + y^2)", sp.sqrt(x**2 + y**2)),
    ("2^(1/2)", sp.sqrt(2)),
    ("sin(x)^2", sp.sin(x) ** 2),
    ("sin^2(x) + cos^2(x)", sp.sin(x) ** 2 + sp.cos(x) ** 2),
    ("sin²(x)", sp.sin(x) ** 2),
    ("tanh(x) + cosh(y) + sinh(z)", sp.tanh(x) + sp.cosh(y) + sp.sinh(z)),
    ("sec(x) csc(y) cot(z)", sp.sec(x) * sp.csc(y) * sp.cot(z)),
    ("sin (x)", sp.sin(x)),
    # --- names --------------------------------------------------------------------------
    ("theta^2", theta**2),
    ("w1 + x_1", sp.Symbol("w1", real=True) + sp.Symbol("x_1", real=True)),
    ("xy + x", xy + x),
    ("lambda*x^2", lam * x**2),
    ("e(x+1)", sp.E * (x + 1)),
    ("x^(1/3)", x ** R(1, 3)),
    ("x^1000", x**1000),
    # --- well-known test functions (Rosenbrock, Himmelblau, Beale) ------------------------
    ("(1 - x)^2 + 100(y - x^2)^2", (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    (
        "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
        (R(3, 2) - x + x * y) ** 2 + (R(9, 4) - x + x * y**2) ** 2 + (R(21, 8) - x + x * y**3) ** 2,
    ),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPT, ids=[t for t, _ in ACCEPT])
def test_accepts(text: str, expected: sp.Expr) -> None:
    got = parse(text).expr
    assert got == expected or sp.simplify(got - expected) == 0, (got, expected)


def test_table_is_large_enough() -> None:
    assert len(ACCEPT) >= 60


def test_every_symbol_is_real_and_variables_are_sorted() -> None:
    parsed = parse("z y + x sin(w) + θ")
    assert all(s.is_real for s in parsed.expr.free_symbols)
    assert parsed.variables == ("w", "x", "y", "z", "θ")


def test_parsed_keeps_text_and_cancelled_variables() -> None:
    parsed = parse("x - x + y")
    assert isinstance(parsed, Parsed)
    assert parsed.text == "x - x + y"
    assert parsed.expr == y
    assert parsed.variables == ("x", "y")  # the user named x: it stays an input


NOTES = [
    ("xy + x + y", "read 'xy' as one variable named xy; for the product of x and y write x*y"),
    ("pix", "for the product of pi and x write pi*x"),
    ("sinx", "for sin of x write sin(x)"),
    ("1/2x", "read '1/2x' as (1/2)*x; write 1/(2x) to divide by 2x"),
    ("x(y+1)", "read 'x(…)' as x times (…)"),
    ("sin^2(x)", "read sin^2(…) as (sin(…))^2"),
    ("E*x", "Euler's number is e"),
    ("x^(1/3)", "write cbrt(…) for the real cube root"),
]


@pytest.mark.parametrize(("text", "note"), NOTES)
def test_ambiguous_input_gets_a_note(text: str, note: str) -> None:
    notes = parse(text).notes
    assert any(note in n for n in notes), notes


@pytest.mark.parametrize("text", ["x^2 + 3y^2", "x y", "theta + 1", "2x", "mu x", "sin x"])
def test_plain_input_has_no_note(text: str) -> None:
    assert parse(text).notes == ()


NUMBER_LISTS = [
    ("1,2", (1.0, 2.0)),
    ("-1.5, 2e-3", (-1.5, 0.002)),
    ("pi/2, 0", (math.pi / 2, 0.0)),
    ("(1, 2)", (1.0, 2.0)),
    ("sqrt(2), e^2, log(3)", (math.sqrt(2), math.e**2, math.log(3))),
    ("2^-1", (0.5,)),
    ("1/3", (1 / 3,)),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_LISTS)
def test_number_lists(text: str, expected: tuple[float, ...]) -> None:
    got = parse_number_list(text)
    assert len(got) == len(expected)
    assert all(isinstance(v, float) for v in got)
    assert got == pytest.approx(expected, rel=1e-15, abs=0)
