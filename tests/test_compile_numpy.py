"""The NumPy backend, the reference for every other one, checked against mpmath."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_compile_strategies import X, Y, conditioning, expressions, mp_eval

from gradscape.compile import Kernel, build_kernel
from gradscape.compile.codegen import lower, render
from gradscape.compile.numpy_backend import numpy_source
from gradscape.errors import DomainError, GradscapeError
from gradscape.formula.special import cbrt, relu, sigmoid, softplus

ROSEN = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
HIMMEL = (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2
ACKLEY = (-20 * sp.exp(-sp.Rational(1, 5) * sp.sqrt(sp.Rational(1, 2) * (X**2 + Y**2)))
          - sp.exp(sp.Rational(1, 2) * (sp.cos(2 * sp.pi * X) + sp.cos(2 * sp.pi * Y)))
          + sp.E + 20)

# (expression, x range, y range): ranges straddle domain edges so NaN masks are checked too.
TABLE = [
    (sp.sin(X) * sp.cos(Y), (-10, 10), (-10, 10)),
    (sp.tan(X), (-1.5, 1.5), (0, 1)),
    (sp.sec(X) + sp.csc(Y), (-1.5, 1.5), (0.1, 3)),
    (sp.cot(X), (0.1, 3), (0, 1)),
    (sp.asin(X) + sp.acos(Y), (-1.2, 1.2), (-1.2, 1.2)),
    (sp.atan(X), (-50, 50), (0, 1)),
    (sp.atan2(Y, X), (-3, 3), (-3, 3)),
    (sp.sinh(X) * sp.cosh(Y), (-20, 20), (-20, 20)),
    (sp.tanh(X), (-20, 20), (0, 1)),
    (sp.asinh(X) + sp.acosh(Y), (-50, 50), (0.5, 10)),
    (sp.atanh(X), (-1.2, 1.2), (0, 1)),
    (sp.exp(X), (-700, 700), (0, 1)),
    (sp.log(X) + sp.sqrt(Y), (-1, 10), (-1, 10)),
    (sp.Abs(X) * Y + sp.sign(Y), (-3, 3), (-3, 3)),
    (sp.Heaviside(X) + sp.Max(X, Y) - sp.Min(X, Y, sp.Rational(1, 2)), (-1, 1), (-1, 1)),
    (sigmoid(X) + softplus(Y), (-40, 40), (-40, 40)),
    (relu(X) * cbrt(Y), (-1, 1), (-10, 10)),
    (X ** sp.Rational(1, 3) + Y**5, (-8, 8), (-3, 3)),
    (X**-3 + Y ** sp.Rational(5, 2), (0.5, 3), (-1, 4)),
    (X ** sp.Rational(-1, 2) * 2**Y, (-1, 4), (-10, 10)),
    (X**Y, (0.1, 3), (-3, 3)),
    ((X * Y) ** sp.Float(0.75) + 2 * X / 3 + Y / 7 + sp.pi * X + sp.E, (-2, 2), (-2, 2)),
    (sp.Piecewise((X**2, X > 0), (-X, Y < 0), (sp.nan, True)), (-1, 1), (-1, 1)),
    (sp.exp(-(X**2) / 2) / sp.sqrt(2 * sp.pi) + sp.DiracDelta(X) * Y, (-5, 5), (0, 1)),
    (ROSEN.diff(X) + ROSEN.diff(Y), (-2, 2), (-1, 3)),
    (HIMMEL.diff(X) * HIMMEL.diff(Y), (-5, 5), (-5, 5)),
    (ACKLEY.diff(X), (-5, 5), (-5, 5)),
]


def _mp_reference(expr: sp.Expr, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    with mp.workdps(40):
        return np.array([float(mp_eval(expr, {X: a, Y: b})) for a, b in zip(xs, ys)])


def _classes(a: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(a), 0, np.where(np.isinf(a), np.sign(a) * 2, 1))


@pytest.mark.parametrize("expr, xr, yr", TABLE, ids=[str(i) for i in range(len(TABLE))])
def test_numpy_matches_mpmath(expr, xr, yr):
    rng = np.random.default_rng(len(str(expr)))
    xs, ys = rng.uniform(*xr, 60), rng.uniform(*yr, 60)
    got = build_kernel([expr], [X, Y], backend="numpy")(xs, ys)[0]
    ref = _mp_reference(expr, xs, ys)
    assert (_classes(got) == _classes(ref)).all()
    finite = np.isfinite(ref)
    np.testing.assert_allclose(got[finite], ref[finite], rtol=2e-13, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), data=st.data())
def test_random_formulas_match_mpmath(expr, data):
    # mpmath has no -0.0 (1/-0.0 is -inf in IEEE arithmetic): draw +0.0 only.
    values = st.floats(-6, 6).filter(lambda v: v == 0 or abs(v) > 1e-3).map(lambda v: v + 0.0)
    xs = np.array(data.draw(st.lists(values, min_size=6, max_size=6)))
    ys = np.array(data.draw(st.lists(values, min_size=6, max_size=6)))
    kernel = build_kernel([expr], [X, Y], backend="numpy")
    got = kernel(xs, ys)[0]
    ref = _mp_reference(expr, xs, ys)
    _, good = conditioning(kernel, [xs, ys])
    check = good[0] & np.isfinite(ref) & (np.abs(ref) > 1e-200) & (np.abs(ref) < 1e200)
    np.testing.assert_allclose(got[check], ref[check], rtol=1e-10)


def test_constant_and_linear_components_are_full_arrays():
    kernel = build_kernel([2 * X, sp.Integer(0), Y, sp.Integer(3)], [X, Y])
    xs, ys = np.linspace(0, 1, 4)[None, :], np.linspace(0, 1, 3)[:, None]
    out = kernel(xs, ys)
    assert out.shape == (4, 3, 4)
    np.testing.assert_array_equal(out[0], np.broadcast_to(2 * xs, (3, 4)))
    np.testing.assert_array_equal(out[1], np.zeros((3, 4)))
    np.testing.assert_array_equal(out[2], np.broadcast_to(ys, (3, 4)))
    np.testing.assert_array_equal(out[3], np.full((3, 4), 3.0))
    assert kernel(1.0, 2.0).tolist() == [2.0, 0.0, 2.0, 3.0]


def test_out_is_written_in_place_and_float32_stays_float32():
    kernel = build_kernel([X * Y, X + Y], [X, Y], dtype=np.float32)
    xs = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = np.full((2, 2, 3), np.nan, dtype=np.float32)
    assert kernel(xs, 2.0, out=out) is out
    np.testing.assert_array_equal(out, [xs * 2, xs + 2])
    assert kernel(xs, 2.0).dtype == np.float32
    assert kernel(xs, 2.0, dtype=np.float64).dtype == np.float64
    strided = np.zeros((2, 4, 3), np.float32)[:, 1:3]  # a slab of a bigger array
    kernel(xs, 2.0, out=strided)
    np.testing.assert_array_equal(strided, out)


def test_domain_errors_are_silent_nan_and_inf():
    kernel = build_kernel([sp.log(X), 1 / X, sp.sqrt(X), X ** sp.Rational(1, 3), cbrt(X),
                           sigmoid(X), softplus(X), sp.exp(X)], [X])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = kernel(np.array([-1.0, 0.0, -8.0, -1000.0, 1000.0]))
    assert np.isnan(out[0, [0, 2, 3]]).all() and out[0, 1] == -math.inf
    assert out[1, 1] == math.inf and out[1, 2] == -0.125
    assert np.isnan(out[2, 0]) and np.isnan(out[3, 2]) and out[4, 2] == -2.0
    assert out[5, 3] == 0.0 and out[5, 4] == 1.0  # stable sigmoid, no overflow
    assert out[6, 4] == 1000.0 and out[6, 3] == 0.0
    assert out[7, 4] == math.inf


def test_common_subexpressions_are_shared_across_components():
    rendered = render(lower([ACKLEY.diff(X), ACKLEY.diff(Y)], [X, Y]), "numpy")
    source = numpy_source(rendered, 2)
    assert source.count("np.exp(") == 2 and source.count("np.sqrt(") == 1


def test_powers_print_as_multiplications_roots_and_reciprocals():
    rendered = render(lower([X**2 + X**-1 + Y ** sp.Rational(1, 2) + X**7], [X, Y]), "numba")
    terms = rendered.outputs[0][1:-1].split(" + ")
    assert sorted(terms) == ["(1.0/a0)", "(a0 ** 7.0)", "(a0*a0)", "np.sqrt(a1)"]


def test_deep_trees_compile_without_hitting_recursion_or_parser_limits():
    expr = X
    for _ in range(150):  # beyond Python's 200 nested brackets once printed
        expr = sp.sin(expr) + Y
    got = build_kernel([expr], [X, Y], backend="numpy")(0.3, 0.1)[0]
    want = 0.3
    for _ in range(150):
        want = math.sin(want) + 0.1
    assert got == pytest.approx(want, rel=1e-12)


def test_rebuilding_a_formula_reuses_it():
    a = build_kernel([HIMMEL.diff(X), HIMMEL.diff(Y)], [X, Y])
    b = build_kernel([HIMMEL.diff(X), HIMMEL.diff(Y)], [X, Y], backend="numba")
    assert isinstance(a, Kernel) and a._formula is b._formula
    assert (a.n_in, a.n_out, a.symbols) == (2, 2, (X, Y))


@pytest.mark.parametrize("exprs, symbols, needle", [
    ([sp.gamma(X)], [X], "gamma"),
    ([sp.I * X], [X], "not a real number"),
    ([X + Y], [X], "add y to symbols"),
    (["x**2"], [X], "not a SymPy expression"),
    ("x**2", [X], "not text"),
    ([X], [X, X], "repeat"),
    ([sp.Integer(2) + sp.I], [X], "not a real number"),
])
def test_refused_formulas_say_what_and_how(exprs, symbols, needle):
    with pytest.raises(GradscapeError, match=needle):
        build_kernel(exprs, symbols)


@pytest.mark.parametrize("args, kwargs, needle", [
    ((1.0,), {}, "takes 2 inputs"),
    ((np.ones(3), np.ones(4)), {}, "do not broadcast"),
    ((np.ones(3) * 1j, 1.0), {}, "complex"),
    ((np.array(["a"]), 1.0), {}, "dtype"),
    ((np.ones(3), 1.0), {"out": np.empty((2, 4))}, "needs shape"),
    ((np.ones(3), 1.0), {"out": np.empty((2, 3), np.float32)}, "needs shape"),
    ((1.0, 1.0), {"backend": "tpu"}, "unknown backend"),
    ((1.0, 1.0), {"dtype": np.int64}, "unsupported dtype"),
])
def test_bad_calls_raise_domain_errors(args, kwargs, needle):
    kernel = build_kernel([X * Y, X], [X, Y])
    with pytest.raises(DomainError, match=needle):
        kernel(*args, **kwargs)


def test_importing_compile_loads_neither_sympy_nor_numba():
    code = (
        "import sys, numpy as np, gradscape.compile as c\n"
        "assert 'numba' not in sys.modules and 'sympy' not in sys.modules\n"
        "import sympy as sp\n"
        "x = sp.Symbol('x', real=True)\n"
        "assert c.build_kernel([x**2], [x])(np.arange(100.0)).shape == (1, 100)\n"
        "assert 'numba' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
