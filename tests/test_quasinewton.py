"""BFGS, L-BFGS and CG against their theory and against SciPy.

- the strong Wolfe conditions hold at every accepted step (checked with hand-written f, ∇f);
- BFGS's inverse Hessian stays symmetric positive definite;
- on convex quadratics with exact line searches, CG and BFGS finish in at most n iterations;
- the classic problems of Moré, Garbow & Hillstrom reach their published minima, with
  gradient evaluations compared with scipy.optimize.minimize(method="BFGS").

All on the NumPy reference (no JIT); the fused loop is held to the reference in test_descend.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.optim.classic import CLASSIC, solved
from gradscape.optim.descend import descend, problem_of
from gradscape.optim.methods import BFGS
from gradscape.optim.oracle import Problem, numpy_pieces
from gradscape.optim.quasinewton import HEAD, BfgsParams, bfgs

scipy_optimize = pytest.importorskip("scipy.optimize")


def rosen(x: np.ndarray) -> float:
    return float(100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2)


def rosen_grad(x: np.ndarray) -> np.ndarray:
    return np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]),
                     200 * (x[1] - x[0] ** 2)])


def beale(x: np.ndarray) -> float:
    a, b = x
    return float((1.5 - a + a * b) ** 2 + (2.25 - a + a * b * b) ** 2
                 + (2.625 - a + a * b ** 3) ** 2)


def beale_grad(x: np.ndarray) -> np.ndarray:
    a, b = x
    r = np.array([1.5 - a + a * b, 2.25 - a + a * b * b, 2.625 - a + a * b ** 3])
    da = np.array([b - 1, b * b - 1, b ** 3 - 1])
    db = np.array([a, 2 * a * b, 3 * a * b * b])
    return np.array([2 * r @ da, 2 * r @ db])


CASES = [("rosenbrock", rosen, rosen_grad, [-1.2, 1.0]), ("beale", beale, beale_grad, [1.0, 1.0])]


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg"])
@pytest.mark.parametrize(("name", "f", "grad", "x0"), CASES, ids=[c[0] for c in CASES])
def test_strong_wolfe_holds_at_every_accepted_step(method, name, f, grad, x0):
    t = descend(name, x0, method, steps=200, tol=1e-10, backend="numpy")
    assert t.status == "converged"
    c1 = 1e-4
    c2 = 0.1 if method == "cg" else 0.9
    checked = 0
    for a, b in zip(t.points[:-1], t.points[1:], strict=True):
        s = b - a  # = α·d with α > 0: both conditions are invariant under that scaling
        slope0 = grad(a) @ s
        assert slope0 < 0  # a descent direction
        assert f(b) <= f(a) + c1 * slope0 + 1e-12 * abs(f(a))
        assert abs(grad(b) @ s) <= c2 * abs(slope0) + 1e-12
        checked += 1
    assert checked == t.steps >= 10


def test_bfgs_inverse_hessian_stays_positive_definite():
    # step BFGS by hand on Rosenbrock and look at H after every update
    problem = Problem(grad=lambda x: np.array([rosen_grad(r) for r in x]),
                      value=lambda x: np.array([rosen(r) for r in x]))
    fx = numpy_pieces(problem)[2:]
    n, p = 2, BfgsParams(1e-4, 0.9)
    w = np.zeros(BFGS.width(n, p))
    ev = np.zeros(3, np.int64)
    x = np.array([-1.2, 1.0])
    g = rosen_grad(x)
    smallest = []
    for _ in range(30):
        if np.linalg.norm(g) < 1e-9:
            break
        q = np.empty(n)
        assert bfgs(x, g, q, w, ev, 1.0, p, fx) == 0
        h = w[n + HEAD:].reshape(n, n)
        np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-14)
        smallest.append(np.linalg.eigvalsh(h)[0])
        x, g = q, w[:n].copy()
        np.testing.assert_array_equal(g, rosen_grad(x))  # the handed-over gradient
    assert len(smallest) >= 20 and min(smallest) > 0


def quadratic_formula(a: np.ndarray, b: np.ndarray) -> str:
    n = len(b)
    terms = [f"{a[i, j] / 2}*x{i + 1}*x{j + 1}" for i in range(n) for j in range(n)]
    return " + ".join(terms) + " - (" + " + ".join(f"{b[i]}*x{i + 1}" for i in range(n)) + ")"


@pytest.mark.parametrize("method", ["cg", "bfgs"])
def test_convex_quadratics_finish_in_at_most_n_iterations(method):
    rng = np.random.default_rng(5)
    checked = 0
    for n in (3, 5, 7):
        m = rng.integers(-3, 4, (n, n)).astype(float)
        a = m @ m.T + n * np.eye(n)  # symmetric positive definite, small integers
        b = rng.integers(-5, 6, n).astype(float)
        # c2 tiny: the line search is exact up to rounding, as the theory assumes
        t = descend(quadratic_formula(a, b), np.zeros(n), method, steps=3 * n, tol=1e-8,
                    backend="numpy", c2=1e-10)
        assert t.status == "converged" and t.steps <= n
        np.testing.assert_allclose(t.final, np.linalg.solve(a, b), atol=1e-8)
        checked += 1
    assert checked == 3


def scipy_bfgs(problem, x0):
    fun = lambda x: float(problem.value(x[None])[0])  # noqa: E731
    jac = lambda x: problem.grad(x[None])[0]  # noqa: E731
    return scipy_optimize.minimize(fun, np.array(x0), jac=jac, method="BFGS",
                                   options={"gtol": 1e-5})


@pytest.mark.parametrize("name", list(CLASSIC))
def test_classic_problems_reach_published_minima_like_scipy(name):
    p = CLASSIC[name]
    f = Function(p.formula)
    ref = scipy_bfgs(problem_of(f), p.start)
    runs = {m: descend(f, list(p.start), m, steps=3000, tol=1e-5, backend="numpy")
            for m in ("bfgs", "lbfgs", "cg")}
    for m, t in runs.items():
        assert t.status in ("converged", "line-search-failed"), (m, t.status)
    # whatever SciPy's BFGS solves, BFGS solves too, with at most ~1.3× its gradients
    # (SciPy's gtol is on max|∂f/∂xᵢ|, ours on |∇f|: ours is the stricter test)
    if solved(ref.fun, p):
        assert solved(runs["bfgs"].value, p)
        assert runs["bfgs"].evaluations[1] <= 1.3 * ref.njev + 5
    assert solved(runs["lbfgs"].value, p) or not solved(ref.fun, p)


def test_bfgs_uses_no_more_gradients_than_scipy_on_most_classic_problems():
    fewer = 0
    for p in CLASSIC.values():
        f = Function(p.formula)
        ref = scipy_bfgs(problem_of(f), p.start)
        t = descend(f, list(p.start), "bfgs", steps=3000, tol=1e-5, backend="numpy")
        fewer += t.evaluations[1] <= ref.njev
    assert fewer > len(CLASSIC) // 2


@pytest.mark.slow
def test_extended_rosenbrock_100_variables():
    from gradscape.optim.classic import extended_rosenbrock

    t = descend(extended_rosenbrock(100), [-1.2, 1.0] * 50, "lbfgs", steps=2000, tol=1e-6,
                backend="numpy")
    assert t.status == "converged" and np.allclose(t.final, 1.0, atol=1e-5)
