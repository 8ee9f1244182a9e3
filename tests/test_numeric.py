"""Numeric gradients and Hessians against independent references: mpmath's 50-digit numeric
differentiation, hand-written derivatives, and polynomials differentiated term by term."""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.calculus.numeric import numeric_gradient, numeric_hessian
from gradscape.errors import DomainError

# The same formula runs on NumPy arrays and on mpmath numbers: `m` is one of these two.
NP = SimpleNamespace(
    sin=np.sin, cos=np.cos, exp=np.exp, log=np.log, sqrt=np.sqrt, tanh=np.tanh,
    cosh=np.cosh, sinh=np.sinh, atan=np.arctan, atan2=np.arctan2, asinh=np.arcsinh,
)  # fmt: skip
MP = SimpleNamespace(**{name: getattr(mp, name) for name in vars(NP)})

# name: (formula(m, *v), box per variable, complex-step safe in NumPy)
SMOOTH = {
    "sin_exp": (lambda m, x, y: m.sin(x) * m.exp(-(y**2)), [(-3, 3), (-2, 2)], True),
    "log": (lambda m, x, y: m.log(1 + x**2 + y**2), [(-3, 3), (-3, 3)], True),
    "sqrt": (lambda m, x, y: m.sqrt(1 + x**2 + 2 * y**2), [(-3, 3), (-3, 3)], True),
    "atan2_half_angle": (
        lambda m, x, y: 2 * m.atan(y / (m.sqrt(x**2 + y**2) + x)),
        [(0.5, 3), (-3, 3)],
        True,
    ),
    "atan2": (lambda m, x, y: m.atan2(y, x), [(0.5, 3), (-3, 3)], False),
    "tanh": (lambda m, x, y: m.tanh(x * y), [(-2, 2), (-2, 2)], True),
    "rational": (lambda m, x, y: (x**2 - y) / (1 + x**2 + y**4), [(-2, 2), (-2, 2)], True),
    "rosenbrock": (lambda m, x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, [(-2, 2), (-1, 3)], True),
    "himmelblau": (
        lambda m, x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        [(-5, 5), (-5, 5)],
        True,
    ),
    "beale": (
        lambda m, x, y: (
            (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
        ),
        [(-4.5, 4.5), (-4.5, 4.5)],
        True,
    ),
    "gaussians": (
        lambda m, x, y: m.exp(-((x - 1) ** 2) - y**2) + m.exp(-((x + 1) ** 2) - 2 * y**2),
        [(-3, 3), (-2, 2)],
        True,
    ),
    "sigmoid": (lambda m, x, y: 1 / (1 + m.exp(-x * y)), [(-3, 3), (-3, 3)], True),
    "softplus": (lambda m, x, y: m.log(1 + m.exp(x - 2 * y)), [(-3, 3), (-3, 3)], True),
    "power": (lambda m, x, y: (1 + x**2) ** y, [(-2, 2), (-2, 2)], True),
    "cosh_sinh": (lambda m, x, y: m.cosh(x) - m.sinh(x * y), [(-2, 2), (-2, 2)], True),
    "asinh": (lambda m, x, y: m.asinh(x) * y**3, [(-3, 3), (-2, 2)], True),
    "high_frequency": (lambda m, x, y: m.sin(20 * x) * y, [(-2, 2), (-2, 2)], True),
    "large_coordinates": (lambda m, x, y: m.log(x) * y + 1e-6 * x, [(1e6, 1e7), (-1e5, 1e5)], True),
    "three_vars": (lambda m, x, y, z: x * y * z + m.sin(x * z), [(-2, 2)] * 3, True),
    "three_vars_ratio": (lambda m, x, y, z: m.exp(x - y) / (1 + z**2), [(-2, 2)] * 3, True),
}
N_POINTS = 4


def _orders(n: int, total: int) -> list[tuple[int, ...]]:
    """Derivative orders for mpmath.diff: each first partial, or each (i <= j) second one."""
    units = [tuple(int(k == i) for k in range(n)) for i in range(n)]
    if total == 1:
        return units
    return [tuple(a + b for a, b in zip(units[i], units[j])) for i in range(n) for j in range(i, n)]


@pytest.fixture(scope="module")
def references() -> dict[str, tuple[list[np.ndarray], np.ndarray, np.ndarray]]:
    """Points, gradients (n, P) and Hessians (n, n, P) by mpmath at 50 digits."""
    rng = np.random.default_rng(20240611)
    out = {}
    with mp.workdps(50):
        for name, (formula, box, _) in SMOOTH.items():
            n = len(box)
            points = [rng.uniform(lo, hi, N_POINTS) for lo, hi in box]
            grad = np.empty((n, N_POINTS))
            hess = np.empty((n, n, N_POINTS))
            for p in range(N_POINTS):
                at = [mp.mpf(float(v[p])) for v in points]

                def g(*v: mp.mpf, formula=formula) -> mp.mpf:
                    return formula(MP, *v)

                for i, order in enumerate(_orders(n, 1)):
                    grad[i, p] = float(mp.diff(g, at, order))
                pairs = [(i, j) for i in range(n) for j in range(i, n)]
                for (i, j), order in zip(pairs, _orders(n, 2), strict=True):
                    hess[i, j, p] = hess[j, i, p] = float(mp.diff(g, at, order))
            out[name] = (points, grad, hess)
    return out


def _numpy_f(name: str):
    formula = SMOOTH[name][0]
    return lambda *v: formula(NP, *v)


def _rel_err(values: np.ndarray, ref: np.ndarray, axes: tuple[int, ...]) -> float:
    """Worst error per point relative to the largest reference entry at that point."""
    scale = np.max(np.abs(ref), axis=axes)
    return float(np.max(np.max(np.abs(values - ref), axis=axes) / scale))


CS_SAFE = [name for name, spec in SMOOTH.items() if spec[2]]


@pytest.mark.parametrize("name", CS_SAFE)
@pytest.mark.parametrize("method", ["complex-step", "auto"])
def test_complex_step_gradient_to_machine_precision(references, name, method):
    points, grad, _ = references[name]
    res = numeric_gradient(_numpy_f(name), points, method=method)
    assert res.method == "complex-step"
    assert _rel_err(res.values, grad, (0,)) <= 1e-13


@pytest.mark.parametrize("name", CS_SAFE)
def test_complex_step_hessian(references, name):
    points, _, hess = references[name]
    res = numeric_hessian(_numpy_f(name), points, method="complex-step")
    assert _rel_err(res.values, hess, (0, 1)) <= 1e-8
    np.testing.assert_array_equal(res.values, np.swapaxes(res.values, 0, 1))


@pytest.mark.parametrize("name", list(SMOOTH))
def test_richardson_gradient_and_hessian(references, name):
    points, grad, hess = references[name]
    f = _numpy_f(name)
    g = numeric_gradient(f, points, method="richardson")
    h = numeric_hessian(f, points, method="richardson")
    assert g.method == h.method == "richardson"
    assert _rel_err(g.values, grad, (0,)) <= 1e-10  # the brief asks 1e-9
    assert _rel_err(h.values, hess, (0, 1)) <= 1e-8  # the brief asks 1e-6
    # The error estimates are honest: the true error is within a few of them.
    assert np.all(np.abs(g.values - grad) <= 10 * g.error)
    assert np.all(np.abs(h.values - hess) <= 10 * h.error)


def test_auto_falls_back_where_numpy_has_no_complex_version(references):
    points, grad, hess = references["atan2"]
    f = _numpy_f("atan2")
    g = numeric_gradient(f, points)
    assert g.method == "richardson" and g.richardson.all()
    assert _rel_err(g.values, grad, (0,)) <= 1e-9
    assert _rel_err(numeric_hessian(f, points).values, hess, (0, 1)) <= 1e-6
    with pytest.raises(DomainError, match="method='auto' or method='richardson'"):
        numeric_gradient(f, points, method="complex-step")


def test_auto_hessian_uses_complex_step_when_analytic(references):
    points, _, hess = references["rosenbrock"]
    res = numeric_hessian(_numpy_f("rosenbrock"), points)
    assert res.method == "complex-step"
    assert _rel_err(res.values, hess, (0, 1)) <= 1e-8


# --- code that complex numbers break --------------------------------------------------------

X = np.array([-1.7, -0.6, -0.1, 0.15, 0.8, 1.9])
Y = np.array([0.4, -1.3, 0.9, -0.2, 1.6, -0.75])


def _sign(v):
    return np.where(v > 0, 1.0, -1.0)  # no zeros among the points


# name: (f, exact gradient, complex step wrong for x so Richardson must be used there)
NON_ANALYTIC = {
    "abs": (lambda x, y: np.abs(x) + y**2, lambda x, y: [_sign(x), 2 * y], True),
    "abs_cubed": (lambda x, y: np.abs(x) ** 3 * y, lambda x, y: [3 * x * np.abs(x) * y,
                                                                 np.abs(x) ** 3], True),
    "sign": (lambda x, y: np.sign(x) * y**2, lambda x, y: [0 * x, 2 * y * _sign(x)], True),
    "float_cast": (lambda x, y: np.asarray(x, dtype=float) ** 2 + y,
                   lambda x, y: [2 * x, 1 + 0 * y], True),
    "floor": (lambda x, y: np.floor(x) + x * y, lambda x, y: [y, x], True),
    # NumPy orders complex numbers by real part first, so these come out right either way.
    "maximum": (lambda x, y: np.maximum(x, 0) * y, lambda x, y: [(x > 0) * y,
                                                                 np.maximum(x, 0)], False),
    "where": (lambda x, y: np.where(x > 0, x**2, -x) + y,
              lambda x, y: [np.where(x > 0, 2 * x, -1.0), 1 + 0 * y], False),
    "relu": (lambda x, y: x * (x > 0) + 3 * y, lambda x, y: [(x > 0) * 1.0, 3 + 0 * y], False),
    "minimum": (lambda x, y: np.minimum(x, y), lambda x, y: [(x < y) * 1.0, (y < x) * 1.0], False),
}  # fmt: skip


@pytest.mark.parametrize("name", list(NON_ANALYTIC))
def test_non_analytic_code_away_from_kinks(name):
    f, exact, needs_richardson = NON_ANALYTIC[name]
    res = numeric_gradient(f, [X, Y])
    np.testing.assert_allclose(res.values, np.array(exact(X, Y)), rtol=0, atol=1e-8)
    if needs_richardson:
        assert res.richardson[0].all()
        assert "richardson" in res.method


def test_non_analytic_hessian_falls_back():
    f = NON_ANALYTIC["abs_cubed"][0]
    res = numeric_hessian(f, [X, Y])
    exact = np.array([[6 * np.abs(X) * Y, 3 * X * np.abs(X)], [3 * X * np.abs(X), 0 * X]])
    np.testing.assert_allclose(res.values, exact, rtol=0, atol=1e-6)
    assert res.richardson[0, 0].all() and "richardson" in res.method


@pytest.mark.parametrize(
    ("f", "left", "right"),
    [
        (lambda x: np.abs(x), -1.0, 1.0),
        (lambda x: np.maximum(x, 0), 0.0, 1.0),
        (lambda x: np.where(x > 0, 2 * x, -x), -1.0, 2.0),
    ],
)
def test_at_a_kink_the_error_estimate_covers_both_slopes(f, left, right):
    res = numeric_gradient(f, [0.0])
    value, error = res.values[0], res.error[0]
    assert abs(value - left) <= error and abs(value - right) <= error


def test_probing_emits_no_warnings():
    x = np.linspace(-2, 2, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        numeric_gradient(lambda x, y: np.asarray(x, dtype=float) * np.log(y), [x, x])
        numeric_hessian(lambda x, y: np.sqrt(x) / y, [x, x])


# --- shapes, NaN, constants, bad input ------------------------------------------------------


def test_nan_points_and_points_outside_the_domain_give_nan():
    x = np.array([np.nan, -1.0, 2.0])
    res = numeric_gradient(lambda x, y: np.log(x) * y, [x, 3.0])
    assert np.isnan(res.values[:, :2]).all()
    np.testing.assert_allclose(res.values[:, 2], [1.5, math.log(2.0)], rtol=1e-15)
    assert np.isnan(numeric_hessian(lambda x, y: np.log(x) * y, [x, 3.0]).values[..., 0]).all()


def test_constant_function_broadcasts_to_the_grid():
    x, y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    g = numeric_gradient(lambda x, y: 3.0, [x, y])
    h = numeric_hessian(lambda x, y: 3.0, [x, y])
    assert g.values.shape == (2, 3, 4) and h.values.shape == (2, 2, 3, 4)
    assert not g.values.any() and not h.values.any()


def test_scalar_points_and_broadcasting():
    g = numeric_gradient(lambda x, y: x**2 * y, [3.0, 2])
    assert g.values.shape == (2,)
    np.testing.assert_allclose(g.values, [12.0, 9.0], rtol=1e-15)
    g = numeric_gradient(lambda x, y: x * y, [np.arange(5.0)[:, None], np.arange(4.0)])
    assert g.values.shape == (2, 5, 4)
    np.testing.assert_array_equal(g.values[0], np.broadcast_to(np.arange(4.0), (5, 4)))


@pytest.mark.parametrize(
    ("f", "points", "method", "match"),
    [
        (lambda x: x, [1.0], "secant", "unknown method"),
        (lambda x, y: x, [np.ones(3), np.ones(4)], "auto", "broadcast"),
        (lambda x: np.ones(7), [np.ones(3)], "auto", "one value per point"),
        (lambda x: math.sin(x), [np.ones(3)], "auto", "np.sin"),
        (lambda x: x * 1j, [np.ones(3)], "auto", "complex"),
        (lambda x: x, 2.0, "auto", "sequence"),
    ],
)
def test_bad_input_raises_domain_error(f, points, method, match):
    with pytest.raises(DomainError, match=match):
        numeric_gradient(f, points, method=method)


def test_grid_400_by_400_uses_complex_step_throughout():
    # Speed is measured in bench/, not asserted here; this checks the vectorised path is taken.
    x, y = np.meshgrid(np.linspace(-3, 3, 400), np.linspace(-3, 3, 400))
    res = numeric_gradient(lambda x, y: np.sin(x) * np.exp(-(y**2)), [x, y])
    assert res.method == "complex-step"
    np.testing.assert_allclose(res.values[0], np.cos(x) * np.exp(-(y**2)), rtol=0, atol=1e-15)


# --- random polynomials, differentiated term by term ----------------------------------------


@st.composite
def polynomials(draw):
    n = draw(st.integers(2, 3))
    terms = draw(
        st.lists(
            st.tuples(st.integers(-5, 5), st.tuples(*[st.integers(0, 4)] * n)),
            min_size=1,
            max_size=6,
        )
    )
    point = draw(st.tuples(*[st.floats(-2, 2, allow_nan=False)] * n))
    return n, terms, np.array(point)


def _poly(terms, xs):
    return sum(c * np.prod([x**e for x, e in zip(xs, exps, strict=True)], axis=0)
               for c, exps in terms)  # fmt: skip


def _poly_partial(terms, xs, i, magnitude=False):
    """∂/∂x_i term by term: c·e_i·x_i^(e_i-1)·(the rest); or the sum of the terms' sizes."""
    total = 0.0
    for c, exps in terms:
        if exps[i] == 0:
            continue
        term = c * exps[i] * xs[i] ** (exps[i] - 1)
        term *= math.prod(x**e for k, (x, e) in enumerate(zip(xs, exps, strict=True)) if k != i)
        total += abs(term) if magnitude else term
    return total


@settings(max_examples=60, deadline=None)
@given(polynomials())
def test_polynomial_gradient_matches_term_by_term_derivative(case):
    n, terms, point = case
    f = lambda *v: _poly(terms, v)  # noqa: E731
    xs = [float(v) for v in point]
    exact = np.array([_poly_partial(terms, xs, i) for i in range(n)])
    size = np.array([_poly_partial(terms, xs, i, magnitude=True) for i in range(n)])
    f_size = sum(abs(c) * math.prod(abs(x) ** e for x, e in zip(xs, exps)) for c, exps in terms)
    auto = numeric_gradient(f, xs)
    assert np.all(np.abs(auto.values - exact) <= 1e-13 * size + 1e-50)  # h² = 1e-60 term
    rich = numeric_gradient(f, xs, method="richardson")
    assert np.all(np.abs(rich.values - exact) <= 1e-8 * (size + f_size + 1))
