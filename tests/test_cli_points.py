"""Numbers at a point (``--at``): the kernels' real values, "undefined" (null) where f has none.

References are closed forms and CPython's correctly rounded integer division, never the
code under test.
"""

from __future__ import annotations

import json
import math

import pytest

from gradscape.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def value(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    return json.loads(run(capsys, *args, "--json"))["value"]


def test_undefined_is_undefined_not_a_real_number_from_cancelled_imaginary_parts(capsys):
    # acos(1.92) is not real; SymPy's evalf once printed -1.549 for the gradient here.
    assert run(capsys, "grad", "acos(w)^2", "--at", "1.92").endswith("∇f(1.92) = (undefined)\n")
    assert value(capsys, "grad", "acos(w)^2", "--at", "1.92") == [None]
    want = -2 * math.acos(0.5) / math.sqrt(1 - 0.25)
    assert value(capsys, "grad", "acos(w)^2", "--at", "0.5") == [pytest.approx(want, rel=1e-15)]


def test_a_derivative_is_undefined_where_f_is(capsys):
    # d/dx log(x) = 1/x is -1 at x = -1, but log(-1) is no real number.
    assert value(capsys, "grad", "log(x)", "--at", "-1") == [None]
    assert value(capsys, "diff", "log(x)", "--order", "2", "--at", "-1") is None
    assert value(capsys, "diff", "log(x)", "--order", "2", "--at", "2") == -0.25


def test_large_rational_coefficients_are_exact(capsys):
    assert value(capsys, "eval", "x y / 3^700 * 2^1000", "--at", "1,1") == 2**1000 / 3**700
    assert run(capsys, "eval", "x y / 3^700 * 2^1000", "--at", "1,1") == "f(1, 1) = " + (
        f"{2**1000 / 3**700:.12g}\n")


def test_kinks_have_no_second_derivative(capsys):
    # |x|'' and sign' are 0 away from 0 and do not exist at 0: no internal error, no number.
    assert value(capsys, "hessian", "abs(x)", "--at", "0") == [[None]]
    assert "undefined" in run(capsys, "hessian", "abs(x)", "--at", "0")
    assert value(capsys, "hessian", "abs(x)", "--at", "-2") == [[0.0]]
    assert value(capsys, "diff", "sign(x)", "--at", "0") is None
    assert value(capsys, "diff", "sign(x)", "--at", "0.5") == 0.0


def test_values_match_closed_forms(capsys):
    assert value(capsys, "diff", "exp(-x) cos(x)", "--at", "0") == -1.0  # -e^-x (cos x + sin x)
    assert value(capsys, "hessian", "x^3 + x y^2", "--at", "1,-2") == [[6.0, -4.0], [-4.0, 2.0]]
    assert value(capsys, "eval", "sin(x)", "--at", "pi/2") == 1.0


def test_constant_formulas(capsys):
    assert run(capsys, "diff", "7") == "df/dx = 0\n"
    assert run(capsys, "diff", "7", "--wrt", "x") == "df/dx = 0\n"
    assert run(capsys, "eval", "7", "--at", "1") == "f() = 7\n"
    assert value(capsys, "eval", "7", "--at", "1") == 7.0
    assert value(capsys, "diff", "7", "--wrt", "t", "--at", "3") == 0.0
    assert json.loads(run(capsys, "grad", "7", "--json"))["gradient"] == []
