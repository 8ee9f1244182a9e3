"""NumPy helpers the generated NumPy kernels call: array twins of ``compile/scalar.py``.

They work on arrays and scalars alike, keep the input's float dtype and never overflow:

>>> import numpy as np
>>> float(_sigmoid(np.float64(-1000.0))), float(_softplus(np.float64(1000.0)))
(0.0, 1000.0)
"""

from __future__ import annotations

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


NAMESPACE: dict[str, object] = {
    "np": np,
    "_sigmoid": _sigmoid,
    "_softplus": _softplus,
    "_heaviside": _heaviside,
}
"""What a generated NumPy kernel may name: ``np`` and the helpers."""
