"""Statuses say what happened: no "converged" at saddles, maxima or flat plateaus, and descent
to −∞ is "unbounded-below", not "max-steps"; method="auto" says which method it chose."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.optim.auto import DENSE_MAX_N, choose_method
from gradscape.optim.descend import descend


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("method", ["gd", "bfgs", "lbfgs", "cg"])
def test_descent_to_minus_infinity_is_unbounded_below(method):
    # -x² - y² has no minimum: f → −∞ along every ray (closed form)
    t = descend("-x^2 - y^2", [1.0, 1.0], method, backend="numpy")
    assert t.status == "unbounded-below"


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg", "newton"])
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_unbounded_below_ends_at_the_point_reached_not_the_start(method, backend):
    # -x² - y² from (1, 0.5): the first direction is -∇f = (2, 1) for every method here (H₀ = I;
    # |H|⁻¹∇f = ∇f/2 for Newton), so the line search runs out along the ray (1, 0.5)·(1 + c):
    # the point it reached keeps x = 2y, and f there is -(x² + y²), far below f(start) = -1.25
    t = descend("-x^2 - y^2", [1.0, 0.5], method, backend=backend)
    assert t.status == "unbounded-below"
    x, y = t.final
    assert t.steps == 1 and x > 1e3 and x == pytest.approx(2 * y, rel=1e-12)
    assert t.value == pytest.approx(-(x * x + y * y), rel=1e-12) and t.value < -1e12
    assert t.grad_norm == pytest.approx(2 * np.hypot(x, y), rel=1e-12)
    assert np.array_equal(t.points[-1], t.final) and t.values[-1] == t.value


def test_trust_region_running_to_minus_infinity_is_unbounded_below():
    t = descend("-x^2 - y^2", [1.0, 0.5], "trust-newton", backend="numpy")
    assert t.status == "unbounded-below" and t.value < -1e12


def test_the_cli_says_unbounded_below():
    r = cli("descend", "-x^2 - y^2", "--start", "1,1", "--method", "gd", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "unbounded-below"
    r = cli("descend", "-x^2 - y^2", "--start", "1,1")
    assert "unbounded below" in r.stdout


def test_a_saddle_is_stationary_not_a_minimum():
    # x² − y² from (1, 0): GD slides along y = 0 into the saddle at the origin, where the
    # Hessian diag(2, −2) has a negative eigenvalue
    t = descend("x^2 - y^2", [1.0, 0.0], "gd", lr=0.1, backend="numpy")
    assert np.abs(t.final).max() < 1e-8 and t.status == "not-a-minimum"
    t = descend("-(x^2) - y^2", [0.0, 0.0], "bfgs", backend="numpy")  # a maximum
    assert t.status == "not-a-minimum"
    t = descend("x^4 + y^4", [0.0, 0.0], "bfgs", backend="numpy")  # flat, yet a minimum
    assert t.status == "converged"


def test_a_flat_plateau_where_the_gradient_underflows_is_stalled():
    # at x = 30, ∇(1 − e^(−x²)) = 2x·e^(−900) underflows to 0, yet f = 1 > min f = 0
    t = descend("1 - exp(-x^2)", [30.0], "bfgs", backend="numpy")
    assert t.grad_norm == 0.0 and t.value == 1.0 and t.status == "stalled"
    batch = descend("1 - exp(-x^2)", np.array([[30.0], [0.5]]), "bfgs", backend="numpy")
    assert list(batch.status) == ["stalled", "converged"]
    assert batch.counts()["stalled"] == 1


def test_auto_chooses_without_a_learning_rate_and_says_why():
    t = descend("rosenbrock", [-1.2, 1.0])
    assert t.method == "bfgs" and "auto chose bfgs" in t.note and t.status == "converged"
    assert np.allclose(t.final, [1.0, 1.0], atol=1e-8)  # the published minimum
    assert t.to_dict()["note"] == t.note
    assert choose_method(Function("x^2 + y^2"))[0] == "bfgs"
    many = SimpleNamespace(variables=[f"x{i}" for i in range(DENSE_MAX_N + 1)])
    assert choose_method(many)[0] == "lbfgs"
    r = cli("descend", "rosenbrock", "--start", "-1.2,1")
    assert r.returncode == 0 and "auto chose bfgs" in r.stdout and "converged" in r.stdout
