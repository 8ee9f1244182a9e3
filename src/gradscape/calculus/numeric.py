"""Gradients and Hessians of Python/NumPy functions, each value with an error estimate.

Two methods, chosen point by point when ``method="auto"``:

* complex step, ``Im f(x + ih·e_i) / h`` — no subtraction, so exact to rounding wherever the
  code is analytic; one complex call of ``f`` per variable covers a whole grid;
* Richardson — central differences at a geometric sequence of steps, extrapolated to step
  zero as numdifftools does; slower, but right for code that complex numbers break
  (``np.abs``, casts to float, ``np.arctan2``, ``np.floor``).

"auto" runs the complex step, vets it against a cheap central difference, and uses
Richardson only where the two disagree or the complex call failed.

>>> import numpy as np
>>> res = numeric_gradient(lambda x, y: np.abs(x) + y**2, [np.array([-1.5, 2.0]), 3.0])
>>> np.round(res.values, 9)
array([[-1.,  1.],
       [ 6.,  6.]])
>>> res.method
'complex-step+richardson'
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from gradscape.errors import DomainError, GradscapeError

__all__ = ["GradientResult", "HessianResult", "numeric_gradient", "numeric_hessian"]

EPS = float(np.finfo(float).eps)
_CS_STEP = 1e-30  # complex step relative to max(1, |x|): its truncation error is below rounding
_CS_ULPS = 4.0  # rounding error of a complex-step value, in units of eps·|value|
_CHECK_STEP = EPS ** (1 / 3)  # cheap central difference that vets the complex step
_STEPS = 2.0 ** -np.arange(3, 15)  # Richardson steps relative to max(1, |x|): 1/8 … 1/16384
_METHODS = ("auto", "complex-step", "richardson")

Fn = Callable[..., ArrayLike]


class GradientResult(NamedTuple):
    """Gradient ``values`` ``(n, *shape)``, absolute ``error`` estimates of the same shape,
    ``method`` ("complex-step", "richardson" or "complex-step+richardson") and the mask
    ``richardson``: True where a value came from Richardson extrapolation."""

    values: np.ndarray
    error: np.ndarray
    method: str
    richardson: np.ndarray


class HessianResult(NamedTuple):
    """Hessian ``values`` ``(n, n, *shape)`` (symmetric), ``error``, ``method`` and the
    ``richardson`` mask, as in :class:`GradientResult`."""

    values: np.ndarray
    error: np.ndarray
    method: str
    richardson: np.ndarray


def numeric_gradient(f: Fn, points: Sequence[ArrayLike], *, method: str = "auto") -> GradientResult:
    """Gradient of ``f`` at ``points`` (n arrays that broadcast, one per variable).

    ``f`` takes n arrays and returns an array of their broadcast shape (a scalar is
    broadcast). Points where ``f`` or a coordinate is NaN get NaN.

    >>> import numpy as np
    >>> res = numeric_gradient(lambda x, y: np.sin(x) * np.exp(-y**2), [0.0, 0.0])
    >>> res.values, res.method
    (array([1., 0.]), 'complex-step')
    """
    _check_method(method)
    xs, shape = _prepare(points)
    f0 = _first_call(f, xs, shape)
    n = len(xs)
    if method == "richardson":
        values, error = _richardson_gradient(f, xs, shape, f0, range(n))
        rich = np.ones((n, *shape), dtype=bool)
    else:
        values, reasons = _complex_step(f, xs, shape)
        error = _cs_error(values)
        if method == "complex-step":
            _require_complex_safe(reasons, "numeric_gradient")
            rich = np.zeros((n, *shape), dtype=bool)
        else:
            rich = ~_trusted(f, xs, shape, f0, values, reasons)
            which = [i for i in range(n) if rich[i].any()]
            if which:
                r_values, r_error = _richardson_gradient(f, xs, shape, f0, which)
                values = np.where(rich, r_values, values)
                error = np.where(rich, r_error, error)
    error = np.maximum(error, _cs_error(values))  # no value is known better than its rounding
    values, error = _blank_undefined(values, error, f0, xs)
    return GradientResult(values, error, _method_name(rich), rich)


def numeric_hessian(f: Fn, points: Sequence[ArrayLike], *, method: str = "auto") -> HessianResult:
    """Hessian of ``f`` at ``points``: ``values[i, j]`` is ∂²f/∂x_i∂x_j, shape ``(n, n, *shape)``.

    The complex-step Hessian is Richardson-extrapolated central differences of the
    complex-step gradient (~1e-10 relative); the fallback is Richardson second differences.

    >>> import numpy as np
    >>> res = numeric_hessian(lambda x, y: x**2 * y, [1.0, 2.0])
    >>> np.round(res.values, 8)
    array([[4., 2.],
           [2., 0.]])
    """
    _check_method(method)
    xs, shape = _prepare(points)
    f0 = _first_call(f, xs, shape)
    n = len(xs)
    if method == "complex-step":
        _require_complex_safe(_complex_step(f, xs, shape)[1], "numeric_hessian")
        values, error = _cs_hessian(f, xs, shape)
        rich = np.zeros((n, n, *shape), dtype=bool)
    else:
        values, error = _richardson_hessian(f, xs, shape, f0)
        rich = np.ones((n, n, *shape), dtype=bool)
        if method == "auto":
            cs_grad, reasons = _complex_step(f, xs, shape)
            if not any(r == "raised" or r == "cast" for r in reasons):
                trusted = _trusted(f, xs, shape, f0, cs_grad, reasons)
                c_values, c_error = _cs_hessian(f, xs, shape)
                rich = ~(trusted[:, None] & trusted[None, :])
                rich |= ~(np.abs(c_values - values) <= 10 * (error + c_error))
                values = np.where(rich, values, c_values)
                error = np.where(rich, error, c_error)
    values, error = _blank_undefined(values, error, f0, xs)
    return HessianResult(values, error, _method_name(rich), rich)


# --- calling the user's function ------------------------------------------------------------


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise DomainError(f"unknown method {method!r}; use one of {', '.join(_METHODS)}")


def _prepare(points: Sequence[ArrayLike]) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """The points as n writable float arrays of one broadcast shape."""
    try:
        raw = [np.asarray(p) for p in points]
    except TypeError:
        raw = []
    if not raw:
        raise DomainError("points must be a sequence of n arrays, one per variable: [x, y]")
    if any(np.iscomplexobj(p) for p in raw):
        raise DomainError("points must be real; gradscape differentiates real functions")
    try:
        xs = np.broadcast_arrays(*[p.astype(float) for p in raw])
    except ValueError:
        shapes = ", ".join(str(p.shape) for p in raw)
        raise DomainError(
            f"points of shapes {shapes} do not broadcast together; pass arrays of one shape "
            "(np.meshgrid makes them)"
        ) from None
    return [np.array(x) for x in xs], xs[0].shape


def _call(f: Fn, args: list[np.ndarray], shape: tuple[int, ...]) -> tuple[np.ndarray, bool]:
    """``f(*args)`` broadcast to ``shape`` with numpy's warnings silenced, and whether a
    ComplexWarning (an imaginary part dropped by a cast) fired."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        out = np.asarray(f(*args))
    cast = any(issubclass(w.category, np.exceptions.ComplexWarning) for w in caught)
    try:
        return np.broadcast_to(out, shape), cast
    except ValueError:
        raise DomainError(
            f"f returned shape {out.shape} for inputs of shape {shape}; "
            "it must return one value per point"
        ) from None


def _real(f: Fn, args: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    out = _call(f, args, shape)[0]
    if np.iscomplexobj(out):
        raise DomainError("f returned complex values; gradscape differentiates real functions")
    return out.astype(float)


def _first_call(f: Fn, xs: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    try:
        return _real(f, xs, shape)
    except GradscapeError:
        raise
    except Exception as err:
        raise DomainError(
            f"f failed on arrays of shape {shape} ({type(err).__name__}: {err}); it must take "
            f"{len(xs)} NumPy arrays, one per variable — use np.sin, not math.sin"
        ) from err


def _shift(xs: list[np.ndarray], i: int, new: np.ndarray) -> list[np.ndarray]:
    return [new if k == i else x for k, x in enumerate(xs)]


def _scale(x: np.ndarray) -> np.ndarray:
    return np.maximum(1.0, np.abs(x))


# --- complex step ---------------------------------------------------------------------------


def _complex_step(
    f: Fn, xs: list[np.ndarray], shape: tuple[int, ...]
) -> tuple[np.ndarray, list[str | None]]:
    """Complex-step gradient and, per variable, why it is void: "raised", "cast" (a
    ComplexWarning), "real" (no imaginary part came back; taken as derivative 0) or None."""
    values = np.zeros((len(xs), *shape))
    reasons: list[str | None] = []
    for i, x in enumerate(xs):
        h = _CS_STEP * _scale(x)
        try:
            out, cast = _call(f, _shift(xs, i, x + 1j * h), shape)
        except Exception:
            reasons.append("raised")
            continue
        reasons.append("cast" if cast else None if np.iscomplexobj(out) else "real")
        if reasons[-1] is None:
            with np.errstate(all="ignore"):
                values[i] = out.imag / h
    return values, reasons


def _require_complex_safe(reasons: list[str | None], caller: str) -> None:
    if "raised" in reasons or "cast" in reasons:
        i = next(k for k, r in enumerate(reasons) if r in ("raised", "cast"))
        what = "raised an error" if reasons[i] == "raised" else "dropped the imaginary part"
        raise DomainError(
            f"f {what} when variable {i + 1} was complex, so the complex step cannot be used; "
            f"call {caller} with method='auto' or method='richardson'"
        )


def _trusted(
    f: Fn,
    xs: list[np.ndarray],
    shape: tuple[int, ...],
    f0: np.ndarray,
    cs: np.ndarray,
    reasons: list[str | None],
) -> np.ndarray:
    """Where the complex step can be believed: it returned a finite complex value and agrees
    with a central difference to within that difference's own error estimate."""
    ok = np.zeros(cs.shape, dtype=bool)
    for i, x in enumerate(xs):
        if reasons[i] is not None:
            continue
        h = _CHECK_STEP * _scale(x)
        d, noise = [], 0.0
        with np.errstate(all="ignore"):
            for step in (h, 2 * h):
                xp, xm = x + step, x - step
                fp, fm = _real(f, _shift(xs, i, xp), shape), _real(f, _shift(xs, i, xm), shape)
                d.append((fp - fm) / (xp - xm))
                noise = noise + EPS * (np.abs(fp) + np.abs(fm)) / (xp - xm)
            tol = 4 * np.abs(d[1] - d[0]) + 10 * noise + _CS_ULPS * EPS * np.abs(cs[i])
            # Where the central difference is undefined (a domain edge) it cannot object.
            agree = (np.abs(cs[i] - d[0]) <= tol) | ~(np.isfinite(d[0]) & np.isfinite(d[1]))
        ok[i] = agree & (np.isfinite(cs[i]) | ~np.isfinite(f0))
    return ok


# --- Richardson extrapolation ---------------------------------------------------------------


def _extrapolate(seq: list[np.ndarray], noise: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Best estimate, per point, from values at steps h·2^-k whose error is a series in h², h⁴...

    Two Richardson levels cancel the h² and h⁴ terms; each extrapolant's error is judged by
    its distance to the next two plus the rounding noise it amplifies."""
    d = np.stack(seq)
    nz = np.stack(noise)
    with np.errstate(all="ignore"):
        d1 = (4 * d[1:] - d[:-1]) / 3
        d2 = (16 * d1[1:] - d1[:-1]) / 15
        nz2 = (nz[:-2] + 20 * nz[1:-1] + 64 * nz[2:]) / 45
        jump = np.abs(np.diff(d2, axis=0))
        err = 2 * (jump[:-1] + jump[1:]) + nz2[:-2]
    err = np.where(np.isnan(err), np.inf, err)
    best = np.argmin(err, axis=0)[None]
    return np.take_along_axis(d2[:-2], best, 0)[0], np.take_along_axis(err, best, 0)[0]


def _richardson_gradient(
    f: Fn, xs: list[np.ndarray], shape: tuple[int, ...], f0: np.ndarray, which: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    values = np.zeros((len(xs), *shape))
    error = np.zeros((len(xs), *shape))
    for i in which:
        x = xs[i]
        seq, noise, slope_jump = [], [], []
        with np.errstate(all="ignore"):
            for step in _STEPS:
                xp, xm = x + step * _scale(x), x - step * _scale(x)
                fp, fm = _real(f, _shift(xs, i, xp), shape), _real(f, _shift(xs, i, xm), shape)
                seq.append((fp - fm) / (xp - xm))
                noise.append(EPS * (np.abs(fp) + np.abs(fm)) / (xp - xm))
                slope_jump.append(2 * (fp - 2 * f0 + fm) / (xp - xm))  # forward − backward
            values[i], error[i] = _extrapolate(seq, noise)
            # Smooth f: the jump halves with the step. A kink: it stays, and the central
            # difference sits half of it away from either one-sided slope.
            q1, q2 = slope_jump[-2], slope_jump[-1]
            error[i] += np.where(np.abs(q2) > 0.75 * np.abs(q1), np.abs(2 * q2 - q1) / 2, 0.0)
    return values, error


def _richardson_hessian(
    f: Fn, xs: list[np.ndarray], shape: tuple[int, ...], f0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(xs)
    values = np.zeros((n, n, *shape))
    error = np.zeros((n, n, *shape))
    a0 = np.abs(f0)
    for i in range(n):
        for j in range(i + 1):
            seq, noise = [], []
            with np.errstate(all="ignore"):
                for k in range(len(_STEPS)):
                    s, z = _second_difference(f, xs, shape, f0, a0, i, j, k)
                    seq.append(s)
                    noise.append(z)
                values[i, j], error[i, j] = _extrapolate(seq, noise)
            values[j, i], error[j, i] = values[i, j], error[i, j]
    return values, error


def _second_difference(
    f: Fn,
    xs: list[np.ndarray],
    shape: tuple[int, ...],
    f0: np.ndarray,
    a0: np.ndarray,
    i: int,
    j: int,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """∂²f/∂x_i∂x_j by a central second difference at step number k, and its rounding noise."""
    xip, xim = xs[i] + _STEPS[k] * _scale(xs[i]), xs[i] - _STEPS[k] * _scale(xs[i])
    if i == j:
        fp, fm = _real(f, _shift(xs, i, xip), shape), _real(f, _shift(xs, i, xim), shape)
        hp, hm = xip - xs[i], xs[i] - xim
        s = 2 * ((fp - f0) / hp - (f0 - fm) / hm) / (hp + hm)
        return s, 4 * EPS * (np.abs(fp) + 2 * a0 + np.abs(fm)) / (hp + hm) ** 2
    xjp, xjm = xs[j] + _STEPS[k] * _scale(xs[j]), xs[j] - _STEPS[k] * _scale(xs[j])
    corners = [
        _real(f, _shift(_shift(xs, i, xi), j, xj), shape) for xi in (xip, xim) for xj in (xjp, xjm)
    ]
    area = (xip - xim) * (xjp - xjm)
    s = (corners[0] - corners[1] - corners[2] + corners[3]) / area
    return s, EPS * sum(np.abs(c) for c in corners) / area


def _cs_hessian(
    f: Fn, xs: list[np.ndarray], shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Richardson-extrapolated central differences of the complex-step gradient, symmetrised."""
    n = len(xs)
    values = np.zeros((n, n, *shape))
    error = np.zeros((n, n, *shape))
    for j, x in enumerate(xs):
        seq, noise = [], []
        for step in _STEPS:
            xp, xm = x + step * _scale(x), x - step * _scale(x)
            gp = _complex_step(f, _shift(xs, j, xp), shape)[0]
            gm = _complex_step(f, _shift(xs, j, xm), shape)[0]
            with np.errstate(all="ignore"):
                seq.append((gp - gm) / (xp - xm))
                noise.append(_CS_ULPS * EPS * (np.abs(gp) + np.abs(gm)) / (xp - xm))
        values[:, j], error[:, j] = _extrapolate(seq, noise)
    transposed = np.swapaxes(values, 0, 1)
    with np.errstate(all="ignore"):
        error = np.maximum(error, np.swapaxes(error, 0, 1)) + np.abs(values - transposed) / 2
    return (values + transposed) / 2, error


def _cs_error(values: np.ndarray) -> np.ndarray:
    """Rounding error of complex-step gradients: a few ulps of the component, plus one of the
    largest component, since code that mixes the variables spreads its rounding."""
    with np.errstate(invalid="ignore"):
        return EPS * (_CS_ULPS * np.abs(values) + np.max(np.abs(values), axis=0))


# --- results --------------------------------------------------------------------------------


def _blank_undefined(
    values: np.ndarray, error: np.ndarray, f0: np.ndarray, xs: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """NaN wherever f or a coordinate is not finite: no derivative is defined there."""
    bad = ~np.isfinite(f0)
    for x in xs:
        bad = bad | ~np.isfinite(x)
    return np.where(bad, np.nan, values), np.where(bad, np.nan, error)


def _method_name(richardson: np.ndarray) -> str:
    if richardson.all():
        return "richardson"
    return "complex-step+richardson" if richardson.any() else "complex-step"
