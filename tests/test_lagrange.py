"""Constrained extrema against textbook answers worked out independently (by hand, by the
Cauchy–Schwarz inequality, by the point-to-plane distance formula, and by mpmath on a
parametrised constraint), not by the multiplier rule the code solves."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import mpmath as mp
import pytest
import sympy as sp

from gradscape.errors import DomainError, FormulaError
from gradscape.optim.lagrange import constrained_points

EXACT = 20.0  # seconds: a loaded machine can need more than the default 2 for the exact stage
R2 = math.sqrt(2)


def _kinds(points):
    return {(p.kind, round(p.value, 9)) for p in points}


def test_max_product_with_fixed_sum_is_25():
    # x + y = 10: xy = x(10 - x) is a downward parabola, top at x = 5 (AM-GM: xy <= 25)
    pts = constrained_points("x y", "x + y = 10", symbolic_budget=EXACT)
    assert pts.complete and len(pts) == 1
    (p,) = pts
    assert (p.kind, p.exact, p.value) == ("maximum", (5, 5), 25.0)
    assert p.multipliers == pytest.approx((5.0,))  # ∇(xy) = (y, x) = 5·∇(x + y)
    assert p.to_dict()["exact_multipliers"] == ["5"]


def test_sum_on_unit_circle_is_between_minus_and_plus_root_two():
    # x = cos t, y = sin t: x + y = √2 sin(t + π/4), so the extremes are ±√2
    pts = constrained_points("x + y", "x^2 + y^2 = 1", symbolic_budget=EXACT)
    assert _kinds(pts) == {("minimum", round(-R2, 9)), ("maximum", round(R2, 9))}
    assert pts[1].exact == (sp.sqrt(2) / 2, sp.sqrt(2) / 2)


def test_nearest_point_of_a_plane_to_the_origin():
    # the distance from 0 to x + y + z = 1 is 1/√3, so the least x² + y² + z² is 1/3
    pts = constrained_points("x^2 + y^2 + z^2", "x + y + z = 1", symbolic_budget=EXACT)
    assert [(p.kind, p.exact) for p in pts] == [("minimum", (sp.Rational(1, 3),) * 3)]
    assert pts[0].value == pytest.approx(1 / 3)


def test_distance_from_a_point_to_a_plane():
    # |ax + by + cz − d| / |(a, b, c)| from (1, 2, 3) to x + y + z = 0 is 6/√3: squared, 12
    pts = constrained_points("(x-1)^2 + (y-2)^2 + (z-3)^2", "x + y + z = 0",
                             symbolic_budget=EXACT)
    assert len(pts) == 1 and pts[0].kind == "minimum"
    assert pts[0].value == pytest.approx((6 / math.sqrt(3)) ** 2)
    assert pts[0].point == pytest.approx((-1.0, 0.0, 1.0))  # (1, 2, 3) − 2·(1, 1, 1)


def test_open_box_of_largest_volume():
    # Stewart, Calculus 14.8 example 1: a lidless box from 12 m² of card holds at most 4 m³,
    # with base 2 × 2 and height 1
    pts = constrained_points("x y z", "x y + 2 x z + 2 y z = 12", ((0.1, 10),) * 3,
                             symbolic_budget=EXACT)
    assert [(p.kind, p.point, p.value) for p in pts] == [("maximum", (2.0, 2.0, 1.0), 4.0)]


def test_squared_distance_from_origin_on_an_off_centre_circle():
    # the circle (x − 1)² + y² = 4 has centre 1 from the origin and radius 2: the distance
    # runs from 2 − 1 = 1 to 2 + 1 = 3, so x² + y² runs from 1 to 9
    pts = constrained_points("x^2 + y^2", "(x-1)^2 + y^2 = 4", symbolic_budget=EXACT)
    assert [(p.kind, p.exact, p.value) for p in pts] == [
        ("minimum", (-1, 0), 1.0), ("maximum", (3, 0), 9.0)]


def test_two_constraints_height_on_cone_cut_by_plane():
    # On x + y + z = 1 and x² + y² = z²: Cauchy–Schwarz gives x² + y² ≥ (x + y)²/2, so
    # z² ≥ (1 − z)²/2, i.e. z² + 2z − 1 ≥ 0: z ≤ −1 − √2 or z ≥ −1 + √2, with equality at
    # x = y. The curve (a hyperbola) has a lowest point on one branch and a highest on the
    # other.
    pts = constrained_points("z", ["x^2 + y^2 = z^2", "x + y + z = 1"], symbolic_budget=EXACT)
    assert pts.complete and len(pts) == 2
    assert _kinds(pts) == {("maximum", round(-1 - R2, 9)), ("minimum", round(R2 - 1, 9))}
    for p in pts:
        assert p.point[0] == pytest.approx(p.point[1]) and len(p.multipliers) == 2
        assert p.to_dict()["multipliers"] == list(p.multipliers)


def test_numeric_stage_agrees_with_mpmath_on_the_circle():
    # exp(x) + y on the unit circle, with no exact stage: f(cos t, sin t) has
    # derivative −sin t·exp(cos t) + cos t, whose zeros mpmath finds to 30 digits
    pts = constrained_points("exp(x) + y", "x^2 + y^2 = 1", ((-2, 2), (-2, 2)),
                             symbolic_budget=0)
    mp.mp.dps = 30
    ts = [mp.findroot(lambda t: -mp.sin(t) * mp.exp(mp.cos(t)) + mp.cos(t), t0)
          for t0 in (-2.1, 0.4)]
    want = sorted(float(mp.exp(mp.cos(t)) + mp.sin(t)) for t in ts)
    assert [p.value for p in pts] == pytest.approx(want, rel=1e-10)
    assert [p.kind for p in pts] == ["minimum", "maximum"] and not pts.complete


def test_inconclusive_second_order_test_is_degenerate():
    # on y = x³, f = y is x³: no extremum at 0, and the curve is flat there, so the
    # bordered Hessian says nothing
    (p,) = constrained_points("y", "y = x^3", symbolic_budget=EXACT)
    assert (p.kind, p.exact, p.multipliers) == ("degenerate", (0, 0), (1.0,))


@pytest.mark.parametrize(("f", "subject_to", "error"), [
    ("x y", "x + y", FormulaError),  # no '='
    ("x y", "x = 1; y = 2", DomainError),  # no freedom left
    ("x y", "1 = 1", DomainError),  # no variables
])
def test_bad_constraints_are_refused(f, subject_to, error):
    with pytest.raises(error):
        constrained_points(f, subject_to, symbolic_budget=0)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_json_contract_and_errors():
    r = _cli("critical", "x y", "--subject-to", "x + y = 10", "--json", "--budget", "20")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["constraints"] == ["x + y = 10"] and d["complete"]
    (p,) = d["points"]
    assert (p["kind"], p["point"], p["value"], p["multipliers"]) == (
        "maximum", [5.0, 5.0], 25.0, [5.0])
    bad = _cli("critical", "x y", "--subject-to", "x + = 2")
    assert bad.returncode == 2 and bad.stderr.count("\n") <= 3 and "^" in bad.stderr


def test_a_cusp_of_the_constraint_is_listed_though_the_multiplier_rule_misses_it():
    # on y² = x³, x = y^(2/3) ≥ 0, so f = x is least (0) at the cusp (0, 0), where
    # ∇g = (−3x², 2y) = 0 and ∇f = (1, 0) is no multiple of it
    pts = constrained_points("x", "y^2 = x^3", symbolic_budget=EXACT)
    assert [(p.exact, p.value, p.multipliers) for p in pts] == [((0, 0), 0.0, ())]
    assert any("singular at (0, 0)" in n for n in pts.notes)
