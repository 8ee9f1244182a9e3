"""Every picture renders without a warning for awkward formulas, and what it draws is right:
arrows perpendicular to level curves on screen, tangent lines with the hand-derived slope,
gaps exactly where the formula is undefined, log levels where the values span decades.

References are hand-derived (gradients of quadratics, cos(1), closed-form secant slopes) or
computed here independently of gradscape (NumPy on the formula written out by hand).
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from gradscape import Function, field
from gradscape.errors import DomainError
from gradscape.plot import oned, planar, surface
from gradscape.plot.figures import FIGURES, make_figure
from gradscape.plot.quiver import arrow_components
from gradscape.plot.scales import contour_levels, default_box
from gradscape.plot.text import field_notes, math_title, set_title

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]


def render(fig: Figure) -> None:
    """Draw for real (warnings from the renderer surface only here)."""
    fig.savefig(io.BytesIO(), format="png", dpi=30)


BOX = ((-2.0, 2.0), (-2.0, 2.0))
FORMULAS_2D = ["x^2 + 3y^2", "log(x*y)", "1/(x^2+y^2)", "3", "rosenbrock", "himmelblau",
               "abs(x) - y", "sqrt(-x^2 - y^2 - 1)"]
STILL_2D = ["quiver", "stream", "contour", "magnitude", "surface"]


@pytest.mark.parametrize("formula", FORMULAS_2D)
def test_every_still_kind_renders_quietly(formula):
    for kind in STILL_2D:
        pic = make_figure(kind, formula, box=BOX, n=12)
        render(pic.figure)
        assert pic.summary["kind"] == kind
        if formula.startswith("sqrt"):
            assert any("undefined everywhere" in n for n in pic.notes), (kind, pic.notes)


@pytest.mark.parametrize("formula", [f for f in FORMULAS_2D if not f.startswith("sqrt")])
def test_point_kinds_render(formula):
    for kind in ("tangent", "directional"):
        pic = make_figure(kind, formula, box=BOX, n=12, at=(1.0, 0.5), direction=(1.0, 2.0))
        render(pic.figure)


def test_point_kinds_refuse_points_where_f_is_undefined():
    for kind in ("tangent", "directional"):
        with pytest.raises(DomainError, match="undefined"):
            make_figure(kind, "log(x*y)", box=BOX, n=8, at=(-1.0, 1.0))


@pytest.mark.parametrize("formula", ["sin(x)", "1/x", "log(x)", "3", "abs(x)", "sqrt(x)"])
def test_one_variable_kinds_render(formula):
    for kind in ("derivative", "tangent", "secant"):
        render(make_figure(kind, formula, box=((-3.0, 3.0),), at=(1.0,)).figure)


def test_kinds_check_the_number_of_variables():
    with pytest.raises(DomainError, match="1 variable"):
        make_figure("derivative", "x*y")
    with pytest.raises(DomainError, match="2 variable"):
        make_figure("contour", "x*y*z")
    with pytest.raises(DomainError, match="unknown picture"):
        make_figure("histogram", "x")


def test_constant_and_one_variable_formulas_are_widened_with_a_note():
    pic = make_figure("contour", "x^2", box=BOX, n=10)
    assert pic.summary["variables"] == ["x", "y"]
    assert "f does not depend on y; drawn as f(x, y)" in pic.notes
    pic = make_figure("tangent", "3", box=((-1.0, 1.0),), at=(0.5,))
    assert pic.summary["slope"] == 0.0


def _display_direction(ax, x, y, dx, dy, eps=1e-3):
    p0 = ax.transData.transform((x, y))
    p1 = ax.transData.transform((x + eps * dx, y + eps * dy))
    d = p1 - p0
    return d / np.linalg.norm(d)


def test_contour_arrows_are_perpendicular_to_level_curves_on_screen():
    # f = x² + 3y²: ∇f = (2x, 6y) by hand; the level curve through (x, y) runs along (-6y, 2x).
    fig = Figure(figsize=(6, 5))
    ax = fig.add_subplot()
    drawn = planar.contour(ax, field("x^2 + 3y^2", x=(-3, 3), y=(-2, 2), n=41), arrows=10)
    render(fig)
    q = drawn["arrows"]
    assert ax.get_aspect() == 1.0 and q.angles == "xy"
    checked = 0
    for (x, y), u, v in zip(q.get_offsets(), q.U, q.V):
        if abs(x) + abs(y) < 0.5:
            continue
        assert u * 6 * y - v * 2 * x == pytest.approx(0.0, abs=1e-9 * (u * u + v * v) + 1e-12)
        assert u * 2 * x + v * 6 * y > 0  # uphill: along ∇f, not against it
        arrow = _display_direction(ax, x, y, u, v)
        tangent = _display_direction(ax, x, y, -6 * y, 2 * x)
        assert abs(arrow @ tangent) < 1e-6
        checked += 1
    assert checked > 50


def test_unequal_aspect_would_break_perpendicularity():
    # The check above can fail: on stretched axes the same arrows are not perpendicular.
    fig = Figure(figsize=(6, 5))
    ax = fig.add_subplot()
    ax.set_xlim(-3, 3)
    ax.set_ylim(-0.5, 0.5)
    render(fig)
    arrow = _display_direction(ax, 1.0, 1.0, 2.0, 6.0)
    tangent = _display_direction(ax, 1.0, 1.0, -6.0, 2.0)
    assert abs(arrow @ tangent) > 0.1


def test_undefined_points_are_gaps_and_counted():
    fld = field("log(x*y)", x=(-2, 2), y=(-2, 2), n=21)
    X, Y = np.meshgrid(np.linspace(-2, 2, 21), np.linspace(-2, 2, 21))
    undefined = X * Y <= 0  # log needs x*y > 0 (hand), gradient (1/x, 1/y) needs x, y ≠ 0
    fig = Figure()
    ax = fig.add_subplot()
    drawn = planar.contour(ax, fld, arrows=None)
    render(fig)
    assert fld.invalid_count == int(undefined.sum())
    assert f"{int(undefined.sum())} point(s) where f or ∇f is undefined are left blank" \
        in drawn.notes
    assert ax.patch.get_hatch() == "//"


def test_log_levels_where_values_span_decades():
    rosen = field("rosenbrock", x=(-2, 2), y=(-1, 3), n=120)
    lv = contour_levels(rosen.values)
    assert lv.log
    # the valley: values below 10 get several bands, where even levels would give at most one
    assert (lv.levels < 10).sum() >= 5
    even = contour_levels(np.linspace(0, 1, 50) ** 1)
    assert not even.log
    assert not contour_levels(field("x^2 + 3y^2", n=30).values).log
    # upside down: log levels gather at the top
    flip = contour_levels(-rosen.values)
    assert flip.log and (flip.levels > -10).sum() >= 5
    const = contour_levels(np.full((3, 3), 7.0))
    assert const.constant and const.levels[0] < 7 < const.levels[-1]
    assert contour_levels(np.full(4, np.nan)) is None


def test_levels_cover_the_extremes_exactly():
    v = np.geomspace(1e-3, 1e5, 200) + 0.1
    lv = contour_levels(v)
    assert lv.levels[0] <= v.min() and lv.levels[-1] >= v.max()


def test_arrows_are_capped_near_a_singular_point():
    fld = field("1/(x^2+y^2)", x=(-1, 1), y=(-1, 1), n=21)
    u, v, capped = arrow_components(fld)
    length = np.ma.sqrt(u**2 + v**2).compressed()
    mag = fld.magnitude[np.isfinite(fld.magnitude)]
    assert capped > 0
    assert length.max() <= 1.5 * np.percentile(mag, 90) * (1 + 1e-12)
    assert "very long arrow" in field_notes(fld, capped)[-1]


def test_default_window():
    assert default_box(Function("rosenbrock")) == ((-2.0, 2.0), (-1.0, 3.0))
    # the only critical point is (1, -2): a box of half-width 3 around it
    box = default_box(Function("(x-1)^2 + (y+2)^2"))
    assert np.allclose(box, ((-2, 4), (-5, 1)))
    assert default_box(Function("x + y")) == ((-3.0, 3.0), (-3.0, 3.0))  # no critical point


def test_tangent_line_has_the_derivative_as_slope():
    ax = Figure().add_subplot()
    drawn = oned.tangent_line(ax, Function("sin(x)"), 1.0, x=(-2, 3))
    t, y = drawn["tangent"].get_data()
    assert drawn.value == pytest.approx(math.cos(1.0), abs=1e-14)
    slope = np.polyfit(t, y, 1)[0]
    assert slope == pytest.approx(math.cos(1.0), rel=1e-12)
    assert np.interp(1.0, t, y) == pytest.approx(math.sin(1.0), abs=1e-12)
    assert "Tangent at x = 1: y = 0.8415 + 0.5403·(x − 1)" == ax.get_title()


def test_secant_slopes_by_hand():
    # (f(a+h) − f(a))/h for x² is 2a + h exactly
    f = Function("x^2")
    hs = np.array([2.0, 0.5, 0.25, 1e-3])
    assert np.allclose(oned.secant_slopes(f, 1.5, hs), 3.0 + hs, rtol=1e-9)
    ax = Figure().add_subplot()
    drawn = oned.secants(ax, f, 1.5, 0.5, (-3, 3))
    t, y = drawn["secant"].get_data()
    assert drawn.value == pytest.approx(3.5)
    assert np.polyfit(t, y, 1)[0] == pytest.approx(3.5)
    with pytest.raises(DomainError):
        oned.secant_slopes(f, 1.0, [0.0])


def test_pole_is_not_joined_by_a_vertical_line():
    ax = Figure().add_subplot()
    drawn = oned.function_and_derivative(ax, Function("1/x"), (-1, 1), n=200)
    t, y = drawn["f"].get_data()
    left, right = np.flatnonzero(t < 0)[-1], np.flatnonzero(t > 0)[0]
    assert np.isnan(y[left]) or np.isnan(y[right])
    finite = np.isfinite(y)
    assert finite.sum() >= 190  # only the jump is cut


def test_directional_derivative_by_hand():
    ax = Figure().add_subplot()
    drawn = planar.directional(ax, field("x^2 + 3y^2", n=15), (1.0, 1.0), (1.0, 2.0))
    assert drawn.value == pytest.approx(14 / math.sqrt(5), rel=1e-12)  # (2, 6)·(1, 2)/√5
    with pytest.raises(DomainError, match="zero vector"):
        planar.directional(ax, field("x^2 + 3y^2", n=5), (1.0, 1.0), (0.0, 0.0))


def test_tangent_plane_by_hand():
    # f = x² + y² at (1, -0.5): f = 1.25, ∇f = (2, -1), so z = 1.25 + 2(x − 1) − 1(y + 0.5)
    ax = Figure().add_subplot(projection="3d")
    drawn = surface.tangent_plane(ax, field("x^2 + y^2", n=15), (1.0, -0.5))
    assert drawn.value == pytest.approx(1.25)
    assert ax.get_title() == "Tangent plane at (1, -0.5): f ≈ 1.25 + 2·(x − 1) − 1·(y + 0.5)"
    assert "plane" in drawn.artists and "surface" in drawn.artists


def test_surface_clips_a_singular_point_with_a_note():
    ax = Figure().add_subplot(projection="3d")
    # a grid point 5e-5 from the pole, where f is about 2e8
    drawn = surface.surface(ax, field("1/(x^2+y^2)", x=(-1, 1.001), y=(-1, 1.001), n=21))
    hi = ax.get_zlim()[1]
    assert hi < 1e3  # 1/r² at the centre is 1e300-ish or inf; the axis keeps the bulk
    assert any("clipped" in n for n in drawn.notes)


def test_titles_use_math_text_and_stay_readable():
    f = Function("x^2 + y^2")
    assert math_title("Contours of", f) == "Contours of $f(x, y) = x^{2} + y^{2}$"
    assert math_title("Contours of", Function("goldstein-price")) == \
        "Contours of Goldstein–Price f(x, y)"
    ax = Figure().add_subplot()
    t = set_title(ax, "Contours and ∇f of $" + "x^{2} + " * 12 + "y$")
    assert "\n" in t.get_text() and t.get_fontsize() < 12


def test_table_and_cli_list_the_same_kinds():
    from gradscape.cli.main import build_parser, subcommands

    plot = subcommands(build_parser("plot"))["plot"]
    assert tuple(subcommands(plot)) == tuple(FIGURES)


def test_the_exported_quiver_is_the_function_after_its_module_loads():
    # figures.py (imported above) loads the submodule gradscape.plot.quiver, which used to
    # replace the package's exported function `quiver` with the module itself
    import gradscape.plot
    from gradscape.plot import quiver

    assert "gradscape.plot.quiver" in __import__("sys").modules
    assert callable(quiver) and quiver.__name__ == "quiver"
    assert gradscape.plot.quiver is quiver
