"""Many threads calling the library at once (a web server does): same answers as one at a time.

The compiled loops and kernels share one thread pool and bounded, locked caches; nothing
changes a process-wide setting around a call. Each test runs the same work sequentially
first (the reference) and then from several threads at once, on fresh Function objects so
that building, caching and running all overlap.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.optim.descend import descend

JOBS = [  # (formula, method, lr): different formulas and methods, so builds overlap too
    ("himmelblau", "gd", 0.01),
    ("x^4 + 2y^4 - x y", "momentum", 0.01),
    ("himmelblau", "adam", 0.05),
    ("(1 - x)^2 + 10(y - x^2)^2", "newton", 1.0),
]


def _run(job: tuple[str, str, float], starts: np.ndarray, tol: float | None):
    formula, method, lr = job
    return descend(Function(formula), starts, method, lr=lr, steps=60, tol=tol,
                   backend="numba")


def _in_threads(work, count: int) -> list:
    results: list = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body(k: int) -> None:
        try:
            barrier.wait()
            results[k] = work(k)
        except BaseException as err:  # reported below, in the test's own thread
            errors.append(err)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("tol", [1e-8, None], ids=["checked", "fixed-steps"])
def test_descend_from_many_threads_equals_descend_alone(tol, monkeypatch):
    from gradscape.optim import fused

    monkeypatch.setattr(fused, "FUSE_MIN_WORK", 0)  # fixed steps: the fused step, compiled too
    # 2,600 starts: several blocks, so each call also splits work over the shared pool
    starts = np.random.default_rng(5).uniform(-3, 3, (2600, 2))
    alone = [_run(job, starts, tol) for job in JOBS]
    together = _in_threads(lambda k: _run(JOBS[k % len(JOBS)], starts, tol), 2 * len(JOBS))
    assert len(together) == 2 * len(JOBS)
    for k, got in enumerate(together):
        want = alone[k % len(JOBS)]
        assert np.array_equal(got.final, want.final, equal_nan=True)
        assert np.array_equal(got.steps, want.steps)
        assert np.array_equal(got.status_codes, want.status_codes)


def test_kernels_from_many_threads_equal_kernels_alone():
    x = np.linspace(-2, 2, 300)
    X, Y = np.meshgrid(x, x)  # 90,000 points: above the compiled kernels' threshold
    formulas = ["sin(x) cos(y) + x^2", "exp(-(x^2 + y^2)) * atan2(y, x)", "ackley"]
    alone = [Function(text).grad(X, Y) for text in formulas]
    together = _in_threads(lambda k: Function(formulas[k % 3]).grad(X, Y), 6)
    for k, got in enumerate(together):
        assert np.array_equal(got, alone[k % 3], equal_nan=True)
