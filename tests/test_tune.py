"""tune_lr picks each method's best rate on one grid: fair comparisons."""

from __future__ import annotations

import pytest

from gradscape import DomainError
from gradscape.optim.tune import LR_GRID, tune_lr


def test_quadratic_gd_picks_the_fastest_stable_rate() -> None:
    # GD on x^2 + 10y^2 contracts by max|1 - 2 lr|, |1 - 20 lr| per step: best at lr = 1/11,
    # diverges above lr = 0.1. The grid's fastest stable rate is 0.09.
    best = tune_lr("x^2 + 10y^2", [1.0, 1.0], "gd", steps=500, backend="numpy")
    assert best.lr == 0.09 and best.trajectory.status == "converged"
    by_lr = {lr: status for lr, status, _, _ in best.tried}
    assert by_lr[0.2] == "diverged" and by_lr[1e-05] == "max-steps"
    steps = {lr: k for lr, _, k, _ in best.tried}
    assert all(steps[0.09] <= steps[lr] for lr, s, _, _ in best.tried if s == "converged")


def test_rosenbrock_gd_is_tuned_below_the_diverging_default() -> None:
    best = tune_lr("rosenbrock", [-1.5, 2.0], "gd", steps=300, backend="numpy")
    assert best.trajectory.status != "diverged"
    assert best.lr < 0.01  # the default 0.01 diverges from this start
    diverged = [lr for lr, s, _, _ in best.tried if s == "diverged"]
    assert diverged and min(diverged) > best.lr


def test_grid_is_increasing_and_bounded() -> None:
    assert list(LR_GRID) == sorted(LR_GRID) and LR_GRID[0] == 1e-5 and LR_GRID[-1] == 1.0
    with pytest.raises(DomainError, match="empty"):
        tune_lr("x^2", [1.0], "gd", grid=())
