"""Fixed-step runs (tol=None) take the check-free chunked path: same results, exact statuses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradscape import descend
from gradscape.optim.driver import CHUNK


@pytest.mark.parametrize("fuse", [True, False], ids=["fused-step", "two-pass"])
@pytest.mark.parametrize("method", ["gd", "momentum", "adam", "lion", "armijo"])
def test_chunked_fused_loop_equals_the_numpy_reference(method: str, fuse: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from gradscape.optim import fused

    monkeypatch.setattr(fused, "FUSE_MIN_WORK", 0 if fuse else 1 << 62)
    # two blocks, one partial; per-start methods run one start at a time in the NumPy
    # reference (plain Python), so they get fewer
    count = 700 if fused.OPTIMIZERS[method].coordinatewise else 16
    starts = np.random.default_rng(3).uniform(-4, 4, size=(count, 2))
    steps = 3 * CHUNK + 5  # whole chunks, then single steps
    fast = descend("himmelblau", starts, method, lr=0.002, steps=steps, tol=None,
                   backend="numba")
    ref = descend("himmelblau", starts, method, lr=0.002, steps=steps, tol=None,
                  backend="numpy")
    # the same operations in the same order: equal to the last bit
    np.testing.assert_array_equal(fast.final, ref.final)
    assert (fast.steps == ref.steps).all() and (fast.status == ref.status).all()


def test_divergence_inside_a_chunk_is_found_at_its_exact_step() -> None:
    # GD on x^2 with lr 1.5 doubles |x| each step: x_k = (-2)^k x0. The run stops at the first
    # k with x_k^2 + (2 x_k)^2 > 1e200, i.e. 5 * 4^k * x0^2 > 1e200.
    x0 = np.array([[1.0], [1e-3], [1e5], [1e-20]])
    expected = [math.ceil(math.log(1e200 / (5 * v * v), 4) - 1e-12) for v in x0[:, 0]]
    batch = descend("x^2", x0, "gd", lr=1.5, steps=400, tol=None, backend="numba")
    assert list(batch.status) == ["diverged"] * 4
    assert batch.steps.tolist() == expected
    assert any(k % CHUNK for k in expected)  # some stop inside a chunk, not at its edge
    ref = descend("x^2", x0, "gd", lr=1.5, steps=400, tol=None, backend="numpy")
    assert batch.steps.tolist() == ref.steps.tolist()
    np.testing.assert_array_equal(batch.final, ref.final)
