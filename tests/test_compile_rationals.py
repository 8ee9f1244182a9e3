"""Exact rational coefficients: one correctly rounded literal, checked against mpmath.

The code printer once wrote 2^1000/3^700·x·y as 1e301·x·y/inf, which is 0. Each coefficient
is now rounded once to the kernel's dtype, and split into a rounded top and a power-of-two
bottom only when it is no normal number of that dtype.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.compile import build_kernel
from gradscape.compile.nodes import coefficient, number, round_rational

x, y = sp.symbols("x y", real=True)
# significand bits, smallest and largest normal number
FORMATS = {"float64": (53, 2.0**-1022, float(np.finfo(np.float64).max)),
           "float32": (24, 2.0**-126, float(np.finfo(np.float32).max))}


def mp_round(p: int, q: int, bits: int) -> float:
    """p/q rounded once to ``bits`` significant bits by mpmath (exponent unbounded)."""
    with mpmath.workprec(p.bit_length() + q.bit_length() + 8):  # p and q held exactly
        return float(mpmath.fdiv(mpmath.mpf(p), mpmath.mpf(q), prec=bits, rounding="n"))


magnitudes = st.integers(1, 2**2500)


@settings(max_examples=300, deadline=None)
@given(magnitudes, magnitudes, st.sampled_from(sorted(FORMATS)))
def test_rounding_agrees_with_mpmath_in_the_normal_range(p: int, q: int, dtype: str) -> None:
    bits, smallest, largest = FORMATS[dtype]
    want = mp_round(p, q, bits)
    if smallest <= want <= largest:
        assert round_rational(p, q, dtype) == want
        assert round_rational(-p, q, dtype) == -want
        assert coefficient(p, q, dtype) == (want, None)


@settings(max_examples=200, deadline=None)
@given(magnitudes, magnitudes)
def test_float64_rounding_agrees_with_python_beyond_the_normal_range(p: int, q: int) -> None:
    # CPython divides integers with one correct rounding, subnormals included.
    try:
        want = p / q
    except OverflowError:
        want = math.inf
    assert round_rational(p, q) == want


@settings(max_examples=200, deadline=None)
@given(magnitudes, magnitudes, st.sampled_from(sorted(FORMATS)))
def test_a_split_coefficient_is_exact_up_to_one_rounding(p: int, q: int, dtype: str) -> None:
    bits, smallest, largest = FORMATS[dtype]
    top, bottom = coefficient(p, q, dtype)
    if bottom is None:
        return
    mantissa, exponent = math.frexp(bottom)
    k = exponent - 1
    assert mantissa == 0.5 and smallest <= bottom <= largest  # 2^k: dividing by it is exact
    # top = p·2^k/q rounded once, and normal while |log2(p/q)| is within twice the range
    assert top == mp_round(p << max(k, 0), q << max(-k, 0), bits)
    if abs(math.log2(p) - math.log2(q)) < 2 * math.log2(largest) - 4:
        assert smallest <= top <= largest


def test_ties_round_to_even() -> None:
    # 2^53 + 1 lies halfway between 2^53 and 2^53 + 2: the even significand wins.
    assert round_rational(2**53 + 1, 1) == 2.0**53
    assert round_rational(2**53 + 3, 1) == 2.0**53 + 4
    assert round_rational(2**24 + 1, 1, "float32") == 2.0**24


# coefficient, point, dtype: results in range, coefficients from ordinary to far outside
CASES = [
    (sp.Rational(2**1000, 3**700), (1.0, 1.0), "float64"),  # ~1.1e-33: the reported bug
    (sp.Rational(2**1000, 3**700), (1e10, -3.0), "float32"),
    (-sp.Rational(2**1000, 3**700), (2.0, 1.5), "float64"),
    (sp.Rational(3**700, 2**1000), (1e-30, 7.0), "float64"),  # ~9e32
    (sp.Rational(7, 3), (1.5, 2.0), "float32"),
    (sp.Rational(10**400, 7), (1e-300, 1e-50), "float64"),  # no float64 holds it: split
    (sp.Rational(1, 10**400), (1e200, 1e100), "float64"),
    (sp.Rational(1, 10**50), (1e20, 1e-5), "float32"),  # below float32's normal numbers
    (sp.Rational(10**50, 3), (1e-20, 4.0), "float32"),  # above float32's largest
]


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize(("c", "point", "dtype"), CASES)
def test_kernels_compute_extreme_coefficients_like_mpmath(
    c: sp.Rational, point: tuple[float, float], dtype: str, backend: str
) -> None:
    kernel = build_kernel([c * x * y, c * x / y], [x, y], backend=backend, dtype=dtype)
    got = kernel(*(np.array([v], dtype) for v in point))[:, 0]
    px, py = (mpmath.mpf(float(np.dtype(dtype).type(v))) for v in point)
    with mpmath.workdps(60):
        exact = mpmath.mpf(int(c.p)) / int(c.q)
        want = [float(exact * px * py), float(exact * px / py)]
    assert all(FORMATS[dtype][1] <= abs(w) <= FORMATS[dtype][2] for w in want)  # a fair case
    eps = float(np.finfo(dtype).eps)
    np.testing.assert_allclose(got, want, rtol=4 * eps, atol=0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_constants_alone_are_rounded_once(dtype: str) -> None:
    c = sp.Rational(2**1000, 3**700)
    assert number(c, dtype) == mp_round(2**1000, 3**700, FORMATS[dtype][0])
    got = build_kernel([c + 0 * x], [x], backend="numpy", dtype=dtype)(1.0)[0]
    assert float(got) == mp_round(2**1000, 3**700, FORMATS[dtype][0])
