"""backend="python": the fused loop's own code interpreted, against independent references."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.optim.descend import descend
from gradscape.optim.optimizers import OPTIMIZERS

# Every row the interpreted loop runs (lm reads residuals: the NumPy path only).
ROWS = [name for name in OPTIMIZERS if name != "lm"]


@pytest.mark.parametrize("formula", ["(1 - x)^2 + 100 (y - x^2)^2",
                                     "log(x) + sin(x y) + sqrt(y)"])
def test_every_optimizer_matches_the_numpy_reference_step_for_step(formula):
    # The reference loop is a separate implementation (vectorised NumPy over starts); the
    # third start diverges or leaves the domain, so every status is exercised.
    starts = np.array([[1.0, 1.5], [-1.2, 0.3], [40.0, -3.0]])
    checked = 0
    for name in ROWS:
        ref = descend(formula, starts, name, steps=120, tol=1e-8, keep_paths=True,
                      backend="numpy")
        got = descend(formula, starts, name, steps=120, tol=1e-8, keep_paths=True,
                      backend="python")
        assert np.array_equal(got.paths, ref.paths, equal_nan=True), name
        assert got.steps.tolist() == ref.steps.tolist(), name
        assert got.status_codes.tolist() == ref.status_codes.tolist(), name
        assert np.array_equal(got.evaluations, ref.evaluations), name
        checked += 1
    assert checked == len(OPTIMIZERS) - 1


def test_gradient_descent_on_a_bowl_follows_the_closed_form():
    # x_k = x_0 (1 - 2 lr)^k and y_k = y_0 (1 - 6 lr)^k on f = x^2 + 3y^2
    t = descend("x^2 + 3y^2", [1.0, -2.0], "gd", lr=0.05, steps=40, tol=None,
                backend="python")
    k = np.arange(41)
    assert t.points[:, 0] == pytest.approx(0.9 ** k, rel=1e-12)
    assert t.points[:, 1] == pytest.approx(-2.0 * 0.7 ** k, rel=1e-12)
    assert t.status == "max-steps" and t.steps == 40


def test_least_squares_runs_on_the_numpy_path_and_finds_the_minimum():
    # lm reads residuals, which only the reference loop has; the minimum is (1, 2) by hand
    t = descend("(x - 1)^2 + (y - 2)^2", [0.0, 0.0], "lm", backend="python")
    assert t.status == "converged" and t.final.tolist() == pytest.approx([1.0, 2.0])
