"""The default window of a function: its library domain, a box around its critical points, or
[-3, 3] per variable.

Pictures and basin maps both need a box to work in when none is given; it is decided here,
in the optimizer layer, so that computations below the plot layer can ask for it too.

>>> from gradscape import Function
>>> default_box(Function("rosenbrock"))
((-2.0, 2.0), (-1.0, 3.0))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["default_box"]

_SEARCH_HALF = 10.0  # critical points are looked for in [-10, 10]^n for the default window
_MAX_POINTS_FOR_BOX = 20  # more critical points than this: periodic, so keep [-3, 3]


def default_box(f: Any) -> tuple[tuple[float, float], ...]:
    """The window to draw ``f`` in: its library domain, a box around its critical points, or
    [-3, 3] per variable."""
    lib = getattr(f, "library", None)
    if lib is not None and len(lib.domain) == len(f.variables):
        return tuple((float(a), float(b)) for a, b in lib.domain)
    n = len(f.variables)
    return _critical_box(f, n) or ((-3.0, 3.0),) * n


def _critical_box(f: Any, n: int) -> tuple[tuple[float, float], ...] | None:
    if not getattr(f, "is_symbolic", False):
        return None
    from gradscape.errors import GradscapeError
    from gradscape.optim.critical import critical_points

    try:
        found = critical_points(f, ((-_SEARCH_HALF, _SEARCH_HALF),) * n, symbolic_budget=0.5)
    except GradscapeError:
        return None
    points = np.array([p.point for p in found], dtype=float).reshape(-1, n)
    points = points[np.isfinite(points).all(axis=1)]
    if not 0 < len(points) <= _MAX_POINTS_FOR_BOX:
        return None
    return _box_around(points)


def _box_around(points: Sequence[Sequence[float]] | np.ndarray) -> tuple[tuple[float, float], ...]:
    pts = np.asarray(points, dtype=float)
    center = (pts.max(axis=0) + pts.min(axis=0)) / 2
    half = np.maximum(3.0, 0.6 * (pts.max(axis=0) - pts.min(axis=0)))
    half = np.maximum(half, half.max() / 2)  # at most 2:1, so equal axes stay readable
    return tuple((float(c - h), float(c + h)) for c, h in zip(center, half))
