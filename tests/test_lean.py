"""The reference loop's plain-Python path (gradscape.optim.lean) against the array path.

The per-start methods marked ``scalar`` run on Python lists in the reference; the same code
run on NumPy arrays (as written, the way Numba compiles it) is the independent check: IEEE
arithmetic is the same in both, so every number must agree bit for bit. And a step that
raises in Python floats (1/0) is retaken on arrays, where it gives inf as NumPy does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pytest

from gradscape.calculus.function import Function
from gradscape.optim.binding import lane
from gradscape.optim.descend import problem_of
from gradscape.optim.lean import scalar_runner
from gradscape.optim.methods import Method
from gradscape.optim.optimizers import OPTIMIZERS
from gradscape.optim.oracle import Problem
from gradscape.optim.result import empty_raw


def _run(problem, opt, starts, steps=300, tol2=1e-12, keep=(0,)):
    m, n = starts.shape
    raw = empty_raw(m, n, len(keep), steps)
    params = opt.params(opt.defaults())
    run = scalar_runner(problem, opt, params, n)
    slots = {k: i for i, k in enumerate(keep)}
    with np.errstate(all="ignore"):  # as run_reference runs it
        for r in range(m):
            run(r, starts[r], np.full(steps, opt.lr), steps, tol2, slots.get(r, -1), raw)
    return raw


@pytest.mark.parametrize("name", ["bfgs", "lbfgs", "cg", "armijo"])
def test_lists_and_arrays_agree_bit_for_bit(name):
    opt = OPTIMIZERS[name]
    assert opt.method.scalar
    arrays = replace(opt, method=opt.method._replace(scalar=False))
    problem = problem_of(Function("(x^2 + y - 11)^2 + (x + y^2 - 7)^2 + sin(x y)"))
    starts = np.random.default_rng(5).uniform(-4, 4, (6, 2))
    a, b = _run(problem, opt, starts), _run(problem, arrays, starts)
    for field in a._fields:
        assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), field
    assert (a.code == 1).sum() >= 4  # most starts converged: the comparison saw whole runs


@lane
def _divide(x, g, q, w, ev, lr, p, fx):
    # a step of 1/(g - g): Python floats raise ZeroDivisionError, NumPy gives ±inf
    for i in range(len(x)):
        q[i] = x[i] - 1.0 / (g[i] - g[i])
    return 0


class _NoParams(NamedTuple):
    pass


def test_a_step_that_raises_in_python_floats_is_taken_on_arrays():
    opt = replace(OPTIMIZERS["bfgs"], name="divide",
                  method=Method("divide", _NoParams, (), _divide, scalar=True))
    bowl = Problem(grad=lambda x: 2 * x, value=lambda x: (x * x).sum(1))
    raw = _run(bowl, opt, np.array([[1.0, -2.0]]), steps=5, keep=())
    # x - 1/0 = -inf (NumPy's answer): |x|² is inf, so the start diverged at step 1
    assert raw.code[0] == 2 and raw.steps[0] == 1
    assert np.isneginf(raw.final[0]).all()
