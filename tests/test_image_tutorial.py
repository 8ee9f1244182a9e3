"""Pictures compared pixel by pixel: the tutorial's figure and a contour plot with two paths.

The tutorial's figure — ``gradscape field``, the "field" preset of ``plot quiver`` — is
checked three times: against the committed baseline, as the command writes it, and against
the tutorial's own code run here verbatim (matplotlib's quiver of U = 2X, V = 2Y) — the
independent reference. The contour figure uses paths computed by hand (closed forms and a
three-line heavy-ball loop), so it changes only when the drawing does.

Regenerate baselines after an intended change with ``GRADSCAPE_UPDATE_BASELINES=1``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

from gradscape import field
from gradscape.cli.main import main
from gradscape.plot.figures import PRESETS
from gradscape.plot.paths import paths
from gradscape.plot.text import caption

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]

BASELINE = Path(__file__).parent / "baseline"
TOL = 3.0  # RMS over 0-255 pixel values: room for antialiasing, not for a changed picture


def check(fig: Figure, name: str, tmp_path: Path) -> None:
    actual = tmp_path / name
    fig.savefig(actual, dpi=100)
    expected = BASELINE / name
    if os.environ.get("GRADSCAPE_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        shutil.copyfile(actual, expected)
    assert expected.exists(), f"no baseline {expected}; run with GRADSCAPE_UPDATE_BASELINES=1"
    result = compare_images(str(expected), str(actual), tol=TOL)
    assert result is None, result


def tutorial_figure() -> Figure:
    """What ``gradscape field "x^2 + y^2"`` draws: the preset, through make_figure."""
    return PRESETS["field"].make("x^2 + y^2").figure


def test_tutorial_figure_matches_baseline(tmp_path: Path) -> None:
    check(tutorial_figure(), "tutorial-field.png", tmp_path)


def test_the_field_command_writes_the_baseline(tmp_path: Path, capsys) -> None:
    out = tmp_path / "field.png"
    assert main(["field", "x^2 + y^2", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert compare_images(str(BASELINE / "tutorial-field.png"), str(out), tol=TOL) is None


def test_tutorial_figure_matches_the_tutorials_own_code(tmp_path: Path) -> None:
    # /work/shared/seed/derivatives-and-gradients.md, with Figure for plt (no global state)
    x = np.linspace(-3, 3, 20)
    y = np.linspace(-3, 3, 20)
    X, Y = np.meshgrid(x, y)
    U = 2 * X
    V = 2 * Y
    fig = Figure(figsize=(6, 6))
    ax = fig.add_subplot()
    ax.quiver(X, Y, U, V, color="blue")
    ax.set_title("Gradient Vector Field of $f(x, y) = x^2 + y^2$")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True)
    theirs, ours = tmp_path / "theirs.png", tmp_path / "ours.png"
    fig.savefig(theirs, dpi=100)
    tutorial_figure().savefig(ours, dpi=100)
    assert compare_images(str(theirs), str(ours), tol=0.5) is None


def gd_by_hand(start: tuple[float, float], lr: float, k: int) -> np.ndarray:
    # gradient descent on x² + 3y²: x ← (1 − 2lr)x, y ← (1 − 6lr)y
    return np.asarray(start) * np.array([1 - 2 * lr, 1 - 6 * lr]) ** np.arange(k + 1)[:, None]


def heavy_ball_by_hand(start: tuple[float, float], lr: float, beta: float, k: int) -> np.ndarray:
    x, v, out = np.array(start, dtype=float), np.zeros(2), [np.array(start, dtype=float)]
    for _ in range(k):
        v = beta * v + np.array([2 * x[0], 6 * x[1]])
        x = x - lr * v
        out.append(x.copy())
    return np.array(out)


def test_contour_with_paths_matches_baseline(tmp_path: Path) -> None:
    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.add_subplot()
    a = gd_by_hand((-2.5, 2.5), 0.1, 25)
    b = heavy_ball_by_hand((2.5, 2.0), 0.05, 0.7, 40)
    vals = [(p, p[:, 0] ** 2 + 3 * p[:, 1] ** 2) for p in (a, b)]
    drawn = paths(ax, field("x^2 + 3y^2", x=(-3, 3), y=(-3, 3), n=80), vals,
                  labels=["gd (lr 0.1)", "momentum (lr 0.05, β 0.7)"])
    caption(fig, drawn.notes)
    check(fig, "contour-paths.png", tmp_path)
