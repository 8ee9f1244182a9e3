"""Descent pictures: paths over contours, loss curves, basins of attraction and animations.

Paths are checked against iterates computed here by hand (gradient descent on x² + 3y²
contracts each coordinate by a fixed factor per step), basins against the published minima
of Himmelblau, and GIFs by reading the written file back with Pillow.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from gradscape import Function, field
from gradscape.errors import DomainError
from gradscape.formula.library import lookup
from gradscape.optim.basins import assign
from gradscape.plot import animate, basins, paths
from gradscape.plot.figures import make_figure

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]


def gd_quadratic(start, lr, k):
    """GD on x² + 3y² by hand: x ← (1 − 2·lr)x, y ← (1 − 6·lr)y."""
    n = np.arange(k + 1)[:, None]
    pts = np.asarray(start) * np.array([1 - 2 * lr, 1 - 6 * lr]) ** n
    return pts, pts[:, 0] ** 2 + 3 * pts[:, 1] ** 2


def test_as_path_accepts_trajectories_pairs_and_points():
    from gradscape.optim.descend import descend

    f = Function("x^2 + 3y^2")
    run = descend(f, [2.0, -1.0], method="gd", lr=0.1, steps=30, tol=None, backend="numpy")
    p = paths.as_path(run)
    pts, vals = gd_quadratic([2.0, -1.0], 0.1, 30)
    assert np.allclose(p.points, pts, rtol=1e-12) and np.allclose(p.values, vals, rtol=1e-12)
    assert p.label == "gd" and p.lr == 0.1 and p.legend() == "gd (lr 0.1): max-steps, 30 steps"
    q = paths.as_path(pts, f, label="by hand")
    assert np.allclose(q.values, vals) and q.legend() == "by hand"
    bad = paths.as_path((np.array([[0.0, 0.0], [np.inf, 1.0]]), np.array([0.0, np.inf])))
    assert np.isnan(bad.points[1]).all() and np.isnan(bad.values[1])
    with pytest.raises(DomainError, match="needs f"):
        paths.as_path(pts)


def test_auto_reads_apart_from_the_method_it_chose_and_line_searches_show_no_rate():
    from gradscape.optim.descend import descend

    f = Function("x^2 + 3y^2")
    runs = [descend(f, [2.0, -1.0], m, backend="numpy") for m in ("auto", "bfgs")]
    runs.append(descend(f, [2.0, -1.0], "gd", lr=0.1, backend="numpy"))
    ax = Figure().add_subplot()
    paths.paths(ax, field(f, x=(-3, 3), y=(-3, 3), n=20), runs)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # BFGS on a quadratic from this start: converged in a handful of steps, no lr to show
    assert len(texts) == 3 and texts[0].startswith("auto: bfgs: converged")
    assert texts[1].startswith("bfgs: converged") and texts[2].startswith("gd (lr 0.1)")


def test_paths_one_legend_entry_per_method_and_markers_at_the_ends():
    f = Function("himmelblau")
    fld = field(f, x=(-5, 5), y=(-5, 5), n=30)
    a, b = gd_quadratic([2.0, 2.0], 0.05, 20), gd_quadratic([-3.0, 1.0], 0.05, 20)
    ax = Figure().add_subplot()
    drawn = paths.paths(ax, fld, [a, b, a], labels=["gd", "gd", "adam"])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["gd", "adam", "published minimum"]
    ends = drawn["ends"]
    assert np.allclose(np.column_stack(ends[1].get_data()), b[0][-1:])
    minima = np.column_stack(drawn["minima"].get_data())
    assert np.allclose(minima, [m.point for m in lookup("himmelblau").minima])
    assert ax.get_xlim() == (-5.0, 5.0)
    assert drawn["paths"][0].get_color() == drawn["paths"][1].get_color()
    assert drawn["paths"][0].get_color() != drawn["paths"][2].get_color()


def test_a_path_leaving_the_window_is_noted():
    fld = field("x^2 + 3y^2", x=(-1, 1), y=(-1, 1), n=10)
    far = (np.array([[0.5, 0.5], [3.0, 0.0], [np.nan, np.nan]]), np.array([1.0, 9.0, np.nan]))
    drawn = paths.paths(Figure().add_subplot(), fld, [far], labels=["gd"])
    assert any("leave the window" in n for n in drawn.notes)


def test_loss_is_f_minus_the_published_minimum_on_a_log_axis():
    f = Function("styblinski-tang")  # f* = -78.33: the raw values are negative
    fstar = lookup("styblinski-tang").minima[0].value
    pts = np.array([[0.0, 0.0], [-2.0, -2.0], list(lookup("styblinski-tang").minima[0].point)])
    vals = np.asarray(f(*pts.T))
    ax = Figure().add_subplot()
    drawn = paths.loss(ax, [(pts, vals)], f=f, labels=["hand"])
    y = drawn["lines"][0].get_ydata()
    assert ax.get_yscale() == "log"
    assert np.allclose(y[:2], vals[:2] - fstar, rtol=1e-12)
    assert y[2] > 0  # at the minimum: floored at machine precision, not dropped from a log axis


def test_run_paths_retries_a_diverging_default_rate():
    notes: list[str] = []
    runs = paths.run_paths("rosenbrock", [[-1.5, 2.0]], ("gd",), steps=50, notes=notes)
    assert runs[0].status != "diverged" and runs[0].lr < 0.01
    assert notes and "diverged" in notes[0]
    fixed = paths.run_paths("rosenbrock", [[-1.5, 2.0]], ("gd",), lr=0.01, steps=50)
    assert fixed[0].status == "diverged"  # a rate the user gave is never changed


def test_assign_matches_known_minima_and_finds_new_ones():
    known = np.array([[0.0, 0.0], [5.0, 5.0]])
    finals = np.array([[1e-4, 0.0], [5.0, 5.001], [9.0, 9.0], [9.0005, 9.0], [2.0, 2.0],
                       [np.nan, 1.0], [0.0, 0.0]])
    status = np.array(["converged", "max-steps", "converged", "converged", "max-steps",
                       "diverged", "diverged"], dtype=object)
    labels, centres = assign(finals, status, known, radius=0.01)
    assert labels.tolist() == [0, 1, 2, 2, -1, -1, -1]
    assert np.allclose(centres[2], [9.0, 9.0])


def test_basins_of_himmelblau_match_the_published_minima():
    # starts right beside each published minimum must be coloured by that minimum
    mins = np.array([m.point for m in lookup("himmelblau").minima])
    bm = basins.basin_map("himmelblau", box=((-5, 5), (-5, 5)), n=11, lr=0.01, steps=300)
    X, Y = np.meshgrid(bm.x, bm.y)
    beside = 0
    for j in range(len(bm.y)):
        for i in range(len(bm.x)):
            d = np.hypot(mins[:, 0] - X[j, i], mins[:, 1] - Y[j, i])
            if d.min() < 0.8:
                assert bm.labels[j, i] == int(np.argmin(d)), (X[j, i], Y[j, i])
                beside += 1
    assert beside == 6  # the grid starts within 0.8 of a published minimum
    assert np.allclose(bm.minima[:4], mins) and bm.published == 4
    assert bm.share().sum() == pytest.approx(1.0)
    ax = Figure().add_subplot()
    basins.basins(ax, bm)
    assert len(ax.get_legend().get_texts()) == 4


def test_basin_map_reports_progress_and_validates():
    ticks = []
    basins.basin_map("x^2 + y^2", box=((-1, 1), (-1, 1)), n=5, lr=0.1, steps=50,
                     progress=lambda done, total: ticks.append((done, total)))
    assert ticks[-1] == (25, 25) and len(ticks) > 1
    with pytest.raises(DomainError, match="two variables"):
        basins.basin_map("x^2", n=4)
    with pytest.raises(DomainError, match="n from 2"):
        basins.basin_map("x^2 + y^2", n=1)


def test_many_minima_are_coloured_by_depth_with_borders():
    bm = basins.basin_map("rastrigin", box=((-2.5, 2.5), (-2.5, 2.5)), n=30, lr=0.001,
                          steps=300)
    assert len(bm.minima) > 7
    fig = Figure()
    drawn = basins.basins(fig.add_subplot(), bm)
    assert "borders" in drawn.artists and "colorbar" in drawn.artists
    fig.savefig(io.BytesIO(), format="png", dpi=30)


def test_frame_steps():
    for length, frames in [(1, 5), (7, 7), (500, 40), (10_001, 60)]:
        s = animate.frame_steps(length, frames)
        assert s[0] == 0 and s[-1] == length - 1 and len(s) <= frames
        assert (np.diff(s) > 0).all()


def test_descent_gif_is_written_frame_by_frame(tmp_path):
    fld = field("x^2 + 3y^2", x=(-3, 3), y=(-3, 3), n=20)
    a = gd_quadratic([2.5, 2.5], 0.1, 12)
    anim = animate.animate_descent(fld, [a], labels=["gd"], frames=5, hold=3)
    out = animate.save_animation(anim, str(tmp_path / "sub" / "d.gif"), fps=10, dpi=40,
                                 progress=lambda i, n: None)
    with Image.open(out) as im:
        frames = []
        for k in range(im.n_frames):
            im.seek(k)
            frames.append(np.asarray(im.convert("RGB"), dtype=int))
        assert im.info["loop"] == 0
    # 5 distinct frames; Pillow merges the 3 held copies of the last into one longer frame
    assert len(frames) == 5
    assert all(np.abs(frames[k + 1] - frames[k]).sum() > 0 for k in range(4))


def test_animation_formats(tmp_path):
    fld = field("x^2 + 3y^2", n=10)
    anim = animate.animate_descent(fld, [gd_quadratic([2.0, 2.0], 0.1, 3)], labels=["gd"],
                                   frames=2, hold=0)
    with pytest.raises(DomainError, match=r"\.gif or \.mp4"):
        animate.save_animation(anim, str(tmp_path / "a.png"))
    from matplotlib import animation as mpl_animation

    if not mpl_animation.writers.is_available("ffmpeg"):
        with pytest.raises(DomainError, match="ffmpeg"):
            animate.save_animation(anim, str(tmp_path / "a.mp4"))
    animate.save_animation(anim, str(tmp_path / "a.gif"))  # rendered: no warning on deletion


def test_secant_animation(tmp_path):
    anim = animate.animate_secant(Function("x^3"), 1.0, x=(-2, 2), frames=3, hold=0)
    out = animate.save_animation(anim, str(tmp_path / "s.gif"), dpi=30)
    with Image.open(out) as im:
        assert im.n_frames == 3
    with pytest.raises(DomainError):
        animate.animate_secant(Function("x^3"), 1.0, x=(-2, 2), h_min=5.0)


def test_descent_kinds_through_the_table(tmp_path):
    common = {"box": ((-4.0, 4.0), (-4.0, 4.0)), "starts": np.array([[-3.0, 3.0], [3.0, -3.0]]),
              "methods": ("gd",), "steps": 60, "lr": 0.01}
    for kind in ("paths", "loss"):
        pic = make_figure(kind, "himmelblau", n=30, **common)
        pic.figure.savefig(io.BytesIO(), format="png", dpi=30)
        assert [p["method"] for p in pic.summary["paths"]] == ["gd", "gd"]
    pic = make_figure("basins", "himmelblau", n=6, **common)
    assert pic.summary["starts"] == 36
    pic = make_figure("animate", "himmelblau", n=20, frames=3, **common)
    animate.save_animation(pic.animation, str(tmp_path / "a.gif"), dpi=30)
    pic = make_figure("surface", "himmelblau", n=15, **common)
    lines = pic.figure.axes[0].lines
    assert any(np.allclose(np.asarray(ln.get_data_3d())[:2, 0], [-3.0, 3.0]) for ln in lines)
