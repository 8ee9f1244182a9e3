"""The compiled (Numba) backend agrees with the NumPy reference on every input layout.

Numba compilation is slow, so kernels are shared through module-scoped fixtures and the
random-formula test compiles a handful of batches, each holding several formulas.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_compile_numpy import ACKLEY, HIMMEL, ROSEN
from test_compile_strategies import X, Y, assert_agree, conditioning, expressions, grid_values

from gradscape.compile import AUTO_THRESHOLD, build_kernel
from gradscape.formula.special import cbrt, relu, sigmoid, softplus

numba = pytest.importorskip("numba")

GRADIENTS = [f.diff(v) for f in (ROSEN, HIMMEL, ACKLEY) for v in (X, Y)]


@pytest.fixture(scope="module")
def gradients():
    return build_kernel(GRADIENTS, [X, Y], backend="numba")


def _layouts(xs: np.ndarray, ys: np.ndarray) -> dict[str, list]:
    gx, gy = np.meshgrid(xs, ys)
    n = min(len(xs), len(ys))
    return {
        "meshgrid": [gx, gy],                        # f f (flat loop)
        "axes": [xs[None, :], ys[:, None]],          # r c (grid loop, nothing expanded)
        "swapped axes": [xs[:, None], ys[None, :]],  # c r
        "array and scalar": [gx, float(ys[0])],      # f s
        "points": [xs[:n], ys[:n]],                  # f f, 1-D
        "3-D": [xs[None, None, :], np.stack([ys[:, None]] * 2)],  # r c over (2, m, n)
        "odd broadcast": [np.stack([xs[None, :], xs[None, ::-1]]), ys[:, None]],  # f c
        "transposed": [gx.T, gy.T],                  # non-contiguous inputs
    }


LAYOUTS = list(_layouts(np.zeros(3), np.zeros(2)))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gradients_agree_with_numpy_on_every_layout(gradients, layout):
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.uniform(-5, 5, 37), [0.0, np.nan, np.inf, -1.0]])
    ys = np.concatenate([rng.uniform(-5, 5, 29), [0.0, -np.inf, 2.0]])
    inputs = _layouts(xs, ys)[layout]
    got = gradients(*inputs)
    stable, good = conditioning(gradients, inputs)
    assert_agree(got, gradients(*inputs, backend="numpy"), stable, good, rtol=1e-12)
    assert good.mean() > 0.6  # the check above really compared most points


def test_all_scalar_inputs_and_empty_grids(gradients):
    got = gradients(1.5, -0.5)
    np.testing.assert_allclose(got, gradients(1.5, -0.5, backend="numpy"), rtol=1e-12)
    assert got.shape == (6,)
    assert gradients(np.empty((0, 3)), 1.0).shape == (6, 0, 3)


def test_out_in_place_strided_and_auto(gradients):
    xs = np.linspace(-4, 4, 256)
    big = np.full((6, 300, 256), np.nan)
    slab = big[:, 10:266]  # a block of rows in a bigger array: written in place
    assert gradients(xs[None, :], xs[:, None], out=slab) is slab
    ref = gradients(xs[None, :], xs[:, None], backend="numpy")
    np.testing.assert_allclose(slab, ref, rtol=1e-12)
    assert np.isnan(big[:, :10]).all() and np.isnan(big[:, 266:]).all()
    auto = build_kernel(GRADIENTS, [X, Y])  # "auto": compiled above the threshold
    assert xs.size**2 >= AUTO_THRESHOLD
    np.testing.assert_allclose(auto(xs[None, :], xs[:, None]), ref, rtol=1e-12)


def test_float32_computes_and_returns_float32():
    kernel = build_kernel(GRADIENTS, [X, Y], backend="numba", dtype=np.float32)
    gx, gy = np.meshgrid(np.linspace(-4, 4, 50), np.linspace(-3, 3, 40))
    got = kernel(gx, gy)
    assert got.dtype == np.float32
    reference = build_kernel(GRADIENTS, [X, Y], backend="numpy")
    ref = reference(gx, gy)
    _, good = conditioning(reference, [gx, gy])
    np.testing.assert_allclose(got[good], ref[good], rtol=2e-4, atol=1e-5)


# Hand-checked semantics, identical on both backends: SymPy's conventions, NaN in -> NaN out.
POINTS = np.array([-1000.0, -2.0, 0.0, 1.5, 1000.0, np.nan, np.inf, -np.inf])
SEMANTICS = {
    sp.Heaviside(X): [0, 0, 0.5, 1, 1, math.nan, 1, 0],
    sp.sign(X): [-1, -1, 0, 1, 1, math.nan, 1, -1],
    sp.Max(X, sp.Rational(1, 4)): [0.25, 0.25, 0.25, 1.5, 1000, math.nan, math.inf, 0.25],
    sp.Min(X, sp.Rational(1, 4)): [-1000, -2, 0, 0.25, 0.25, math.nan, 0.25, -math.inf],
    relu(X): [0, 0, 0, 1.5, 1000, math.nan, math.inf, 0],
    sp.DiracDelta(X): [0, 0, math.nan, 0, 0, math.nan, 0, 0],  # no number at 0
    1 / sp.DiracDelta(X): [math.inf, math.inf, math.nan, math.inf, math.inf, math.nan,
                           math.inf, math.inf],  # 1/0 as anywhere else, never an exception
    # NumPy's real power: NaN for a negative base, but IEEE 754 pow(-inf, 1/3) is +inf.
    X ** sp.Rational(1, 3): [math.nan, math.nan, 0, 1.5 ** (1 / 3), 10, math.nan, math.inf,
                             math.inf],
    cbrt(X): [-10, -(2 ** (1 / 3)), 0, 1.5 ** (1 / 3), 10, math.nan, math.inf, -math.inf],
    1 / X: [-0.001, -0.5, math.inf, 1 / 1.5, 0.001, math.nan, 0, 0],
    sp.log(X): [math.nan, math.nan, -math.inf, math.log(1.5), math.log(1000), math.nan,
                math.inf, math.nan],
    sigmoid(X): [0, 1 / (1 + math.exp(2)), 0.5, 1 / (1 + math.exp(-1.5)), 1, math.nan, 1, 0],
    softplus(X): [0, math.log1p(math.exp(-2)), math.log(2), 1.5 + math.log1p(math.exp(-1.5)),
                  1000, math.nan, math.inf, 0],
    sp.Piecewise((1, X > 1), (2, X > -1)): [math.nan, math.nan, 2, 1, 1, math.nan, 1,
                                            math.nan],
}


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_hand_checked_semantics(backend):
    kernel = build_kernel(list(SEMANTICS), [X], backend=backend)
    got = kernel(POINTS)
    for row, (expr, want) in zip(got, SEMANTICS.items()):
        np.testing.assert_allclose(row, want, rtol=1e-15, err_msg=str(expr))


def test_scalar_function_fuses_into_jitted_loops():
    grad = build_kernel([HIMMEL.diff(X), HIMMEL.diff(Y)], [X, Y]).scalar()
    value = build_kernel([HIMMEL], [X, Y]).scalar()

    @numba.njit
    def descend(x, y, steps, lr):
        for _ in range(steps):
            gx, gy = grad(x, y)
            x, y = x - lr * gx, y - lr * gy
        return x, y, value(x, y)

    x, y, f = descend(1.0, 1.0, 2000, 0.01)
    assert (x, y) == pytest.approx((3.0, 2.0), abs=1e-9)  # Himmelblau's minimum at (3, 2)
    assert isinstance(f, float) and f < 1e-15
    assert grad(1.0, -2.0) == tuple(build_kernel(GRADIENTS[2:4], [X, Y])(1.0, -2.0))


_VALUES = arrays(np.float64, st.integers(3, 9), elements=grid_values())


@settings(max_examples=5, deadline=None)
@given(exprs=st.lists(expressions(), min_size=4, max_size=6),
       layout=st.sampled_from(["meshgrid", "axes", "array and scalar", "3-D"]),
       xs=_VALUES, ys=_VALUES)
def test_random_formulas_agree_with_numpy(exprs, layout, xs, ys):
    kernel = build_kernel(exprs, [X, Y], backend="numba")
    inputs = _layouts(xs, ys)[layout]
    stable, good = conditioning(kernel, inputs)
    assert_agree(kernel(*inputs), kernel(*inputs, backend="numpy"), stable, good, rtol=1e-12)
