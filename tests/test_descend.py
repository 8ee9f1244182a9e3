"""descend(): every method on the published test functions, fused loop against the NumPy oracle,
single start against batch, divergence, kept paths and result objects.

Compiled loops are cached per (formula, method) inside the process, so each test reuses the
loops built by the first one that needs them (the Himmelblau loops are built once).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.errors import DomainError
from gradscape.formula.library import lookup
from gradscape.optim.descend import descend
from gradscape.optim.optimizers import FIRST_ORDER, OPTIMIZERS
from gradscape.optim.result import BatchResult, Trajectory

FUSED = (*FIRST_ORDER, "armijo", "newton", "bfgs", "lbfgs", "cg", "trust-newton")
# Each optimizer's loop is a separate compile (10-25 s each). `make test` checks one loop of each
# kind against the reference: the coordinate-wise chains other tests compile anyway (gd, sgd,
# momentum, nesterov, adam, lion) and the per-start methods newton, bfgs, cg and armijo, which
# exercise every part of the driver; adagrad, rmsprop, adamw, lbfgs and trust-newton differ
# from those only in their pieces and are checked in `make test-slow`.
SHORT = {"gd", "sgd", "momentum", "nesterov", "adam", "lion", "armijo", "newton", "bfgs", "cg"}
FUSED_CASES = [m if m in SHORT else pytest.param(m, marks=pytest.mark.long) for m in FUSED]


@pytest.fixture(scope="module")
def himmelblau() -> Function:
    return Function("himmelblau")


@pytest.fixture(scope="module")
def starts() -> np.ndarray:
    return np.random.default_rng(7).uniform(-5, 5, (600, 2))


def nearest_minimum(name: str, point: np.ndarray) -> float:
    return min(float(np.abs(point - np.array(m.point)).max()) for m in lookup(name).minima)


# (method, function) -> (lr, steps, extra arguments, distance allowed to a published minimum).
# Tuned by hand: adaptive methods hover at a distance ~lr from the minimum, so they get a
# cosine schedule that shrinks the step to 0; AdamW's decay shifts the fixed point slightly.
TUNED = {
    ("gd", "himmelblau"): (0.01, 300, {}, 1e-7),
    ("momentum", "himmelblau"): (0.001, 600, {}, 1e-7),
    ("nesterov", "himmelblau"): (0.005, 400, {}, 1e-7),
    ("adagrad", "himmelblau"): (0.5, 400, {}, 1e-7),
    ("rmsprop", "himmelblau"): (0.01, 2000, {"schedule": "cosine"}, 1e-7),
    ("adam", "himmelblau"): (0.05, 600, {}, 1e-7),
    ("adamw", "himmelblau"): (0.05, 5000, {"schedule": "cosine", "weight_decay": 1e-3}, 1e-3),
    ("newton", "himmelblau"): (1.0, 30, {}, 1e-7),
    ("armijo", "himmelblau"): (1.0, 200, {}, 1e-7),
    ("lion", "himmelblau"): (0.01, 2000, {"schedule": "cosine", "weight_decay": 0.0}, 1e-6),
    ("sgd", "himmelblau"): (0.01, 300, {}, 1e-7),  # without data: gradient descent
    ("gd", "rosenbrock"): (0.001, 20000, {}, 1e-3),
    ("sgd", "rosenbrock"): (0.001, 20000, {}, 1e-3),
    ("momentum", "rosenbrock"): (0.001, 4000, {}, 1e-5),
    ("nesterov", "rosenbrock"): (0.001, 4000, {}, 1e-5),
    ("adagrad", "rosenbrock"): (0.5, 20000, {}, 1e-5),
    ("rmsprop", "rosenbrock"): (0.003, 20000, {"schedule": "cosine"}, 1e-5),
    ("adam", "rosenbrock"): (0.1, 3000, {}, 1e-5),
    ("adamw", "rosenbrock"): (0.05, 5000, {"schedule": "cosine", "weight_decay": 1e-3}, 5e-3),
    ("newton", "rosenbrock"): (1.0, 30, {}, 1e-9),
    ("armijo", "rosenbrock"): (1.0, 20000, {}, 1e-5),
    ("lion", "rosenbrock"): (0.01, 5000, {"schedule": "cosine", "weight_decay": 0.0}, 1e-3),
    ("bfgs", "himmelblau"): (None, 100, {}, 1e-7),
    ("lbfgs", "himmelblau"): (None, 100, {}, 1e-7),
    ("cg", "himmelblau"): (None, 100, {}, 1e-7),
    ("bfgs", "rosenbrock"): (None, 100, {}, 1e-7),
    ("lbfgs", "rosenbrock"): (None, 100, {}, 1e-7),
    ("cg", "rosenbrock"): (None, 100, {}, 1e-7),
    ("trust-newton", "himmelblau"): (None, 100, {}, 1e-7),
    ("trust-newton", "rosenbrock"): (None, 100, {}, 1e-7),
    ("lm", "himmelblau"): (None, 100, {}, 1e-7),
    ("lm", "rosenbrock"): (None, 100, {}, 1e-7),
}
START = {"himmelblau": [0.0, 0.0], "rosenbrock": [-1.2, 1.0]}


@pytest.mark.parametrize(("method", "name"), sorted(TUNED))
def test_each_method_reaches_a_published_minimum(method, name, himmelblau):
    lr, steps, extra, allowed = TUNED[method, name]
    f = himmelblau if name == "himmelblau" else Function(name)
    # Himmelblau runs through the fused loop (the default); Rosenbrock through the NumPy
    # reference, so both paths are checked against the published minima (but Armijo's 14,000
    # line searches on Rosenbrock take 10 s in NumPy: fused there).
    numpy = name == "rosenbrock" and method != "armijo"
    backend = "numpy" if numpy else "auto"
    t = descend(f, START[name], method, lr=lr, steps=steps, tol=1e-8, backend=backend, **extra)
    assert t.status != "diverged"
    assert nearest_minimum(name, t.final) < allowed
    assert t.value < 1e-4 and t.values[-1] <= t.values[0]


@pytest.mark.parametrize("method", FUSED_CASES)
def test_fused_loop_agrees_with_the_numpy_reference(method, himmelblau, starts):
    lr = 0.1 if method == "armijo" else None
    if not OPTIMIZERS[method].coordinatewise:  # the reference runs these start by start
        starts = starts[:60]
    kwargs = dict(method=method, lr=lr, steps=300, tol=1e-8, keep_paths=[0, 5, len(starts) - 1])
    fused = descend(himmelblau, starts, backend="numba", **kwargs)
    ref = descend(himmelblau, starts, backend="numpy", **kwargs)
    assert np.array_equal(fused.steps, ref.steps)
    assert np.array_equal(fused.status, ref.status)
    finite = np.isfinite(ref.final).all(1)
    assert np.array_equal(np.isfinite(fused.final).all(1), finite)
    np.testing.assert_allclose(fused.final[finite], ref.final[finite], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fused.values[finite], ref.values[finite], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fused.paths, ref.paths, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fused.path_values, ref.path_values, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", ["gd", "adam"])
def test_single_start_equals_its_row_in_a_batch(method, himmelblau, starts):
    batch = descend(himmelblau, starts[:40], method, steps=200, keep_paths=True)
    for i in (0, 17, 39):
        alone = descend(himmelblau, starts[i], method, steps=200)
        row = batch.trajectory(i)
        for field in ("points", "values", "grad_norms"):
            assert np.array_equal(getattr(alone, field), getattr(row, field), equal_nan=True)
        assert alone.status == row.status == batch.status[i]
        assert alone.steps == row.steps == batch.steps[i]
        assert np.array_equal(alone.final, batch.final[i])


def test_single_equals_batch_with_transcendental_functions():
    f = Function("sin(x) cos(y) + 0.1(x^2 + y^2)")
    pts = np.random.default_rng(3).uniform(-3, 3, (9, 2))
    batch = descend(f, pts, "rmsprop", steps=150, keep_paths=[4])
    alone = descend(f, pts[4], "rmsprop", steps=150)
    assert np.array_equal(alone.points, batch.trajectory(4).points)
    ref = descend(f, pts, "rmsprop", steps=150, backend="numpy")
    np.testing.assert_allclose(batch.final, ref.final, atol=1e-9)


def test_too_large_a_step_diverges_at_the_predicted_step():
    # GD on x² with lr 1.5: x_k = (−2)^k. Diverged once |x|² + |f'|² = 5·4^k > 1e200.
    k = next(k for k in range(1000) if 5 * 4**k > 10**200)
    for backend in ("numba", "numpy"):
        t = descend("x^2", [1.0], "gd", lr=1.5, steps=1000, backend=backend)
        assert (t.status, t.diverged_at, t.steps) == ("diverged", k, k)
        assert t.final[0] == (-2.0) ** k
        assert t.points[3, 0] == -8.0


def test_nan_is_a_status_not_a_crash(recwarn):
    # sqrt(x) from 1 with lr 1: x = 1, 0.5, 0.5 − 1/√2 < 0, where the gradient is NaN
    for backend in ("numba", "numpy"):
        t = descend("sqrt(x)", [1.0], "gd", lr=1.0, steps=50, backend=backend)
        assert (t.status, t.diverged_at) == ("diverged", 2)
        assert t.points[1, 0] == 0.5 and t.points[2, 0] == pytest.approx(0.5 - 2**-0.5)
        assert json.dumps(t.to_dict(), allow_nan=False)  # NaN becomes null
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_tol_none_runs_exactly_the_steps(himmelblau):
    t = descend(himmelblau, [3.0, 2.0], "gd", steps=25, tol=None)
    assert t.steps == 25 and t.status == "max-steps" and len(t.points) == 26
    t = descend(himmelblau, [3.0, 2.0], "gd", steps=25)  # at a minimum: converged at once
    assert t.steps == 0 and t.status == "converged" and t.grad_norm == 0.0


def test_many_variables_follow_the_closed_form():
    # 6-D bowl Σ c_i x_i² with GD: x_k,i = (1 − 2·lr·c_i)^k x_0,i
    f = Function("u^2 + 2v^2 + 3w^2 + 4x^2 + 5y^2 + 6z^2")
    c = np.arange(1, 7, dtype=float)
    x0 = np.array([1.0, -1.0, 0.5, 2.0, -0.25, 1.5])
    batch = descend(f, np.stack([x0, 2 * x0]), "gd", lr=0.05, steps=30, tol=None, keep_paths=1)
    expect = (1 - 0.1 * c)[None, :] ** np.arange(31)[:, None] * x0
    np.testing.assert_allclose(batch.trajectory(0).points, expect, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(batch.final[1], 2 * expect[-1], rtol=1e-12)


def test_large_batches_keep_no_paths(himmelblau):
    pts = np.random.default_rng(11).uniform(-5, 5, (100_000, 2))
    r = descend(himmelblau, pts, "adam", steps=100, tol=1e-3)
    assert isinstance(r, BatchResult) and len(r) == 100_000
    assert r.paths.shape == (0, 101, 2) and r.paths.nbytes == 0
    assert sum(r.counts().values()) == 100_000
    assert r.final.shape == (100_000, 2) and r.steps.dtype == np.int64
    assert r.status.shape == (100_000,) and set(np.unique(r.status)) <= {"converged", "max-steps"}
    done = r.status == "converged"
    assert np.all(r.grad_norms[done] < 1e-3) and np.all(r.steps[~done] == 100)
    with pytest.raises(DomainError, match="was not kept"):
        r.trajectory(0)


def test_keep_paths_forms(himmelblau, starts):
    pts = starts[:10]
    for keep, kept in [(3, [0, 1, 2]), ([7, 2], [7, 2]), (np.arange(10) % 4 == 0, [0, 4, 8]),
                       (True, list(range(10))), (None, []), (-1 + np.zeros(1, int), [9])]:
        r = descend(himmelblau, pts, "gd", steps=20, keep_paths=keep)
        assert r.path_index.tolist() == kept
        for i in kept:
            assert np.array_equal(r.trajectory(i).points[0], pts[i])
    for bad in ([10], [1, 1], "all", -2):
        with pytest.raises(DomainError):
            descend(himmelblau, pts, "gd", steps=5, keep_paths=bad)


def test_paths_are_copies_and_the_start_is_untouched(himmelblau):
    start = np.array([1.0, 1.0])
    t = descend(himmelblau, start, "momentum", steps=50, tol=None)
    assert start.tolist() == [1.0, 1.0]
    assert len({tuple(p) for p in t.points}) == 51  # every iterate its own row
    start[0] = 99.0
    assert t.points[0].tolist() == [1.0, 1.0]
    assert np.array_equal(t.values, himmelblau(*t.points.T))  # f along the recorded path


def test_trajectory_reports(himmelblau):
    t = descend(himmelblau, [0.0, 0.0], "gd", lr=0.01, steps=300)
    assert isinstance(t, Trajectory) and t.method == "gd" and t.lr == 0.01
    d = json.loads(json.dumps(t.to_dict(max_points=10), allow_nan=False))
    assert d["status"] == "converged" and d["steps"] == t.steps and len(d["points"]) == 10
    assert d["points"][0] == [0.0, 0.0] and d["final"] == t.final.tolist()
    assert d["step_index"][-1] == t.steps and d["variables"] == ["x", "y"]
    page = t._repr_html_()
    assert page.startswith("<table>") and "converged" in page and "<th>x</th>" in page
    assert np.all(np.diff(t.values) <= 1e-12)  # GD with a small step descends monotonically


def test_callables_run_on_the_numpy_backend():
    # np.where keeps SymPy from reading the code: the gradient is numeric (error-bounded)
    f = Function(lambda x, y: np.where(x > 1, (x - 1) ** 2, (1 - x) ** 2) + 10 * (y + 2) ** 2)
    assert not f.is_symbolic
    t = descend(f, [0.0, 0.0], "adam", lr=0.05, steps=2000, tol=1e-6)
    assert t.status == "converged" and np.allclose(t.final, [1, -2], atol=1e-5)
    traced = Function(lambda x, y: (x - 1) ** 2 + 10 * (y + 2) ** 2)  # SymPy reads this one
    t = descend(traced, [0.0, 0.0], "adam", lr=0.05, steps=2000, tol=1e-6, backend="numba")
    assert t.status == "converged" and np.allclose(t.final, [1, -2], atol=1e-5)
    with pytest.raises(DomainError, match="backend 'numba' is not available"):
        descend(f, [1.0, 1.0], "gd", backend="numba")


def test_all_methods_listed_in_the_table_have_a_tuning():
    assert {m for m, _ in TUNED} == set(OPTIMIZERS)


def test_a_second_process_loads_the_compiled_loop_from_disk(tmp_path):
    import os
    import subprocess
    import sys

    # the loop (one per optimizer) and the formula's pieces (one set per formula)
    code = ("import numpy as np; from gradscape.optim.descend import descend; "
            "from gradscape.optim import fused; "
            "descend('x^4 + y^4 - x*y', np.ones((3, 2)), 'nesterov', steps=5, "
            "backend='numba'); "
            "stats = [fused._METHODS['nesterov'][0].stats, "
            "*(p.stats for p in next(iter(fused._PIECES.values())))]; "
            "print(*(f'{len(s.cache_hits)}/{len(s.cache_misses)}' for s in stats))")
    env = {**os.environ, "GRADSCAPE_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=300, check=True).stdout.split() for _ in range(2)]
    count = 1 + 5  # the loop, and grad_block, value_block, value_point, grad_point, hess_point
    assert runs[0] == ["0/1"] * count  # the first process compiles (cache misses) ...
    assert runs[1] == ["1/0"] * count  # ... the second finds all the machine code on disk
