"""Scalar helpers of the generated Numba (and, later, CUDA) code, written once as plain Python.

Each function takes and returns scalars of the kernel's float type ``F`` and uses only what
Numba's CPU and CUDA targets both compile: arithmetic, comparisons, ``abs`` and the ``math``
module. Generated modules stay self-contained for Numba's disk cache: their text carries
``inspect.getsource`` of the helpers they use (see ``numba_backend.helper_source``), where
``F`` is the module's own dtype. Here ``F`` is float64, so the plain interpreter runs them
too (tests compare them with their compiled forms):

>>> float(_sigmoid(-1000.0)), float(_softplus(1000.0)), _max(float("nan"), 1.0)
(0.0, 1000.0, nan)
>>> _cbrt(-27.0)
-3.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["HELPERS"]

F = np.float64  # the generated module's dtype (float32 or float64) replaces this


def _sign(x: float) -> float:
    if x > 0:
        return F(1.0)
    if x < 0:
        return F(-1.0)
    if x == 0:
        return F(0.0)
    return x


def _heaviside(x: float, h0: float) -> float:
    if x > 0:
        return F(1.0)
    if x < 0:
        return F(0.0)
    if x == 0:
        return F(h0)
    return x


def _delta(x: float) -> float:
    # The Dirac delta as a number: 0 away from 0, undefined (NaN) at 0 and for NaN.
    if x > 0 or x < 0:
        return F(0.0)
    return F(math.nan)


def _atan2(y: float, x: float) -> float:
    # The origin has no angle: IEEE's atan2(±0, ±0) is 0 or ±π by the zeros' signs alone.
    if y == 0 and x == 0:
        return F(math.nan)
    return math.atan2(y, x)


def _max(a: float, b: float) -> float:
    if a >= b or a != a:
        return a
    return b


def _min(a: float, b: float) -> float:
    if a <= b or a != a:
        return a
    return b


def _relu(x: float) -> float:
    if x < 0:
        return F(0.0)
    return x


def _sigmoid(x: float) -> float:
    # exp(-|x|) never overflows; the two branches are the same function rearranged.
    z = math.exp(-abs(x))
    if x >= 0:
        return F(1.0) / (F(1.0) + z)
    return z / (F(1.0) + z)


def _softplus(x: float) -> float:
    m = x if x > 0 else F(0.0)
    return m + math.log1p(math.exp(-abs(x)))


def _erf(x: float) -> float:
    return math.erf(x)


def _erfc(x: float) -> float:
    return math.erfc(x)


def _cbrt(x: float) -> float:
    # CUDA has no cbrt: a power, then one Newton step (a/r² - r)/3, which cannot overflow.
    a = abs(x)
    if not (a > 0 and a < math.inf):  # 0, inf and nan are their own roots
        return x
    r = math.pow(a, F(1.0) / F(3.0))
    r = r + (a / (r * r) - r) / F(3.0)
    return math.copysign(r, x)


HELPERS: dict[str, Callable[..., Any]] = {
    name: fn for name, fn in sorted(globals().items())
    if name.startswith("_") and not name.startswith("__") and callable(fn)
}
"""Every helper by name, as the code templates call them."""
