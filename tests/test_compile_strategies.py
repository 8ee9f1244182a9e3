"""Shared tools for the compile tests: random formulas, an mpmath oracle, agreement checks.

The oracle ``mp_eval`` is written here from mpmath's own functions, independently of the
code generator it checks, with real-number semantics: a complex intermediate becomes NaN.
(This module holds two tests of the tools themselves; the other compile tests import it.)
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from gradscape.compile.codegen import lower, render
from gradscape.errors import DomainError
from gradscape.formula.special import cbrt, relu, sigmoid, softplus

X, Y, Z = sp.symbols("x y z", real=True)


# --- the oracle ----------------------------------------------------------------------
def _real(v: object) -> object:
    if isinstance(v, mp.mpc):
        return v.real if v.imag == 0 else mp.nan
    return v


def _step(x: mp.mpf, h0: mp.mpf | None = None) -> mp.mpf:
    if mp.isnan(x):
        return x
    return mp.mpf(1) if x > 0 else mp.mpf(0) if x < 0 else (mp.mpf(0.5) if h0 is None else h0)


def _sgn(x: mp.mpf) -> mp.mpf:
    return x if mp.isnan(x) else mp.mpf(mp.sign(x))


def _nanmax(*a: mp.mpf) -> mp.mpf:
    return mp.nan if any(mp.isnan(v) for v in a) else max(a)


def _nanmin(*a: mp.mpf) -> mp.mpf:
    return mp.nan if any(mp.isnan(v) for v in a) else min(a)


def _pow(b: mp.mpf, e: mp.mpf) -> mp.mpf:
    if mp.isnan(b) or mp.isnan(e):
        return mp.nan
    if b == 0 and e < 0:
        return mp.inf if e == int(e) and int(e) % 2 == 0 else mp.inf * (1 if b >= 0 else -1)
    return _real(mp.power(b, e)) if b >= 0 or e == int(e) else mp.nan


def _cbrt(x: mp.mpf) -> mp.mpf:
    return x if x == 0 or mp.isnan(x) else mp.sign(x) * mp.cbrt(abs(x))


MP_FUNCS = {
    sp.sin: mp.sin, sp.cos: mp.cos, sp.tan: mp.tan, sp.sec: mp.sec, sp.csc: mp.csc,
    sp.cot: mp.cot, sp.asin: mp.asin, sp.acos: mp.acos, sp.atan: mp.atan,
    sp.atan2: mp.atan2, sp.sinh: mp.sinh, sp.cosh: mp.cosh, sp.tanh: mp.tanh,
    sp.asinh: mp.asinh, sp.acosh: mp.acosh, sp.atanh: mp.atanh, sp.exp: mp.exp,
    sp.log: lambda x: mp.nan if x < 0 else (-mp.inf if x == 0 else mp.log(x)),
    sp.Abs: abs, sp.sign: _sgn, sp.Heaviside: _step, sp.DiracDelta: lambda *a: mp.mpf(0),
    sp.Max: _nanmax, sp.Min: _nanmin, cbrt: _cbrt,
    sigmoid: lambda x: 1 / (1 + mp.exp(-x)),
    softplus: lambda x: mp.log1p(mp.exp(x)),
    relu: lambda x: x if mp.isnan(x) else max(x, mp.mpf(0)),
}
_RELS = {sp.StrictGreaterThan: lambda a, b: a > b, sp.StrictLessThan: lambda a, b: a < b,
         sp.GreaterThan: lambda a, b: a >= b, sp.LessThan: lambda a, b: a <= b}


def mp_eval(expr: sp.Basic, env: dict[sp.Symbol, float]) -> mp.mpf:
    """Evaluate a SymPy tree with mpmath at the current mp.dps (real semantics)."""
    if expr in env:
        return mp.mpf(env[expr])
    # Constants enter as the float64 literals a kernel holds: sin(pi) is sin(3.14159...),
    # not 0. Exact mathematics is applied from there on.
    if expr.is_Integer:
        return mp.mpf(int(expr))
    if expr.is_Rational or expr.is_Float or expr in (sp.pi, sp.E):
        return mp.mpf(float(expr))
    if expr in (sp.nan, sp.zoo):
        return mp.nan
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            if _truth(cond, env):
                return mp_eval(value, env)
        return mp.nan
    args = [mp_eval(a, env) for a in expr.args]
    if expr.is_Add:
        return mp.fsum(args)
    if expr.is_Mul:
        return mp.fprod(args)
    if expr.is_Pow:
        return _pow(*args)
    if any(mp.isnan(a) for a in args) and type(expr) is not sp.DiracDelta:
        return mp.nan
    try:
        return _real(MP_FUNCS[type(expr)](*args))
    except (ValueError, ZeroDivisionError):
        return mp.nan


def _truth(cond: sp.Basic, env: dict[sp.Symbol, float]) -> bool:
    if cond is sp.true:
        return True
    if isinstance(cond, sp.And):
        return all(_truth(c, env) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(_truth(c, env) for c in cond.args)
    a, b = (mp_eval(s, env) for s in cond.args)
    return bool(_RELS[type(cond)](a, b))


# --- agreement up to conditioning ---------------------------------------------------
def _cls(a: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(a), 0, np.where(np.isposinf(a), 1, np.where(np.isneginf(a), 2, 3)))


def conditioning(kernel, arrays: list[np.ndarray], delta: float = 2.0**-40):
    """(stable_mask, well_conditioned) per output point, probing the NumPy kernel.

    Each input is nudged by a relative ``delta`` in both directions; a point whose NaN/inf
    class changes, or whose value moves more than 100x the nudge, is ill-conditioned: there
    two correct float evaluations may differ by more than the tolerance.
    """
    ref = kernel(*arrays, backend="numpy")
    stable = np.ones(ref.shape, bool)
    cond = np.zeros(ref.shape)
    with np.errstate(all="ignore"):
        for n in range(len(arrays)):
            for sign in (1.0, -1.0):
                moved = [a * (1 + sign * delta) if i == n else a for i, a in enumerate(arrays)]
                probe = kernel(*moved, backend="numpy")
                stable &= _cls(probe) == _cls(ref)
                diff = np.abs(probe - ref)
                rel = np.where(diff == 0, 0.0, diff / (delta * np.abs(ref)))
                cond = np.maximum(cond, np.nan_to_num(rel, nan=np.inf))
    return stable, stable & (cond <= 100) & np.isfinite(ref)


def assert_agree(got: np.ndarray, ref: np.ndarray, stable: np.ndarray, good: np.ndarray,
                 rtol: float) -> None:
    """Same NaN/inf class wherever that is stable; values within rtol where well-conditioned."""
    assert got.shape == ref.shape and got.dtype == ref.dtype
    bad = stable & (_cls(got) != _cls(ref))
    assert not bad.any(), f"NaN/inf masks differ at {np.argwhere(bad)[:5].tolist()}"
    with np.errstate(all="ignore"):
        err = np.abs(got - ref) / np.abs(ref)
    err = np.where(ref == got, 0.0, err)
    worst = np.max(np.where(good, err, 0.0), initial=0.0)
    assert worst <= rtol, f"relative error {worst:.3g} > {rtol:.1g}"


# --- random formulas over the allow-list ----------------------------------------------
UNARY = [sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.asin, sp.acos, sp.atan, sp.sinh,
         sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh, sp.exp, sp.log, sp.sqrt, sp.Abs,
         sp.sign, sp.Heaviside, sigmoid, softplus, relu, cbrt, sp.DiracDelta]
BINARY = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a**b, lambda a, b: sp.Max(a, b), lambda a, b: sp.Min(a, b), sp.atan2,
    lambda a, b: sp.Piecewise((a, b > 0), (b, a < 1), (sp.nan, True)),
]
EXPONENTS = [2, 3, 4, 5, -1, -2, sp.Rational(1, 2), sp.Rational(-1, 2), sp.Rational(1, 3),
             sp.Rational(3, 2), sp.Rational(5, 2), sp.Float(0.75)]
LEAF_NUMBERS = [sp.Integer(2), sp.Integer(-3), sp.Rational(1, 2), sp.pi, sp.E, sp.Float(1.5)]


def expressions(symbols: tuple[sp.Symbol, ...] = (X, Y), max_leaves: int = 6):
    """Random real expression trees built from the allow-list (compilable ones only)."""
    leaves = st.sampled_from(list(symbols)) | st.sampled_from(LEAF_NUMBERS)

    def extend(inner):
        return (
            st.builds(_apply, st.sampled_from(UNARY), inner)
            | st.builds(_apply, st.sampled_from(BINARY), inner, inner)
            | st.builds(_apply, st.just(sp.Pow), inner, st.sampled_from(EXPONENTS))
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves).filter(_compilable)


def _apply(f, *args: sp.Basic) -> sp.Basic:
    try:  # SymPy refuses some constant arguments outright, e.g. Heaviside(asin(2))
        return f(*args)
    except (ValueError, TypeError, ZeroDivisionError):
        return sp.nan  # filtered out below


def _compilable(expr: sp.Basic) -> bool:
    if not isinstance(expr, sp.Expr) or expr.has(sp.I, sp.oo, -sp.oo, sp.zoo, sp.nan):
        return False
    try:
        render(lower([expr], [X, Y, Z]), "numba")
    except DomainError:
        return False
    return True


def grid_values():
    """Float grid values: mostly ordinary numbers, with the special ones mixed in."""
    specials = st.sampled_from([0.0, 1.0, -1.0, 0.5, -0.5, np.inf, -np.inf, np.nan, 1e-300])
    return st.floats(-6, 6, allow_nan=False) | specials


# --- tests of the tools themselves ------------------------------------------------------
def test_oracle_matches_hand_values():
    mp.mp.dps = 30
    env = {X: -8.0, Y: 0.0}
    assert mp_eval(cbrt(X), env) == -2
    assert mp.isnan(mp_eval(X ** sp.Rational(1, 3), env))
    assert mp_eval(sp.Heaviside(Y), env) == 0.5
    assert mp.isnan(mp_eval(sp.log(X), env))
    assert mp_eval(sp.Piecewise((X, Y > 0), (2 * X, True)), env) == -16


def test_conditioning_flags_cancellation():
    from gradscape.compile import build_kernel

    k = build_kernel([sp.sin(X) - sp.cos(X), X + 1], [X], backend="numpy")
    quarter = np.array([math.pi / 4, 1.0])
    _, good = conditioning(k, [quarter])
    assert good.tolist() == [[False, True], [True, True]]
