"""The example models reach independently computed optima: numpy.linalg.lstsq for least
squares, a 40-digit Newton solve in mpmath for logistic regression."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest

from gradscape import Function
from gradscape.calculus.data import load_data
from gradscape.calculus.models import MODELS
from gradscape.optim.descend import descend

DATA = Path(__file__).resolve().parent.parent / "examples" / "data"


def model_loss(name: str) -> Function:
    m = MODELS[name]
    return Function(m.formula, m.parameters, data=str(DATA / m.dataset))


def test_the_script_makes_the_committed_datasets(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(DATA / "make_datasets.py"), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    for m in {m.dataset for m in MODELS.values()}:
        assert (tmp_path / m).read_text() == (DATA / m).read_text()


def test_newton_reaches_the_least_squares_fit() -> None:
    f = model_loss("linear")
    cols = load_data(str(DATA / "linear.csv")).columns
    x, y = cols["x"], cols["y"]
    fit = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    t = descend(f, [0.0, 0.0], "newton", steps=20, tol=1e-12)
    assert t.status == "converged"
    assert np.abs(t.final - fit).max() < 1e-8


def _logistic_optimum(x1: np.ndarray, x2: np.ndarray, t: np.ndarray) -> list[mpmath.mpf]:
    """Newton's method on the mean log-loss at 40 digits, from 0 (the loss is convex)."""
    mpmath.mp.dps = 40
    rows = [(mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(c)) for a, b, c in zip(x1, x2, t)]
    theta = mpmath.matrix([0, 0, 0])
    for _ in range(40):
        g = mpmath.matrix(3, 1)
        h = mpmath.matrix(3, 3)
        for a, b, c in rows:
            feats = [a, b, mpmath.mpf(1)]
            z = c * sum(th * f for th, f in zip(theta, feats))
            s = 1 / (1 + mpmath.exp(z))  # d/dz softplus(-z) = -s
            for i in range(3):
                g[i] += -c * s * feats[i]
                for j in range(3):
                    h[i, j] += s * (1 - s) * feats[i] * feats[j]
        step = mpmath.lu_solve(h, g)
        theta = theta - step
        if mpmath.norm(step) < mpmath.mpf(10) ** -35:
            break
    return [theta[i] for i in range(3)]


@pytest.mark.parametrize("name", ["logistic", "logistic01"])
def test_newton_reaches_the_logistic_optimum(name: str) -> None:
    cols = load_data(str(DATA / "logistic.csv")).columns
    ref = np.array([float(v) for v in _logistic_optimum(cols["x1"], cols["x2"], cols["t"])])
    t = descend(model_loss(name), [0.0, 0.0, 0.0], "newton", steps=30, tol=1e-12)
    assert t.status == "converged"
    assert np.abs(t.final - ref).max() < 1e-8


def test_the_sigmoid_unit_finds_its_generating_weights() -> None:
    t = descend(model_loss("unit"), [0.5, 0.0], "adam", lr=0.05, steps=4000, tol=1e-9)
    assert t.status == "converged"
    assert np.abs(t.final - [2.0, -1.0]).max() < 0.2  # the noise moves the fit a little
    cols = load_data(str(DATA / "unit.csv")).columns
    x, y = cols["x"], cols["y"]
    w, b = t.final
    s = 1 / (1 + np.exp(-(w * x + b)))
    r = 2 * (s - y) * s * (1 - s)  # by hand: d/dz (sigmoid(z) - y)^2
    assert np.hypot(np.mean(r * x), np.mean(r)) < 1e-8  # a stationary point of the mean
