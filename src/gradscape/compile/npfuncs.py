"""NumPy helpers the generated NumPy kernels call: array twins of ``compile/scalar.py``.

They work on arrays and scalars alike, keep the input's float dtype and never overflow:

>>> import numpy as np
>>> float(_sigmoid(np.float64(-1000.0))), float(_softplus(np.float64(1000.0)))
(0.0, 1000.0)
>>> _erf(np.array([0.5, np.nan], np.float32))
array([0.5204999,       nan], dtype=float32)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["NAMESPACE"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-|x|) never overflows; the two branches are the same function rearranged.
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _heaviside(x: np.ndarray, h0: float) -> np.ndarray:
    return np.heaviside(x, h0)


def _delta(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return np.where((x < 0) | (x > 0), np.zeros_like(x), np.full_like(x, np.nan))


def _atan2(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    # The origin has no angle: IEEE's atan2(±0, ±0) is 0 or ±π by the zeros' signs alone.
    angle = np.arctan2(y, x)
    return np.where((np.asarray(y) == 0) & (np.asarray(x) == 0), angle.dtype.type(np.nan), angle)


def _erf(x: np.ndarray) -> np.ndarray:
    return _elementwise(_ERF, x)


def _erfc(x: np.ndarray) -> np.ndarray:
    return _elementwise(_ERFC, x)


# NumPy has no erf (SciPy, not a dependency, does): math's, one element at a time.
_ERF, _ERFC = np.frompyfunc(math.erf, 1, 1), np.frompyfunc(math.erfc, 1, 1)


def _elementwise(fn: np.ufunc, x: np.ndarray) -> np.ndarray:
    # An object-dtype ufunc: convert back to the input's float dtype (NaN stays NaN).
    x = np.asarray(x)
    return np.asarray(fn(x), dtype=x.dtype if x.dtype.kind == "f" else np.float64)


NAMESPACE: dict[str, object] = {
    "np": np,
    "_sigmoid": _sigmoid,
    "_softplus": _softplus,
    "_heaviside": _heaviside,
    "_delta": _delta,
    "_atan2": _atan2,
    "_erf": _erf,
    "_erfc": _erfc,
}
"""What a generated NumPy kernel may name: ``np`` and the helpers."""
