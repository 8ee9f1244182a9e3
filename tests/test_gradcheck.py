"""gradient_check against gradients by hand and by SymPy, right and deliberately wrong."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from gradscape.calculus.gradcheck import gradient_check
from gradscape.errors import DomainError

X, Y = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-1.5, 1.5, 31))


def exact_grad(x, y):  # of the tutorial's f(x, y) = x**2 + y**2, by hand
    return np.array([2 * x, 2 * y])


def test_tutorial_gradient_passes_with_zero_error():
    def grad_f(x, y):
        dfdx = 2 * x
        dfdy = 2 * y
        return np.array([dfdx, dfdy])

    report = gradient_check(grad_f, exact_grad, [X, Y])
    assert report.ok
    assert report.max_abs_error == 0.0 and report.max_rel_error == 0.0
    assert report.n_points == X.size and report.n_failed_points == 0
    assert str(report).startswith("Gradient check passed")


def test_wrong_gradient_is_caught_at_the_largest_error():
    report = gradient_check(lambda x, y: np.array([2 * x, 3 * y]), exact_grad, [X, Y])
    assert not report.ok
    # 3y - 2y = y: largest where |y| is largest, in the y component.
    assert report.where.component == 1
    assert abs(report.where.point[1]) == np.abs(Y).max()
    assert report.got == 3 * report.where.point[1] and report.expected == 2 * report.where.point[1]
    assert (X[report.where.index], Y[report.where.index]) == report.where.point
    assert report.max_abs_error == pytest.approx(1.5, rel=1e-15)
    assert report.max_rel_error == pytest.approx(0.5, rel=1e-15)
    assert report.n_failed_points == np.count_nonzero(Y)
    assert report.failing_components == (1,)
    text = str(report)
    assert "FAILED" in text and "∂f/∂y" in text and "y=-1.5" in text


def test_constant_components_are_broadcast():
    # f = x**2 + 3y: the y component is the constant 3, as users write it.
    exact = lambda x, y: [2 * x, np.full_like(y, 3.0)]  # noqa: E731
    as_list = gradient_check(lambda x, y: [2 * x, 3], exact, [X, Y])
    assert as_list.ok and not as_list.pointwise
    # np.array([2 * x, 3]) is ragged for arrays: NumPy raises, so it is retried point by point.
    ragged = gradient_check(lambda x, y: np.array([2 * x, 3]), exact, [X, Y])
    assert ragged.ok and ragged.pointwise and "point by point" in str(ragged)


def test_against_a_sympy_gradient():
    x, y = sp.symbols("x y", real=True)
    f = sp.sin(x) * sp.exp(-(y**2)) + 3 * y
    sympy_grad = sp.lambdify((x, y), [sp.diff(f, v) for v in (x, y)], "numpy")

    def by_hand(x, y):
        return [np.cos(x) * np.exp(-(y**2)), -2 * y * np.sin(x) * np.exp(-(y**2)) + 3]

    report = gradient_check(by_hand, sympy_grad, [X, Y])
    assert report.ok and report.max_rel_error <= 1e-15


def test_tolerance_is_relative_plus_absolute():
    nudged = gradient_check(lambda x, y: exact_grad(x, y) * (1 + 1e-9), exact_grad, [X, Y])
    assert nudged.ok and 0 < nudged.max_rel_error <= 2e-9
    off = gradient_check(lambda x, y: exact_grad(x, y) * (1 + 1e-5), exact_grad, [X, Y])
    assert not off.ok
    loose = gradient_check(
        lambda x, y: exact_grad(x, y) * (1 + 1e-5), exact_grad, [X, Y], rtol=1e-4
    )
    assert loose.ok


def test_nan_must_match_nan():
    x = np.array([-1.0, 0.0, 4.0])
    exact = lambda x, y: [0.5 / np.sqrt(x), 0 * y]  # noqa: E731
    with np.errstate(all="ignore"):
        assert gradient_check(exact, exact, [x, 1.0]).ok
    wrong = gradient_check(lambda x, y: [0.5 / np.sqrt(np.abs(x) + 1e-300), 0], exact, [x, 1.0])
    assert not wrong.ok and wrong.where.index == (0,) and wrong.max_abs_error == np.inf
    assert json.dumps(wrong.to_dict(), allow_nan=False)  # JSON-ready: inf is a string


def test_three_variables_and_names():
    pts = [np.linspace(-1, 1, 5)[:, None, None], np.linspace(0, 2, 4)[None, :, None], 0.5]
    exact = lambda x, y, z: [y * z, x * z, x * y]  # noqa: E731
    report = gradient_check(lambda x, y, z: [y * z, x * z, x * y * 1.1], exact, pts,
                            names=["a", "b", "c"])  # fmt: skip
    assert not report.ok and report.where.component == 2
    assert report.where.point[:2] == (1.0, 2.0) or report.where.point[:2] == (-1.0, 2.0)
    d = report.to_dict()
    assert d["where"]["variable"] == "c" and d["failing_components"] == ["c"]
    assert "∂f/∂c" in str(report)


def test_one_variable_may_return_a_bare_derivative():
    x = np.linspace(0, 3, 7)
    assert gradient_check(lambda x: 3 * x**2, lambda x: [3 * x**2], [x]).ok
    assert gradient_check(lambda x: 3 * x**2, lambda x: 3 * x**2, [2.0]).ok


@pytest.mark.parametrize(
    ("grad_f", "match"),
    [
        (lambda x, y: [2 * x], "1 component"),
        (lambda x, y: [2 * x, np.ones(3)], "component 2 has shape"),
        (lambda x, y: [2 * x, 1j * y], "complex"),
    ],
)
def test_bad_gradients_raise_domain_error(grad_f, match):
    with pytest.raises(DomainError, match=match):
        gradient_check(grad_f, exact_grad, [X, Y])
