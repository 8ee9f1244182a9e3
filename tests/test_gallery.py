"""The picture review, mechanically: the gallery covers what issue 18 asks, and on a short list
of its cases no text overlaps another, no axes box is a strip, colour bars are as tall as their
axes and every method's colour is on the image. The geometry of the directional picture is
checked against hand-derived values (u has length 1 in data units; θ from cos θ = ∇f·u/|∇f|).

The checks themselves are shown to fail on figures built to be wrong, so a pass means something.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from gradscape.plot import gallery
from gradscape.plot.figures import KINDS, make_figure
from gradscape.plot.scales import LINE_COLORS

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]

ISSUE = [("directional", "x^2 + 3y^2"), ("surface", "himmelblau"), ("contour", "x^2 + y^2"),
         ("paths", "rosenbrock"), ("basins", "rastrigin"), ("tangent", "x^2 - y^2"),
         ("secant", "sin(x)")]


def test_the_gallery_covers_every_kind_and_the_issues_cases():
    cases = gallery.CASES
    assert len(cases) >= 30
    assert len({c.name for c in cases}) == len(cases)
    assert set(KINDS) <= {c.kind for c in cases}
    found = [pair for pair in ISSUE if any((c.kind, c.formula) == pair for c in cases)]
    assert found == ISSUE
    variables = {c.formula: c for c in cases}
    assert "sin(x)" in variables and "x^2 + 2y^2 + 3z^2" in variables  # one and three


@pytest.mark.parametrize("name", gallery.SHORT)
def test_short_gallery_pictures_pass_every_check(name):
    c = gallery.case(name)
    pic = gallery.draw(c)
    colors = gallery.method_colors(pic)
    if c.kind == "paths":
        assert len(colors) == len(c.options["methods"])
    assert gallery.problems(pic.figure, colors) == []


def test_the_unit_vector_is_one_unit_long_and_the_angle_is_marked():
    pic = make_figure("directional", "x^2 + 3y^2", at=(1.0, 1.0), direction=(1.0, 1.0))
    ax = pic.figure.axes[0]
    q = [c for c in ax.collections if c.get_label().startswith("u, unit vector")]
    assert len(q) == 1 and q[0].scale_units == "xy" and q[0].angles == "xy"
    assert math.hypot(q[0].U[0], q[0].V[0]) / q[0].scale == pytest.approx(1.0)
    gallery.squashed_axes(pic.figure)  # draws: equal aspect is applied
    a = ax.transData.transform([(1.0, 1.0), (2.0, 1.0)])
    b = ax.transData.transform([(1.0, 1.0), (1.0, 2.0)])
    assert np.hypot(*(a[1] - a[0])) == pytest.approx(np.hypot(*(b[1] - b[0])), rel=1e-6)
    # ∇f(1, 1) = (2, 6), u = (1, 1)/√2: cos θ = 8/(√2·√40), θ = 26.57°
    theta = math.degrees(math.acos(8 / (math.sqrt(2) * math.sqrt(40))))
    assert [t.get_text() for t in ax.texts] == [f"θ = {theta:.0f}°"]
    assert pic.summary["directional_derivative"] == pytest.approx(8 / math.sqrt(2))


def test_the_projection_is_beside_u_not_under_it():
    pic = make_figure("directional", "x^2 + 3y^2", at=(1.0, 1.0), direction=(1.0, 1.0))
    ax = pic.figure.axes[0]
    proj = next(ln for ln in ax.lines if ln.get_label().startswith("(∇f·u) u"))
    xy = np.column_stack(proj.get_data())
    # the line through (1, 1) along (1, 1) is y = x: the projection runs parallel to it, off it
    gap = (xy[:, 1] - xy[:, 0]) / math.sqrt(2)
    assert gap[0] == pytest.approx(gap[1]) and abs(gap[0]) > 0.05


@pytest.mark.parametrize("x, y", [((-10, 10), (-1, 1)), ((-1, 1), (-8, 8)), ((0, 6), (-1, 1)),
                                  ((-3, 3), (-3, 3))])
def test_windows_of_any_shape_make_readable_figures(x, y):
    pic = make_figure("contour", "x^2 + y^2", x=x, y=y, n=40)
    assert gallery.squashed_axes(pic.figure) == []
    assert gallery.short_colorbars(pic.figure) == []
    ratio = (x[1] - x[0]) / (y[1] - y[0])
    unequal = not 1 / 3 <= ratio <= 3
    assert any("not to scale" in n for n in pic.notes) == unequal
    assert (pic.figure.axes[0].get_aspect() == 1.0) == (not unequal)


def test_secants_default_to_a_window_around_the_point():
    pic = make_figure("secant", "sin(x)", at=(1.0,))
    assert pic.summary["window"] == [[-2.0, 4.0]]
    # the h = 0.01 panel zooms in: both points of its secant lie well apart on screen
    ax = pic.figure.axes[5]
    lo, hi = ax.get_xlim()
    assert hi - lo <= 0.1


def test_multi_start_legends_count_the_starts_that_converged():
    starts = np.array([[-4.0, 4.0], [1.0, -4.0], [0.0, 0.0]])
    pic = make_figure("paths", "himmelblau", starts=starts, methods=("gd",), steps=60, n=30)
    done = sum(p["status"] == "converged" for p in pic.summary["paths"])
    texts = [t.get_text() for t in pic.figure.axes[0].get_legend().get_texts()]
    assert texts[0].endswith(f": {done} of 3 starts converged")


def test_the_checks_catch_what_they_are_for():
    fig = Figure(figsize=(10, 1.2))
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "one", transform=ax.transAxes)
    ax.text(0.5, 0.5, "two", transform=ax.transAxes)
    ax.plot([0, 1], [0, 1], color=LINE_COLORS[1], linewidth=3)
    assert ("one", "two") in gallery.text_overlaps(fig)
    assert len(gallery.squashed_axes(fig)) == 1
    assert gallery.missing_colors(fig, [LINE_COLORS[1]]) == []
    assert len(gallery.missing_colors(fig, [LINE_COLORS[2]])) == 1
    cb_fig = Figure()
    cb_ax = cb_fig.add_subplot()
    cb_fig.colorbar(cb_ax.imshow([[0, 1]]), ax=cb_ax, shrink=0.5)
    assert len(gallery.short_colorbars(cb_fig)) == 1
