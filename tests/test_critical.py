"""Critical points against independent references: the library's optima (refined separately at
40 digits), hand-derived critical points, and an mpmath count of Rastrigin's critical points."""

from __future__ import annotations

import itertools
import json
import math
import time

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from gradscape.calculus.function import Function
from gradscape.errors import DomainError
from gradscape.formula.library import LIBRARY, names
from gradscape.optim.critical import MAX_POINTS, critical_points

EXACT = 20.0  # seconds: where a test needs the exact answer; a loaded machine can exceed 2 s
KIND_OF = {"minima": "minimum", "local_minima": "minimum", "local_maxima": "maximum",
           "saddles": "saddle"}


def _match(points, where, tol=1e-6):
    near = [p for p in points
            if max(abs(a - b) for a, b in zip(p.point, where, strict=True)) <= tol]
    assert len(near) == 1, (where, points)
    return near[0]


@pytest.fixture(scope="module")
def himmelblau():
    return critical_points(Function("himmelblau"), symbolic_budget=EXACT)


def test_himmelblau_has_four_minima_one_maximum_four_saddles_all_exact(himmelblau):
    kinds = [p.kind for p in himmelblau]
    assert (kinds.count("minimum"), kinds.count("maximum"), kinds.count("saddle")) == (4, 1, 4)
    assert len(himmelblau) == 9 and himmelblau.complete
    assert all(p.exact is not None for p in himmelblau)
    top = _match(himmelblau, (-0.270845, -0.923039))  # Himmelblau (1972)'s printed digits
    assert top.kind == "maximum" and top.value == pytest.approx(181.617, abs=1e-3)
    assert [p.value for p in himmelblau] == sorted(p.value for p in himmelblau)


def test_exact_coordinates_are_exact(himmelblau):
    for p in himmelblau:
        for c, x in zip(p.exact, p.point, strict=True):
            assert abs(sp.N(c, 40) - sp.Rational(repr(x))) < 1e-15 * max(1, abs(x))
    assert _match(himmelblau, (3, 2)).exact == (3, 2)


_LIBRARY_RESULTS: dict[str, list] = {}


def _library_points(name):
    # Half a second of exact solving is enough for the corners and the easy polynomials.
    if name not in _LIBRARY_RESULTS:
        _LIBRARY_RESULTS[name] = critical_points(Function(name), symbolic_budget=0.5)
    return _LIBRARY_RESULTS[name]


@pytest.mark.parametrize("name", names())
def test_every_listed_optimum_of_every_library_function_is_found_with_its_kind(name):
    row = LIBRARY[name]
    found = _library_points(name)
    for group, kind in KIND_OF.items():
        for opt in getattr(row, group):
            p = _match(found, opt.point)
            assert p.kind == kind, (group, p)
            assert p.value == pytest.approx(opt.value, abs=1e-6, rel=1e-9)
    assert found[0].value == pytest.approx(row.minima[0].value, abs=1e-6)  # nothing lower


def test_ackley_minimum_is_a_corner_with_no_hessian():
    best = _library_points("ackley")[0]
    assert best.point == (0.0, 0.0) and best.kind == "minimum"
    assert best.eigenvalues == () and best.exact == (0, 0)


def test_saddle_of_x2_minus_y2_is_exact():
    (p,) = critical_points(Function("x^2 - y^2"), symbolic_budget=EXACT)
    assert (p.kind, p.exact, p.point, p.value) == ("saddle", (0, 0), (0, 0), 0)
    assert p.eigenvalues == (-2, 2)


def test_minimum_of_x2_plus_y2_is_exact():
    (p,) = critical_points(Function("x^2 + y^2"), symbolic_budget=EXACT)
    assert (p.kind, p.exact, p.eigenvalues) == ("minimum", (0, 0), (2, 2))


def test_quartic_bowl_is_degenerate_at_the_origin():
    (p,) = critical_points(Function("x^4 + y^4"), symbolic_budget=EXACT)
    assert (p.kind, p.exact, p.eigenvalues) == ("degenerate", (0, 0), (0, 0))


def test_zero_curvature_at_an_irrational_point_is_exactly_zero():
    (p,) = critical_points(Function("(x - sqrt(2))^4 + (y - 1)^2"), symbolic_budget=EXACT)
    assert (p.kind, p.exact, p.eigenvalues) == ("degenerate", (sp.sqrt(2), 1), (0, 2))
    (q,) = critical_points(Function("(x - sqrt(2))^4 + (y - 1)^2"), symbolic_budget=0)
    assert q.kind == "degenerate" and q.point == pytest.approx((math.sqrt(2), 1), abs=1e-9)


def test_quartic_bowl_is_degenerate_numerically_too():
    (p,) = critical_points(Function("x^4 + y^4"), symbolic_budget=0)
    assert p.kind == "degenerate" and p.exact is None and max(map(abs, p.point)) < 1e-6


@pytest.mark.parametrize("budget", [2.0, 0.0])
@pytest.mark.parametrize("formula", ["(x - 5)^2 + y^2", "x + y", "exp(x) + y^2"])
def test_no_critical_points_in_the_box_gives_an_empty_list(formula, budget):
    assert critical_points(Function(formula), symbolic_budget=budget) == []


@pytest.mark.parametrize("budget", [0.0, 2.0])
def test_sin_x_cos_y_matches_the_analytic_critical_points(budget):
    # ∇ = (cos x cos y, -sin x sin y) = 0 in (-3, 3)²: x = ±π/2 with y = 0, or x = 0 with y = ±π/2
    h = math.pi / 2
    expected = {(-h, 0.0): ("minimum", -1.0), (h, 0.0): ("maximum", 1.0),
                (0.0, -h): ("saddle", 0.0), (0.0, h): ("saddle", 0.0)}
    found = critical_points(Function("sin(x)*cos(y)"), symbolic_budget=budget)
    assert len(found) == 4
    exact = 0
    for where, (kind, value) in expected.items():
        p = _match(found, where, tol=1e-12)
        assert p.kind == kind and p.value == pytest.approx(value, abs=1e-12)
        if p.exact is not None:
            assert [float(c) for c in p.exact] == pytest.approx(list(where), abs=1e-15)
            exact += 1
    # SymPy solves for the principal points (π/2, 0) and (0, π/2); Newton finds the others.
    # With no budget, or one that ran out (the notes say so), none is exact.
    ran_out = any("did not finish" in n for n in found.notes)
    assert exact == (2 if budget and not ran_out else 0)


def test_rastrigin_has_every_critical_point_an_independent_count_predicts():
    # Rastrigin separates: critical points are pairs of roots of g'(t) = 2t + 20π sin(2πt).
    def dg(t):
        return 2 * t + 20 * mp.pi * mp.sin(2 * mp.pi * t)

    grid = [-5.12 + 10.24 * (k + 0.5) / 4000 for k in range(4000)]  # 0 is no grid point
    roots = [mp.findroot(dg, (a, b), solver="anderson")
             for a, b in itertools.pairwise(grid) if dg(a) * dg(b) < 0]
    curv = [2 + 40 * mp.pi**2 * mp.cos(2 * mp.pi * r) for r in roots]
    n_min = sum(c > 0 for c in curv)
    found = critical_points(Function("rastrigin"), symbolic_budget=0)
    kinds = [p.kind for p in found]
    assert len(found) == len(roots) ** 2 == 441
    assert kinds.count("minimum") == n_min**2
    assert kinds.count("maximum") == (len(roots) - n_min) ** 2
    coords = sorted({round(c, 9) for p in found for c in p.point})
    assert coords == pytest.approx(sorted(float(r) for r in roots), abs=1e-9)


def test_symbolic_budget_is_enforced():
    # A dense degree-12 polynomial: its Gröbner basis takes far longer than half a second.
    f = Function("(x^5 - 3*x*y^4 + 7*y^3 - 2*x + 1)^2 * (y^6 + x^3*y^2 - 5*x*y + 3) + x^7*y^5")
    start = time.monotonic()
    critical_points(f, symbolic_budget=0)
    numeric = time.monotonic() - start
    start = time.monotonic()
    found = critical_points(f, symbolic_budget=0.5)
    assert time.monotonic() - start < numeric + 0.5 + 1.0
    assert any("did not finish" in note for note in found.notes)


def test_long_lists_are_cut_at_the_cap_and_flagged():
    f = Function("sin(5*x)*sin(5*y)")
    found = critical_points(f, ((-10, 10), (-10, 10)), symbolic_budget=0)
    assert found.truncated and len(found) == MAX_POINTS and not found.complete
    assert [p.value for p in found] == sorted(p.value for p in found)


def test_a_curve_of_critical_points_is_sampled_and_says_so():
    found = critical_points(Function("(x - y)^2"), symbolic_budget=0)
    assert found and all(p.kind == "degenerate" and abs(p.point[0] - p.point[1]) < 1e-9
                         for p in found)
    assert any("curve" in note for note in found.notes)


def test_python_callable_is_solved_numerically():
    (p,) = critical_points(Function(lambda x, y: np.cos(x) + y**2))
    assert p.kind == "saddle" and p.exact is None
    assert p.point == pytest.approx((0, 0), abs=1e-8) and p.value == pytest.approx(1)


def test_one_and_three_variables():
    one = critical_points(Function("x^3 - 3*x"), symbolic_budget=EXACT)
    assert [(p.point, p.kind, p.value) for p in one] == [
        ((1,), "minimum", -2), ((-1,), "maximum", 2)]
    (p,) = critical_points(Function("x^2 + 2*y^2 - 3*z^2 + x*y"), symbolic_budget=EXACT)
    assert p.kind == "saddle" and p.exact == (0, 0, 0)


def test_same_seed_same_answer_and_json_form():
    f = Function("sin(x)*cos(y) + x^2/10")
    a, b = (critical_points(f, seed=3, symbolic_budget=0.3) for _ in range(2))
    assert a == b
    found = critical_points(Function("x^3 - 3*x + y^2"), symbolic_budget=EXACT)
    text = json.dumps([p.to_dict() for p in found])
    back = json.loads(text)
    assert [set(d) for d in back] == [{"point", "value", "kind", "eigenvalues", "exact"}] * 2
    assert back[0] == {"point": [1.0, 0.0], "value": -2.0, "kind": "minimum",
                       "eigenvalues": [2.0, 6.0], "exact": ["1", "0"]}


@pytest.mark.parametrize(
    "kwargs",
    [{"box": ((1, 0), (0, 1))}, {"box": ((0, 1),)}, {"box": ((0, math.inf), (0, 1))},
     {"starts": 0}, {"symbolic_budget": -1}],
)
def test_bad_requests_say_what_to_fix(kwargs):
    with pytest.raises(DomainError):
        critical_points(Function("x^2 + y^2"), **kwargs)


def test_non_isolated_critical_sets_are_named_once_and_never_complete():
    # x²y²: ∇f = (2xy², 2x²y) vanishes on both axes (closed form); (x²+y²−1)²: on the unit
    # circle. Each set is listed by one point and a note, and "complete" is not claimed.
    axes = critical_points(Function("x^2 y^2"), symbolic_budget=0)
    assert len(axes) == 1 and not axes.complete
    assert any("not isolated" in n and "2 straight directions" in n for n in axes.notes)
    ring = critical_points(Function("(x^2 + y^2 - 1)^2"), symbolic_budget=0)
    on_circle = [p for p in ring if abs(np.hypot(*p.point) - 1) < 1e-6]
    assert len(on_circle) == 1 and not ring.complete and not ring.truncated
    assert [p.kind for p in ring if p not in on_circle] == ["maximum"]  # the origin
    assert any("not isolated" in n for n in ring.notes)
    # an isolated degenerate minimum is not mistaken for a set
    quartic = critical_points(Function("x^4 + y^4"), symbolic_budget=0)
    assert len(quartic) == 1 and not any("not isolated" in n for n in quartic.notes)


def test_the_box_searched_is_reported_and_any_variable_can_be_ranged():
    import json
    import subprocess
    import sys

    found = critical_points(Function("x^3 - 3x + y^2"), ((0, 2), (-1, 1)))
    assert found.box == ((0.0, 2.0), (-1.0, 1.0))
    assert [p.point for p in found] == [(1.0, 0.0)]  # (−1, 0) lies outside
    r = subprocess.run([sys.executable, "-m", "gradscape", "critical",
                        "x1^2 + x2^2 - x3^2 + (x4 - 2)^2", "--box", "x4=1:3,x1=-5:5",
                        "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["box"] == {"x1": [-5, 5], "x2": [-3, 3], "x3": [-3, 3], "x4": [1, 3]}
    assert [p["kind"] for p in d["points"]] == ["saddle"]
    np.testing.assert_allclose(d["points"][0]["point"], [0, 0, 0, 2], atol=1e-9)
    r = subprocess.run([sys.executable, "-m", "gradscape", "critical", "x^2", "--box",
                        "y=0:1"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "NAME one of x" in r.stderr
