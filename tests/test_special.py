"""The formula language's own functions: values and derivatives against mpmath."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gradscape.formula.special import cbrt, relu, sigmoid, softplus

x = sp.Symbol("x", real=True)
mpmath.mp.dps = 30

REFERENCE = {
    sigmoid: lambda a: 1 / (1 + mpmath.exp(-a)),
    softplus: lambda a: mpmath.log(1 + mpmath.exp(a)),
    relu: lambda a: max(mpmath.mpf(0), a),
    cbrt: lambda a: mpmath.sign(a) * abs(a) ** (mpmath.mpf(1) / 3),
}


@pytest.mark.parametrize("fn", list(REFERENCE))
@pytest.mark.parametrize("a", ["-2.5", "-0.3", "0.7", "3.25"])
def test_value_and_derivative(fn: type[sp.Function], a: str) -> None:
    ref = REFERENCE[fn]
    point = mpmath.mpf(a)
    assert float(fn(sp.Rational(a)).evalf(30)) == pytest.approx(float(ref(point)), rel=1e-15)
    slope = sp.diff(fn(x), x).subs(x, sp.Rational(a)).evalf(30)
    assert float(slope) == pytest.approx(float(mpmath.diff(ref, point)), rel=1e-12)


def test_nested_evaluation_stays_exact_and_cheap() -> None:
    # Evaluating sigmoid(sigmoid(...)) by rewriting the whole tree first grew exponentially.
    expr, ref = sp.Rational(1, 3), mpmath.mpf(1) / 3
    for _ in range(12):
        expr, ref = sigmoid(expr), 1 / (1 + mpmath.exp(-ref))
    assert float(expr.evalf(30)) == pytest.approx(float(ref), rel=1e-15)


def test_exact_special_values_and_latex() -> None:
    assert sigmoid(0) == sp.Rational(1, 2) and softplus(0) == sp.log(2)
    assert relu(sp.Integer(-3)) == 0 and relu(sp.Integer(3)) == 3
    assert cbrt(-8) == -2 and cbrt(27) == 3
    assert sp.latex(sigmoid(x) ** 2) == r"\left(\sigma\left(x\right)\right)^{2}"
    assert sp.latex(cbrt(x)) == r"\sqrt[3]{x}"
