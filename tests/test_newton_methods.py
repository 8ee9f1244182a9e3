"""Newton with a line search and trust-region Newton on the classic problems and on saddles."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.optim.classic import CLASSIC, solved
from gradscape.optim.descend import descend

# local minima the standard start leads to (MGH report them too): not the global f*
LOCAL = {"freudenstein-roth": 48.9842536792, "powell-badly-scaled": None}


@pytest.mark.parametrize("method", ["newton", "trust-newton"])
def test_classic_problems_reach_published_minima(method):
    checked = 0
    for p in CLASSIC.values():
        t = descend(Function(p.formula), list(p.start), method, steps=500, tol=1e-5,
                    backend="numpy")
        assert t.status == "converged", (p.name, t.status)
        if p.name in LOCAL:
            local = LOCAL[p.name]
            assert local is None or abs(t.value - local) < 1e-6 * local or solved(t.value, p)
            continue
        assert solved(t.value, p), (p.name, t.value)
        assert t.evaluations[2] == t.steps  # one Hessian per step
        checked += 1
    assert checked == len(CLASSIC) - len(LOCAL)


def test_newton_solves_the_badly_scaled_problems():
    for name in ("powell-badly-scaled", "brown-badly-scaled"):
        p = CLASSIC[name]
        t = descend(p.formula, list(p.start), "newton", steps=500, tol=1e-5, backend="numpy")
        assert solved(t.value, p), name


@pytest.mark.parametrize("method", ["newton", "trust-newton"])
def test_newton_methods_leave_a_saddle_for_the_minimum(method):
    # x² − y² + y⁴/4: a saddle at 0, minima at (0, ±√2) with f = −1 (closed form)
    t = descend("x^2 - y^2 + y^4/4", [1.0, 1e-3], method, steps=200, backend="numpy")
    assert t.status == "converged"
    np.testing.assert_allclose(np.abs(t.final), [0.0, np.sqrt(2.0)], atol=1e-8)
    assert abs(t.value + 1.0) < 1e-12


def test_levenberg_marquardt_on_sums_of_squares():
    import sympy as sp

    from gradscape.optim.leastsquares import residuals

    # the residuals reproduce f exactly: |R|² − f simplifies to 0
    for name in ("rosenbrock", "beale", "box-3d", "wood"):
        f = Function(CLASSIC[name].formula)
        res = residuals(f.expr, f.symbols)
        assert res is not None and sp.simplify(sum(r**2 for r in res) - f.expr) == 0
    assert residuals(Function("x^2 + sin(y)").expr, Function("x^2 + sin(y)").symbols) is None
    # zero-residual problems: LM reaches the published minima in few steps
    checked = 0
    for name in ("rosenbrock", "beale", "bard", "box-3d", "powell-singular",
                 "extended-rosenbrock-10"):
        p = CLASSIC[name]
        t = descend(p.formula, list(p.start), "lm", steps=200, tol=1e-5)
        assert t.status == "converged" and solved(t.value, p) and t.steps <= 30, name
        checked += 1
    assert checked == 6
    with pytest.raises(Exception, match="not a sum of squares"):
        descend("x^2 + sin(y)", [1.0, 1.0], "lm")


@pytest.mark.parametrize("method", ["newton", "trust-newton"])
def test_newton_through_a_locally_constant_part(method):
    # 3·asin(sign(x + 5)) is the constant 3π/2 for x > -5: its slope and its curvature are 0
    # there (it made the Hessian NaN and the run diverge), so f is (x - 1)² + relu(y)² + y²
    # nearby, minimal at (1, 0) with f = 3π/2 by hand
    f = Function("(x - 1)^2 + relu(y)^2 + y^2 + 3 asin(sign(x + 5))")
    t = descend(f, [3.0, 2.0], method, steps=50, tol=1e-10, backend="numpy")
    assert t.status == "converged"
    assert t.final == pytest.approx((1.0, 0.0), abs=1e-8)
    assert t.value == pytest.approx(1.5 * np.pi, rel=1e-12)
