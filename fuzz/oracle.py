"""An independent evaluator: a formula's tree evaluated with mpmath at 30 digits, with real
semantics (anything complex is undefined), and none of gradscape's code generation.

``value(expr, point)`` is the exact-ish value, or :data:`UNDEFINED`; it raises
:class:`UncheckedError` for a tree it cannot judge (a node it does not know, an intermediate
beyond float64's range, where float64 code may rightly overflow or lose every digit).
Gradients are taken numerically (``mpmath.diff``), not from SymPy's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath

__all__ = ["value", "gradient", "UNDEFINED", "UncheckedError", "DIGITS"]

DIGITS = 30
UNDEFINED = None
_HUGE, _TINY = mpmath.mpf("1e300"), mpmath.mpf("1e-290")


class UncheckedError(Exception):
    """The oracle cannot judge this tree or point (unknown node, float64 range)."""


class _UndefinedError(Exception):
    pass


def _real(v: Any) -> Any:
    if isinstance(v, mpmath.mpc):
        if abs(v.imag) > mpmath.mpf(10) ** (-mpmath.mp.dps + 5) * max(1, abs(v.real)):
            raise _UndefinedError
        v = v.real
    if not mpmath.isfinite(v):
        raise _UndefinedError
    if abs(v) > _HUGE or (v != 0 and abs(v) < _TINY):
        raise UncheckedError("an intermediate outside float64's comfortable range")
    return v


def _domain(ok: bool) -> None:
    if not ok:
        raise _UndefinedError


def _log(u: Any) -> Any:
    _domain(u > 0)
    return mpmath.log(u)


def _pow(b: Any, e: Any) -> Any:
    if b == 0:  # 0^0 = 1 as in IEEE pow, SymPy and gradscape's kernels
        _domain(e >= 0)
        return mpmath.mpf(1) if e == 0 else mpmath.mpf(0)
    if b < 0 and e != mpmath.floor(e):
        raise _UndefinedError
    return mpmath.power(b, e)


def _between(lo: float, hi: float, f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(u: Any) -> Any:
        _domain(lo <= u <= hi)
        return f(u)
    return g


def _nonzero(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def g(u: Any) -> Any:
        _domain(f(u) != 0)
        return 1 / f(u)
    return g


def _atan2(y: Any, x: Any) -> Any:
    _domain(x != 0 or y != 0)
    return mpmath.atan2(y, x)


_UNARY: dict[str, Callable[[Any], Any]] = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": lambda u: _real(mpmath.sin(u) / _nz(
        mpmath.cos(u))),
    "sec": _nonzero(mpmath.cos), "csc": _nonzero(mpmath.sin),
    "cot": lambda u: mpmath.cos(u) / _nz(mpmath.sin(u)),
    "asin": _between(-1, 1, mpmath.asin), "acos": _between(-1, 1, mpmath.acos),
    "atan": mpmath.atan, "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh,
    "asinh": mpmath.asinh, "acosh": _between(1, mpmath.inf, mpmath.acosh),
    "atanh": lambda u: (_domain(-1 < u < 1), mpmath.atanh(u))[1],
    "exp": mpmath.exp, "log": _log, "cbrt": lambda u: mpmath.sign(u) * mpmath.cbrt(abs(u)),
    "Abs": abs, "sign": mpmath.sign, "erf": mpmath.erf, "erfc": mpmath.erfc,
    "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
    "softplus": lambda u: mpmath.log1p(mpmath.exp(u)),
    "relu": lambda u: max(u, mpmath.mpf(0)),
}


def _nz(v: Any) -> Any:
    _domain(v != 0)
    return v


def value(expr: Any, point: dict[Any, float], moved: float = 0.0) -> Any:
    """``expr`` at ``point`` (symbol → float) to 30 digits, or UNDEFINED; with ``moved``,
    each constant float64 code must round (a number other than a small integer, or a
    function of numbers) is scaled by 1 + moved first.

    The value is taken at 30 and at 60 digits and kept when the two agree to 15 digits (float64
    is held to 7); where they do not (cancellation deeper than 30 digits: log(erf(9)) =
    log(1 - 4.1e-37)), at 60 and 120; past that the oracle cannot judge
    (:class:`UncheckedError`).
    """
    for digits in (DIGITS, 2 * DIGITS):
        low, high = _at(expr, point, digits, moved), _at(expr, point, 2 * digits, moved)
        if low is UNDEFINED or high is UNDEFINED:
            if low is high:
                return UNDEFINED
            continue
        if abs(low - high) <= mpmath.mpf("1e-15") * abs(high):
            return low
    raise UncheckedError("the value changes with the oracle's own precision")


def _at(expr: Any, point: dict[Any, float], digits: int, moved: float) -> Any:
    with mpmath.workdps(digits):
        try:
            return +_eval(expr, {s: mpmath.mpf(v) for s, v in point.items()}, moved)
        except _UndefinedError:
            return UNDEFINED
        except (ZeroDivisionError, ValueError):
            return UNDEFINED


def gradient(expr: Any, symbols: Sequence[Any], point: Sequence[float]) -> list[Any]:
    """Each partial derivative at ``point``, by mpmath's numerical differentiation."""
    with mpmath.workdps(DIGITS):
        base = [mpmath.mpf(v) for v in point]
        out = []
        for k in range(len(symbols)):
            def along(t: Any, k: int = k) -> Any:
                at = list(base)
                at[k] = t
                return _eval(expr, dict(zip(symbols, at)))
            try:
                out.append(mpmath.diff(along, base[k]))
            except (_UndefinedError, ZeroDivisionError, ValueError):
                raise UncheckedError("undefined next to the point") from None
        return out


def _eval(node: Any, env: dict[Any, Any], moved: float = 0.0) -> Any:
    import sympy as sp

    if moved and not node.free_symbols and not (node.is_Integer and abs(node) <= 2**53):
        # a constant float64 code rounds once (a number, or a function of numbers the
        # kernels fold): its value moved by that rounding
        return _real(_eval(node, env) * (1 + mpmath.mpf(moved)))
    if node.is_Symbol:
        return env[node]
    if node.is_Number or node in (sp.pi, sp.E):
        if node.is_Rational:
            return _real(mpmath.mpf(int(node.p)) / int(node.q))
        return _real(mpmath.mpf(sp.N(node, mpmath.mp.dps + 5)))
    args = [_eval(a, env, moved) for a in node.args]
    name = type(node).__name__
    if node.is_Add:
        return _real(mpmath.fsum(args))
    if node.is_Mul:
        return _real(mpmath.fprod(args))
    if node.is_Pow:
        return _real(_pow(*args))
    if name == "atan2":
        return _real(_atan2(*args))
    if name in _UNARY and len(args) == 1:
        return _real(_UNARY[name](args[0]))
    raise UncheckedError(f"no oracle for {name}")
