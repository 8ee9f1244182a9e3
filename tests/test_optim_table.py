"""The optimizer table, schedules and hyper-parameter checks against hand-derived references.

Every reference here is worked out independently of the code: closed forms of linear
recurrences (matrix powers), first steps derived by hand, and schedule formulas.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.errors import DomainError
from gradscape.optim.descend import descend
from gradscape.optim.optimizers import OPTIMIZERS, lookup
from gradscape.optim.reference import Problem, run_reference
from gradscape.optim.schedules import (
    constant,
    cosine,
    exponential_decay,
    resolve_schedule,
    step_decay,
)


def quadratic(A: np.ndarray) -> Problem:
    """f(x) = ½ xᵀAx on rows of points: gradient Ax, Hessian A; for positive definite A also
    the residuals R = Lᵀx/√2 (A = LLᵀ), so f = |R|², and their Jacobian Lᵀ/√2."""
    try:
        root = np.linalg.cholesky(A).T / np.sqrt(2.0)
    except np.linalg.LinAlgError:
        root = None
    return Problem(grad=lambda x: x @ A.T, value=lambda x: 0.5 * np.einsum("mi,ij,mj->m", x, A, x),
                   hess=lambda x: np.broadcast_to(A, (len(x), *A.shape)),
                   residuals=None if root is None else lambda x: x @ root.T,
                   jacobian=None if root is None else
                   lambda x: np.broadcast_to(root, (len(x), *root.shape)))


def run(problem: Problem, method: str, x0, steps: int, lr: float, **hyper):
    opt = OPTIMIZERS[method]
    lr, hp = opt.check(lr, hyper)
    raw = run_reference(problem, opt, hp, np.atleast_2d(np.asarray(x0, float)),
                        np.full(steps, lr), steps, -1.0, np.array([0]))
    return raw.paths[0]


# ---- schedules ---------------------------------------------------------------------------
def test_schedules_follow_their_formulas():
    t = np.arange(12)
    assert np.array_equal(constant().rates(0.3, 12), np.full(12, 0.3))
    assert np.allclose(step_decay(every=5, factor=0.1).rates(2.0, 12),
                       [2.0] * 5 + [0.2] * 5 + [0.02] * 2, rtol=1e-15)
    assert np.allclose(exponential_decay(0.9).rates(1.0, 12), [0.9**k for k in t], rtol=1e-15)
    # cosine over 10 steps from 1 to 0.1, then held at the floor
    expect = [0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)) for k in t]
    got = cosine(steps=10, floor=0.1).rates(1.0, 12)
    assert np.allclose(got, expect, rtol=1e-15)
    assert got[0] == 1.0 and got[5] == pytest.approx(0.55) and got[10] == got[11] == 0.1


def test_cosine_without_steps_spans_the_run():
    rates = cosine().rates(0.5, 7)
    assert rates[0] == 0.5 and rates[-1] == 0.0 and rates[3] == pytest.approx(0.25)
    assert np.all(np.diff(rates) < 0)


def test_schedule_names_and_errors():
    assert resolve_schedule(None).name == "constant"
    assert resolve_schedule("exponential").describe() == "exponential(rate=0.99)"
    with pytest.raises(DomainError, match="unknown schedule 'linear'"):
        resolve_schedule("linear")
    for bad in (lambda: step_decay(every=0), lambda: step_decay(factor=1.5),
                lambda: exponential_decay(0.0), lambda: cosine(steps=0),
                lambda: cosine(floor=-0.1)):
        with pytest.raises(DomainError):
            bad()


def test_schedule_drives_descent():
    # GD on x²/2 (gradient x) with rate 0.5·0.5^k: x_{k+1} = x_k (1 − 0.5^{k+1})
    t = descend("x^2/2", [1.0], "gd", lr=0.5, steps=6, tol=None,
                schedule=exponential_decay(0.5), backend="numpy")
    expect = np.cumprod([1.0] + [1 - 0.5 ** (k + 1) for k in range(6)])
    assert np.allclose(t.points[:, 0], expect, rtol=1e-14)
    assert t.schedule == "exponential(rate=0.5)"


# ---- hyper-parameter validation ------------------------------------------------------------
@pytest.mark.parametrize(("method", "lr", "hyper", "words"), [
    ("gd", 0.0, {}, "lr must be a number > 0"),
    ("gd", -1.0, {}, "lr must be a number > 0"),
    ("gd", float("nan"), {}, "lr must be a number > 0"),
    ("momentum", None, {"beta": 1.0}, "beta must be a number in [0, 1)"),
    ("momentum", None, {"beta": -0.1}, "beta must be a number in [0, 1)"),
    ("adam", None, {"b2": 1.0}, "b2 must be a number in [0, 1)"),
    ("adam", None, {"eps": 0.0}, "eps must be a number > 0"),
    ("rmsprop", None, {"eps": -1e-8}, "eps must be a number > 0"),
    ("adamw", None, {"weight_decay": -0.1}, "weight_decay must be a number >= 0"),
    ("newton", None, {"floor": 0.0}, "floor must be a number > 0"),
    ("armijo", None, {"shrink": 1.0}, "shrink must be a number in (0, 1)"),
    ("armijo", None, {"max_backtracks": 0}, "max_backtracks must be a whole number"),
    ("momentum", None, {"nesterov": 1}, "nesterov must be True or False"),
    ("adam", None, {"beta": 0.9}, "adam has no hyper-parameter 'beta'"),
    ("nesterov", None, {"nesterov": False}, "nesterov fixes nesterov=True"),
    ("gd", True, {}, "lr must be a number > 0"),
])
def test_bad_hyper_parameters_are_refused(method, lr, hyper, words):
    with pytest.raises(DomainError) as err:
        OPTIMIZERS[method].check(lr, hyper)
    assert words in str(err.value)


def test_descend_checks_its_own_arguments():
    for kwargs, words in [({"steps": -1}, "steps must be"), ({"steps": 2.5}, "steps must be"),
                          ({"tol": 0.0}, "tol must be"), ({"backend": "gpu"}, "unknown backend"),
                          ({"method": "lbfgs-b"}, "unknown method 'lbfgs-b'")]:
        with pytest.raises(DomainError, match=words):
            descend("x^2 + y^2", [1.0, 1.0], **kwargs)
    with pytest.raises(DomainError, match=r"shape \(2,\) for one point or \(M, 2\)"):
        descend("x^2 + y^2", [1.0, 1.0, 1.0])
    with pytest.raises(DomainError, match="no variables"):
        descend("3", [1.0])


def test_lookup_is_case_insensitive_and_lists_choices():
    assert lookup(" AdamW ").name == "adamw"
    with pytest.raises(DomainError, match="gd, momentum, nesterov"):
        lookup("sgd2")


# ---- closed forms on quadratics -------------------------------------------------------------
def test_gd_on_a_bowl_matches_the_matrix_power():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x0, lr = np.array([1.0, -2.0]), 0.2
    path = run(quadratic(A), "gd", x0, 40, lr)
    step = np.eye(2) - lr * A
    expect = np.array([np.linalg.matrix_power(step, k) @ x0 for k in range(41)])
    assert np.allclose(path, expect, rtol=1e-12, atol=1e-300)
    # each step contracts by at most ρ = max|1 − lr·λ|, and asymptotically by exactly ρ
    rho = np.abs(1 - lr * np.linalg.eigvalsh(A)).max()
    norms = np.linalg.norm(path, axis=1)
    assert np.all(norms[1:] <= rho * norms[:-1] * (1 + 1e-12))
    assert norms[40] / norms[39] == pytest.approx(rho, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.1, 10.0), min_size=1, max_size=4),
       st.floats(0.01, 0.15), st.floats(-3, 3))
def test_gd_on_diagonal_bowls_is_geometric(curvatures, lr, x):
    lam = np.array(curvatures)
    path = run(quadratic(np.diag(lam)), "gd", np.full(len(lam), x), 12, lr)
    expect = (1 - lr * lam)[None, :] ** np.arange(13)[:, None] * x
    assert np.allclose(path, expect, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_on_a_line_matches_its_linear_recurrence(nesterov):
    lam, lr, beta, x0 = 2.0, 0.1, 0.7, 1.5
    path = run(quadratic(np.array([[lam]])), "momentum", [x0], 30, lr, beta=beta,
               nesterov=nesterov)
    # state (x, v): v' = βv + λx; x' = x − lr·v' (heavy ball) or x − lr(λx + βv') (Nesterov)
    if nesterov:
        T = np.array([[1 - lr * lam - lr * beta * lam, -lr * beta * beta], [lam, beta]])
    else:
        T = np.array([[1 - lr * lam, -lr * beta], [lam, beta]])
    expect = [(np.linalg.matrix_power(T, k) @ [x0, 0.0])[0] for k in range(31)]
    assert np.allclose(path[:, 0], expect, rtol=1e-11, atol=1e-14)


def test_first_steps_of_the_adaptive_methods_by_hand():
    bowl = quadratic(np.diag([2.0, 2.0]))  # gradient 2x
    x0 = np.array([1.0, -2.0])  # gradient (2, −4)
    lr = 0.1
    # AdaGrad: acc = g² → step lr·g/(|g| + eps); second step acc = g1² + g2²
    p = run(bowl, "adagrad", x0, 2, lr)
    x1 = x0 - lr * np.sign(x0) * (2 * np.abs(x0)) / (2 * np.abs(x0) + 1e-8)
    assert np.allclose(p[1], x1, rtol=1e-15)
    g0, g1 = 2 * x0, 2 * x1
    assert np.allclose(p[2], x1 - lr * g1 / (np.sqrt(g0**2 + g1**2) + 1e-8), rtol=1e-15)
    # RMSProp: v = (1 − β) g² → step lr·g/(√(1 − β)|g| + eps)
    p = run(bowl, "rmsprop", x0, 1, lr, beta=0.9)
    assert np.allclose(p[1], x0 - lr * g0 / (math.sqrt(0.1) * np.abs(g0) + 1e-8), rtol=1e-14)
    # Adam: bias correction makes m̂ = g and v̂ = g²: the first step is lr·sign(g)
    p = run(bowl, "adam", x0, 1, lr)
    assert np.allclose(p[1], x0 - lr * np.sign(g0), rtol=1e-8)


def test_adamw_decays_weights_by_lr_times_wd_where_the_gradient_vanishes():
    # f constant: g = 0, so Adam's direction is 0 and x shrinks by (1 − lr·wd) per step
    flat = Problem(grad=lambda x: np.zeros_like(x), value=lambda x: np.zeros(len(x)))
    p = run(flat, "adamw", [2.0, -1.0], 5, 0.1, weight_decay=0.5)
    assert np.allclose(p, np.outer(0.95 ** np.arange(6), [2.0, -1.0]), rtol=1e-14)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_newton_lands_on_a_bowl_minimum_in_one_step(backend):
    t = descend("x^2 + x*y + 2y^2 - 3x", [5.0, -4.0], "newton", steps=1, tol=None,
                backend=backend)
    # ∇f = (2x + y − 3, x + 4y) = 0 at (12/7, −3/7)
    assert np.allclose(t.points[1], [12 / 7, -3 / 7], atol=1e-12)
    # three variables, every pair coupled: the fused loop's Jacobi rotations must converge
    f = "x^2 + 2y^2 + 3z^2 + x*y - y*z + 0.5x*z - x + 2z"
    A = np.array([[2.0, 1.0, 0.5], [1.0, 4.0, -1.0], [0.5, -1.0, 6.0]])  # ∇f = A·p + (−1, 0, 2)
    t = descend(f, [3.0, -2.0, 1.0], "newton", steps=1, tol=None, backend=backend)
    assert np.allclose(t.points[1], np.linalg.solve(A, [1.0, 0.0, -2.0]), atol=1e-12)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_newton_flips_negative_curvature_and_floors_flat_directions(backend):
    # saddle x² − y²: |H| = diag(2, 2), so x goes to 0 and y doubles (away from the saddle)
    t = descend("x^2 - y^2", [1.0, 0.5], "newton", steps=1, tol=None, backend=backend)
    assert np.allclose(t.points[1], [0.0, 1.0], atol=1e-15)
    assert t.values[1] < t.values[0]
    # a rotated saddle: the step must still descend
    t = descend("x*y", [1.0, 0.3], "newton", steps=1, tol=None, backend=backend)
    assert t.values[1] < t.values[0]
    # curvature 2e-8 < floor 1e-6: the step in x is g/floor = 2e-8·x/1e-6 = 0.02·x
    t = descend("1e-8 x^2 + y^2", [1.0, 1.0], "newton", steps=1, tol=None, floor=1e-6,
                backend=backend)
    assert np.allclose(t.points[1], [0.98, 0.0], atol=1e-12)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_newton_where_the_hessian_is_undefined_stops_as_diverged(backend):
    # |x|^1.5 has an infinite second derivative at 0 (the gradient there is 0)
    t = descend("abs(x)^1.5 + y^2", [0.0, 1.0], "newton", steps=3, tol=None, backend=backend)
    assert (t.status, t.diverged_at) == ("diverged", 1)


def test_armijo_halves_until_sufficient_decrease():
    # on x², the trial rate 1 overshoots to −x (no decrease); 0.5 lands exactly on 0
    t = descend("x^2", [3.0], "armijo", steps=5, tol=1e-12, backend="numpy")
    assert t.points[:, 0].tolist() == [3.0, 0.0] and t.status == "converged"
    # a start whose every trial increases f takes the smallest trial: lr·shrink^(K−1)
    t = descend("-x^2", [0.0], "armijo", steps=1, tol=None, backend="numpy")
    assert t.points[1, 0] == 0.0  # zero gradient: no move at all


def test_every_row_is_complete_and_documented():
    for name, opt in OPTIMIZERS.items():
        assert opt.name == name and opt.lr > 0 and opt.summary and opt.source
        lr, hp = opt.check(None, {})
        assert lr == opt.lr and set(hp) == {h.name for h in opt.hyper}
        x0 = np.array([0.5, -0.25])
        path = run(quadratic(np.eye(2)), name, x0, 1, 0.1)
        step = path[1] - path[0]
        assert np.all(step * x0 < 0)  # every method descends on a bowl
        # every hyper-parameter reaches the loops, in the pieces' (or method's) own order
        params = opt.params(hp)
        fields = [f for p in params for f in p._fields] if opt.coordinatewise \
            else list(params._fields)
        assert fields == [h.name for h in opt.hyper]
