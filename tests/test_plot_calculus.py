"""The pictures of constrained extrema, potentials and implicit curves: what they report
against answers found by hand, and the checks every gallery picture passes."""

from __future__ import annotations

import matplotlib
import pytest

from gradscape.errors import DomainError
from gradscape.plot import gallery
from gradscape.plot.figures import make_figure

matplotlib.use("Agg")
pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("mpl_style")]


def _render(fig) -> None:
    """Draw for real: renderer warnings surface only here (and are errors in this module)."""
    import io

    fig.savefig(io.BytesIO(), format="png", dpi=30)


def test_lagrange_picture_marks_the_extremes_on_an_off_centre_circle() -> None:
    # (x − 1)² + y² = 4 is 1 to 3 from the origin: x² + y² runs from 1 (at (−1, 0)) to 9
    pic = make_figure("lagrange", "x^2 + y^2", subject_to=("(x-1)^2 + y^2 = 4",), n=40)
    got = [(p["kind"], p["point"], p["value"]) for p in pic.summary["points"]]
    assert got == [("minimum", [-1.0, 0.0], 1.0), ("maximum", [3.0, 0.0], 9.0)]
    (x0, x1), (y0, y1) = pic.summary["window"]
    assert x0 < -1 and x1 > 3 and y0 < 0 < y1  # the default window holds both points
    assert gallery.problems(pic.figure) == []
    # a cusp the multiplier rule misses (a point with no multiplier) renders quietly too
    _render(make_figure("lagrange", "x", subject_to=("y^2 = x^3",), n=30).figure)


def test_lagrange_picture_needs_one_constraint_in_the_plane() -> None:
    with pytest.raises(DomainError, match="--subject-to"):
        make_figure("lagrange", "x y", n=20)
    with pytest.raises(DomainError, match="one constraint"):
        make_figure("lagrange", "x y", subject_to=("x = 1", "y = 2"), n=20,
                    x=(-1, 1), y=(-1, 1))


def test_potential_picture_reports_the_potential_or_the_curl() -> None:
    pic = make_figure("potential", "2x y, x^2 + 3y^2", n=10)
    assert pic.summary["conservative"] and pic.summary["potential"] == "x**2*y + y**3"
    _render(pic.figure)
    pic = make_figure("potential", "-y, x", n=10)
    assert not pic.summary["conservative"] and "curl is 2" in pic.summary["reason"]
    _render(pic.figure)
    _render(make_figure("potential", "x y, x", n=10).figure)  # a varying curl behind


def test_implicit_picture_tangent_slope_and_a_point_moved_onto_the_curve() -> None:
    pic = make_figure("implicit", "x^2 + y^2 = 25", at=(3.0, 4.0), n=60)
    assert pic.summary["slope"] == pytest.approx(-3 / 4)  # −x/y at (3, 4)
    assert pic.summary["window"] == [[-6.0, 6.0], [-6.0, 6.0]]
    pic = make_figure("implicit", "x^3 + y^3 = 6 x y", at=(3.0, 3.2), n=60)
    px, py = pic.summary["at"]
    assert px**3 + py**3 - 6 * px * py == pytest.approx(0, abs=1e-9)
    # the slope there, by hand from 3x² + 3y²y′ = 6y + 6xy′
    assert pic.summary["slope"] == pytest.approx((2 * py - px**2) / (py**2 - 2 * px))
    assert any("not on the curve" in n for n in pic.notes)
    _render(pic.figure)
    with pytest.raises(DomainError, match="no point"):
        make_figure("implicit", "x^2 + y^2 = -1", at=(1.0, 1.0), n=20)
