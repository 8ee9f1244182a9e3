"""Implicit differentiation: four curves with dy/dx found by hand, and second derivatives
checked against differentiating an explicit branch y = g(x) of the curve."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

from gradscape.calculus.implicit import implicit_derivative
from gradscape.errors import DomainError, FormulaError

x, y = sp.symbols("x y", real=True)

# (curve, dy/dx by hand, an explicit branch y = g(x) or None)
CURVES = [
    ("x^2 + y^2 = 25", -x / y, sp.sqrt(25 - x**2)),
    ("x y = 1", -y / x, 1 / x),
    ("exp(y) = x", sp.exp(-y), sp.log(x)),
    ("x^3 + y^3 = 6 x y", (2 * y - x**2) / (y**2 - 2 * x), None),
]


@pytest.mark.parametrize(("curve", "slope", "branch"), CURVES)
def test_first_derivative(curve: str, slope: sp.Expr, branch: sp.Expr | None) -> None:
    got = implicit_derivative(curve, "x").result
    assert sp.simplify(got - slope) == 0
    if branch is not None:  # on the branch, the slope is g'(x)
        assert sp.simplify(got.subs(y, branch) - sp.diff(branch, x)) == 0


@pytest.mark.parametrize(("curve", "branch"), [(c, b) for c, _, b in CURVES if b is not None])
def test_second_derivative_on_explicit_branch(curve: str, branch: sp.Expr) -> None:
    got = implicit_derivative(curve, "x", order=2).result
    assert sp.simplify(got.subs(y, branch) - sp.diff(branch, x, 2)) == 0


def test_folium_second_derivative_at_a_point() -> None:
    # (3, 3) lies on x^3 + y^3 = 6xy; there y' = (6 - 9)/(9 - 6) = -1. Differentiating
    # 3x^2 + 3y^2 y' = 6y + 6x y' once more, by hand:
    # 6x + 6y y'^2 + 3y^2 y'' = 12y' + 6x y''  ->  y'' = (12y' - 6x - 6y y'^2)/(3y^2 - 6x)
    yp = -1
    by_hand = sp.Rational(12 * yp - 6 * 3 - 6 * 3 * yp**2, 3 * 9 - 6 * 3)
    got = implicit_derivative("x^3 + y^3 = 6 x y", "x", order=2).result
    assert got.subs({x: 3, y: 3}) == by_hand == sp.Rational(-16, 3)


def test_bounded_work_and_carets() -> None:
    from gradscape.errors import LimitError

    with pytest.raises(LimitError):
        implicit_derivative("x" + " + x" * 20000 + " = y", "x")
    with pytest.raises(FormulaError) as err:
        implicit_derivative("x^2 + y^2 = sinn(y)", "x")
    assert err.value.column == 12  # 0-based: the caret is under 'sinn' in the whole equation


def test_refusals() -> None:
    with pytest.raises(DomainError, match="two variables"):
        implicit_derivative("x = 2", "x")
    with pytest.raises(DomainError, match="order 1 or 2"):
        implicit_derivative("x y = 1", "x", order=3)
    with pytest.raises(FormulaError, match="exactly one '='"):
        implicit_derivative("x = y = 1", "x")


def test_cli() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                              text=True, timeout=120)

    r = run("diff", "x^2 + y^2 = 25", "--implicit", "--wrt", "x", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert sp.simplify(sp.sympify(out["derivative"], locals={"x": x, "y": y}) + x / y) == 0
    r = run("diff", "x^2 + y^2 = 25", "--implicit", "--wrt", "x")
    assert r.stdout == "dy/dx = -x/y\n"
    r = run("diff", "x^2 + y^2 = 25", "--wrt", "x")
    assert r.returncode == 2 and "add --implicit" in r.stderr
